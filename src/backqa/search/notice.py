"""See-a-doctor notice: does a question describe a warning sign that needs a professional look?

Two layers, both gated by the question being about back pain or running:
1. Word patterns (`warning_signs.SIGNS`): each sign's everyday phrasings ("pins and needles",
   "struggle to pee", "lost a stone without trying"). A match counts unless it is negated in its
   clause or said to be over (`negation`).
2. A semantic layer (`sign_model.SignModel`): the labelled examples nearest to the question's
   own embedding, which search has already computed, for phrasings the patterns did not
   foresee. It speaks only where the patterns found no current sign, and never names a sign
   they found negated or over.

The gate: a question fires only if it uses back-pain or running words (`warning_signs.CONTEXT`)
or the library's evidence says it is on topic (the no-match rule would answer it), so an
off-topic question ("numb fingers after skiing") never fires.

The notice never names a condition: it says which words it noticed and to see a doctor or
physical therapist.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from backqa.search import negation
from backqa.search.no_match import Evidence
from backqa.search.sign_model import SignModel
from backqa.search.sign_words import COLLIDER, CONTEXT, PAIN, SEASON_FALL
from backqa.search.warning_signs import SIGNS

GENERIC_MESSAGE_LABEL = "something that can be a warning sign"
# The library's best cosine at which a question without back-pain or running words counts as
# on topic. The notice's own threshold, not the no-match rule's (which answers near misses on
# purpose): on the shipped library every off-topic judged question is below it (highest 0.31)
# and the warning questions without such words above (0.33 to 0.43); see docs/notice.md.
ON_TOPIC_DENSE = 0.33

_CONTEXT = re.compile(CONTEXT)
_SEASONAL_FALL = re.compile(SEASON_FALL)
# A pattern that spells out a negation itself ("can't feel my toes") is exempt from the check
# for negation words inside its own match.
_INHERENT_NEGATION = re.compile(r"(?:(?<![a-z])|(?<=\\b))(?:not|no|never|without|nothing|none|"
                                r"cannot)(?![a-z])|n'\?t")
# Words that give a sign word another sense, looked for just before it.
_OTHER_SENSE = {
    "fever": re.compile(r"\b(?:hay|cabin|spring|marathon|race|night|football|gold)\s+$"),
    "trauma": re.compile(r"\b(?:phone|watch|bottle|keys|gels?|headphones|earbuds|pace|mileage|"
                         r"times?|weight|temperature|score|ranking|sourdough|loaf|cake|bread|"
                         r"leaves|shares|prices?|market|computer|laptop|app|garmin|strava|website|"
                         r"shorts|trousers|tights|leggings|socks|pants|jeans|hat|glasses)"
                         r"\s+(?:\w+\s+)?$|\b(?:nearly|almost)\s+$"
                         # someone else fell, or the idiom "felt like I'd been hit by a bus"
                         r"|\b(?:friend|buddy|mate|partner|wife|husband|son|daughter|someone|"
                         r"somebody|runner|he|she|they)\s+(?:\w+\s+)?$"
                         r"|\blike\s+(?:i'?d|i\s+had|i'?ve|i\s+have)\s+been\s+$"),
    # "a dog ran into my legs" is a collision, not pain running into the legs.
    "radiating": re.compile(r"\b" + COLLIDER + r"\s+$"),
    # "the heat was unbearable": the weather, not the pain.
    "severe": re.compile(r"\b(?:heat|humidity|weather|sun|queue|wait|noise|crowds?|course|hills?|"
                         r"climb|traffic|boredom)\s+(?:was|is|were|got)\s+(?:\w+\s+)?$"),
    # ... and tired leg muscles aching overnight are not back pain at night.
    "night_rest": re.compile(r"\b(?:alarm|baby|kids?|toddler|dog|puppy|cat|partner|neighbou?rs?|"
                             r"little\s+one|husband|wife|boyfriend|girlfriend|snor\w+|storm|"
                             r"thunder\w*|"
                             r"phone|noise|children|legs|calves|quads|hamstrings|thighs)\s+(?:\w+\s+)?$"),
}
# Words after a sign word that give it another sense ("fell asleep", "slipped disc").
_OTHER_SENSE_AFTER = {
    # waking at night "but that was the new puppy"
    "night_rest": re.compile(r"^[^.;!?]{0,40}?\b(?:that\s+was|because\s+of|due\s+to|thanks\s+to)\s+"
                             r"(?:the\s+|my\s+|our\s+)?(?:new\s+)?(?:puppy|baby|newborn|kids?|"
                             r"toddler|dog|cat|alarm|noise|neighbou?rs?|heat|snoring)\b"),
    "fever": re.compile(r"^\s+(?:of\s+)?(?:excitement|anticipation|energy|pace|pitch|rush|buzz|"
                        r"nerves)\b|^\s+about\b"),
    "trauma": re.compile(r"^\s+(?:asleep|in\s+love|behind|short|apart|off\s+the\s+wagon|ill|sick|"
                         r"pregnant|silent|flat|through|for\b|back\s+into|(?:my\s+|a\s+)?laces?\b|"
                         r"into\s+(?:a\s+|the\s+|my\s+)?(?:old|bad|new|lazy)?\s*(?:habit|routine|rhythm|"
                         r"place|line)|into\s+(?:a|the|old|bad|"
                         r"my)?\s*(?:habit|routine|rhythm|place|line)|arches|discs?|(?:in|"
                         r"down)\s+(?:the\s+|my"
                         r"\s+)?(?:\w+\s+){0,2}(?:rankings?|standings?|table|results|"
                         r"leaderboard))"),
}
# A fall or slip the question itself says did no harm ("bounced straight back up, no pain at
# all", "my back's fine").
_NO_HARM = re.compile(r"\bno\s+back\s+(?:issues|problems|pain|trouble)\b|"
                      r"\bback(?:'s|\s+is|\s+was|\s+feels?|\s+felt|\s+held\s+up)?\s+(?:\w+\s+)?(?:fine|ok|okay|"
                      r"normal|good|great|grand|alright|all\s+right)\b|\bno\s+pain\b(?!\s+(?:relief|killers?))|"
                      r"\b(?:didn'?t|did\s+not)\s+hit\s+anything\b|\bbounced\s+(?:straight\s+)?"
                      r"(?:back\s+)?up\b")
# Weight the question is trying not to lose ("eat more so I don't lose weight").
_KEEPING_WEIGHT = re.compile(r"\b(?:don'?t|do\s+not|not|never|avoid|without|stop\s+myself)\s+"
                             r"(?:\w+\s+)?(?:lose|losing|lost|dropping|drop)\b")
# Numb or tingling feet with a local, harmless cause named in the same sentence.
_LOCAL_CAUSE = re.compile(r"\b(?:(?:laces?|shoes?|trainers|socks?)\s+(?:\w+\s+){0,2}(?:too\s+)?"
                          r"tight|tight\s+(?:laces?|shoes?|trainers|socks?)|cold\s+weather|"
                          r"in\s+the\s+(?:cold|snow|winter)|freezing\s+(?:cold|weather|morning)|"
                          r"cross-?legged|legs?\s+crossed|sitting\s+(?:[\w']+\s+){0,4}too\s+long|"
                          r"(?:sleeping|slept|lying|lay|leaning|sat)\s+on\s+it|numb\s+(?:with|from)\s+(?:the\s+)?cold)\b")
# Shivering or sweating with the weather or the effort named as its cause (not a fever).
_CHILL_OR_SWEAT = re.compile(r"shiver|chill|sweat|chatter|warm|cold|boiling|roasting|shakes")
_EXPOSURE = re.compile(r"\b(?:cold|freezing|wet|rainy|snowy|icy|hot|humid|muggy|warm|sweltering|"
                       r"boiling|scorching|winter|wintry)\s+(?:[\w-]+\s+)?(?:race|run|weather|morning|day|"
                       r"night|rain|wind|miler|10k|5k|half|marathon|session|workout|start|parkrun|"
                       r"start\s+line)|"
                       r"\bin\s+(?:the\s+)?(?:[\w-]+\s+)?(?:cold|rain|snow|heat|sun|wind|summer|"
                       r"heatwave|drizzle|downpour|sleet|hail)\b|\bstart\s+line\b|\bsoaked\b|"
                       r"\b(?:duvet|heating|radiator|blankets?|electric\s+blanket)\b|"
                       r"\buntil\s+i\s+(?:got\s+changed|warmed\s+up|got\s+warm|cooled\s+down)\b|"
                       r"\b\d+\s*(?:degrees?|°)")
# Sweating named with the run that caused it (night sweats are never exempt).
_SWEAT = re.compile(r"sweat(?!s?\s+(?:at|every|all|through\s+the)\s+night)(?<!night\ssweat)")
_EXERTION = re.compile(r"\b(?:after|during|on|in|from|at)\s+(?:a|an|my|the|every|each|this|that|"
                       r"today'?s)\s+(?:[\w-]+\s+){0,2}(?:run|runs|race|miler|10k|5k|half|"
                       r"marathon|session|workout|tempo|intervals|reps|parkrun|long\s+run|"
                       r"treadmill|gym|class|yoga|spin)\b|\bhot\s+yoga\b")
# A fall or a collision is this sign only if something hurts ("a dog ran into my legs" alone is
# not).
_HURT = re.compile(r"\b(?:" + PAIN + r"|back|backs|spine|tailbone|coccyx|injur\w*|bruis\w*|"
                   r"agony|kill\w*)\b")
# Hard to walk because the leg muscles are tight or tired after a race: not severe back pain.
_SORE_LEG_MUSCLES = re.compile(r"\b(?:calves|calf|quads?|hamstrings?|legs|thighs|glutes)\b"
                               r"[^.;!?]{0,30}?\b(?:tight|stiff|doms|sore|wrecked|dead|heavy|jelly|"
                               r"lead|fried|shot|trashed)\b|\b(?:doms|leg\s+day)\b")
_UPPER_BODY = re.compile(r"\b(?:hands?|fingers?|arms?|wrists?|elbows?|face|lips?|tongue|neck|"
                         r"shoulders?|chin|cheeks?|thumbs?)\b")
_LOWER_BODY = re.compile(r"\b(?:legs?|thighs?|calf|calves|knees?|shins?|ankles?|foot|feet|toes?|"
                         r"heels?|soles?|back|bum|buttocks?|glutes?|groin|saddle|hips?)\b")


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
                 model: SignModel | None = None, on_topic_dense: float = ON_TOPIC_DENSE,
                 negation_window: int = negation.NEGATION_WINDOW) -> None:
        self.signs = signs or SIGNS
        self.model = model
        self.on_topic_dense = on_topic_dense
        self.negation_window = negation_window
        self._compiled = {sign: [(re.compile(p), bool(_INHERENT_NEGATION.search(p)))
                                 for p in patterns]
                          for sign, (_, patterns) in self.signs.items()}
        # One search per sign first: most questions name no sign, and one union scan is
        # about half the cost of its patterns' separate scans (exact: no union match, no match).
        self._any = {sign: re.compile("|".join(f"(?:{p})" for p in patterns))
                     for sign, (_, patterns) in self.signs.items()}

    @classmethod
    def for_encoder(cls, model_key: str) -> WarningSignDetector:
        """Word patterns plus the packaged semantic layer, if it was trained with this encoder."""
        return cls(model=SignModel.bundled(model_key))

    def detect(self, question: str, vector: np.ndarray | None = None,
               evidence: Evidence | None = None) -> WarningFinding | None:
        """The signs `question` describes, or None when it describes none (un-negated, current).

        `vector` is the question's embedding (for the semantic layer, when the detector has a
        model for that encoder); `evidence` is what the library has on the question (the
        no-match evidence), which can place a question without back-pain or running words on
        topic. Without it, the question's own words must show that it is."""
        text = normalise(question)
        in_context = bool(_CONTEXT.search(text))
        on_topic = None if evidence is None else evidence.dense >= self.on_topic_dense
        if not (on_topic or in_context):
            return None
        matches = self.matches(question)
        found = [m for m in matches if not m.negated]
        semantic = on_topic if on_topic is not None else in_context
        if semantic and not found and vector is not None and self.model is not None:
            # Where the words found only negated or finished signs, the layer may name another
            # sign ("no pins and needles, but I've dropped 6kg"), never those.
            closed = {m.sign for m in matches}
            found = [Match(sign, 0, 0, "", False) for sign in self.model.signs(vector)
                     if sign not in closed]
        if not found:
            return None
        signs: list[str] = []
        triggers: list[str] = []
        for match in sorted(found, key=lambda m: m.start):
            if match.sign not in signs:
                signs.append(match.sign)
            if match.text and match.text not in triggers:
                triggers.append(match.text)
        return WarningFinding(message=self.message(signs), triggers=triggers, signs=signs)

    def matches(self, question: str) -> list[Match]:
        """Every pattern match in the question, each marked negated (or over) or not; within a
        sign, overlapping matches collapse to the longest."""
        text = normalise(question)
        clauses = negation.Clauses(text)
        spans: list[Match] = []
        for sign, patterns in self._compiled.items():
            if not self._any[sign].search(text):
                continue
            for pattern, inherent in patterns:
                for m in pattern.finditer(text):
                    if m.end() <= m.start() or self._other_sense(sign, clauses, m.start(),
                                                                 m.end()):
                        continue
                    negated = (clauses.negated(m.start(), self.negation_window)
                               or (not inherent and negation.negated_inside(m.group(0)))
                               or clauses.resolved(m.start(), m.end()))
                    spans.append(Match(sign, m.start(), m.end(), m.group(0).strip(), negated))
        # An un-negated match outranks a negated one it overlaps (a longer pattern may reach
        # back over "no" into another clause); then the longest of a sign's overlaps is kept.
        spans.sort(key=lambda m: (m.sign, m.negated, m.start, -(m.end - m.start)))
        kept: list[Match] = []
        for match in spans:
            if any(k.sign == match.sign and match.start < k.end and k.start < match.end
                   for k in kept):
                continue
            kept.append(match)
        return sorted(kept, key=lambda m: (m.sign, m.start))

    @staticmethod
    def _other_sense(sign: str, clauses: negation.Clauses, start: int, end: int) -> bool:
        text = clauses.text
        before = _OTHER_SENSE.get(sign)
        if before is not None and before.search(text[max(0, start - 30):start]):
            return True
        after = _OTHER_SENSE_AFTER.get(sign)
        if after is not None and after.search(text[end:end + 40]):
            return True
        if sign in ("trauma", "fever", "night_rest", "severe") and _NO_HARM.search(text):
            return True  # "... back's fine": the asker says the back is not what hurts
        if sign == "trauma" and (_SEASONAL_FALL.search(text[max(0, start - 12):end + 20])
                                 or not _HURT.search(text)):
            return True
        if sign == "severe" and _SORE_LEG_MUSCLES.search(clauses.clause(start, end)):
            return True
        if sign == "fever" and _SWEAT.search(text, start, end) and _EXERTION.search(
                clauses.sentence(start, end)):
            return True  # sweating after a run, not at night
        if sign == "fever" and _CHILL_OR_SWEAT.search(text, start, end):
            return bool(_EXPOSURE.search(clauses.sentence(start, end)))
        if sign in ("nerve", "trauma"):
            # Numb fingers, a fall onto a wrist: another part of the body than ours.
            scope = clauses.clause(start, end) if sign == "nerve" else clauses.sentence(start, end)
            if _UPPER_BODY.search(scope) and not _LOWER_BODY.search(scope):
                return True
        if sign == "nerve" and "jelly" in text[start:end] and (
                _EXERTION.search(clauses.sentence(start, end))
                or re.search(r"\bmile\s+\d+|\bat\s+the\s+end\b", clauses.sentence(start, end))):
            return True  # legs "went to jelly at mile 20": tired, not weak from a nerve
        if sign == "weight_loss" and _KEEPING_WEIGHT.search(text, start, end):
            return True
        if sign == "nerve":
            return bool(_LOCAL_CAUSE.search(clauses.sentence(start, end)))
        return False

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

