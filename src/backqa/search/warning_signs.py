"""The warning signs and the word patterns that describe each, in everyday words too."""

from __future__ import annotations

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


SEASON_FALL = r"(?:in|this|last|next|during)\s+the\s+fall|(?:this|last|next)\s+fall|fall\s+" \
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
