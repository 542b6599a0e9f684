"""The see-a-doctor notice: each sign's words, negation and time, the off-topic gate, and the
floors on the judged batches (through the real search path)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backqa.search.no_match import Evidence
from backqa.search.notice import WarningSignDetector
from backqa.search.warning_signs import SIGNS
from backqa.tools.notice_eval import (
    ALL_BATCHES,
    FRESH,
    OLD_SPLITS,
    UNSEEN,
    BatchScore,
    load_batch,
    read_judged,
    score,
    searched_signs,
)
from helpers import JUDGED

ON_TOPIC = Evidence(dense=0.9, lexical=0.9)  # the library has plenty on the question
OFF_TOPIC = Evidence(dense=0.1, lexical=0.1)

NOTICE_SET = JUDGED / "notice_questions.jsonl"
# Condition names a notice must never put in its own words (it does not diagnose).
DIAGNOSES = re.compile(r"sciatica|stenosis|herniat|slipped disc|disc|tumou?r|cancer|infection|"
                       r"cauda|fracture|arthritis|you have|you may have|caused by", re.I)


@pytest.fixture(scope="module")
def words() -> WarningSignDetector:
    return WarningSignDetector()


# The words for each sign, each in a runner's sentence (docs/notice.md lists them).
SIGN_WORDS = [
    ("since my back started hurting I struggle to pee", "bladder_bowel"),
    ("I can't hold my wee since my long run and my back aches", "bladder_bowel"),
    ("it's hard to urinate since my back went", "bladder_bowel"),
    ("I can't feel when I need to go to the toilet and my back hurts", "bladder_bowel"),
    ("I've had a few accidents since my back went", "bladder_bowel"),
    ("I can't hold it when I need the loo since my back started hurting", "bladder_bowel"),
    ("numb saddle area after a long run", "bladder_bowel"),
    ("I've lost ten pounds without trying and my back aches", "weight_loss"),
    ("dropped 6 kilos without dieting and my back is sore", "weight_loss"),
    ("lost a stone without trying and my back hurts", "weight_loss"),
    ("I keep dropping weight without trying and my lower back aches", "weight_loss"),
    ("I'm running a temperature and my back aches", "fever"),
    ("my back hurts and I've had chills and night sweats", "fever"),
    ("I keep shivering and my lower back is sore", "fever"),
    ("my back is sore and I've had a high temperature since my race", "fever"),
    ("my foot feels dead on long runs", "nerve"),
    ("my leg feels asleep after runs", "nerve"),
    ("I have no feeling in my toes after my run", "nerve"),
    ("I think I have foot drop and my back aches", "nerve"),
    ("I can't lift my toes since my back went", "nerve"),
    ("my leg gives way on downhill runs", "nerve"),
    ("my back hurts at night", "night_rest"),
    ("my back aches at rest, not when running", "night_rest"),
    ("my back hurts when I'm lying still", "night_rest"),
    ("my back pain wakes me up at 3am", "night_rest"),
    ("the pain shoots down my leg when I run", "radiating"),
    ("my back pain spreads into my thigh", "radiating"),
    ("is my sciatica from running?", "radiating"),
    ("the pain in my back is unbearable", "severe"),
    ("my back has hurt for six weeks without easing", "persistent"),
    ("months of back pain that won't ease", "persistent"),
    ("back pain after a fall on the ice", "trauma"),
    ("I slipped on a wet path on my run and my back hurts", "trauma"),
    ("my back hurts since a bike crash", "trauma"),
    ("I was hit by a car while running and my back aches", "trauma"),
]


@pytest.mark.parametrize(("question", "sign"), SIGN_WORDS)
def test_each_signs_everyday_words_fire(words: WarningSignDetector, question: str,
                                        sign: str) -> None:
    notice = words.detect(question)
    assert notice is not None and sign in notice.signs, (question, notice)
    assert notice.triggers and all(t in question.lower() for t in notice.triggers)


def test_every_sign_is_covered_by_the_word_tests() -> None:
    assert {sign for _, sign in SIGN_WORDS} == set(SIGNS)


@pytest.mark.parametrize("question", [
    "my back is stiff in the morning, then it loosens up",
    "my lower back feels tight after speedwork",
    "I was sore after my first 10k",
    "is it normal to ache after a long run?",
    "my legs felt dead after yesterday's marathon and my back is a bit sore",
    "I lost 5kg on purpose before my half and my back seems sore",
    "I ran in 30 degree heat and was sweating buckets, my back is a bit achy",
    "training for a fall marathon, how do I keep my back healthy?",
    "I fell behind in my plan, can I catch up without hurting my back?",
    "I fell asleep on the sofa after my run and woke up with a stiff back",
    "crashed on the couch after my long run and my back felt stiff when I got up",
    "best stretches after a run",
    "will a weak core cause back pain?",
    "do runners get slipped discs from all the pounding?",
    "I have fallen arches, would that affect my lower back when jogging?",
    "my feet go a bit numb when my laces are too tight on runs",
])
def test_near_misses_do_not_fire(words: WarningSignDetector, question: str) -> None:
    assert words.detect(question, evidence=ON_TOPIC) is None, words.matches(question)


@pytest.mark.parametrize("question", [
    "lower back pain after running, no numbness",
    "my back aches without any tingling in my legs",
    "I don't have a fever, just a stiff back",
    "the pain does not go down my leg",
    "no pain at night, only after runs",
    "no numbness, no shooting pain, just a dull ache across my lower back",
])
def test_negated_signs_do_not_fire(words: WarningSignDetector, question: str) -> None:
    assert words.detect(question, evidence=ON_TOPIC) is None


def test_negation_ends_at_the_clause(words: WarningSignDetector) -> None:
    notice = words.detect("no numbness, but the pain shoots down my right leg after runs")
    assert notice is not None and notice.signs == ["radiating"]
    assert notice.triggers == ["pain shoots down my right leg"]
    assert all(m.negated for m in words.matches("no numbness or tingling") if m.sign == "nerve")
    notice = words.detect("it doesn't go down my leg, but I'm dribbling wee since my back went")
    assert notice is not None and notice.signs == ["bladder_bowel"]


def test_negation_that_affirms_the_pain_does_not_silence_it(words: WarningSignDetector) -> None:
    notice = words.detect("the ache in my back doesn't stop even when I lie down at night")
    assert notice is not None and "night_rest" in notice.signs


@pytest.mark.parametrize(("question", "fires"), [
    ("had sciatica about five years ago, all cleared up, now I get tight hamstrings", False),
    ("I used to get sciatica but it's been fine for years", False),
    ("I had a fever last month but I'm fully recovered, can I run?", False),
    ("I tripped on a root but caught myself, how do I strengthen my ankles?", False),
    ("I fell two years ago and my back has hurt ever since", True),
    ("my sciatica went away but now it's come back on my long runs", True),
])
def test_a_sign_said_to_be_over_does_not_fire(words: WarningSignDetector, question: str,
                                              fires: bool) -> None:
    assert (words.detect(question, evidence=ON_TOPIC) is not None) is fires


@pytest.mark.parametrize("question", [
    "how do I warm up numb fingers after skiing?",
    "my computer crashed and I lost my essay, can I recover it?",
    "what can I give my toddler for a high temperature at night?",
    "what are the symptoms of hay fever?",
    "how do I fix a slipped bike chain?",
    "why do I get chills when I listen to certain music?",
    "my knee gave way on a ski slope, what should I do?",
])
def test_sign_words_in_another_sense_do_not_fire_off_topic(words: WarningSignDetector,
                                                           question: str) -> None:
    assert words.detect(question) is None
    assert words.detect(question, evidence=OFF_TOPIC) is None


def test_the_librarys_evidence_opens_the_gate_for_a_question_without_context_words(
        words: WarningSignDetector) -> None:
    question = "the pain wakes me at 4am every night"
    assert words.detect(question) is None
    assert words.detect(question, evidence=OFF_TOPIC) is None
    notice = words.detect(question, evidence=ON_TOPIC)
    assert notice is not None and notice.signs == ["night_rest"]


def test_message_is_calm_and_never_diagnoses(words: WarningSignDetector) -> None:
    fired = 0
    for row in read_judged(NOTICE_SET):
        notice = words.detect(str(row["q"]))
        if notice is None:
            continue
        fired += 1
        assert "doctor or physical therapist" in notice.message
        assert not DIAGNOSES.search(notice.message), notice.message
        assert "!" not in notice.message
    assert fired >= 50


def test_judged_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"q": "a", "warning": true}\n{"q": "b"}\n')
    with pytest.raises(ValueError, match=r"q\.jsonl:2"):
        read_judged(path)


def test_judged_set_is_balanced_and_large_enough() -> None:
    rows = read_judged(NOTICE_SET)
    positives = sum(1 for r in rows if r["warning"])
    assert len(rows) >= 40
    assert abs(positives - (len(rows) - positives)) <= len(rows) * 0.1
    assert sum(1 for r in rows if "note" in r) >= 10  # negations and near-misses


def test_scores_count_hits_misses_and_false_alarms() -> None:
    questions = [q for q in load_batch("dev")][:6]
    fired = {q.q: ["nerve"] for q in questions[:3]}
    result = score("dev", questions, fired.get)
    warned = [bool(q.warning) for q in questions]
    assert result.tp == sum(warned[:3]) and result.fp == 3 - sum(warned[:3])
    assert result.fn == sum(warned[3:]) and result.questions == 6


# -- through the search path, with the shipped library and model ------------------------------

SEEN = (*OLD_SPLITS, "batch6", "batch7", *FRESH)


@pytest.fixture(scope="module")
def judged(shipped_searcher) -> dict[str, BatchScore]:  # type: ignore[no-untyped-def]
    batches = {batch: load_batch(batch)
               for batch in (*SEEN, "written", "retrieval", "off-topic", *UNSEEN,
                             "retrieval-holdout")}
    encoder = shipped_searcher.encoder
    try:
        signs = searched_signs(shipped_searcher, [q for b in batches.values() for q in b])
        return {batch: score(batch, questions, signs) for batch, questions in batches.items()}
    finally:
        shipped_searcher.encoder = encoder


def test_seen_batches_hold_their_floors(judged: dict[str, BatchScore]) -> None:
    """Floors under the figures in docs/notice.md (the old set, the tuning batches, and batch8,
    batch9 and batch10, whose frozen first runs were 0.633 / 0.950, 0.700 / 0.913 and
    0.725 / 0.879)."""
    for batch in SEEN:
        result = judged[batch]
        assert result.recall is not None and result.recall >= 0.95, (batch, result.misses)
        assert result.precision is not None and result.precision >= 0.95, (
            batch, result.false_alarms)
    tp, fp, fn = (sum(getattr(judged[b], k) for b in SEEN) for k in ("tp", "fp", "fn"))
    assert tp / (tp + fn) >= 0.98 and tp / (tp + fp) >= 0.98


def test_unseen_batch_holds_its_floor(judged: dict[str, BatchScore]) -> None:
    """The batch kept unseen until the detector was frozen. Its one honest run gave recall 0.700
    and precision 0.955; the fixes it prompted (docs/notice.md) bring it to 1.000 / 1.000, so
    this floor guards the fixes, and the honest figure stays the first one."""
    result = judged["unseen"]
    assert result.recall is not None and result.recall >= 0.95, result.misses
    assert result.precision is not None and result.precision >= 0.95, result.false_alarms


def test_second_unseen_batch_holds_its_frozen_figures(judged: dict[str, BatchScore]) -> None:
    """unseen2 was run once with the detector frozen (docs/notice.md): recall 0.833 (25/30),
    precision 1.0. It is never tuned on. With the nearest-examples layer (trained without it)
    it scores 0.933 (28/30) and 0.933 (2 false alarms): three more catches, two false alarms
    the words and layer of later rounds brought. The floor is that figure: a change that loses
    a catch or adds a false alarm fails here."""
    result = judged["unseen2"]
    assert result.recall is not None and result.recall >= 0.93, result.misses
    assert result.precision is not None and result.precision >= 0.93, result.false_alarms


def test_third_unseen_batch_holds_its_frozen_figures(judged: dict[str, BatchScore]) -> None:
    """unseen3 (40 warnings, 20 ordinary) was written blind by a colleague before the
    nearest-examples layer was built, kept outside the project, and run once with the detector
    frozen (docs/notice.md): recall 0.875 (35/40), precision 0.854 (6 false alarms). Never
    tuned on: the floor is that honest figure (0.875 / 0.897 after the last round)."""
    result = judged["unseen3"]
    assert result.questions == 60 and result.warnings == 40
    assert result.recall is not None and result.recall >= 0.875, result.misses
    assert result.precision is not None and result.precision >= 0.85, result.false_alarms


def test_fourth_unseen_batch_holds_its_frozen_figures(judged: dict[str, BatchScore]) -> None:
    """unseen4 (40 warnings, 20 ordinary) was written blind while the last round of work was
    done, kept outside the project, and run once with the detector frozen (docs/notice.md):
    recall 0.975 (39/40), precision 0.951 (2 false alarms). Never tuned on."""
    result = judged["unseen4"]
    assert result.questions == 60 and result.warnings == 40
    assert result.recall is not None and result.recall >= 0.975, result.misses
    assert result.precision is not None and result.precision >= 0.95, result.false_alarms


def test_fifth_unseen_batch_holds_its_frozen_figures(judged: dict[str, BatchScore]) -> None:
    """unseen5 (40 warnings, 20 ordinary) was written blind by a colleague from the sign
    definitions, kept outside the project, and run once with the detector frozen
    (docs/notice.md): recall 1.000 (40/40), precision 0.976 (1 false alarm: "crashed on the
    sofa" read as a crash, since fixed by a general rule). Never tuned on."""
    result = judged["unseen5"]
    assert result.questions == 60 and result.warnings == 40
    assert result.recall is not None and result.recall >= 0.975, result.misses
    assert result.precision is not None and result.precision >= 0.975, result.false_alarms


def test_written_phrasings_hold_their_floors(judged: dict[str, BatchScore]) -> None:
    result = judged["written"]
    assert result.recall is not None and result.recall >= 0.97, result.misses
    assert result.precision is not None and result.precision >= 0.98, result.false_alarms


def test_retrieval_questions_fire_only_where_they_name_a_sign(
        judged: dict[str, BatchScore]) -> None:
    """The retrieval judged sets were written by someone else for another purpose: only their
    questions labelled in notice_retrieval_labels.jsonl may get the notice."""
    result = judged["retrieval"]
    assert result.false_alarms == [] and result.recall is not None and result.recall >= 0.9


def test_no_off_topic_question_ever_fires(judged: dict[str, BatchScore]) -> None:
    """Every judged off-topic question, general and near-topic (other running injuries), the
    held-back ones never trained on, and the retrieval holdout's off-topic questions."""
    result = judged["off-topic"]
    assert result.questions >= 220 and result.false_alarms == []
    holdout = judged["retrieval-holdout"]
    assert holdout.questions >= 8 and holdout.false_alarms == []


def test_batches_are_the_documented_ones() -> None:
    for batch in ALL_BATCHES:
        assert load_batch(batch), batch
    with pytest.raises(ValueError, match="unknown batch"):
        load_batch("nope")


def test_search_attaches_the_notice_with_the_librarys_own_passages(shipped_searcher) -> None:  # type: ignore[no-untyped-def]
    response = shipped_searcher.search("I get pins and needles in my foot after long runs")
    notice = response.notice
    assert notice is not None and notice.kind == "see-a-doctor"
    assert notice.triggers == ["pins and needles in my foot"]
    assert notice.passages, "the library's when-to-see-a-doctor passages come with it"
    for passage in notice.passages:
        stored = shipped_searcher.index.store.passage(passage.passage_id)
        assert "when-to-see-a-doctor" in stored.topics
        assert passage.source.title and passage.text == stored.text
    assert shipped_searcher.search("best stretches after a run").notice is None
    # The notice is there even when the library has nothing to answer with.
    assert shipped_searcher.search("my lower back pain comes with a fever").notice is not None


def test_a_sign_in_a_long_story_is_not_lost_when_the_question_is_cut(shipped_searcher) -> None:  # type: ignore[no-untyped-def]
    story = ("I run four times a week and have done for years. " * 25 +
             "Lately my left foot goes numb near the end of long runs. " +
             "I also stretch after every run and do core work twice a week. " * 5 +
             "What should I change?")
    assert len(story) > 1000
    notice = shipped_searcher.search(story).notice
    assert notice is not None and "nerve" in notice.signs
