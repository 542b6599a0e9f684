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
          r"down\s+there|inner\s+legs?|tops?\s+of\s+my\s+(?:inner\s+)?(?:legs|thighs)|"
          r"private\s+parts|inner\s+thighs?|(?:around|round)\s+my\s+(?:bottom|bum|backside|"
          r"anus)|back\s+passage)")
PAIN = (r"(?:pain|painful|hurts?|hurting|hurt|aches?|aching|ached|achy|sore|soreness|"
        r"twinges?|twinging|throb\w*|niggl\w*|bother\w*|playing\s+up|acting\s+up|flar\w*|"
        r"grumbl\w*|nagg\w*|gnaw\w*|giving\s+me\s+(?:grief|gyp|jip|hell))")
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
        r"(?:can'?t|cannot|couldn'?t)\s+feel|lost\s+(?:the\s+|all\s+|some\s+)?(?:feeling|"
        r"sensation)|dead)")
CANT = r"(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to)"
DIFFICULT = (r"(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to|struggl\w*|trouble|difficult\w*|"
             r"(?:haven'?t|have\s+not|hasn'?t|not)\s+been\s+able\s+to|"
             r"hard(?:er)?\s+to|problems?|strain\w*)")
BLADDER = (r"(?:pee|peeing|wee|weeing|urine|urinat\w*|bladder|bowels?|poo|pooing|stools?|"
           r"toilet|loo|number\s+(?:one|two|1|2)s?)")
# Weeks (two or more), months or years: what "does not ease after weeks" means.
COUNT = (r"(?:a\s+few|several|many|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
         r"\d+|(?:a\s+)?couple(?:\s+of)?)")
LONG_TIME = (r"(?<!every\s)(?<!each\s)(?<!few\s)(?:" + COUNT + r"\s+(?:weeks|months|years)|"
             r"(?:a|one)\s+(?:month|year)|months|years|ages|all\s+(?:year|winter|summer|"
             r"spring|autumn|season)|the\s+whole\s+(?:year|winter|summer|season)|"
             r"(?:most|much)\s+of\s+the\s+(?:year|winter|summer|spring|autumn|fall|season)|"
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
    r"changing\s+(?:anything|a\s+thing|my\s+diet|what\s+i\s+eat)|(?:any|a)\s+(?:reason|"
    r"effort|diet|change))|not\s+on\s+(?:a|any)\s+diet|no\s+diet\b|"
    r"for\s+no\s+(?:[\w']+\s+)?reason|no\s+(?:[\w']+\s+)?reason|"
    r"not\s+(?:been\s+)?(?:trying|dieting|on\s+a\s+diet)|"
    r"(?:haven'?t|have\s+not|hasn'?t)\s+(?:been\s+)?(?:trying|dieting|changed\s+(?:anything|"
    r"a\s+thing|my\s+diet|what\s+i\s+eat))|"
    r"(?:didn'?t|did\s+not|don'?t|do\s+not)\s+(?:mean|try|want|intend)\s+to|"
    r"(?:don'?t|do\s+not|not\s+sure|no\s+idea|can'?t\s+(?:work\s+out|explain))\s+"
    r"(?:know\s+)?why|can'?t\s+explain|(?:no|without\s+an?)\s+explanation|inexplicabl\w*|"
    r"mysterious\w*|unexplained|unintentional\w*|unintended|"
    r"(?:eating|eat|ate)\s+(?:the\s+same|normally|as\s+much|more|plenty|loads|lots|well|"
    r"properly|like\s+a\s+horse|for\s+(?:two|england)|everything|as\s+(?:usual|normal)|like\s+normal)|"
    r"(?:not|\w*n'?t)\s+(?:[\w']+\s+){0,3}on\s+purpose|"
    r"(?:don'?t|do\s+not|no\s+idea|not\s+sure)\s+(?:know\s+)?(?:where|how)\s+(?:it'?s|it\s+has)\s+"
    r"gone|even\s+though\s+i'?m\s+eating|not\s+eating\s+less|"
    r"no\s+change\s+(?:in|to)\s+(?:my\s+)?(?:diet|food|eating|training|anything)|"
    r"(?:no|lost\s+my)\s+appetite|same\s+(?:food|diet|meals|portions))")
MOVES = (r"(?:radiat\w*|shoot\w*|shot|travel\w*|spread\w*|runs|ran|goes|going|went|moves?|"
         r"moving|moved|extends?|extending|refers?|stabbing|burning|electric\w*|zings?|zinging|"
         r"zaps?|zapping|wraps?|creeps?|creeping|zoom\w*|whizz\w*|dart\w*|streak\w*|flash\w*)")

