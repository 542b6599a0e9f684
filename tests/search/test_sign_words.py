"""The notice's word classes (`sign_words`): each class catches its words in any runner's
sentence, and leaves the same words alone in another sense."""

from __future__ import annotations

import pytest

from backqa.search.no_match import Evidence
from backqa.search.notice import WarningSignDetector

ON_TOPIC = Evidence(dense=0.9, lexical=0.9)


@pytest.fixture(scope="module")
def words() -> WarningSignDetector:
    return WarningSignDetector()


# One sentence per member of a class, so a class that loses a member fails here.
CLASSES = [
    # AMOUNT x WEIGHT_UNIT x "lighter/down" x UNEXPLAINED
    ("I'm four kilos lighter than in spring without any diet and my back aches", "weight_loss"),
    ("I'm 11 pounds down and eating like a horse, my back hurts on runs", "weight_loss"),
    ("half a stone lighter since summer and not on any diet, sore lower back", "weight_loss"),
    ("lost 3kg and I don't know where it's gone, my back aches after runs", "weight_loss"),
    ("my leggings are falling down and I haven't changed my diet, back sore", "weight_loss"),
    # GIVES_WAY: ways a leg gives way
    ("my left leg folds under me on hills since my back went", "nerve"),
    ("my knee crumples when I land and my back aches", "nerve"),
    ("my leg goes from under me on runs, my back is sore", "nerve"),
    # NUMB_LIKE: what a numb foot feels like
    ("my toes feel like they're wrapped in bubble wrap after runs, back sore", "nerve"),
    ("my foot feels muffled and far away on long runs", "nerve"),
    ("my heel feels like rubber when I run and my back aches", "nerve"),
    ("my shin is dull when I touch it and my back hurts", "nerve"),
    ("my foot keeps scuffing the pavement on runs, back sore", "nerve"),
    # COLLIDER: who or what runs into a runner
    ("I was taken out by an e-scooter and my back hurts", "trauma"),
    ("got sent flying by a cyclist on my run, back's sore", "trauma"),
    ("a van shunted into the back of my legs on a run, my back aches", "trauma"),
    ("I collided with another runner at parkrun and my back hurts", "trauma"),
    ("skidded on gravel on my run and my lower back is sore", "trauma"),
    ("I lost my footing on a trail and my back hurts", "trauma"),
    # FEVER_READING, night sweats, chills
    ("my temperature was 102.5F and my back aches", "fever"),
    ("thermometer said 38.2 and my lower back is sore", "fever"),
    ("my pillow is soaked every morning and my back hurts", "fever"),
    ("I can't get warm and my back aches", "fever"),
    ("I've got the flu and my back is killing me", "fever"),
    # DAILY_TASK, WORST_EVER, PAINKILLERS_FAIL, scores
    ("I can't tie my laces because of my back", "severe"),
    ("I couldn't get out of the car this morning, my back is that bad", "severe"),
    ("the pain in my back is worse than childbirth", "severe"),
    ("co-codamol hasn't made a dent in my back pain", "severe"),
    ("my back pain is a 9.5 out of 10", "severe"),
    ("I'm hobbling around like a 90 year old since my run, back's wrecked", "severe"),
    # NIGHT_HOUR and pacing
    ("my back is throbbing by 3am most nights", "night_rest"),
    ("my back aches in the small hours", "night_rest"),
    ("I end up pacing the landing because my back hurts", "night_rest"),
    ("lying flat is just as bad for my back as running", "night_rest"),
    # PERSISTS, "week N of it", N weeks ago + still
    ("my back ache has lingered since the new year", "persistent"),
    ("this back pain has dragged on for most of the winter", "persistent"),
    ("week six of this lower back ache and counting", "persistent"),
    ("I strained my back a month ago and it still hurts", "persistent"),
    ("my back is still no better after the physio", "persistent"),
    # bladder, saddle
    ("I need the loo and then nothing happens, my back hurts", "bladder_bowel"),
    ("since my back went I don't always get to the loo in time", "bladder_bowel"),
    ("my back is sore and I've had trouble getting a wee going", "bladder_bowel"),
    ("it's numb down there and my back is agony", "bladder_bowel"),
    # radiating from the buttock by any name
    ("a line of pain from my right cheek to my knee on runs", "radiating"),
    # members added after the written7 round (docs/notice.md)
    ("my left knee unlocks on downhills since my back started hurting", "nerve"),
    ("the ache begins at my spine and ends at my ankle", "radiating"),
    ("a twinge whizzes from my back into my calf", "radiating"),
    ("pain from my lower back to the outside of my thigh when I run", "radiating"),
    ("my rings slip off now and I'm not dieting on purpose, back aches on runs", "weight_loss"),
    ("a number two feels odd and my back hurts", "bladder_bowel"),
    ("I strain for a while to empty my bladder since my back went", "bladder_bowel"),
    ("my back throbs through the night", "night_rest"),
    ("even lying in bed my lower back aches", "night_rest"),
    ("month four of this back ache now", "persistent"),
    ("my back pain isn't letting up after six weeks", "persistent"),
    ("I was thrown on the pavement by a gust on my run and my back hurts", "trauma"),
    ("I can hardly get out of the car my back is that bad", "severe"),
]


@pytest.mark.parametrize(("question", "sign"), CLASSES)
def test_each_word_class_catches_its_words(words: WarningSignDetector, question: str,
                                           sign: str) -> None:
    notice = words.detect(question, evidence=ON_TOPIC)
    assert notice is not None and sign in notice.signs, (question, words.matches(question))


# The same classes' words in another sense, or a sign that is over.
@pytest.mark.parametrize("question", [
    "I'm in week 5 of my marathon plan and my back is a bit sore",
    "I set off at 4am for my ultra and my back ached by mile 30",
    "I wake at 5am to run before work, my back is stiff first thing",
    "I can't find comfortable running shoes for my bad back",
    "I'm 3kg down since I started running, I've been trying to lose weight",
    "I took out a loan for a new bike, will cycling help my back?",
    "I skidded on a corner but stayed upright, back's fine, just tight hamstrings",
    "how do I stop my shorts falling down on runs? my back is fine",
    "after my run I was soaked in sweat and my back was a bit stiff",
    "I was drenched in sweat after a humid 10 miler, back a bit stiff",
    "my back was sore after the race and I couldn't get warm for a while in the wind",
    "my hamstring pain has hung around since sunday's race",
    "had shooting pain down my leg last year but physio sorted it, how do I stop it "
    "coming back?",
    "I had a tumble in a trail race last spring, no injury then or since",
    "the dog ran into my legs in the park and knocked my coffee over",
    "my grandad shuffles around like an old man since his hip op",
    "I was shivering at the finish of a winter half, should I pack a foil blanket?",
    "I get a bit sweaty at night in summer, otherwise fine, back a bit stiff after runs",
    "my foot went numb sitting cross-legged, fine after a minute, back ok",
    "my legs ached through the night after the marathon but my back is fine",
])
def test_class_words_in_another_sense_do_not_fire(words: WarningSignDetector,
                                                  question: str) -> None:
    assert words.detect(question, evidence=ON_TOPIC) is None, words.matches(question)


def test_a_collision_fires_as_trauma_not_as_pain_running_into_the_legs(
        words: WarningSignDetector) -> None:
    notice = words.detect("a dog ran into the back of my legs and I went over onto the "
                          "tarmac, back's hurting since", evidence=ON_TOPIC)
    assert notice is not None and notice.signs == ["trauma"]
