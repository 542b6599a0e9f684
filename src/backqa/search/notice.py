"""See-a-doctor notice: does a question describe a warning sign that needs a professional look?

Each warning sign has a family of phrasings (`warning_signs.SIGNS`, including everyday ones
such as "pins and needles" or "can't hold my pee"), and a match only counts when it is not
negated ("no numbness", "without any tingling", "it doesn't go down my leg"). Negation scope is
the clause: it ends at punctuation and at "but", "though", "and my ..." and the like, so
"no numbness, but it shoots down my leg" still fires.

The notice never names a condition: it says which words it noticed and to see a doctor or
physical therapist.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from backqa.search.warning_signs import SEASON_FALL, SIGNS

GENERIC_MESSAGE_LABEL = "something that can be a warning sign"

# Where a negation's scope ends: clause punctuation and contrastive words.
CLAUSE_BREAK = re.compile(r"[.;:!?,()\n]|\b(?:but|however|although|though|yet|except|apart\s+"
                          r"from|other\s+than|whereas|while\s+my|instead|plus|(?:and|so|then)\s+(?:my|the|it|i|i'm|i've|now|"
                          r"then|also|since|after))\b")
NEGATION = re.compile(r"\b(?:no|not|without|never|none|nor|neither|free\s+of|absence\s+of|"
                      r"no\s+longer|zero|lack\s+of)\b|n't\b")
# Phrases that look like negation but do not negate what follows.
PSEUDO_NEGATION = re.compile(r"\b(?:no\s+idea|not\s+sure|not\s+certain|no\s+matter|not\s+only|"
                             r"don'?t\s+know|do\s+not\s+know|can'?t\s+tell|not\s+clear|no\s+doubt|"
                             r"can'?t\s+figure)\b")
NEGATION_WINDOW = 8  # words before a match that a negation cue may stand in

SEASONAL_FALL = re.compile(SEASON_FALL)
INHERENT_NEGATION = re.compile(r"n'\?t|\\bnot\\b|\\s+not\\b|cannot|without|nothing|no\\s")


@dataclass(frozen=True)
class WarningFinding:
    """The warning signs found in a question: their ids, the words that matched, a message."""

    message: str
    triggers: list[str]
    signs: list[str]


@dataclass(frozen=True)
class Match:
    sign: str
    start: int
    end: int
    text: str
    negated: bool


def normalise(text: str) -> str:
    """Lower case, NFKC, straight apostrophes, single spaces (offsets stay comparable)."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return " ".join(text.lower().split())


class WarningSignDetector:
    """Finds the warning signs a question describes."""

    def __init__(self, signs: dict[str, tuple[str, tuple[str, ...]]] | None = None,
                 negation_window: int = NEGATION_WINDOW) -> None:
        self.signs = signs or SIGNS
        self.negation_window = negation_window
        # A pattern that spells out a negation itself ("can't feel my toes") is exempt from the
        # check for negation words inside its own match.
        self._compiled = {sign: [(re.compile(p), bool(INHERENT_NEGATION.search(p)))
                                 for p in patterns]
                          for sign, (_, patterns) in self.signs.items()}

    def detect(self, question: str, vector: np.ndarray | None = None) -> WarningFinding | None:
        """The signs `question` describes, or None when it describes no (un-negated) sign.

        `vector` is the question's embedding, when the caller has it (unused by word patterns).
        """
        found = [m for m in self.matches(question) if not m.negated]
        if not found:
            return None
        signs: list[str] = []
        triggers: list[str] = []
        for match in sorted(found, key=lambda m: m.start):
            if match.sign not in signs:
                signs.append(match.sign)
            if match.text not in triggers:
                triggers.append(match.text)
        return WarningFinding(message=self.message(signs), triggers=triggers, signs=signs)

    def matches(self, question: str) -> list[Match]:
        """Every pattern match in the question, each marked negated or not (longest wins)."""
        text = normalise(question)
        spans: list[Match] = []
        for sign, patterns in self._compiled.items():
            for pattern, inherent in patterns:
                for m in pattern.finditer(text):
                    if m.end() <= m.start() or self._excluded(sign, text, m.start(), m.end()):
                        continue
                    negated = self._negated(text, m.start()) or (
                        not inherent and self._negated_inside(m.group(0)))
                    spans.append(Match(sign, m.start(), m.end(), m.group(0).strip(), negated))
        # Within one sign, overlapping matches collapse to the longest.
        spans.sort(key=lambda m: (m.sign, m.start, -(m.end - m.start)))
        kept: list[Match] = []
        for match in spans:
            if kept and kept[-1].sign == match.sign and match.start < kept[-1].end:
                continue
            kept.append(match)
        return kept

    @staticmethod
    def _excluded(sign: str, text: str, start: int, end: int) -> bool:
        if sign == "trauma":
            window = text[max(0, start - 12) : end + 20]
            if SEASONAL_FALL.search(window):
                return True
        return False

    def _negated(self, text: str, start: int) -> bool:
        before = text[:start]
        breaks = list(CLAUSE_BREAK.finditer(before))
        clause = before[breaks[-1].end():] if breaks else before
        words = clause.split()
        window = " ".join(words[-self.negation_window:])
        window = PSEUDO_NEGATION.sub(" ", window)
        return bool(NEGATION.search(window))

    @staticmethod
    def _negated_inside(span: str) -> bool:
        return bool(NEGATION.search(PSEUDO_NEGATION.sub(" ", span)))

    def message(self, signs: list[str]) -> str:
        """A calm message naming what was noticed, never what it means."""
        labels = [self.signs[s][0] for s in signs] or [GENERIC_MESSAGE_LABEL]
        noticed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        text = (f"You mention {noticed}. That is worth having checked: please see a doctor or "
                f"physical therapist about it rather than training through it. The passages below "
                f"are general information and cannot tell what is causing your pain.")
        if "bladder_bowel" in signs:
            text += " With a change in bladder or bowel control, get medical help today."
        return text
