"""The per-request profiler: every stage timed, and its answers held to `Searcher.search`'s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backqa.index.loaded import load_current
from backqa.search.searcher import Searcher
from backqa.tools.request_profile import (
    STAGES,
    RequestProfiler,
    StageClock,
    check_same,
    format_table,
    profile,
    tuning_questions,
)
from helpers import JUDGED, SORE_BACK, FakeEncoder, publish


@pytest.fixture
def searcher(tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> Searcher:
    index = tmp_path / "index"
    publish(index, library_copy, fake_encoder)
    return Searcher(load_current(index), fake_encoder)


def test_the_profiled_request_answers_what_the_searcher_answers(searcher: Searcher) -> None:
    for question in (SORE_BACK, "zzqx vvbnm", "hamstrngs", "numb legs and back pain"):
        body = RequestProfiler(searcher).request(question, StageClock())
        check_same(body, searcher, question, 5)  # raises when they differ
        assert json.loads(body)["took_ms"] > 0


def test_a_pipeline_the_profiler_does_not_follow_is_caught(searcher: Searcher) -> None:
    body = RequestProfiler(searcher).request(SORE_BACK, StageClock())
    changed = json.loads(body)
    changed["results"] = changed["results"][1:]
    with pytest.raises(AssertionError, match="out of date"):
        check_same(json.dumps(changed).encode(), searcher, SORE_BACK, 5)


def test_every_stage_is_timed_and_tabled(searcher: Searcher) -> None:
    report = profile(searcher, [SORE_BACK, "ice packs after a run"], repeat=2)
    assert list(report["stages_us"]) == list(STAGES)
    for stage in STAGES:
        assert report["counts"][stage] >= 4, stage  # 2 questions x 2 passes
        assert report["stages_us"][stage] > 0, stage
    assert report["total_us"] >= max(report["stages_us"].values())
    table = format_table(report)
    assert all(stage in table for stage in STAGES) and "load average" in table


def test_the_tuning_questions_are_read_from_the_tuning_split() -> None:
    questions = tuning_questions(JUDGED)
    assert len(questions) > 100 and all(isinstance(q, str) and q for q in questions)
