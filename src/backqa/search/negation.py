"""Whether a word-pattern match is negated ("no numbness") or over and done with ("had
sciatica years ago, all cleared up", "tripped but caught myself").

A negation's scope is its clause: it ends at punctuation and at "but", "though", "and my ..."
and the like, so "no numbness, but it shoots down my leg" still counts the shooting pain. A
sign is over when its clause or the next says so ("used to", "years ago", "cleared up", "fine
now") and the same stretch does not bring it back ("still", "ever since").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

CLAUSE_BREAK = re.compile(r"[.;:!?,()\n]|\s[-–—]\s|\b(?:but|however|although|though|yet|except|"
                          r"apart\s+from|other\s+than|whereas|while\s+my|instead|plus|(?:and|so|"
                          r"then)\s+(?:my|the|it|i|i'm|i've|now|then|also|since|after))\b")
SENTENCE_BREAK = re.compile(r"[.;!?\n]")
NEGATION = re.compile(r"\b(?:no|not|without|never|none|nothing|nor|neither|free\s+of|absence\s+of|"
                      r"no\s+longer|zero|lack\s+of)\b|n't\b")
# Phrases that look like negation but do not negate what follows ("doesn't stop" affirms it).
PSEUDO_NEGATION = re.compile(r"\b(?:no\s+idea|not\s+sure|not\s+certain|no\s+matter|not\s+only|"
                             r"don'?t\s+know|do\s+not\s+know|can'?t\s+tell|not\s+clear|no\s+doubt|"
                             r"can'?t\s+figure|not\s+just|(?:doesn'?t|does\s+not|won'?t|never|"
                             r"don'?t|"
                             r"isn'?t)\s+(?:\w+\s+)?(?:stop|stops|stopping|ease|easing|let\s+up|"
                             r"go\s+away|going\s+away|settle|improve|get\s+better|getting\s+better|"
                             r"help|helping|quit|shift|budge))\b")
RESOLVED = re.compile(r"\b(?:used\s+to|years\s+ago|(?:cleared|clearing)\s+up|went\s+away|"
                      r"gone\s+away|resolved|healed(?:\s+up)?|(?:fully|completely)\s+recovered|"
                      r"recovered\s+(?:fully|completely)|(?:all|completely|totally|finally|long)\s+"
                      r"gone|(?:fine|better|gone|well|great|good)\s+now|(?:been|totally|completely|"
                      r"perfectly)\s+fine|back\s+to\s+normal|caught\s+myself|(?:didn'?t|"
                      r"did\s+not)\s+(?:actually\s+)?(?:fall|go\s+down|hit\s+the\s+ground)|"
                      r"stayed\s+on\s+my\s+feet|no\s+harm\s+done|sorted\s+(?:it|me|itself)|"
                      r"(?:fixed|cured)\s+(?:it|me)|settled\s+down|disappeared|vanished|"
                      r"no\s+(?:injury|injuries|damage|harm)|no\s+lasting\s+(?:problems?|issues?|damage|"
                      r"effects?)|(?:never|hasn'?t|has\s+not|haven'?t|have\s+not)\s+(?:\w+\s+)?"
                      r"(?:come\s+back|returned|recurred)|came\s+back\s+(?:fully|completely)|"
                      r"pain[-\s]free|none\s+(?:at\s+all\s+)?now|ages\s+ago|"
                      r"as\s+a\s+(?:teenager|teen|kid|child)|in\s+my\s+(?:teens|twenties|"
                      r"thirties|forties|20s|30s|40s)|back\s+in\s+(?:19|20)\d\d|"
                      r"in\s+(?:19|20)\d\d|(?:fully|completely|totally)\s+cleared|all\s+cleared|cleared\s+now|(?:completely|fully|"
                      r"totally)\s+settled|settled\s+(?:completely|now)|(?:wasn'?t|was\s+not)\s+(?:hurt|"
                      r"injured)|(?:didn'?t|did\s+not)\s+(?:hurt|injure)\s+(?:myself|anything)|"
                      r"unhurt|unscathed|stayed\s+upright|kept\s+my\s+(?:balance|feet))\b")
# ("how do I stop it coming back" does not say it is back.)
STILL_THERE = re.compile(r"\b(?<!stop\sit\s)(?<!prevent\sit\s)(?:still|(?<!never\s)(?<!n't\s)"
                         r"(?<!not\s)(?:came|come|comes|coming)\s+back(?!\s+(?:fully|completely))|"
                         r"(?<!never\s)(?<!n't\s)returned|back\s+again|"
                         r"(?<!fine\s)(?<!good\s)(?<!great\s)ever\s+since|since\s+then|worse)\b")
NEGATION_WINDOW = 8  # words before a match that a negation cue may stand in


def negated_inside(span: str) -> bool:
    """Whether a matched span itself contains a negation cue (for patterns with gaps)."""
    return bool(NEGATION.search(PSEUDO_NEGATION.sub(" ", span)))


def _negated_before(before: str, window: int) -> bool:
    return negated_inside(" ".join(before.split()[-window:]))


class Clauses:
    """One normalised question's clauses and sentences, found once for all its matches."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = list(CLAUSE_BREAK.finditer(text))
        self._break_starts = [m.start() for m in breaks]
        self._break_ends = [m.end() for m in breaks]
        self._sentence_ends = [m.start() for m in SENTENCE_BREAK.finditer(text)]

    def clause_start(self, start: int) -> int:
        """Where the clause holding `start` begins."""
        i = bisect_right(self._break_ends, start)
        return self._break_ends[i - 1] if i else 0

    def clause(self, start: int, end: int) -> str:
        """The clause(s) holding `start:end`."""
        i = bisect_left(self._break_starts, end)
        clause_end = self._break_starts[i] if i < len(self._break_starts) else len(self.text)
        return self.text[self.clause_start(start):clause_end]

    def sentence(self, start: int, end: int) -> str:
        """The sentence holding `start:end`."""
        i = bisect_left(self._sentence_ends, start)
        sentence_start = self._sentence_ends[i - 1] + 1 if i else 0
        j = bisect_left(self._sentence_ends, end)
        return self.text[sentence_start:self._sentence_ends[j] if j < len(self._sentence_ends)
                         else len(self.text)]

    def negated(self, start: int, window: int = NEGATION_WINDOW) -> bool:
        """Whether a negation cue stands in the same clause, at most `window` words before."""
        return _negated_before(self.text[self.clause_start(start):start], window)

    def resolved(self, start: int, end: int) -> bool:
        """Whether the match's clause or the next says the sign is over (and not that it is
        back)."""
        clause_start = self.clause_start(start)
        j = bisect_left(self._sentence_ends, end)
        sentence_end = self._sentence_ends[j] if j < len(self._sentence_ends) else len(self.text)
        i = bisect_left(self._break_starts, end)
        # The match's clause and the next one (a following clause may close it: "..., all
        # cleared up"), never past the sentence.
        scope_end = self._break_starts[i + 1] if i + 1 < len(self._break_starts) else len(self.text)
        scope = self.text[clause_start:min(scope_end, sentence_end)]
        if not any(not _negated_before(scope[:cue.start()], 3) for cue in RESOLVED.finditer(scope)):
            return False
        return not STILL_THERE.search(scope)
