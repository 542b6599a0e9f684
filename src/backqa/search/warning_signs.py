"""The warning signs and the word patterns that describe each, in everyday words too.

Patterns run on lower-cased, normalised text (`notice.normalise`). Each sign's vocabulary is
built from the word families of `sign_words` (a body part, a way of saying "pain", a
duration...), so a new phrasing that uses the same words in another order is still caught.
docs/notice.md lists every sign with examples of what it catches.
"""

from __future__ import annotations

from backqa.search.sign_words import (
    AMOUNT,
    BLADDER,
    CANT,
    CLOTHES,
    COLLISION,
    COUNT,
    DAILY_TASK,
    DEAD_PART,
    DIFFICULT,
    FALL_DOWN,
    FEVER_READING,
    GIVES_WAY,
    LEG,
    LEG_NERVE,
    LEG_WIDE,
    LONG_TIME,
    LOSS,
    MONTH,
    MOVES,
    NERVE_FEEL,
    NIGHT_HOUR,
    NUMB,
    NUMB_LIKE,
    PAIN,
    PAINKILLERS_FAIL,
    PERSISTS,
    RECENT,
    SADDLE,
    SENSATION,
    SINCE,
    UNEXPLAINED,
    WALKS_BENT,
    WEIGHT,
    WEIGHT_UNIT,
    WORST_EVER,
)

