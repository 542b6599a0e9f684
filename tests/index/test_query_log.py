"""The opt-in query log: off by default, what a row holds, retention, and the gaps report."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from backqa.config import Settings
from backqa.index.layout import IndexLayout, VersionFiles
from backqa.index.query_log import (
    DAY,
    PURGE_EVERY,
    WEAK_BELOW,
    QueryLog,
    normalize_question,
)
from backqa.index.store import StoreReader
from backqa.index.versions import IndexDirectory
from helpers import FakeEncoder, publish


class Clock:
    """A settable clock (seconds since the epoch)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def log(tmp_path: Path, clock: Clock) -> QueryLog:
    return QueryLog(IndexLayout(tmp_path).query_log, retention_days=7, clock=clock)


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def test_the_log_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BACKQA_QUERY_LOG", "BACKQA_QUERY_LOG_DAYS"):
        monkeypatch.delenv(name, raising=False)
    assert Settings().query_log is False
    monkeypatch.setenv("BACKQA_QUERY_LOG", "true")
    monkeypatch.setenv("BACKQA_QUERY_LOG_DAYS", "3")
    assert Settings().query_log is True and Settings().query_log_days == 3


def test_the_log_lives_beside_the_index(tmp_path: Path) -> None:
    assert IndexLayout(tmp_path).query_log == tmp_path / "queries.sqlite"


def test_questions_are_counted_under_one_normal_form() -> None:
    assert normalize_question("  Why does my BACK hurt?? ") == "why does my back hurt"
    assert normalize_question("why does my back\u00a0hurt") == "why does my back hurt"
    assert normalize_question("ﬁx my back.") == "fix my back"  # NFKC
    assert normalize_question(" ?! ") == ""


def test_a_search_row_holds_the_question_time_and_outcome_only(log: QueryLog,
                                                               clock: Clock) -> None:
    assert log.record_search("Why does my back hurt?", no_match=False, best_score=0.61,
                             result_count=5, index_version="v1")
    assert not log.record_search("   ", no_match=True, best_score=None, result_count=0,
                                 index_version="v1")
    with sqlite3.connect(log.path) as conn:
        columns = [c[1] for c in conn.execute("PRAGMA table_info(searches)")]
    assert columns == ["id", "question", "at", "no_match", "best_score", "result_count",
                       "index_version"]
    assert rows(log.path, "searches") == [
        (1, "why does my back hurt", clock.now, 0, 0.61, 5, "v1")]


def test_feedback_rows_hold_question_passage_and_verdict(log: QueryLog, clock: Clock) -> None:
    assert log.record_feedback("Sore back?", "p-12", helpful=False)
    assert log.record_feedback("sore back", "p-12", helpful=True)
    assert rows(log.path, "feedback") == [(1, "sore back", "p-12", 0, clock.now),
                                          (2, "sore back", "p-12", 1, clock.now)]


def test_rows_older_than_the_retention_are_purged(log: QueryLog, clock: Clock) -> None:
    log.record_search("old question", no_match=True, best_score=None, result_count=0,
                      index_version="v1")
    log.record_feedback("old question", "p-1", helpful=False)
    clock.now += 6 * DAY
    log.record_search("recent question", no_match=False, best_score=0.7, result_count=3,
                      index_version="v1")
    assert log.purge() == 0  # six days old: inside the seven kept
    clock.now += 2 * DAY
    assert log.purge() == 2
    assert [r[1] for r in rows(log.path, "searches")] == ["recent question"]
    assert rows(log.path, "feedback") == []


def test_writing_purges_once_an_hour(log: QueryLog, clock: Clock) -> None:
    log.record_search("old question", no_match=True, best_score=None, result_count=0,
                      index_version="v1")
    clock.now += 8 * DAY
    log.record_search("new question", no_match=True, best_score=None, result_count=0,
                      index_version="v1")
    assert [r[1] for r in rows(log.path, "searches")] == ["new question"]
    clock.now += 8 * DAY - PURGE_EVERY / 2
    log._purged_at = clock.now  # just purged: the next write does not purge again
    log.record_search("newer question", no_match=True, best_score=None, result_count=0,
                      index_version="v1")
    assert len(rows(log.path, "searches")) == 2
    clock.now += PURGE_EVERY
    log.record_search("newest question", no_match=True, best_score=None, result_count=0,
                      index_version="v1")
    assert [r[1] for r in rows(log.path, "searches")] == ["newer question", "newest question"]


