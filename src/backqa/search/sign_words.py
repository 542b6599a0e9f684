"""The word families the warning-sign patterns are built from (`warning_signs`): body parts,
ways of saying pain, durations, bladder words, reasons for weight loss... and `CONTEXT`, the
words that place a question on back pain or running.

Everything here runs on lower-cased, normalised text (`notice.normalise`).
"""

from __future__ import annotations

LEG = (r"(?:legs?|thighs?|calf|calves|knees?|shins?|ankles?|foot|feet|toes?|heels?|soles?|"
       r"hamstrings?)")
# The leg parts whose weakness is a nerve sign ("weak ankles" and "weak glutes" are not).
LEG_NERVE = r"(?:legs?|thighs?|calf|calves|knees?|foot|feet|toes?|shins?|heels?|soles?)"
# Where pain that radiates ends up.
LEG_WIDE = (r"(?:legs?|thighs?|calf|calves|knees?|foot|feet|toes?|ankles?|shins?|heels?|"
            r"soles?|hamstrings?|buttocks?|butt|glutes?|bum)")
# "dead" means numb for a foot ("my foot goes dead"), tired for legs ("dead legs").
DEAD_PART = r"(?:foot|feet|toes?|heels?|soles?|leg|thigh|calf|shin)"
SADDLE = (r"(?:saddle|groin|genitals?|crotch|perineum|between\s+(?:my|the|your)\s+legs|"
          r"private\s+parts|inner\s+thighs?|(?:around|round)\s+my\s+(?:bottom|bum|backside|"
          r"anus)|back\s+passage)")
PAIN = (r"(?:pain|painful|hurts?|hurting|hurt|aches?|aching|ached|achy|sore|soreness|"
        r"twinges?|twinging|throb\w*|niggl\w*|bother\w*|playing\s+up|flar\w*)")
SENSATION = (r"(?:pain|hurts?|hurting|aches?|aching|burn\w*|zing\w*|zap\w*|shock\w*|jolt\w*|"
             r"shoot\w*|sting\w*|electric\w*|radiat\w*|throb\w*|twinge\w*|tingl\w*|numb\w*|"
             r"sensation|feeling|cramp\w*|spasm\w*)")
NERVE_FEEL = (r"(?:numb\w*|tingl\w*|prickl\w*|buzz\w*|fuzzy|furry|woolly|"
              r"pins\s*(?:and|&|n'?)\s*needles|asleep|(?:gone|been|go|goes|going|"
              r"went)\s+to\s+sleep|weak(?:ness|ened|er|ening)?|"
              r"buckl\w*|giv(?:es?|ing)\s+way|gave\s+way|giv(?:es?|ing)\s+out|"
              r"gave\s+out|floppy|slap\w*|no\s+feeling|lost\s+(?:the\s+)?(?:feeling|sensation)|"
              r"loss\s+of\s+(?:feeling|sensation)|electric\w*|crawling|insects?)")
NUMB = (r"(?:numb\w*|tingl\w*|pins\s*(?:and|&|n'?)\s*needles|no\s+feeling|no\s+sensation|"
        r"(?:can'?t|cannot|couldn'?t)\s+feel|lost\s+(?:the\s+|all\s+)?(?:feeling|sensation)|dead)")
CANT = r"(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to)"
DIFFICULT = (r"(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to|struggl\w*|trouble|difficult\w*|"
             r"(?:haven'?t|have\s+not|hasn'?t|not)\s+been\s+able\s+to|"
             r"hard(?:er)?\s+to|problems?|strain\w*)")
BLADDER = (r"(?:pee|peeing|wee|weeing|urine|urinat\w*|bladder|bowels?|poo|pooing|stools?|"
           r"toilet|loo)")
# Weeks (two or more), months or years: what "does not ease after weeks" means.
COUNT = (r"(?:a\s+few|several|many|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
         r"\d+|(?:a\s+)?couple(?:\s+of)?)")
LONG_TIME = (r"(?<!every\s)(?<!each\s)(?<!few\s)(?:" + COUNT + r"\s+(?:weeks|months|years)|"
             r"(?:a|one)\s+(?:month|year)|months|years|ages|all\s+(?:year|winter|summer|"
             r"spring|autumn|season)|the\s+whole\s+(?:year|winter|summer|season)|"
             r"(?:week|month)\s+after\s+(?:week|month))\b(?!\s+(?:out|to\s+go|until|before|ago))")