# Numbers a runner writes in words or digits ("half a stone", "four kilos", "a couple of").
AMOUNT = (r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
          r"twelve|fifteen|twenty|a\s+few|several|half\s+a|a\s+couple\s+(?:of\s+)?)")
# Units of body weight, metric, imperial and UK.
WEIGHT_UNIT = r"(?:kg|kgs|kilos?|kilograms?|pounds|lbs?|stones?|st)"
# Ways a leg gives way under a runner.
GIVES_WAY = (r"(?:weak|wobbly|buckl\w*|unlock\w*|(?:nearly|almost)\s+(?:go|goes|went|going)\s+"
             r"down|collaps\w*|crumpl\w*|fold(?:s|ed|ing)?\s+(?:under|beneath)|"
             r"gives?\s+way|gave\s+way|giving\s+way|gives?\s+out|gave\s+out|giving\s+out|"
             r"(?:goes|go|went|going|gone)\s+(?:out\s+)?from\s+under\s+me|"
             r"drops?\s+(?:out\s+)?from\s+under\s+me|(?:goes|went|going)\s+to\s+jelly)")
# What a numb foot or leg is said to feel like ("like cotton wool", "wrapped in cling film").
NUMB_LIKE = (r"(?:cotton\s+wool|(?:after|at)\s+the\s+dentist|an(?:a)?esthetic|someone\s+else'?s|"
             r"(?:belongs?|belonged)\s+to\s+someone\s+else|not\s+(?:part\s+of\s+)?(?:mine|"
             r"my\s+own|there|attached)|a\s+block\s+of\s+wood|wood(?:en)?|rubber\w*|plastic|"
             r"wrapped|cling\s*film|bubble\s*wrap|gloves?|thick\s+socks?|padd(?:ed|ing)|muffled|"
             r"far\s+away|distant|fizz\w*|(?:walking|running|standing)\s+on\s+(?:a\s+)?"
             r"(?:sponges?|cotton\s+wool|pillows?|cushions?|air|marshmallows?))")
# Who or what runs into a runner.
COLLIDER = (r"(?:car|bike|\w*cyclist|\w*biker|e-?scooter|scooter|skateboard\w*|vehicle|"
            r"truck|lorry|van|bus|taxi|cab|motor\s*bike|motorcycle|moped|driver|runner|player|dog|"
            r"horse|cow|deer|kid|child|someone|somebody|guy|bloke|man|woman|pram|buggy)")
# Being run into: "taken out by a scooter", "collided with a runner", "a van reversed into me".
COLLISION = (r"(?:(?:hit|clipped|struck|knocked\s+(?:down|over|flying|off)|run\s+over|tackled|"
             r"(?:taken|took|wiped|mown|mowed)\s+(?:out|down)|barged|shunted|rammed|sideswiped|"
             r"t-?boned|bowled\s+over|sent\s+flying)\s+by\s+(?:a\s+|an\s+|some\s+)?"
             r"(?:[\w'-]+\s+){0,2}" + COLLIDER + r"|(?:collided|collision)\s+with\s+(?:a\s+|an\s+|"
             r"some\s+)?(?:[\w'-]+\s+){0,2}" + COLLIDER + r"|" + COLLIDER + r"\s+(?:[\w']+\s+)?"
             r"(?:hit|clipped|struck|knocked|(?:reversed|backed|drove|ploughed|plowed|crashed|ran|"
             r"smashed|slammed|barrel\w*|bumped|shunted|rammed)\s+into)\s+(?:me|(?:the\s+back\s+of\s+)?"
             r"my\s+(?:back|legs?|side)))")
# Going down: "went flying", "came off my bike", "ended up on the floor".
FALL_DOWN = (r"(?:(?:went|gone|go)\s+(?:over|sprawling)\s+(?:on|onto)|came\s+off\s+(?:my|the|a)|"
             r"wiped\s+out|took\s+a\s+(?:[\w']+\s+)?(?:tumble|spill|fall|header|nosedive|dive)|"
             r"went\s+flying|went\s+down\s+(?:hard|heavily|on\s+(?:the\s+|some\s+)?(?:black\s+)?"
             r"(?:ice|mud|gravel|road|pavement|trail|path|track|kerb|curb))|over\s+the\s+handlebars|"
             r"face[-\s]?plant\w*|hit\s+the\s+(?:ground|deck|floor|pavement|tarmac)|(?:ended\s+up|"
             r"found\s+myself|(?:was|got)\s+thrown)\s+(?:flat\s+)?on\s+(?:the\s+)?(?:floor|ground|"
             r"deck|pavement|tarmac|road))")