def test_opening_the_log_purges_it(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "queries.sqlite"
    QueryLog(path, retention_days=1, clock=clock).record_search(
        "x", no_match=True, best_score=None, result_count=0, index_version=None)
    clock.now += 2 * DAY
    QueryLog(path, retention_days=1, clock=clock)
    assert rows(path, "searches") == []


def test_retention_must_be_a_day_at_least(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        QueryLog(tmp_path / "q.sqlite", retention_days=0)


def test_a_damaged_log_names_its_file(tmp_path: Path) -> None:
    path = tmp_path / "queries.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError, match=r"queries\.sqlite"):
        QueryLog(path)


def search(log: QueryLog, clock: Clock, question: str, times: int, *, no_match: bool = False,
           best: float | None = 0.7, results: int = 5) -> None:
    for _ in range(times):
        clock.now += 1
        log.record_search(question, no_match=no_match, best_score=best,
                          result_count=0 if no_match else results, index_version="v1")


def test_gaps_rank_failed_questions_by_how_often_they_failed(log: QueryLog, clock: Clock) -> None:
    search(log, clock, "how do I bake bread", 3, no_match=True, best=None)
    search(log, clock, "is my disc slipped", 4, best=WEAK_BELOW - 0.1)  # answered, but weakly
    search(log, clock, "what causes back pain", 9, best=0.8)  # answered well: no gap
    search(log, clock, "is my disc slipped", 1, best=0.9)  # later answered well once
    search(log, clock, "sciatica after a marathon", 1, no_match=True, best=None)
    report = log.gaps()
    assert [(g.question, g.count, g.searches, g.no_match) for g in report.gaps] == [
        ("is my disc slipped", 4, 5, 0),
        ("how do i bake bread", 3, 3, 3),
        ("sciatica after a marathon", 1, 1, 1)]
    assert report.gaps[0].best_score == 0.9
    assert report.gaps[1].best_score is None
    assert [(q.question, q.count) for q in report.top_questions] == [
        ("what causes back pain", 9), ("is my disc slipped", 5), ("how do i bake bread", 3),
        ("sciatica after a marathon", 1)]
    assert report.searches == 18 and report.weak_below == WEAK_BELOW


def test_a_weak_threshold_can_be_chosen(log: QueryLog, clock: Clock) -> None:
    search(log, clock, "hamstring tightness", 2, best=0.5)
    assert log.gaps().gaps == []
    assert [g.question for g in log.gaps(weak_below=0.55).gaps] == ["hamstring tightness"]


def test_ties_go_to_the_question_seen_last_and_limit_cuts(log: QueryLog, clock: Clock) -> None:
    search(log, clock, "first question", 2, no_match=True, best=None)
    search(log, clock, "second question", 2, no_match=True, best=None)
    search(log, clock, "third question", 2, no_match=True, best=None)
    report = log.gaps(limit=2)
    assert [g.question for g in report.gaps] == ["third question", "second question"]
    assert len(report.top_questions) == 2


def test_last_seen_and_since_are_utc_times(log: QueryLog, clock: Clock) -> None:
    search(log, clock, "q", 1, no_match=True, best=None)
    report = log.gaps()
    assert report.since == report.gaps[0].last_seen == "2027-01-15T08:00:01+00:00"


def test_the_passages_most_often_marked_unhelpful(log: QueryLog, clock: Clock) -> None:
    for question, passage, helpful in [
            ("why does it hurt", "p-a", False), ("why does it hurt", "p-a", False),
            ("sore back", "p-a", False), ("sore back", "p-a", True),
            ("sore back", "p-b", False), ("sore back", "p-c", True)]:
        clock.now += 1
        log.record_feedback(question, passage, helpful=helpful)
    passages = log.gaps().unhelpful_passages
    assert [(p.passage_id, p.unhelpful, p.helpful) for p in passages] == [
        ("p-a", 3, 1), ("p-b", 1, 0)]  # p-c was only ever helpful
    assert passages[0].questions == ["why does it hurt", "sore back"]


def test_an_empty_log_reports_nothing(log: QueryLog) -> None:
    report = log.gaps()
    assert (report.searches, report.since, report.gaps, report.top_questions,
            report.unhelpful_passages) == (0, None, [], [], [])


def test_threads_may_write_at_once(log: QueryLog) -> None:
    def write(n: int) -> None:
        for i in range(50):
            log.record_search(f"question {n} {i % 5}", no_match=False, best_score=0.6,
                              result_count=5, index_version="v1")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert log.gaps().searches == 200


def test_unhelpful_passages_are_described_from_the_live_index(
        tmp_path: Path, library_copy: Path, log: QueryLog) -> None:
    index = tmp_path / "index"
    publish(index, library_copy, FakeEncoder())
    current = IndexDirectory(index).current()
    assert current is not None
    store = StoreReader(VersionFiles(current).store)
    passage = store.passages_by_rows([0])[0]
    log.record_feedback("sore back", passage.id, helpful=False)
    log.record_feedback("sore back", "gone-from-the-index", helpful=False)
    report = log.gaps()
    report.describe_passages(store)
    described = {p.passage_id: p for p in report.unhelpful_passages}
    source = store.source(passage.source_id)
    assert source is not None
    assert (described[passage.id].source_id, described[passage.id].source_title,
            described[passage.id].text) == (source.id, source.title, passage.text)
    gone = described["gone-from-the-index"]
    assert (gone.source_id, gone.source_title, gone.text) == (None, None, None)