# sign id -> (plain-words label, patterns).
SIGNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nerve": ("numbness, tingling or weakness in the legs or feet", (
        r"\b(?:can'?t|cannot|couldn'?t|unable\s+to)\s+(?:[\w']+\s+){0,3}(?:push|rise|go|get|"
        r"stand)\s+(?:up\s+)?(?:on(?:to)?\s+(?:my\s+)?(?:tip\s*-?toes?|toes))|\btip\s*-?toes?\b"
        r"[^.;!?]{0,50}?\b(?:can'?t|cannot|couldn'?t|won'?t)\s+(?:[\w']+\s+){0,2}(?:push|rise|lift)",
        r"\bnumb(?:ness|ed|ing)?\b",
        r"\btingl\w*",
        r"\bpins\s*(?:and|&|n'?)\s*needles\b",
        r"\b" + LEG + r"\s+(?:[\w']+\s+){0,2}(?:goes|go|going|went|gone|feels?|felt|feeling|"
        r"is|are|was|were|turns?|turned|keeps?\s+going|has\s+gone)\s+(?:[\w']+\s+){0,3}asleep\b",
        r"\b" + DEAD_PART + r"\s+(?:[\w']+\s+){0,2}(?:goes|go|going|went|gone|feels?|felt|feeling|"
        r"is|was|turns?|turned|keeps?\s+going|has\s+gone)\s+(?:[\w']+\s+){0,2}dead\b",
        r"\bdead\s+(?:foot|feet|toes?)\b|\bdead\s+to\s+the\s+touch\b",
        r"\b(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to|barely|hardly)\s+(?:properly\s+|"
        r"really\s+|quite\s+)?feel\s+(?:[\w']+\s+){0,6}" + LEG + r"\b",
        r"\b(?:no|lost|lose|losing|loss\s+of|reduced|less|lack\s+of|lost\s+all)\s+(?:the\s+|any\s+|"
        r"all\s+|some\s+)?(?:feeling|sensation)\b",
        r"\b" + LEG + r"\b[^.;!?]{0,60}?\b(?:feels?|felt|feeling)\s+(?:[\w']+\s+){0,2}"
        r"(?:(?:like|as\s+if)\s+(?:[\w']+\s+){0,4})?" + NUMB_LIKE + r"\b",
        r"\bweak(?:ness|ened)?\s+(?:[\w']+\s+){0,2}(?:in\s+)?(?:my\s+|the\s+|both\s+|one\s+)?"
        + LEG_NERVE + r"\b",
        r"\b" + LEG_NERVE + r"\s+(?:[\w']+\s+){0,3}" + GIVES_WAY + r"\b",
        r"\b" + LEG_NERVE + r"\s+(?:[\w']+\s+){0,3}(?:won'?t|doesn'?t|didn'?t|wouldn'?t|can'?t|"
        r"couldn'?t)\s+(?:hold|support|take)\s+(?:me|my\s+weight)\b",
        r"\b" + LEG + r"\s+(?:[\w']+\s+){0,3}(?:doesn'?t|don'?t|won'?t|wouldn'?t)\s+(?:[\w']+\s+)?"
        r"(?:do\s+what|obey|respond|listen|work\s+properly)\b",
        r"\b" + NERVE_FEEL + r"\b[^.,;!?]{0,40}?\b" + LEG_NERVE + r"\b",
        r"\b" + LEG_NERVE + r"\b[^.,;!?]{0,40}?\b" + NERVE_FEEL + r"\b",
        r"\bfoot\s+drop\b|\b(?:foot|feet|toes?)\s+(?:[\w']+\s+){0,2}(?:drops?|dropping)\b|"
        r"\btrip\w*\s+(?:up\s+)?(?:over|on)\s+nothing\b|\b(?:keeps?|kept|keep\s+on|always|"
        r"constantly|repeatedly)\s+(?:clip|catch|scuff|snag|stub|trip|kick|drag|scrap)\w*\s+"
        r"(?:[\w']+\s+){0,2}(?:kerbs?|curbs?|ground|pavement|floor|steps?|stairs|roots?|toes?|"
        r"foot|feet|over)\b",
        r"\b(?:calf|calves|thigh|leg|quads?|muscles?)\s+(?:[\w']+\s+){0,2}(?:is|are|has|have|got|"
        r"gotten|"
        r"looks?|gone|getting|been)\s+(?:[\w']+\s+)?(?:smaller|thinner|skinnier|narrower|wast\w*|"
        r"shrunk|shrinking|shrivel\w*)\b",
        r"\b(?:dull|dead|numb|weird|strange|different|odd)\s+(?:when\s+(?:i|you)\s+|to\s+(?:the\s+)?)"
        r"(?:touch|press|prod|pinch|poke)\b",
        r"\b(?:drag(?:s|ging|ged)?|scuff\w*)\s+(?:my\s+)?(?:left\s+|right\s+)?(?:foot|leg|toes?)\b",
        r"\b(?:foot|feet|toes?|leg)\s+(?:[\w']+\s+){0,4}(?:drag(?:s|ging|ged)?|scuff\w*|slaps?|"
        r"flap\w*|"
        r"slapping|floppy|flops?|flopping|catch(?:es|ing)?)\b",
        r"\bcatch(?:es|ing)?\s+my\s+(?:[\w']+\s+)?(?:toes?|foot)\b|\btrip\w*\s+(?:over|on)\s+my\s+"
        r"(?:own\s+)?(?:left\s+|right\s+)?(?:feet|foot|toes?)\b",
        r"\b(?:floppy|slapping)\s+(?:foot|feet)\b",
        r"\b(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to|struggl\w*\s+to|hard\s+to|trouble|"
        r"difficulty)\s+(?:lift(?:ing)?|rais(?:e|ing)|pick(?:ing)?\s+up|point(?:ing)?|flex(?:ing)?|"
        r"push(?:ing)?\s+off\s+(?:on|with|from))\s+(?:[\w']+\s+){0,2}(?:foot|feet|toes?|ankle|"
        r"leg)\b",
        r"\b" + CANT + r"\s+(?:[\w']+\s+)?(?:stand|walk|go|get\s+up|balance)\s+on\s+(?:my\s+)?"
        r"(?:[\w']+\s+)?(?:tip\s*toes?|tiptoe|heels?|toes)\b",
        r"\b(?:foot|feet|toes?)\b[^.,;!?]{0,40}?\b(?:doesn'?t|don'?t|won'?t|does\s+not|do\s+not|"
        r"can'?t)\s+(?:[\w']+\s+)?(?:lift|clear\s+the\s+ground|come\s+up|pick\s+up)\b",
    )),
    "radiating": ("pain that radiates or shoots down a leg", (
        r"\bsciat\w*",
        r"\b" + MOVES + r"\s+(?:[\w']+\s+){0,4}(?:down|into|through|along|to|round|around)\s+"
        r"(?!on\b)(?:[\w']+\s+){0,4}" + LEG_WIDE + r"\b",
        r"\b(?:" + SENSATION + r"|it)\b[^.,;!?]{0,60}?\b(?:down|into)\s+(?!on\b)(?:[\w']+\s+){0,4}"
        + LEG_WIDE + r"\b",
        r"\b(?:" + SENSATION + r"|it)\b[^.,;!?]{0,60}?\b(?:reach\w*|as\s+far\s+as)\s+(?:down\s+)?"
        r"(?:to\s+)?(?:my\s+|the\s+)?(?:[\w']+\s+)?" + LEG_WIDE + r"\b",
        r"\bnerve\s+pain\b",
        r"\blike\s+(?:a|an)\s+(?:[\w']+\s+){0,2}(?:poker|wire|knife|needle|blade|bolt|current|line|"
        r"rod|shock|lightning|iron|spike|sword)\b[^.;!?]{0,30}?\b(?:down|into|along|through)\b"
        r"[^.;!?]{0,30}?\b" + LEG_WIDE + r"\b",
        r"\b" + LEG_WIDE + r"\b[^.;!?]{0,60}?\b(?:starts?|started|begins?|began|comes?|coming)\s+"
        r"(?:in|from)\s+(?:my\s+)?(?:lower\s+|low\s+)?(?:back|spine)\b",
        r"\b(?:starts?|started|begins?|began)\s+(?:in|at|from)\s+(?:my\s+|the\s+)?(?:lower\s+|low\s+)?"
        r"(?:back|spine)\b"
        r"[^.;!?]{0,60}?\b(?:in|into|to|down|at)\s+(?:my\s+)?(?:[\w']+\s+)?" + LEG_WIDE + r"\b",
        r"\bfrom\s+(?:my\s+|the\s+)?(?:lower\s+|left\s+|right\s+)?(?:back|spine|bum|buttocks?|"
        r"glutes?|hip|cheek|backside|bottom|butt)\b.{0,40}?\bto\s+(?:the\s+(?:back|front|side|"
        r"outside|inside)\s+of\s+)?(?:my\s+)?(?:[\w']+\s+)?(?:legs?|thighs?|calf|calves|knees?|foot|feet|toes?|ankles?|"
        r"heels?)\b",
        r"\b(?:leg|thigh|calf)\s+pain\s+(?:[\w']+\s+){0,2}(?:with|and|from)\s+(?:my\s+)?"
        r"(?:lower\s+)?back\b",
        r"\bback\s+(?:pain\s+)?and\s+(?:[\w']+\s+)?leg\s+pain\b|\bleg\s+pain\s+and\s+(?:[\w']+\s+)?"
        r"back\s+pain\b",
    )),
    "fever": ("fever", (
        r"\bfever\w*",
        r"\bfebrile\b",
        r"\b(?:a|high|raised|slight|low|mild|low[-\s]grade)\s+(?:grade\s+)?temp(?:erature)?\b"
        r"(?!s|\s+(?:of|at)\s+(?:[0-2]?\d|3[0-6])\b)",
        r"\b(?:temp(?:erature)?|thermometer)\s+(?:[\w']+\s+){0,3}" + FEVER_READING + r"\b",
        r"(?:\bmy\s+|^|[.,;!?]\s*)temp(?:erature)?(?:'s|\s+(?:has|is|was|keeps))?\s+(?:been\s+)?"
        r"(?:going\s+)?(?:up\s+and\s+down|up|high|raised|spiking|through\s+the\s+roof|"
        r"all\s+over\s+the\s+place)\b",
        r"\bchills\b|\brigors\b|\bshiver\w*|\bteeth\s+(?:[\w']+\s+)?chatter\w*|"
        r"\bchatter\w*\s+teeth\b|\b(?:can'?t|cannot|couldn'?t)\s+(?:get|stay|keep)\s+warm\b|"
        r"\b(?:under|in)\s+(?:the\s+|my\s+)?(?:duvet|covers|blankets?)\b[^.;!?]{0,30}?\b(?:cold|"
        r"freezing|shaking)\b",
        r"\b(?:i'?ve\s+got|i\s+have|i'?m\s+(?:getting|coming\s+down\s+with)|got)\s+(?:the\s+)?"
        r"flu\b|\bhot\s+and\s+(?:achy|shivery|sweaty|clammy)\b|\b(?:got|have|having)\s+the\s+"
        r"(?:shakes|shivers)\b|\bfeel(?:s|ing)?\s+(?:[\w']+\s+)?(?:boiling|roasting)\b",
        r"\bshaking\s+with\s+(?:cold|chills)\b",
        r"\b(?:night|hot|cold|the)\s+sweats\b",
        r"\b(?:soaked|drenched|soaking|dripping|wringing)\s+(?:[\w']+\s+){0,2}(?:in\s+|with\s+)?"
        r"sweat\b|\b(?:soaked|drenched|soaking|sweat-?soaked)\s+(?:sheets|pyjamas|pajamas|bed|"
        r"bedding|pillow)\b|\b(?:sheets|pyjamas|pajamas|pjs|pillow\w*|bedding|duvet|nightie|"
        r"night\s*clothes)\s+(?:[\w']+\s+){0,2}(?:wet|soaked|soaking|drenched|damp|sodden|"
        r"wringing)\b",
        r"\bsweat\w*\s+(?:[\w'-]+\s+){0,4}(?:at\s+night|in\s+bed|through\s+the\s+night|"
        r"in\s+my\s+sleep|every\s+night|all\s+night)\b",
        r"\b(?:wak(?:e|es|ing)|woke)\s+(?:up\s+)?(?:soaked|drenched|sweating|(?:in|covered\s+in|"
        r"bathed\s+in)\s+(?:a\s+)?(?:[\w']+\s+){0,2}sweat)\b",
        r"\bhot\s+and\s+(?:cold|shaky|shivery)\b|\bburning\s+up\b|\bflu[-\s]?(?:like|ish)\b|"
        r"\bfluey\b",
        r"\bfeel(?:s|ing)?\s+(?:[\w']+\s+)?(?:feverish|shivery|clammy)\b",
    )),
    "weight_loss": ("unexplained weight loss", (
        r"\b(?:unexplained|unintentional|unintended|unexpected|sudden|rapid|mysterious)\s+"
        r"weight\s+loss\b",
        r"\b" + LOSS + r"\s+(?:[\w.]+\s+){0,4}?" + WEIGHT + r"[^.;!?]{0,60}?\b" + UNEXPLAINED,
        r"\b" + UNEXPLAINED + r"[^.;!?]{0,50}?\b" + LOSS + r"\s+(?:[\w.]+\s+){0,4}?" + WEIGHT,
        r"\b(?:weight|scales?)\s+(?:[\w']+\s+){0,3}(?:dropping|dropped|falling|fallen|fell|"
        r"going\s+down|"
        r"gone\s+down|went\s+down|come\s+down|coming\s+off|dropping\s+off|plummet\w*)\b"
        r"[^.;!?]{0,60}?\b" + UNEXPLAINED,
        r"\b(?:weight)\s+(?:is\s+|keeps\s+)?(?:dropping|falling|coming)\s+off\s+me\b",
        r"\b" + AMOUNT + r"\s*" + WEIGHT_UNIT + r"\s+(?:lighter|down|off|less)\b[^.;!?]{0,60}?\b"
        + UNEXPLAINED,
        r"\bdown\s+" + AMOUNT + r"\s*" + WEIGHT_UNIT + r"\b[^.;!?]{0,60}?\b" + UNEXPLAINED,
        r"\b(?:getting|got|gotten|becoming|become|grown|look|looking)\s+(?:[\w']+\s+)?(?:thinner|"
        r"skinnier|bonier|gaunt)\b[^.;!?]{0,60}?\b" + UNEXPLAINED,
        r"\b" + CLOTHES + r"\s+(?:[\w']+\s+){0,3}(?:loose|looser|baggy|baggier|hanging\s+off|"
        r"falling\s+(?:off|down)|slid(?:es|ing)?\s+off|slip(?:s|ping)?\s+off|too\s+big|needs?\s+(?:a\s+)?new\s+(?:notch(?:es)?|holes?))\b"
        r"[^.;!?]{0,60}?\b" + UNEXPLAINED,
    )),
    "bladder_bowel": ("loss of bladder or bowel control", (
        r"\bincontinen\w*",
        r"\b(?:loss|lost|losing|lose)\s+(?:of\s+)?(?:[\w']+\s+)?(?:bladder|bowel)s?\s+control\b",
        r"\b(?:loss|lost|losing|lose)\s+control\s+(?:of|over)\s+(?:my\s+)?(?:bladder|bowels?)\b",
        r"\b" + DIFFICULT + r"\s+(?:for\s+(?:ages|a\s+while)\s+)?(?:to\s+|with\s+)?(?:(?:hold|"
        r"control|empty|start|stop|get|go|pass)(?:l?t?ing)?\s+)?(?:to\s+)?(?:in\s+)?(?:my\s+|the\s+|a\s+)?"
        + BLADDER + r"\b",
        r"\b(?:weak|slow|poor)\s+(?:urine\s+)?stream\b|\bstream\s+is\s+(?:weak|slow|poor)\b",
        r"\b(?:had|have|having|get|got|getting)\s+(?:a|an|the\s+odd|the\s+occasional)\s+"
        r"(?:little\s+|small\s+)?leak\b",
        r"\b" + CANT + r"\s+hold\s+it\b[^.;!?]{0,40}?\b(?:" + BLADDER + r"|bathroom)\b",
        r"\b(?:poo|bowel|bladder|toilet|wee|pee)\s+accidents?\b|\bwet\s+(?:the|my)\s+bed\b|"
        r"\bbed[-\s]?wetting\b",
        r"\b(?:weeing|peeing|urinating|pooing|going\s+to\s+the\s+(?:toilet|"
        r"loo))\s+(?:[\w']+\s+){0,3}(?:hard|difficult|a\s+struggle|hard\s+work|slow|a\s+problem)\b",
        r"\b(?:pee|wee|urinate|toilet|loo)\b[^.;!?]{0,60}?\b(?:nothing|not\s+much)\s+(?:happens|"
        r"comes|will\s+come)\b",
        r"\b(?:pee|wee|urinate|toilet|loo)\b[^.;!?]{0,40}?\b(?:nothing|little|not\s+much|hardly\s+"
        r"anything|(?:hardly|barely|almost)\s+anything|only\s+a\s+(?:little|dribble|trickle))\s+"
        r"(?:comes?|came)\s+out\b|\b(?:slow|hard|won'?t|doesn'?t)\s+(?:to\s+)?come\s+out\b",
        r"\b(?:having|had|have|been\s+having|a\s+few|a\s+couple\s+of|some)\s+(?:[\w']+\s+){0,2}"
        r"accidents\b",
        r"\b(?:wet|wetting|soiled|soiling|pee|peed|peeing|wee|weed|weeing|poo|pooed)\s+(?:myself|"
        r"themselves|himself|herself)\b",
        r"\b(?:dribbl\w*|leak\w*)\b[^.;!?]{0,25}?\b(?:urine|pee|wee|bladder|toilet|loo)\b",
        r"\b(?:pee|wee|urine|bladder)\b[^.;!?]{0,25}?\b(?:dribbl\w*|leak\w*)",
        r"\bi\s+(?:sometimes\s+|still\s+|now\s+|also\s+|even\s+|occasionally\s+)?(?:leak|dribble)\b"
        r"|\b(?:i'?ve\s+been|i'?m|i\s+am)\s+(?:\w+\s+)?(?:leaking|dribbling)\b(?!\s+(?:a|the|"
        r"\w+s)\b)",
        r"\b(?:rush|run|dash)\s+to\s+the\s+(?:toilet|bathroom|loo)\b[^.;!?]{0,30}?\bleak\w*",
        r"\b(?:toilet|pee|wee|urine|bladder|loo)\b[^.;!?]{0,40}?\btrickle\b|\btrickle\b"
        r"[^.;!?]{0,30}?\b(?:pee|wee|urine)\b",
        r"\bbladder\b[^.;!?]{0,30}?\b(?:doesn'?t|does\s+not|won'?t|not|never)\s+(?:[\w']+\s+){0,3}"
        r"empt\w*",
        r"\b(?:pee|peed|peeing|wee|weed|urinat\w*|wet|leak\w*|poo|pooed)\b.{0,30}?\b(?:without\s+"
        r"(?:noticing|realising|realizing|feeling\s+it|meaning\s+to|wanting\s+to)|my\s+(?:pants|"
        r"shorts|knickers)|involuntar\w*)",
        r"\b(?:toilet|loo|bathroom)\b[^.;!?]{0,40}?\b(?:didn'?t|don'?t|couldn'?t|not|never)\s+"
        r"(?:always\s+|quite\s+)?make\s+it\b",
        r"\b(?:don'?t|didn'?t|do\s+not|did\s+not|can'?t|couldn'?t)\s+(?:always\s+)?(?:make\s+it|get|"
        r"reach)\s+(?:it\s+)?to\s+the\s+(?:toilet|bathroom|loo|restroom)\b|\b(?:toilet|loo|"
        r"bathroom)\s+in\s+time\b|\b(?:toilet|loo|bathroom|" + BLADDER[3:-1] + r")\b[^.;!?]{0,60}?"
        r"\b(?:don'?t|didn'?t|not|never|can'?t|couldn'?t)\s+(?:always\s+)?(?:get|make\s+it|"
        r"reach\s+it)\s+(?:there\s+)?in\s+time\b",
        r"\b(?:can'?t|cannot|couldn'?t|don'?t)\s+(?:feel|tell|know|notice|control|stop|predict)\s+"
        r"(?:when|if)\s+"
        r"(?:[\w']+\s+){0,3}(?:pee|wee|urinate|go\s+to\s+the\s+(?:toilet|loo)|bladder|bowels?|"
        r"need\s+to\s+go\b(?!\s+(?:for|out|to|running|faster|slower|back|home|on|in)\b))",
        r"\b" + NUMB + r"\b[^.;!?]{0,40}?\b" + SADDLE + r"\b",
        r"\b" + SADDLE + r"\b[^.;!?]{0,40}?\b" + NUMB + r"\b",
        r"\b(?:" + NUMB + r"|(?:barely|hardly)\s+feel)\b[^.;!?]{0,30}?\bwip(?:e|ing)\b",
        r"\b" + BLADDER + r"\b[^.;!?]{0,40}?\b(?:feels?\s+(?:different|strange|odd|weird|numb)|"
        r"(?:can'?t|cannot|couldn'?t)\s+(?:really\s+)?feel\s+(?:it|when|anything))\b",
        r"\bwip(?:e|ing)\b[^.;!?]{0,30}?\b(?:numb\w*|can'?t\s+feel|no\s+feeling|feels?\s+"
        r"(?:strange|different|odd|weird))",
    )),
    "trauma": ("pain after a fall or an accident", (
        r"\b(?:after|since|from|in|during|had|have\s+had|was\s+in|took|take)\s+(?:a|an|my|the|that)"
        r"\s+(?:[\w']+\s+)?(?:fall|crash|accident|collision|tumble|wipe\s*out|spill|"
        r"pile[-\s]?up)\b",
        r"\b(?:fell|fallen|tripped|slipped|crashed\s+(?:into|off|over|my|the|(?:on|onto)"
        r"(?!\s+(?:the\s+|my\s+|our\s+)?(?:sofa|couch|settee|bed)\b))|tumbled)\b",
        r"\bfall(?:s|ing|en)?\s+(?:off|from|down|over|onto)\b(?!\s+me\b)",
        r"\blanded\s+(?:[\w']+\s+){0,2}(?:on|onto)\s+(?:my\s+)?(?:lower\s+|low\s+)?(?:back|"
        r"tailbone|coccyx|butt|bum|hip|side|bottom|backside)\b",
        r"\b" + COLLISION + r"\b",
        r"\bwhiplash\b|\brugby\s+tackle\b|\b(?:got|was|been|being)\s+tackled\b",
        r"\b(?:horse|bike|pony|bull)\s+(?:[\w']+\s+)?(?:threw|bucked|dumped|flung)\s+me\b|"
        r"\b(?:was|got|been|being)\s+(?:thrown|bucked)\s+(?:off|from)\b",
        r"\b(?:knocked|bowled)\s+(?:me\s+)?(?:over|down|off|flying)\b|\bskid(?:ded|ding)\b|"
        r"\bslid\s+(?:down|off|over|on|onto|across|along)\b|\blost\s+my\s+footing\b|"
        r"\bcame\s+a\s+cropper\b|\bkeeled\s+over\b|\bhead\s+over\s+heels\b",
        r"\b(?:rear[-\s]ended|run\s+over|car\s+(?:crash|accident|wreck)|bike\s+(?:crash|"
        r"accident))\b",
        r"\b(?:hit|banged|bashed|bumped|smacked|slammed|jarred|twisted)\s+my\s+(?:lower\s+)?back\b",
        r"\b" + FALL_DOWN + r"\b",
        r"\blanded\s+(?:really\s+|so\s+|quite\s+)?(?:heavy|heavily|hard|awkwardly|badly|wrong)\b",
        r"\bcame\s+down\s+(?:[\w']+\s+){0,2}on\s+(?:my\s+)?(?:lower\s+)?(?:back|tailbone|coccyx|"
        r"butt|bum|backside|bottom|hip|side)\b",
    )),
    "severe": ("severe pain", (
        r"\b(?:excruciating|unbearable|agoni[sz]ing|agony|crippling|debilitating|"
        r"worst\s+pain|(?:[89]|10|eight|nine|ten)(?:\.5|\s+and\s+a\s+half)?\s*(?:/|out\s+of)\s*"
        r"(?:10|ten))\b",
        r"\bscale\s+of\s+(?:\d+|one|zero)\s+to\s+(?:10|ten)\b[^.;!?]{0,40}?\b(?:9|10|nine|ten)\b",
        r"\b(?:severe|intense|extreme|horrendous|terrible|awful)\s+(?:[\w']+\s+){0,2}" + PAIN
        + r"\b",
        r"\b" + PAIN + r"\s+(?:[\w']+\s+){0,2}(?:is|was|are|so|really|very)\s+(?:[\w']+\s+)?"
        r"(?:severe|intense|extreme)\b",
        r"\bworst\s+(?:[\w']+\s+){0,2}" + PAIN + r"\b",
        r"\bso\s+(?:bad|badly|painful|intense|severe|excruciating)\s+(?:that\s+)?(?:i\s+)?(?:had\s+to|"
        r"couldn'?t|can'?t|could\s+(?:hardly|barely)|cried|was\s+crying|screamed|nearly|almost|"
        r"need(?:ed)?|(?:i'?ve\s+been|was|felt|feel)\s+sick|threw\s+up|thrown\s+up|vomit\w*|"
        r"passed\s+out|fainted)",
        r"\b(?:hurts?|pain|aches?)\s+so\s+(?:much|badly|bad)\b|\bstuck\s+(?:on\s+the\s+(?:floor|"
        r"ground)|in\s+bed)\b|\b(?:struggl\w*|hard|difficult|barely\s+able|hardly\s+able)\s+to\s+"
        r"(?:walk|stand|move|get\s+up)\b",
        r"\btoo\s+(?:sore|painful|stiff)\s+to\s+(?:move|walk|stand|sit|get\s+up|bend)\b",
        r"\b(?:had|have)\s+to\s+crawl\b|\bcrawl(?:ed|ing)?\s+(?:to|out\s+of|into)\b",
        r"\b(?:back|pain|it)\s*(?:is|'s|was)\s+killing\s+me\b",
        r"\b(?:can|could)\s+(?:hardly|barely|scarcely)\s+(?:walk|stand|move|get\s+up|sit|bend|"
        r"breathe|sleep)\b",
        r"\b(?:can\s+barely|can'?t|cannot|could\s+barely|couldn'?t|unable\s+to)\s+(?:even\s+)?"
        r"(?:walk|move|get\s+(?:out\s+of\s+bed|up\s+off\s+the\s+floor|off\s+the\s+floor|dressed|"
        r"out\s+of\s+the\s+car)|straighten\s+up|bend|sit\s+down|turn\s+over\s+in\s+bed|"
        r"put\s+(?:any\s+)?"
        r"weight\s+(?:on|through)|bear\s+weight)\b(?!\s+(?:as|so|like|fast|quickly|far))",
        r"\b(?:can'?t|cannot|couldn'?t|unable\s+to)\s+(?:even\s+)?(?:stand|sit)\b(?=\s*(?:[.,;!?]|"
        r"$|up\b|upright\b|straight\b|without\b|at\s+all\b|down\b))",
        r"\b(?:made|makes|make|making|had)\s+me\s+(?:cry|scream|yell|yelp|howl|sob|gasp|whimper)\b|\bin\s+tears\b|\bto\s+tears\b|"
        r"\b(?:takes?|took|taking)\s+my\s+breath\s+away\b|\bdoubled\s+(?:over|up)\b|\bscreamed\b|"
        r"\bscreaming\s+(?:in|with)\s+pain\b|\b(?:back|pain)\s+is\s+screaming\b",
        r"\b(?:pain|it)\b[^.;!?]{0,30}?\b(?:off\s+the\s+(?:charts?|scale)|through\s+the\s+roof)",
        r"\b" + PAINKILLERS_FAIL + r"\b",
        r"\b(?:" + CANT + r"|(?:can|could)\s+(?:barely|hardly|scarcely))\s+(?:even\s+)?"
        + DAILY_TASK + r"\b|\b" + WALKS_BENT,
        r"\b(?:pain|it)\s+(?:was|is|'s)\s+(?:[\w']+\s+)?(?:insane|horrendous|horrific|brutal|"
        r"savage|unreal|crazy|agonising|agonizing)\b",
        r"\b(?:had|needed|have)\s+to\s+(?:get\s+a\s+(?:taxi|cab|lift|ride)\s+home|call\s+(?:an\s+"
        r"ambulance|someone|for\s+help)|be\s+(?:carried|helped|picked\s+up|collected|rescued)|"
        r"(?:lie|lay)\s+(?:down\s+)?on\s+the\s+(?:floor|ground))\b|"
        r"\b" + WORST_EVER + r"\b|"
        r"\bhelp\s+me\s+(?:get\s+)?(?:up|out\s+of\s+bed|stand)\b",
    )),
    "night_rest": ("pain at night or at rest", (
        r"\b(?:wakes?|woke|waking|keeps?|kept)\s+me\s+(?:up|awake)\b",
        r"\bnight[-\s]?(?:time\s+)?(?:pain|aches?|aching)\b|\b(?:stops?|stopping|stopped|keeps?|"
        r"kept)\s+me\s+(?:from\s+)?sleep\w*",
        r"\b(?:wakes?|woke|waking)\s+me\b|\b(?:woken|waking|woke|wake)\s+(?:up\s+)?by\s+(?:my\s+|"
        r"the\s+)?(?:[\w']+\s+)?(?:back|pain|ache)\b",
        r"\b(?:whichever|whatever|any|every)\s+way\s+i\s+(?:lie|sleep|lay|turn)\b",
        r"\b(?:" + PAIN + r"|worst|awake|throbb\w*)\b[^.;!?]{0,40}?\b" + NIGHT_HOUR + r"|\b"
        + NIGHT_HOUR + r"\b(?!\s+(?:for|to)\s+(?:run|go|my|a|the)\b)[^.;!?]{0,40}?\b(?:"
        + PAIN + r"|worst|awake)\b|\b(?:end(?:ed)?\s+up|have\s+to|had\s+to)\s+pac(?:e|ing)\b",
        r"\b(?:sleep\w*|nights?)\s+(?:is|are|has\s+been|have\s+been)\s+(?:a\s+)?(?:nightmare|hell|"
        r"awful|terrible|impossible|hard|difficult|rough|broken)\b[^.;!?]{0,40}?\b" + PAIN + r"\b",
        r"\b(?:trouble|struggl\w*|hard|difficult\w*|losing|lost|lose)\s+(?:to\s+)?(?:get(?:ting)?"
        r"\s+to\s+)?sleep\w*\b[^.;!?]{0,40}?\b(?:because|due\s+to|from|as|with)\b[^.;!?]{0,25}?\b"
        + PAIN + r"\b",
        r"\b" + PAIN + r"\b[^.;!?]{0,40}?\b(?:trouble|struggl\w*|hard|difficult\w*|losing|lost|"
        r"lose)\s+(?:to\s+)?(?:get(?:ting)?\s+to\s+)?sleep\w*",
        r"\b(?:wak(?:e|es|ing)|woke)\s+(?:up\s+)?(?:at\s+(?:[1-4]\b|[1-4]\s*am|[1-4]:|night|two|three|four)|"
        r"in\s+the\s+"
        r"night|during\s+the\s+night|every\s+night|most\s+nights|because\s+of|from\s+the\s+pain)",
        r"\b" + PAIN + r"\s+(?:[\w']+\s+){0,5}(?:at\s+night|all\s+night|in\s+bed|at\s+rest|"
        r"overnight|(?:all\s+)?(?:through|during|in)\s+the\s+night|day\s+and\s+night|night\s+and\s+day|when\s+(?:i'?m\s+|i\s+am\s+|i\s+)?(?:resting|rest|"
        r"lying|lie|lay|sitting\s+still|still|in\s+bed|asleep|sleeping|not\s+moving|"
        r"doing\s+nothing)|"
        r"while\s+(?:i'?m\s+|i\s+am\s+)?(?:resting|lying|asleep|sleeping|sitting\s+still)|even\s+"
        r"(?:when\s+|while\s+|if\s+)?(?:i'?m\s+)?(?:resting|lying|sitting)|lying\s+(?:down|still|"
        r"in\s+bed|flat)|sitting\s+still|sat\s+still|(?:sat\s+)?on\s+the\s+(?:sofa|couch)|"
        r"doing\s+nothing|not\s+moving)\b",
        r"\b(?:at\s+night|in\s+bed|at\s+rest),?\s+(?:my|the|it)\s+(?:[\w']+\s+){0,2}" + PAIN
        + r"\b",
        r"\beven\s+(?:(?:when|while|if)\s+)?(?:i'?m\s+|i\s+am\s+|i\s+)?(?:just\s+|only\s+)?(?:resting|"
        r"rest|lying|lie|lay|sitting|sat|sit|sleeping|not\s+running|doing\s+nothing)\b",
        r"\b(?:lying|lie|resting|rest|sitting\s+still)\s+(?:[\w']+\s+){0,2}(?:makes?|made)\s+"
        r"(?:[\w']+\s+){0,3}(?:worse|hurt|ache|pain)\b",
        r"\b(?:rest|resting|lying\s+down|sleep)\s+(?:[\w']+\s+){0,2}(?:doesn'?t|does\s+not|won'?t|"
        r"didn'?t|never)\s+(?:[\w']+\s+)?(?:help|ease|relieve|settle|make\s+(?:any|"
        r"a)\s+difference)\b",
        r"\b(?:lying(?:\s+(?:down|flat|still|in\s+bed|on\s+the\s+(?:floor|sofa|couch)))?|resting|rest|"
        r"sitting\s+still)\b[^.;!?]{0,30}?\b(?:(?:just\s+)?as\s+(?:bad|painful|sore)|no\s+better|"
        r"makes\s+no\s+difference|still\s+(?:hurts|aches))\b|\b(?:doesn'?t|does\s+not)\s+(?:care|"
        r"matter)\s+(?:if|whether)\s+i\s+(?:run|move|train)\s+or\s+(?:rest|not|sit|lie)\b",
        r"\bconstant\s+(?:[\w']+\s+)?(?:pain|ache)\b|\b(?:pain|ache)\s+is\s+constant\b",
        r"\b(?:can'?t|cannot|couldn'?t)\s+(?:get\s+to\s+)?sleep\b|\b(?:can'?t|cannot|"
        r"couldn'?t)\s+(?:get\s+(?:comfy|comfortable)\b|find\s+(?:a|any)\s+(?:comfy|"
        r"comfortable)\s+(?:position|spot|way\s+to\s+(?:lie|sleep)))|\btoss\w*\s+and\s+turn\w*|\b(?:up|awake)\s+(?:most|all|every|"
        r"half\s+the)\s+nights?\b|\blie\s+awake\b",
    )),
    "persistent": ("pain that does not ease after weeks", (
        r"\b(?:hasn'?t|has\s+not|haven'?t|have\s+not|won'?t|will\s+not|doesn'?t|does\s+not|"
        r"isn'?t|is\s+not|not|never)\s+(?:[\w']+\s+)?(?:gone\s+away|go\s+away|goes\s+away|"
        r"going\s+away|"
        r"(?:goes|leaves|clears|went)(?!\s+(?:down|into|to|through|past|beyond|further|anywhere))|"
        r"eased|ease|eases|easing|improved|improve|improving|(?:getting|got|"
        r"get)\s+(?:any\s+)?better|"
        r"settled|settle|settles|subsided|subside|healed|heal|cleared\s+up|shift|shifted|budged|"
        r"budge|let\s+up|letting\s+up|calmed\s+down|quit|stop|stopped|going\s+anywhere)\b",
        r"\b" + PAIN + r"\b[^.;!?]{0,40}?\bsince\b[^.;!?]{0,60}?\b(?:" + COUNT + r"\s+(?:weeks|"
        r"months|"
        r"years)|(?:a|one)\s+(?:month|year)|months|years)\s+ago\b",
        r"\b(?:nothing|no\s+amount\s+of\s+\w+(?:\s+\w+)?)\s+(?:[\w']+\s+){0,3}(?:helps|helped|"
        r"works|worked|shifts|shifted|fixes|fixed|touches|changes|changed|seems\s+to\s+help|"
        r"makes\s+(?:a|any)\s+difference)\b",
        r"\b(?:persistent|chronic)\b",
        r"\b" + PAIN + r"\b[^.;!?]{0,40}?\b" + LONG_TIME,
        r"\b" + PAIN + r"\b[^.;!?]{0,40}?\b" + SINCE,
        r"\b" + PAIN + r"\b[^.;!?]{0,30}?\bsince\b[^.;!?]{0,60}?\b" + MONTH,
        # "started in September, it's now January and still there"
        r"\b" + MONTH + r"[^.;!?]{0,60}?\bnow\s+(?:it'?s\s+)?" + MONTH + r"[^.;!?]{0,40}?\bstill\b",
        r"\b" + PERSISTS + r"\s+(?:[\w']+\s+){0,3}(?:since\s+(?!" + RECENT + r")|for\s+(?:"
        + LONG_TIME + r"|weeks|(?:over|more\s+than)\s+a\s+(?:week|fortnight)))\b|"
        r"\b(?:week|wk|month)\s+(?:[2-9]|\d\d|two|three|four|five|six|seven|eight|nine|ten)\s+"
        r"(?:of\s+(?:it|this|(?:the|my|this)\s+(?:[\w']+\s+){0,3}" + PAIN + r"))\b|"
        r"\b(?:still|yet)\s+(?:no|not\s+any)\s+better\b",
        r"\b" + LONG_TIME + r"\s+of\s+(?:[\w']+\s+){0,2}" + PAIN + r"\b",
        r"\b" + PAIN + r"\b.{0,80}?\b(?:it'?s|it\s+has|this\s+has)\s+been\s+(?:about\s+|over\s+|"
        r"almost\s+|nearly\s+|more\s+than\s+)?" + LONG_TIME,
        r"\b(?:it'?s|it\s+has|this\s+has|that\s+has|(?:pain|ache|back)\s+has)\s+been\s+"
        r"(?:[\w']+\s+){0,3}(?:for|since)\s+(?:about\s+|over\s+|almost\s+|nearly\s+|"
        r"more\s+than\s+)?(?:the\s+)?(?:past\s+|last\s+)?" + LONG_TIME,
        r"\b" + LONG_TIME + r"[^.;!?]{0,40}?\b(?:still\s+(?:[\w']+\s+)?(?:hurts?|aches?|achy|sore|"
        r"painful|there|bad|the\s+same)|(?:no|not(?:\s+any)?)\s+better|(?:has|have|'s)\s+"
        r"(?:[\w']+\s+)?(?:hurt|ached|been\s+(?:[\w']+\s+)?(?:sore|bad|painful|aching|hurting|"
        r"there)))",
        r"\bstill\s+(?:hurts?|aches?|painful|sore)\b.{0,30}?\b(?:after|weeks?|months?)\b",
        r"\b(?:" + COUNT + r"\s+(?:weeks|months|years)|(?:a|one)\s+(?:month|year))\s+ago\b"
        r"[^.;!?]{0,60}?\b(?:still\s+(?:[\w']+\s+)?(?:hurts?|aches?|achy|sore|painful|there|bad|"
        r"the\s+same|no\s+better)|ever\s+since)\b",
    )),
}