# Everyday tasks that severe back pain stops.
DAILY_TASK = (r"(?:put\s+(?:on\s+)?(?:my\s+)?(?:own\s+)?(?:socks|shoes|trainers|boots|pants|"
              r"knickers|trousers|jeans)|tie\s+(?:my\s+)?(?:own\s+)?(?:shoe)?laces|"
              r"dress\s+myself|get\s+(?:in|into|out\s+of)\s+(?:the\s+|my\s+)?(?:car|bath|"
              r"shower)|pick\s+up\s+my\s+(?:kids?|child|baby|son|daughter|toddler)|"
              r"(?:climb|get\s+up)\s+(?:the\s+)?stairs|roll\s+over|wash\s+my\s+hair|"
              r"get\s+off\s+the\s+(?:toilet|loo|sofa|couch|floor))")
# A body temperature that is a fever, in Celsius or Fahrenheit.
FEVER_READING = (r"(?:37\.[5-9]|3[89](?:\.\d)?|4[0-2](?:\.\d)?|10[0-5](?:\.\d)?)\s*(?:°\s*)?"
                 r"(?:c|f)?")
# What loosens when weight drops.
CLOTHES = (r"(?:clothes|jeans|trousers|pants|shorts|tights|leggings|belt|waistband|kit|tops?|"
           r"shirts?|t-?shirts?|vests?|straps?|rings?|watch)")
# Pain compared with the worst a person has known.
WORST_EVER = (r"(?:(?:beyond|worse\s+than)\s+anything\s+i'?ve\s+(?:ever\s+)?(?:had|felt|known)|"
              r"worse\s+than\s+(?:childbirth|giving\s+birth|labour|labor|(?:breaking|when\s+i\s+"
              r"broke)\s+my)|(?:childbirth|giving\s+birth|labour|labor)\s+was\s+(?:easier|"
              r"nothing)|never\s+(?:felt|had)\s+(?:pain\s+|anything\s+)like\s+(?:it|this)|"
              r"worst\s+(?:thing\s+)?i'?ve\s+ever\s+(?:felt|had))")
# Painkillers that do nothing for the pain.
PAINKILLERS_FAIL = (r"(?:painkillers?|pain\s+killers?|ibuprofen|paracetamol|meds|medication|"
                    r"co-?codamol|tablets)\s+(?:[\w']+\s+){0,2}(?:do(?:es)?\s+nothing|(?:don'?t|"
                    r"doesn'?t|didn'?t|haven'?t|hasn'?t|aren'?t|isn'?t|not|barely|hardly)\s+"
                    r"(?:even\s+)?(?:help|work|touch|do\s+anything|(?:taken|take|taking|took)\s+"
                    r"the\s+edge\s+off|made\s+a\s+dent|dent)\w*)")
# Walking bent by the pain ("shuffling around like an old man").
WALKS_BENT = (r"(?:i'?m|i\s+am|i\s+was|i'?ve\s+been|i)\s+(?:\w+\s+)?(?:shuffl|hobbl|walk|hunch|"
              r"bent)\w*\s+(?:around\s+|about\s+|over\s+)?like\s+"
              r"(?:an?\s+)?(?:\d+\s*-?\s*year\s*-?\s*old|old\s+(?:man|woman|lady|person)|"
              r"pensioner|granny|grandad|grandma|question\s+mark)")
# Hours of the night when pain keeps a runner up.
NIGHT_HOUR = (r"(?:(?:1[0-2]|[1-4])(?::\d\d)?\s*(?:am|a\.m\.)|(?:middle|dead)\s+of\s+the\s+night|"
              r"(?:small|wee|early)\s+hours|(?:[1-4]|one|two|three|four)\s+(?:o'?clock\s+)?"
              r"in\s+the\s+morning)")
# A "since" that is too recent for pain that does not ease after weeks.
RECENT = (r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|the\s+weekend|last\s+"
          r"(?:night|week|weekend)|this\s+(?:morning|week)|(?:the|my|that|this)\s+(?:race|run))")
# Pain that stays: "has hung around", "lingering", "dragged on".
PERSISTS = (r"(?:(?:hung|hanging|hangs|hang)\s+(?:around|about|on)|linger\w*|"
            r"dragg?(?:ed|ing|s)?\s+on|stuck\s+around|(?:going|gone|carried|carrying|been\s+going)"
            r"\s+on|refus\w*\s+to\s+(?:go|shift|budge|leave|clear|settle|ease))")

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
