"""See-a-doctor notice: does a question describe a warning sign that needs a professional look?

Two signals. First, words: each warning sign has a family of phrasings (including everyday ones
such as "pins and needles" or "can't hold my pee"), and a match only counts when it is not
negated ("no numbness", "without any tingling", "it doesn't go down my leg"). Negation scope is
the clause: it ends at punctuation and at "but", "though", "and my ..." and the like, so
"no numbness, but it shoots down my leg" still fires. Second, for paraphrases the words miss, a
logistic regression on the question's own embedding (computed for search anyway, so no extra
model call) trained on the judged questions (`python -m backqa.notice train`); it only counts
when the question negates no sign, since an embedding cannot see "no". Raw similarity to sign
descriptions was tried first and rejected: it ranks ordinary back-pain questions above real
signs (see README, "Answers beyond search").

The notice never names a condition: it says which words it noticed and to see a doctor or
physical therapist.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

KIND = "see-a-doctor"

_LEG = r"(?:legs?|foot|feet|toes?|thighs?|calf|calves|knees?|ankles?|shins?)"
_PAIN = r"(?:pain|hurts?|hurting|hurt|aches?|aching|ached|sore|soreness|twinge)"
_SENSATION = (r"(?:pain|hurts?|hurting|aches?|aching|burn\w*|zing\w*|shock\w*|jolt\w*|shoot\w*|"
              r"sting\w*|electric\w*|radiat\w*|throb\w*|twinge\w*|tingl\w*|numb\w*|"
              r"sensation|feeling|cramp\w*|spasm\w*)")
_LEG_WIDE = (r"(?:legs?|thighs?|calf|calves|knees?|foot|feet|toes?|ankles?|shins?|buttocks?|butt|"
             r"glutes?|bum|hamstrings?|heels?|soles?)")
_LEG_NERVE = r"(?:legs?|thighs?|calf|calves|knees?|foot|feet|toes?|shins?|heels?|soles?)"
_NERVE_FEEL = (r"(?:numb\w*|tingl\w*|prickl\w*|buzz\w*|pins\s+and\s+needles|asleep|"
               r"weak(?:ness|ened)?|buckl\w*|giv(?:es?|ing)\s+way|gave\s+way|giv(?:es?|ing)\s+out|"
               r"gave\s+out|floppy|slap\w*|no\s+feeling|lost\s+(?:the\s+)?feeling|loss\s+of\s+"
               r"feeling|electric\w*|crawling|insects?)")
_PAIN_WIDE = (r"(?:pain|painful|hurts?|hurting|hurt|aches?|aching|ached|sore|soreness|twinge\w*|"
              r"bother\w*|niggl\w*|troubl\w*|flar\w*)")
_DURATION = (r"(?:a\s+few|several|many|two|three|four|five|six|seven|eight|nine|ten|\d+|a\s+couple"
             r"\s+of|a|one)?\s*(?:weeks?|months?|years?)")
_SEASON_FALL = r"(?:in|this|last|next|during)\s+the\s+fall|(?:this|last|next)\s+fall|fall\s+" \
               r"(?:marathon|race|season|weather|half|10k|5k|training|block)"

# sign id -> (plain-words label, patterns). Patterns run on lower-cased, normalised text.
SIGNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nerve": ("numbness, tingling or weakness in the legs or feet", (
        r"\bnumb(?:ness|ed|ing)?\b",
        r"\btingl\w*",
        r"\bpins\s+and\s+needles\b",
        r"\b(?:foot|feet|legs?|toes?)\s+(?:\w+\s+)?(?:goes|go|going|went|gone|feels?|felt|"
        r"is|are|was|were|turns?|turned|keeps?)\s+(?:[\w']+\s+){0,3}(?:dead|asleep)\b",
        r"\bdead\s+(?:foot|feet|toes?)\b",
        r"\b(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to)\s+(?:properly\s+|really\s+)?feel\s+"
        r"(?:my\s+|the\s+)?(?:\w+\s+)?" + _LEG + r"\b",
        r"\bweak(?:ness|ened)?\s+(?:\w+\s+){0,2}(?:in\s+)?(?:my\s+|the\s+|both\s+|one\s+)?"
        + _LEG_NERVE + r"\b",
        r"\b" + _LEG_NERVE + r"\s+(?:\w+\s+){0,3}(?:weak|wobbly|buckl\w*|collaps\w*)\b",
        r"\b" + _LEG + r"\s+(?:\w+\s+){0,2}(?:gives?|gave|giving)\s+(?:way|out)\b",
        r"\b" + _NERVE_FEEL + r"\b[^.,;!?]{0,40}?\b" + _LEG_NERVE + r"\b",
        r"\b" + _LEG_NERVE + r"\b[^.,;!?]{0,40}?\b" + _NERVE_FEEL + r"\b",
        r"\bfoot\s+drop\b|\bdrag(?:s|ging|ged)?\s+(?:my\s+)?(?:foot|leg)\b",
        r"\b(?:foot|feet|toes?)\s+(?:\w+\s+){0,3}(?:slaps?|slapping|floppy|flops?|flopping)\b",
        r"\b(?:floppy|slapping)\s+(?:foot|feet)\b",
        r"\b(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to|struggl\w*\s+to|hard\s+to)\s+"
        r"(?:lift|raise|pick\s+up|point|flex)\s+(?:my\s+|the\s+)?(?:\w+\s+)?(?:foot|feet|toes?)\b",
        r"\b(?:foot|feet|toes?)\s+(?:\w+\s+)?(?:doesn'?t|don'?t|won'?t|does\s+not|do\s+not|can'?t)\s+"
        r"(?:lift|clear\s+the\s+ground|come\s+up)\b",
        r"\b(?:foot|feet|toes?)\s+(?:\w+\s+)?(?:catch(?:es|ing)?|scuff\w*|drag\w*)\b",
    )),
    "radiating": ("pain that radiates or shoots down a leg", (
        r"\bsciatic\w*",
        r"\b(?:radiat\w*|shoot\w*|shot|travel\w*|spread\w*|runs|ran|goes|going|went|moves?|"
        r"moving|extends?|extending|refers?|shoots|stabbing|burning|electric\w*|zings?|zinging)"
        r"\s+(?:\w+\s+){0,2}(?:down|into|through|along|to)\s+(?:\w+\s+){0,3}"
        r"(?:legs?|thighs?|calf|calves|knees?|foot|feet|buttocks?|butt|glutes?|bum)\b",
        r"\b" + _SENSATION + r"[^.,;!?]{0,40}?\b(?:down|into)\s+(?:\w+\s+){0,4}" + _LEG_WIDE
        + r"\b",
        r"\bnerve\s+pain\b",
        r"\bfrom\s+(?:my\s+)?(?:lower\s+)?(?:back|spine)\b.{0,40}?\bto\s+(?:my\s+)?(?:\w+\s+)?"
        r"(?:legs?|thighs?|calf|calves|knees?|foot|feet|toes?|ankles?|heels?)\b",
        r"\b(?:leg|thigh|calf)\s+pain\s+(?:\w+\s+){0,2}(?:with|and|from)\s+(?:my\s+)?"
        r"(?:lower\s+)?back\b",
    )),
    "fever": ("fever", (
        r"\bfever\w*",
        r"\bfebrile\b",
        r"\b(?:high|raised)\s+temperature\b",
        r"\brunning\s+a\s+temperature\b",
        r"\bchills\b",
        r"\b(?:shiver\w*|rigors|feverish|temperature\s+(?:of|was|is|at|around|over)\s+(?:3[89]|"
        r"4[01]|10[0-5]))\b",
        r"\bnight\s+sweats\b",
        r"\bsweat\w*\s+(?:\w+\s+){0,2}(?:at\s+night|in\s+bed|through\s+the\s+night|in\s+my\s+sleep)\b",
        r"\b(?:feel|feeling|felt|am|i'm)\s+(?:\w+\s+)?(?:hot\s+and\s+cold|feverish|shivery|burning\s+up)\b",
        r"\bfeel(?:ing)?\s+hot\b",
    )),
    "weight_loss": ("unexplained weight loss", (
        r"\b(?:unexplained|unintentional|unintended|unexpected|sudden|rapid)\s+weight\s+loss\b",
        r"\b(?:lost|losing|lose|dropped|dropping|shed|shedding)\s+(?:\w+\s+){0,3}"
        r"(?:weight|kg|kilos?|pounds|lbs?)\b.{0,30}?\b(?:without\s+(?:trying|dieting|meaning)|"
        r"for\s+no\s+(?:\w+\s+)?reason|not\s+(?:trying|dieting)|(?:don'?t|do\s+not)\s+know\s+why|"
        r"unexplained|not\s+eating\s+less|eating\s+(?:the\s+same|normally|as\s+much|more)|"
        r"without\s+changing\s+anything|(?:with\s+)?no\s+change)",
        r"\b(?:getting|got|gotten|becoming|become|grown)\s+(?:\w+\s+)?(?:thinner|skinnier|bonier)\b"
        r"[^.;!?]{0,40}?\b(?:no\s+(?:\w+\s+)?reason|without\s+trying|not\s+(?:trying|dieting)|"
        r"(?:don'?t|do\s+not)\s+know\s+why|unexplained)",
        r"\b(?:clothes|jeans|trousers|pants|shorts|belt)\s+(?:are|is|feel|got|getting)\s+(?:\w+\s+)?"
        r"(?:loose|looser|baggy)\b[^.;!?]{0,40}?\b(?:not\s+(?:eating\s+less|dieting|trying)|"
        r"without\s+(?:trying|dieting)|no\s+(?:\w+\s+)?reason|eating\s+(?:the\s+same|normally))",
    )),
    "bladder_bowel": ("loss of bladder or bowel control", (
        r"\bincontinen\w*",
        r"\b(?:loss|lost|losing)\s+(?:of\s+)?(?:\w+\s+)?(?:bladder|bowel)\s+control\b",
        r"\b(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to|trouble|difficulty|problems?|hard\s+"
        r"to|struggl\w*)\s+(?:to\s+|with\s+)?(?:hold(?:ing)?|control(?:ling)?|empty(?:ing)?|"
        r"start(?:ing)?)\s+(?:in\s+)?(?:my\s+|the\s+)?(?:pee|wee|urine|bladder|bowels?|poo|stools?|"
        r"peeing|urinating|urination)\b",
        r"\b(?:wet|soiled|pee|peed|pooed)\s+(?:myself|themselves|himself|herself)\b",
        r"\bleak\w*\s+(?:\w+\s+)?(?:urine|pee|wee)\b",
        r"\b(?:rush|run|dash)\s+to\s+the\s+(?:toilet|bathroom|loo)\b[^.;!?]{0,30}?\bleak\w*",
        r"\b(?:pee|peed|peeing|wee|weed|urinat\w*|wet|leak\w*|poo|pooed)\b.{0,30}?\b(?:without\s+"
        r"(?:noticing|realising|realizing|feeling\s+it|meaning\s+to|wanting\s+to)|my\s+(?:pants|"
        r"shorts|knickers)|involuntar\w*)",
        r"\b(?:don'?t|didn'?t|do\s+not|did\s+not|can'?t|couldn'?t)\s+(?:always\s+)?(?:make|get)\s+"
        r"it\s+to\s+the\s+(?:toilet|bathroom|loo|restroom)\b",
        r"\b(?:can'?t|cannot|couldn'?t)\s+(?:feel|tell)\s+(?:when\s+)?(?:i\s+)?(?:need\s+to\s+)?"
        r"(?:pee|wee|urinate|go\s+to\s+the\s+toilet)\b",
        r"\b(?:numb\w*|no\s+feeling)\s+(?:\w+\s+){0,2}(?:groin|genitals?|saddle|between\s+my\s+legs|"
        r"private\s+parts)\b",
    )),
    "trauma": ("pain after a fall or an accident", (
        r"\b(?:after|since|from|in|during|had|have\s+had|was\s+in)\s+(?:a|an|my|the|that)\s+"
        r"(?:\w+\s+)?"
        r"(?:fall|crash|accident|collision|tumble|wipe\s*out)\b",
        r"\b(?:fell|fallen|tripped|slipped|crashed|tumbled)\b(?!\s+(?:asleep|in\s+love|behind|"
        r"short|apart|off\s+the\s+wagon))",
        r"\blanded\s+(?:hard\s+)?(?:on|onto)\s+(?:my\s+)?(?:back|tailbone|coccyx|butt|bum|hip)\b",
        r"\b(?:hit|clipped|struck|knocked\s+(?:down|over))\s+by\s+(?:a\s+)?(?:car|bike|"
        r"cyclist|vehicle|truck|van|scooter)\b",
        r"\b(?:car|bike|cyclist|vehicle|truck|van)\s+(?:\w+\s+)?(?:hit|clipped|struck|knocked)\s+"
        r"me\b",
        r"\bwhiplash\b",
        r"\b(?:knocked|bowled)\s+(?:me\s+)?(?:over|down|off)\b",
        r"\b(?:rear[-\s]ended|run\s+over|car\s+(?:crash|accident|wreck))\b",
        r"\b(?:hit|banged|bashed|bumped|smacked|slammed|jarred|twisted)\s+my\s+(?:lower\s+)?back\b",
        r"\b(?:went|gone|go)\s+over\s+on\b|\bcame\s+off\s+(?:my|the|a)\b|\bwiped\s+out\b|"
        r"\btook\s+a\s+(?:\w+\s+)?(?:tumble|spill|fall)\b",
    )),
    "severe": ("severe pain", (
        r"\b(?:excruciating|unbearable|agoni[sz]ing|agony|crippling|debilitating|"
        r"worst\s+pain|10\s*/\s*10|10\s+out\s+of\s+10)\b",
        r"\b(?:severe|intense|extreme|horrendous|terrible|awful)\s+(?:\w+\s+){0,2}" + _PAIN
        + r"\b",
        r"\b" + _PAIN + r"\s+(?:\w+\s+){0,2}(?:is|was|are|so|really|very)\s+(?:\w+\s+)?"
        r"(?:severe|intense|extreme)\b",
        r"\bworst\s+(?:\w+\s+){0,2}" + _PAIN + r"\b",
        r"\bso\s+(?:bad|painful|intense)\s+(?:that\s+)?(?:i\s+)?(?:had\s+to\s+crawl|couldn'?t|"
        r"can'?t|cried|could\s+(?:hardly|barely))",
        r"\b(?:had|have)\s+to\s+crawl\b|\bcrawl(?:ed|ing)?\s+(?:to|out\s+of|into)\b",
        r"\b(?:back|pain|it)\s+(?:is|'s|was)\s+killing\s+me\b",
        r"\b(?:can|could)\s+(?:hardly|barely|scarcely)\s+(?:walk|stand|move|get\s+up|sit|bend|"
        r"breathe|sleep)\b",
        r"\b(?:can\s+barely|can'?t|cannot|could\s+barely|couldn'?t|unable\s+to)\s+(?:even\s+)?"
        r"(?:walk|stand(?:\s+up)?|move|get\s+out\s+of\s+bed|straighten\s+up|bend|sit)\b",
    )),
    "night_rest": ("pain at night or at rest", (
        r"\b(?:wakes?|woke|waking|keeps?|kept)\s+me\s+(?:up|awake)\b",
        r"\b(?:wakes?|woke|waking)\s+me\b",
        r"\b" + _PAIN + r"\s+(?:\w+\s+){0,4}(?:at\s+night|all\s+night|in\s+bed|at\s+rest|"
        r"when\s+(?:i'?m\s+)?(?:resting|lying|sitting\s+still)|while\s+(?:i'?m\s+)?(?:resting|"
        r"lying|asleep|sleeping)|even\s+(?:when\s+)?(?:i'?m\s+)?(?:resting|lying))\b",
        r"\b(?:at\s+night|in\s+bed|at\s+rest),?\s+(?:my|the)\s+(?:\w+\s+){0,2}" + _PAIN + r"\b",
        r"\beven\s+(?:when|while)\s+(?:i'?m\s+|i\s+am\s+)?(?:resting|lying|sitting\s+still|"
        r"sleeping|not\s+running|doing\s+nothing)\b",
        r"\b(?:can'?t|cannot|couldn'?t)\s+sleep\b",
    )),
    "persistent": ("pain that does not ease after weeks", (
        r"\b(?:hasn'?t|has\s+not|haven'?t|have\s+not|won'?t|will\s+not|doesn'?t|does\s+not|"
        r"isn'?t|is\s+not|not)\s+(?:\w+\s+)?(?:gone\s+away|go\s+away|going\s+away|eased|ease|"
        r"easing|improved|improve|improving|getting\s+better|got\s+better|get\s+better|settled|"
        r"settle|subsided|subside|healed|heal|cleared\s+up)\b",
        r"\bnothing\s+(?:\w+\s+){0,3}(?:helps|helped|works|worked|seems\s+to\s+help)\b",
        r"\b(?:persistent|chronic)\b",
        r"\b" + _PAIN + r"\s+(?:\w+\s+){0,4}(?:for|over|in)\s+(?:about\s+|almost\s+|more\s+than\s+|"
        r"over\s+|nearly\s+)?(?:the\s+)?(?:past\s+|last\s+)?" + _DURATION + r"\b",
        r"\b(?:for|over)\s+(?:the\s+)?(?:past\s+|last\s+)?" + _DURATION + r",?\s+(?:now\s+)?"
        r"(?:my\s+)?(?:\w+\s+){0,2}(?:has|have)\s+(?:\w+\s+)?(?:hurt|ached|been\s+(?:sore|bad|"
        r"painful|aching|hurting))\b",
        r"\bstill\s+(?:hurts?|aches?|painful|sore)\b.{0,30}?\b(?:after|weeks?|months?)\b",
        r"\b(?:it'?s|it\s+has|has|have|it\s+is)\s+been\s+(?:about\s+|almost\s+|over\s+|more\s+than\s+|"
        r"nearly\s+)?" + _DURATION + r"\b[^.;!?]{0,60}?\b(?:still|" + _PAIN + r")\b",
        r"\b" + _PAIN + r"\s+(?:\w+\s+){0,4}since\s+(?:last\s+)?(?:january|february|march|april|"
        r"may|june|july|august|september|october|november|december|christmas|the\s+new\s+year|"
        r"last\s+(?:month|year|season|spring|summer|autumn|winter))\b",
        r"\b" + _PAIN_WIDE + r"\b[^.,;!?]{0,30}?\b(?:for|over|in|since)\s+(?:about\s+|almost\s+|"
        r"more\s+than\s+|over\s+|nearly\s+)?(?:the\s+)?(?:past\s+|last\s+)?"
        r"(?:a\s+few|several|many|two|three|four|five|six|seven|eight|nine|ten|\d+|a\s+couple\s+of)"
        r"\s+(?:weeks|months|years)\b",
        r"\b(?:\w+\s+)?(?:weeks|months)\s+of\s+(?:rest|physio|treatment|stretching|rehab)\b"
        r"[^.;!?]{0,40}?\b(?:still|" + _PAIN + r")\b",
        r"\b" + _DURATION + r"\s+(?:later|on)\b[^.;!?]{0,40}?\b(?:still|" + _PAIN + r")\b",
    )),
}

CLASSIFIER_FILE = Path(__file__).with_name("warning_classifier.json")
GENERIC_MESSAGE_LABEL = "something that can be a warning sign"
GENERIC_WORDS = frozenset((
    "my", "the", "a", "an", "i", "i'm", "and", "or", "of", "to", "in", "on", "at", "after",
    "before", "when", "with", "is", "it", "back", "lower", "pain", "hurts", "hurt", "ache",
    "aches", "run", "runs", "running", "ran", "long",
))

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

SEASONAL_FALL = re.compile(_SEASON_FALL)
INHERENT_NEGATION = re.compile(r"n'\?t|\\bnot\\b|\\s+not\\b|cannot|without|nothing|no\\s")


@dataclass
class Notice:
    """A see-a-doctor notice; `passages` are filled in by whoever holds the library."""

    kind: str
    message: str
    triggers: list[str]
    signs: list[str]
    passages: list[dict[str, object]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "message": self.message, "triggers": self.triggers,
                "signs": self.signs, "passages": self.passages}


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
    """Finds warning signs in a question; `run` returns a notice, or None for none."""

    def __init__(self, signs: dict[str, tuple[str, tuple[str, ...]]] | None = None,
                 negation_window: int = NEGATION_WINDOW, model_key: str | None = None,
                 classifier: WarningClassifier | None = None,
                 classifier_file: Path = CLASSIFIER_FILE) -> None:
        """`model_key` is the encoder's identity key: the embedding classifier is used only
        when it was trained on vectors of that model (else words alone decide)."""
        self.signs = signs or SIGNS
        self.negation_window = negation_window
        if classifier is None and model_key is not None and classifier_file.is_file():
            classifier = WarningClassifier.load(classifier_file)
        self.classifier = classifier if classifier is not None and (
            model_key is None or classifier.model_key == model_key) else None
        # A pattern that spells out a negation itself ("can't feel my toes") is exempt from the
        # check for negation words inside its own match.
        self._compiled = {sign: [(re.compile(p), bool(INHERENT_NEGATION.search(p)))
                                 for p in patterns]
                          for sign, (_, patterns) in self.signs.items()}

    def run(self, question: str, vector: np.ndarray | None = None) -> Notice | None:
        """The notice for `question`, or None when it describes no (un-negated) warning sign.

        `vector` is the question's embedding, if the caller has it; without it (or without an
        encoder) only the words are used.
        """
        matches = self.matches(question)
        found = [m for m in matches if not m.negated]
        if not found:
            if vector is None or self.classifier is None or any(m.negated for m in matches):
                return None
            if not self.classifier.fires(vector):
                return None
            return Notice(kind=KIND, message=self.message([]),
                          triggers=[self._key_clause(question)], signs=[])
        signs: list[str] = []
        triggers: list[str] = []
        for match in sorted(found, key=lambda m: m.start):
            if match.sign not in signs:
                signs.append(match.sign)
            if match.text not in triggers:
                triggers.append(match.text)
        return Notice(kind=KIND, message=self.message(signs), triggers=triggers, signs=signs)

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
    def _key_clause(question: str) -> str:
        """The clause of the question with the most specific words (what the embedding saw)."""
        text = " ".join(question.split())
        clauses = [c.strip() for c in re.split(r"[.;:!?,()]|\b(?:but|and|plus|when)\b", text)
                   if c and c.strip()]
        def specific(clause: str) -> int:
            return sum(1 for w in clause.lower().split() if w not in GENERIC_WORDS)
        return max(clauses, key=specific) if clauses else text

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


@dataclass
class WarningClassifier:
    """Logistic regression on question embeddings: P(the question describes a warning sign)."""

    weights: np.ndarray
    bias: float
    model_key: str
    threshold: float = 0.5
    trained_on: str = ""  # sha256 of the training file
    examples: int = 0
    c: float = 4.0

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        z = np.atleast_2d(np.asarray(vectors, dtype=np.float64)) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def fires(self, vector: np.ndarray) -> bool:
        return bool(self.probability(vector)[0] >= self.threshold)

    @classmethod
    def train(cls, vectors: np.ndarray, labels: np.ndarray, model_key: str, c: float = 4.0,
              threshold: float = 0.5, trained_on: str = "") -> WarningClassifier:
        """L2-regularised logistic regression (scikit-learn's C convention) by Newton steps."""
        x = np.asarray(vectors, dtype=np.float64)
        y = np.asarray(labels, dtype=np.float64)
        n, d = x.shape
        xb = np.hstack([x, np.ones((n, 1))])
        w = np.zeros(d + 1)
        reg = np.full(d + 1, 1.0 / c)
        reg[-1] = 0.0  # the bias is not regularised
        for _ in range(100):
            p = 1.0 / (1.0 + np.exp(-(xb @ w)))
            grad = xb.T @ (p - y) + reg * w
            hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(d + 1)
            step = np.linalg.solve(hess, grad)
            w -= step
            if float(np.abs(step).max()) < 1e-8:
                break
        return cls(w[:-1], float(w[-1]), model_key, threshold, trained_on, n, c)

    def save(self, path: Path) -> None:
        data = {"model_key": self.model_key, "threshold": self.threshold, "c": self.c,
                "trained_on": self.trained_on, "examples": self.examples,
                "bias": round(self.bias, 8), "weights": [round(float(v), 8) for v in self.weights]}
        path.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> WarningClassifier:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(np.asarray(data["weights"], dtype=np.float64), float(data["bias"]),
                       str(data["model_key"]), float(data["threshold"]),
                       str(data.get("trained_on", "")), int(data.get("examples", 0)),
                       float(data.get("c", 4.0)))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a readable warning-sign classifier ({exc})") from exc


def read_judged(path: Path) -> list[dict[str, object]]:
    """The judged questions: one JSON object per line with `q` and `warning`."""
    rows: list[dict[str, object]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row.get("q"), str) or not isinstance(row.get("warning"), bool):
                raise ValueError("needs a string `q` and a boolean `warning`")
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from exc
        rows.append(row)
    return rows


def train_from_file(judged: Path, out: Path = CLASSIFIER_FILE) -> WarningClassifier:
    """Embed the judged questions with the installed model and save a classifier for them."""
    from backqa.encoder import TorchEncoder

    rows = read_judged(judged)
    encoder = TorchEncoder()
    vectors = encoder.encode([str(r["q"]) for r in rows])
    labels = np.array([bool(r["warning"]) for r in rows])
    digest = hashlib.sha256(judged.read_bytes()).hexdigest()
    classifier = WarningClassifier.train(vectors, labels, encoder.identity.key, trained_on=digest)
    classifier.save(out)
    return classifier


if __name__ == "__main__":  # python -m backqa.notice train [judged.jsonl]
    if len(sys.argv) < 2 or sys.argv[1] != "train":
        sys.exit("usage: python -m backqa.notice train [tests/judged/notice_questions.jsonl]")
    source = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("tests/judged/notice_questions.jsonl")
    trained = train_from_file(source)
    print(f"trained on {trained.examples} questions -> {CLASSIFIER_FILE}")
