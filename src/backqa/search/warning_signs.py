"""The warning signs and the word patterns that describe each, in everyday words too.

Patterns run on lower-cased, normalised text (`notice.normalise`). Each sign's vocabulary is
built from the word families of `sign_words` (a body part, a way of saying "pain", a
duration...), so a new phrasing that uses the same words in another order is still caught.
docs/notice.md lists every sign with examples of what it catches.
"""

from __future__ import annotations

from backqa.search.sign_words import (
    BLADDER,
    CANT,
    COUNT,
    DEAD_PART,
    DIFFICULT,
    LEG,
    LEG_NERVE,
    LEG_WIDE,
    LONG_TIME,
    LOSS,
    MONTH,
    MOVES,
    NERVE_FEEL,
    NUMB,
    PAIN,
    SADDLE,
    SENSATION,
    SINCE,
    UNEXPLAINED,
    WEIGHT,
)

# sign id -> (plain-words label, patterns).
SIGNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nerve": ("numbness, tingling or weakness in the legs or feet", (
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
        r"(?:like|as\s+if)"
        r"\s+(?:[\w']+\s+){0,4}(?:cotton\s+wool|(?:after|at)\s+the\s+dentist|an(?:a)?esthetic|"
        r"someone\s+else'?s|(?:belongs?|belonged)\s+to\s+someone\s+else|not\s+(?:part\s+of\s+)?"
        r"(?:mine|my\s+own|there)|a\s+block\s+of\s+wood|wood(?:en)?|(?:walking|running|"
        r"standing)\s+on\s+(?:a\s+)?(?:sponges?|cotton\s+wool|pillows?|cushions?|air))\b",
        r"\bweak(?:ness|ened)?\s+(?:[\w']+\s+){0,2}(?:in\s+)?(?:my\s+|the\s+|both\s+|one\s+)?"
        + LEG_NERVE + r"\b",
        r"\b" + LEG_NERVE + r"\s+(?:[\w']+\s+){0,3}(?:weak|wobbly|buckl\w*|collaps\w*|"
        r"gives?\s+way|"
        r"gave\s+way|giving\s+way|gives?\s+out|gave\s+out|giving\s+out|went\s+from\s+under\s+me)\b",
        r"\b" + LEG_NERVE + r"\s+(?:[\w']+\s+){0,3}(?:won'?t|doesn'?t|didn'?t|wouldn'?t|can'?t|"
        r"couldn'?t)\s+(?:hold|support|take)\s+(?:me|my\s+weight)\b",
        r"\b" + LEG + r"\s+(?:[\w']+\s+){0,3}(?:doesn'?t|don'?t|won'?t|wouldn'?t)\s+(?:[\w']+\s+)?"
        r"(?:do\s+what|obey|respond|listen|work\s+properly)\b",
        r"\b" + NERVE_FEEL + r"\b[^.,;!?]{0,40}?\b" + LEG_NERVE + r"\b",
        r"\b" + LEG_NERVE + r"\b[^.,;!?]{0,40}?\b" + NERVE_FEEL + r"\b",
        r"\bfoot\s+drop\b|\b(?:foot|feet|toes?)\s+(?:[\w']+\s+){0,2}(?:drops?|dropping)\b|"
        r"\btrip\w*\s+(?:up\s+)?(?:over|on)\s+nothing\b",
        r"\b(?:calf|calves|thigh|leg|quads?|muscles?)\s+(?:[\w']+\s+){0,2}(?:is|are|has|have|got|"
        r"gotten|"
        r"looks?|gone|getting|been)\s+(?:[\w']+\s+)?(?:smaller|thinner|wast\w*|shrunk|shrinking|"
        r"shrivel\w*)\b",
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
        r"\b(?:foot|feet|toes?)\s+(?:[\w']+\s+)?(?:doesn'?t|don'?t|won'?t|does\s+not|do\s+not|"
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
        r"\b(?:starts?|started|begins?|began)\s+in\s+(?:my\s+)?(?:lower\s+|low\s+)?(?:back|spine)\b"
        r"[^.;!?]{0,60}?\b(?:in|into|to|down)\s+(?:my\s+)?(?:[\w']+\s+)?" + LEG_WIDE + r"\b",
        r"\bfrom\s+(?:my\s+)?(?:lower\s+)?(?:back|spine|bum|buttocks?|glutes?|hip)\b.{0,40}?\bto\s+"
        r"(?:my\s+)?(?:[\w']+\s+)?(?:legs?|thighs?|calf|calves|knees?|foot|feet|toes?|ankles?|"
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
        r"\btemp(?:erature)?\s+(?:[\w']+\s+){0,3}(?:37\.[5-9]|3[89](?:\.\d)?|4[0-2](?:\.\d)?|"
        r"10[0-5](?:\.\d)?)\b",
        r"\bmy\s+temp(?:erature)?(?:'s|\s+(?:has|is|was|"
        r"keeps))?\s+(?:been\s+)?(?:going\s+)?(?:up\s+and\s+"
        r"down|up|high|raised|spiking|through\s+the\s+roof|all\s+over\s+the\s+place)\b",
        r"\bthermometer\s+(?:[\w']+\s+){0,2}(?:37\.[5-9]|3[89]|4[0-2]|10[0-5])\b",
        r"\bchills\b|\brigors\b|\bshiver\w*|\bteeth\s+(?:[\w']+\s+)?chattering\b",
        r"\bshaking\s+with\s+(?:cold|chills)\b",
        r"\b(?:night|hot|cold|the)\s+sweats\b",
        r"\b(?:soaked|drenched|soaking|dripping|wringing)\s+(?:[\w']+\s+){0,2}(?:in\s+|with\s+)?"
        r"sweat\b|\b(?:soaked|drenched|soaking|sweat-?soaked)\s+(?:sheets|pyjamas|pajamas|bed|"
        r"bedding|pillow)\b",
        r"\bsweat\w*\s+(?:[\w']+\s+){0,2}(?:at\s+night|in\s+bed|through\s+the\s+night|"
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
        r"\b(?:\d+(?:\.\d+)?\s*(?:kg|kgs|kilos?|pounds|lbs?|stones?)|(?:half\s+)?a\s+stone)\s+"
        r"lighter\b[^.;!?]{0,60}?\b" + UNEXPLAINED,
        r"\b(?:getting|got|gotten|becoming|become|grown|look|looking)\s+(?:[\w']+\s+)?(?:thinner|"
        r"skinnier|bonier|gaunt)\b[^.;!?]{0,60}?\b" + UNEXPLAINED,
        r"\b(?:clothes|jeans|trousers|pants|shorts|belt|kit|tops?|shirts?|"
        r"straps?)\s+(?:[\w']+\s+){0,3}"
        r"(?:loose|looser|baggy|baggier|hanging\s+off|falling\s+off|too\s+big|needs?\s+(?:a\s+)?"
        r"new\s+(?:notch(?:es)?|holes?))\b[^.;!?]{0,60}?\b" + UNEXPLAINED,
    )),
    "bladder_bowel": ("loss of bladder or bowel control", (
        r"\bincontinen\w*",
        r"\b(?:loss|lost|losing|lose)\s+(?:of\s+)?(?:[\w']+\s+)?(?:bladder|bowel)s?\s+control\b",
        r"\b(?:loss|lost|losing|lose)\s+control\s+(?:of|over)\s+(?:my\s+)?(?:bladder|bowels?)\b",
        r"\b" + DIFFICULT + r"\s+(?:to\s+|with\s+)?(?:(?:hold|control|empty|start|stop)(?:l?ing)?"
        r"\s+)?(?:to\s+)?(?:in\s+)?(?:my\s+|the\s+|a\s+)?" + BLADDER + r"\b",
        r"\b(?:weak|slow|poor)\s+(?:urine\s+)?stream\b|\bstream\s+is\s+(?:weak|slow|poor)\b",
        r"\b(?:had|have|having|get|got|getting)\s+(?:a|an|the\s+odd|the\s+occasional)\s+"
        r"(?:little\s+|small\s+)?leak\b",
        r"\b" + CANT + r"\s+hold\s+it\b[^.;!?]{0,40}?\b(?:" + BLADDER + r"|bathroom)\b",
        r"\b(?:poo|bowel|bladder|toilet|wee|pee)\s+accidents?\b|\bwet\s+(?:the|my)\s+bed\b|"
        r"\bbed[-\s]?wetting\b",
        r"\b(?:weeing|peeing|urinating|pooing|going\s+to\s+the\s+(?:toilet|"
        r"loo))\s+(?:[\w']+\s+){0,3}(?:hard|difficult|a\s+struggle|hard\s+work|slow|a\s+problem)\b",
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
        r"\b(?:don'?t|didn'?t|do\s+not|did\s+not|can'?t|couldn'?t)\s+(?:always\s+)?(?:make|get)\s+"
        r"it\s+to\s+the\s+(?:toilet|bathroom|loo|restroom)\b|\b(?:toilet|loo|"
        r"bathroom)\s+in\s+time\b",
        r"\b(?:can'?t|cannot|couldn'?t|don'?t)\s+(?:feel|tell|know|notice|control|stop|predict)\s+"
        r"(?:when|if)\s+"
        r"(?:[\w']+\s+){0,3}(?:pee|wee|urinate|go\s+to\s+the\s+(?:toilet|loo)|bladder|bowels?|"
        r"need\s+to\s+go\b(?!\s+(?:for|out|to|running|faster|slower|back|home|on|in)\b))",
        r"\b" + NUMB + r"\b[^.;!?]{0,40}?\b" + SADDLE + r"\b",
        r"\b" + SADDLE + r"\b[^.;!?]{0,40}?\b" + NUMB + r"\b",
        r"\b(?:can'?t|cannot|couldn'?t|don'?t|barely|hardly)\s+feel\b[^.;!?]{0,30}?\bwip(?:e|"
        r"ing)\b",
        r"\bwip(?:e|ing)\b[^.;!?]{0,30}?\b(?:numb\w*|can'?t\s+feel|no\s+feeling|feels?\s+"
        r"(?:strange|different|odd|weird))",
    )),
    "trauma": ("pain after a fall or an accident", (
        r"\b(?:after|since|from|in|during|had|have\s+had|was\s+in|took|take)\s+(?:a|an|my|the|that)"
        r"\s+(?:[\w']+\s+)?(?:fall|crash|accident|collision|tumble|wipe\s*out|spill|"
        r"pile[-\s]?up)\b",
        r"\b(?:fell|fallen|tripped|slipped|crashed\s+(?:into|onto|off|over|on|my|the)|tumbled)\b",
        r"\bfall(?:s|ing|en)?\s+(?:off|from|down|over|onto)\b",
        r"\blanded\s+(?:[\w']+\s+){0,2}(?:on|onto)\s+(?:my\s+)?(?:lower\s+|low\s+)?(?:back|"
        r"tailbone|coccyx|butt|bum|hip|side|bottom|backside)\b",
        r"\b(?:hit|clipped|struck|knocked\s+(?:down|over)|run\s+over|tackled)\s+by\s+(?:a\s+)?"
        r"(?:[\w']+\s+)?(?:car|bike|cyclist|vehicle|truck|lorry|van|scooter|bus|runner|dog|"
        r"player)\b",
        r"\b(?:car|bike|cyclist|vehicle|truck|lorry|van|bus|scooter|driver)\s+(?:[\w']+\s+)?(?:hit|"
        r"clipped|struck|knocked|(?:reversed|backed|drove|ploughed|plowed|crashed|ran|smashed|"
        r"slammed)\s+into)\s+me\b",
        r"\bwhiplash\b|\brugby\s+tackle\b|\b(?:got|was|been|being)\s+tackled\b",
        r"\b(?:horse|bike|pony|bull)\s+(?:[\w']+\s+)?(?:threw|bucked|dumped|flung)\s+me\b|"
        r"\b(?:was|got|been|being)\s+(?:thrown|bucked)\s+(?:off|from)\b",
        r"\b(?:knocked|bowled)\s+(?:me\s+)?(?:over|down|off)\b",
        r"\b(?:rear[-\s]ended|run\s+over|car\s+(?:crash|accident|wreck)|bike\s+(?:crash|"
        r"accident))\b",
        r"\b(?:hit|banged|bashed|bumped|smacked|slammed|jarred|twisted)\s+my\s+(?:lower\s+)?back\b",
        r"\b(?:went|gone|go)\s+over\s+on\b|\bcame\s+off\s+(?:my|the|a)\b|\bwiped\s+out\b|"
        r"\btook\s+a\s+(?:[\w']+\s+)?(?:tumble|spill|fall|header|nosedive|dive)\b",
        r"\bwent\s+flying\b|\bwent\s+down\s+(?:hard|heavily|on\s+(?:the\s+|some\s+)?(?:black\s+)?"
        r"(?:ice|mud|gravel|road|pavement|trail|path|track|kerb|curb))\b|"
        r"\bover\s+the\s+handlebars\b|\bface[-\s]?plant\w*|\bwent\s+down\s+hard\b|"
        r"\bhit\s+the\s+(?:ground|deck|floor|pavement|tarmac)\b",
    )),
    "severe": ("severe pain", (
        r"\b(?:excruciating|unbearable|agoni[sz]ing|agony|crippling|debilitating|"
        r"worst\s+pain|(?:9|10|nine|ten)\s*(?:/|out\s+of)\s*10)\b",
        r"\bscale\s+of\s+(?:\d+|one|zero)\s+to\s+(?:10|ten)\b[^.;!?]{0,40}?\b(?:9|10|nine|ten)\b",
        r"\b(?:severe|intense|extreme|horrendous|terrible|awful)\s+(?:[\w']+\s+){0,2}" + PAIN
        + r"\b",
        r"\b" + PAIN + r"\s+(?:[\w']+\s+){0,2}(?:is|was|are|so|really|very)\s+(?:[\w']+\s+)?"
        r"(?:severe|intense|extreme)\b",
        r"\bworst\s+(?:[\w']+\s+){0,2}" + PAIN + r"\b",
        r"\bso\s+(?:bad|painful|intense|severe|excruciating)\s+(?:that\s+)?(?:i\s+)?(?:had\s+to|"
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
        r"\b(?:made|making|had)\s+me\s+(?:cry|scream|yell)\b|\bin\s+tears\b|\bto\s+tears\b|"
        r"\b(?:takes?|took|taking)\s+my\s+breath\s+away\b|\bdoubled\s+(?:over|up)\b|\bscreamed\b|"
        r"\bscreaming\s+(?:in|with)\s+pain\b|\b(?:back|pain)\s+is\s+screaming\b",
        r"\b(?:pain|it)\b[^.;!?]{0,30}?\b(?:off\s+the\s+(?:charts?|scale)|through\s+the\s+roof)",
        r"\b(?:painkillers?|pain\s+killers?|ibuprofen|paracetamol|meds|medication|co-?codamol|"
        r"tablets)\s+(?:[\w']+\s+){0,2}(?:do(?:es)?\s+nothing|don'?t\s+(?:help|work|touch|do\s+"
        r"anything)|aren'?t\s+(?:helping|working|touching)|not\s+(?:helping|working|touching)|"
        r"barely\s+(?:help|touch))\b",
        r"\b(?:pain|it)\s+(?:was|is|'s)\s+(?:[\w']+\s+)?(?:insane|horrendous|horrific|brutal|"
        r"savage|unreal|crazy|agonising|agonizing)\b",
        r"\b(?:had|needed|have)\s+to\s+(?:get\s+a\s+(?:taxi|cab|lift|ride)\s+home|call\s+(?:an\s+"
        r"ambulance|someone|for\s+help)|be\s+(?:carried|helped|picked\s+up|collected|rescued))\b|"
        r"\bhelp\s+me\s+(?:get\s+)?(?:up|out\s+of\s+bed|stand)\b",
    )),
    "night_rest": ("pain at night or at rest", (
        r"\b(?:wakes?|woke|waking|keeps?|kept)\s+me\s+(?:up|awake)\b",
        r"\bnight[-\s]?(?:time\s+)?(?:pain|aches?|aching)\b|\b(?:stops?|stopping|stopped|keeps?|"
        r"kept)"
        r"\s+me\s+(?:from\s+)?sleep\w*",
        r"\b(?:wakes?|woke|waking)\s+me\b|\b(?:woken|waking|woke|wake)\s+(?:up\s+)?by\s+(?:my\s+|"
        r"the\s+)?(?:[\w']+\s+)?(?:back|pain|ache)\b",
        r"\b(?:whichever|whatever|any|every)\s+way\s+i\s+(?:lie|sleep|lay|turn)\b",
        r"\b(?:sleep\w*|nights?)\s+(?:is|are|has\s+been|have\s+been)\s+(?:a\s+)?(?:nightmare|hell|"
        r"awful|terrible|impossible|hard|difficult|rough|broken)\b[^.;!?]{0,40}?\b" + PAIN + r"\b",
        r"\b(?:trouble|struggl\w*|hard|difficult\w*|losing|lost|"
        r"lose)\s+(?:to\s+)?(?:get(?:ting)?\s+"
        r"to\s+)?sleep\w*\b[^.;!?]{0,40}?\b(?:because|due\s+to|from|as|with)\b[^.;!?]{0,25}?\b"
        + PAIN + r"\b",
        r"\b" + PAIN + r"\b[^.;!?]{0,40}?\b(?:trouble|struggl\w*|hard|difficult\w*|losing|lost|"
        r"lose)\s+(?:to\s+)?(?:get(?:ting)?\s+to\s+)?sleep\w*",
        r"\b(?:wak(?:e|es|ing)|woke)\s+(?:up\s+)?(?:at\s+(?:\d|night|two|three|four|five)|"
        r"in\s+the\s+"
        r"night|during\s+the\s+night|every\s+night|most\s+nights|because\s+of|from\s+the\s+pain)",
        r"\b" + PAIN + r"\s+(?:[\w']+\s+){0,5}(?:at\s+night|all\s+night|in\s+bed|at\s+rest|"
        r"overnight|"
        r"day\s+and\s+night|night\s+and\s+day|when\s+(?:i'?m\s+|i\s+am\s+|i\s+)?(?:resting|rest|"
        r"lying|lie|lay|sitting\s+still|still|in\s+bed|asleep|sleeping|not\s+moving|"
        r"doing\s+nothing)|"
        r"while\s+(?:i'?m\s+|i\s+am\s+)?(?:resting|lying|asleep|sleeping|sitting\s+still)|even\s+"
        r"(?:when\s+|while\s+|if\s+)?(?:i'?m\s+)?(?:resting|lying|sitting)|lying\s+(?:down|still|"
        r"in\s+bed|flat)|sitting\s+still|sat\s+still|(?:sat\s+)?on\s+the\s+(?:sofa|couch)|"
        r"doing\s+nothing|not\s+moving)\b",
        r"\b(?:at\s+night|in\s+bed|at\s+rest),?\s+(?:my|the|it)\s+(?:[\w']+\s+){0,2}" + PAIN
        + r"\b",
        r"\beven\s+(?:when|while|if)\s+(?:i'?m\s+|i\s+am\s+|i\s+)?(?:just\s+|only\s+)?(?:resting|"
        r"rest|lying|lie|lay|sitting|sat|sit|sleeping|not\s+running|doing\s+nothing)\b",
        r"\b(?:lying|lie|resting|rest|sitting\s+still)\s+(?:[\w']+\s+){0,2}(?:makes?|made)\s+"
        r"(?:[\w']+\s+){0,3}(?:worse|hurt|ache|pain)\b",
        r"\b(?:rest|resting|lying\s+down|sleep)\s+(?:[\w']+\s+){0,2}(?:doesn'?t|does\s+not|won'?t|"
        r"didn'?t|never)\s+(?:[\w']+\s+)?(?:help|ease|relieve|settle|make\s+(?:any|"
        r"a)\s+difference)\b",
        r"\bconstant\s+(?:[\w']+\s+)?(?:pain|ache)\b|\b(?:pain|ache)\s+is\s+constant\b",
        r"\b(?:can'?t|cannot|couldn'?t)\s+(?:get\s+to\s+)?sleep\b|\b(?:can'?t|cannot|"
        r"couldn'?t)\s+get"
        r"\s+(?:comfy|comfortable)\b|\btoss\w*\s+and\s+turn\w*|\b(?:up|awake)\s+(?:most|all|every|"
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
        r"budge|let\s+up|calmed\s+down|quit|stop|stopped)\b",
        r"\b" + PAIN + r"\b[^.;!?]{0,40}?\bsince\b[^.;!?]{0,60}?\b(?:" + COUNT + r"\s+(?:weeks|"
        r"months|"
        r"years)|(?:a|one)\s+(?:month|year)|months|years)\s+ago\b",
        r"\b(?:nothing|no\s+amount\s+of\s+\w+(?:\s+\w+)?)\s+(?:[\w']+\s+){0,3}(?:helps|helped|"
        r"works|worked|shifts|shifted|fixes|fixed|touches|seems\s+to\s+help)\b",
        r"\b(?:persistent|chronic)\b",
        r"\b" + PAIN + r"\b[^.;!?]{0,40}?\b" + LONG_TIME,
        r"\b" + PAIN + r"\b[^.;!?]{0,40}?\b" + SINCE,
        r"\b" + PAIN + r"\b[^.;!?]{0,30}?\bsince\b[^.;!?]{0,40}?\b" + MONTH,
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
    )),
}