MONTH = (r"(?:january|february|march|april|june|july|august|september|october|november|"
         r"december)\b")
SINCE = (r"since\s+(?:last\s+|the\s+)?(?:may\b|" + MONTH + r"|christmas|easter|new\s+year|summer|"
         r"winter|spring|autumn|(?:last\s+)?(?:month|year|season))\b")
LOSS = (r"(?:lost|losing|lose|loses|dropped|dropping|drop|shed|shedding|down|gone\s+down|"
        r"come\s+off|coming\s+off)")
WEIGHT = (r"(?:\d+(?:\.\d+)?\s*)?(?:weight|kg|kgs|kilos?|kilograms?|pounds|lbs?|stones?|st|"
          r"(?:dress\s+|clothes\s+|trouser\s+)?sizes?)\b")
UNEXPLAINED = (
    r"(?:without\s+(?:even\s+|me\s+|really\s+)?(?:trying|dieting|meaning\s+to|wanting\s+to|"
    r"changing\s+(?:anything|my\s+diet|what\s+i\s+eat)|any\s+(?:reason|effort)|a\s+reason)|"
    r"for\s+no\s+(?:[\w']+\s+)?reason|no\s+(?:[\w']+\s+)?reason|"
    r"not\s+(?:been\s+)?(?:trying|dieting|on\s+a\s+diet)|"
    r"(?:haven'?t|have\s+not|hasn'?t)\s+(?:been\s+)?(?:trying|dieting|changed\s+anything)|"
    r"(?:didn'?t|did\s+not|don'?t|do\s+not)\s+(?:mean|try|want|intend)\s+to|"
    r"(?:don'?t|do\s+not|not\s+sure|no\s+idea|can'?t\s+(?:work\s+out|explain))\s+"
    r"(?:know\s+)?why|can'?t\s+explain|(?:no|without\s+an?)\s+explanation|inexplicabl\w*|"
    r"mysterious\w*|unexplained|unintentional\w*|unintended|"
    r"(?:eating|eat|ate)\s+(?:the\s+same|normally|as\s+much|more|plenty|loads|lots|well|"
    r"properly)|even\s+though\s+i'?m\s+eating|not\s+eating\s+less|"
    r"no\s+change\s+(?:in|to)\s+(?:my\s+)?(?:diet|food|eating|training|anything)|"
    r"(?:no|lost\s+my)\s+appetite)")
MOVES = (r"(?:radiat\w*|shoot\w*|shot|travel\w*|spread\w*|runs|ran|goes|going|went|moves?|"
         r"moving|moved|extends?|extending|refers?|stabbing|burning|electric\w*|zings?|zinging|"
         r"zaps?|zapping|wraps?|creeps?|creeping)")

SEASON_FALL = (r"(?:in|this|last|next|during)\s+the\s+fall|(?:this|last|next)\s+fall|"
               r"fall\s+(?:marathon|race|season|weather|half|10k|5k|training|block|colou?rs)")

# What makes a question about back pain or running: back and running words, the legs and feet
# where nerve signs show (not knees or ankles, whose own injuries the library does not cover),
# and the bladder and the saddle area. A question with none of these, that the library's
# evidence does not place on topic either, uses sign words in another sense ("numb fingers
# after skiing", "my computer crashed", "a toddler with a high temperature").
CONTEXT = (r"\b(?:back|backs|backache|spine|spinal|lumbar|sciatic\w*|sacr\w*|coccyx|tailbone|"
           r"buttocks?|glutes?|bum|hips?|pelvi\w*|discs?|vertebra\w*|run|runs|ran|running|"
           r"runners?|jog\w*|race|races|racing|marathons?|10k|5k|parkrun|miles?|mileage|km|tempo|"
           r"intervals|speedwork|trail|track|sprint\w*|training|legs?|thighs?|calf|calves|shins?|"
           r"foot|feet|toes?|heels?|soles?|hamstrings?|" + BLADDER[3:-1] + r"|saddle|groin)\b")
