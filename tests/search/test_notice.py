"""The see-a-doctor notice: words, negation and the judged set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backqa.search.notice import WarningSignDetector
from backqa.tools.notice_eval import read_judged
from helpers import JUDGED

NOTICE_SET = JUDGED / "notice_questions.jsonl"
# Condition names a notice must never put in its own words (it does not diagnose).
DIAGNOSES = re.compile(r"sciatica|stenosis|herniat|slipped disc|disc|tumou?r|cancer|infection|"
                       r"cauda|fracture|arthritis|you have|you may have|caused by", re.I)


@pytest.fixture(scope="module")
def words() -> WarningSignDetector:
    return WarningSignDetector()


@pytest.mark.parametrize(("question", "sign"), [
    ("I get pins and needles in my foot after long runs", "nerve"),
    ("my foot goes dead on long runs", "nerve"),
    ("the pain is shooting down my leg", "radiating"),
    ("since the race I can't hold my pee", "bladder_bowel"),
    ("back pain after a fall on the trail", "trauma"),
    ("my back hurts at night and wakes me up", "night_rest"),
    ("back pain for six weeks that hasn't gone away", "persistent"),
    ("I've lost weight without trying and my back aches", "weight_loss"),
    ("I have a fever and a sore back", "fever"),
    ("excruciating pain in my lower back", "severe"),
])
def test_paraphrased_signs_fire(words: WarningSignDetector, question: str, sign: str) -> None:
    notice = words.detect(question)
    assert notice is not None
    assert sign in notice.signs
    assert notice.triggers and all(t.lower() in question.lower() for t in notice.triggers)


@pytest.mark.parametrize("question", [
    "lower back pain after running, no numbness",
    "my back aches without any tingling in my legs",
    "I don't have a fever, just a stiff back",
    "the pain does not go down my leg",
    "no pain at night, only after runs",
    "best stretches after a run",
    "I fell asleep on the couch and my back is stiff",
    "my back gets stiff running in the fall",
    "will a weak core cause back pain?",
])
def test_negations_and_ordinary_questions_do_not_fire(words: WarningSignDetector,
                                                      question: str) -> None:
    assert words.detect(question) is None


def test_negation_ends_at_the_clause(words: WarningSignDetector) -> None:
    notice = words.detect("no numbness, but the pain shoots down my right leg")
    assert notice is not None and notice.signs == ["radiating"]
    assert notice.triggers == ["pain shoots down my right leg"]
    assert all(m.negated for m in words.matches("no numbness or tingling") if m.sign == "nerve")


def test_message_is_calm_and_never_diagnoses(words: WarningSignDetector) -> None:
    for row in read_judged(NOTICE_SET):
        notice = words.detect(str(row["q"]))
        if notice is None:
            continue
        assert "doctor or physical therapist" in notice.message
        assert not DIAGNOSES.search(notice.message), notice.message
        assert "!" not in notice.message


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


def _scores(detector_for_split, rows, vectors) -> tuple[float, float]:
    tp = fp = fn = 0
    for row, vector in zip(rows, vectors, strict=True):
        fired = detector_for_split(row["split"]).detect(str(row["q"]), vector) is not None
        tp += fired and row["warning"]
        fp += fired and not row["warning"]
        fn += (not fired) and row["warning"]
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def test_judged_precision_and_recall(real_encoder) -> None:
    """Floors for the shipped detector on the judged phrasings."""
    rows = read_judged(NOTICE_SET)
    vectors = real_encoder.encode([str(r["q"]) for r in rows])
    shipped = WarningSignDetector()  # what search uses: the words alone
    precision, recall = _scores(lambda _: shipped, rows, vectors)
    assert precision == 1.0 and recall >= 0.89, (precision, recall)



def test_search_attaches_the_notice_with_the_librarys_own_passages(shipped_searcher) -> None:
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


def test_a_sign_in_a_long_story_is_not_lost_when_the_question_is_cut(shipped_searcher) -> None:
    story = ("I run four times a week and have done for years. " * 25 +
             "Lately my left foot goes numb near the end of long runs. " +
             "I also stretch after every run and do core work twice a week. " * 5 +
             "What should I change?")
    assert len(story) > 1000
    notice = shipped_searcher.search(story).notice
    assert notice is not None and "nerve" in notice.signs


def test_ordinary_questions_written_for_retrieval_do_not_fire(shipped_searcher) -> None:
    """The retrieval judged set was written by someone else for another purpose: only its
    questions that name a warning sign may get the notice, and no off-topic question."""
    rows = [json.loads(line) for line in
            (JUDGED / "questions.jsonl").read_text().splitlines()]
    fired = [r["question"] for r in rows
             if shipped_searcher.detector.detect(r["question"]) is not None]
    signs = ("numb", "tingl", "shooting", "fever", "pins and needles",
             "terrible")  # "terrible pain" is read as severe pain, one of the signs
    assert all(any(s in q.lower() for s in signs) for q in fired), fired
    assert len(fired) >= 3  # numbness, shooting pain, fever and pins and needles are there
