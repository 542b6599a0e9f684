"""The opt-in query log: which questions people ask, which the library fails, and which
passages readers found unhelpful (`index/queries.sqlite`, on only with BACKQA_QUERY_LOG=true).

Private by design: a row holds the normalised question, when, and how the search went;
never an address, a cookie, a user agent or anything else that could tell two askers apart.
Rows older than the retention period are deleted.

"Weak" answers: the best score of a search is the highest cosine similarity between the
question and any passage it returned (the ranking's fused score is rescaled per question, so
it cannot be compared across questions). A search whose best cosine is below `WEAK_BELOW` is
weak: on the shipped library that is about the lowest tenth of the judged on-topic questions
(their median is about 0.65) and above every off-topic question the no-match rule let
through (at most 0.42). A content gap is a search that got `no_match`, no result, or only
weak ones.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from backqa.index.store import StoreReader
from backqa.text.normalize import normalize_inline, normalize_unicode

WEAK_BELOW = 0.45
DEFAULT_RETENTION_DAYS = 30
PURGE_EVERY = 3600.0  # seconds between purges while the log is written
MAX_QUESTION_CHARS = 1000
DAY = 86400.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    at REAL NOT NULL,
    no_match INTEGER NOT NULL,
    best_score REAL,
    result_count INTEGER NOT NULL,
    index_version TEXT
);
CREATE INDEX IF NOT EXISTS searches_at ON searches (at);
CREATE INDEX IF NOT EXISTS searches_question ON searches (question);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    passage_id TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_at ON feedback (at);
"""


def normalize_question(text: str) -> str:
    """The form a question is counted under: NFKC, one space between words, case folded,
    without the punctuation that ends it ("Why?" and "why" are one question)."""
    folded = normalize_inline(normalize_unicode(text)).casefold()
    return folded.rstrip(" ?!.…").strip()[:MAX_QUESTION_CHARS]


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


class QuestionCount(BaseModel):
    """One distinct question and how its searches went."""

    question: str
    count: int = Field(description="Searches counted (for a gap: the searches that failed)")
    searches: int = Field(description="All searches of this question in the log")
    no_match: int = Field(description="Searches answered with no_match")
    best_score: float | None = Field(description="The best cosine any search of it reached")
    last_seen: str


class PassageFeedback(BaseModel):
    """What readers said about one passage."""

    passage_id: str
    unhelpful: int
    helpful: int
    last_seen: str
    questions: list[str] = Field(description="Questions it was marked unhelpful for (a few)")
    source_id: str | None = Field(None, description="From the live index; null when the "
                                                    "passage is no longer in it")
    source_title: str | None = None
    text: str | None = None


class GapsReport(BaseModel):
    """The content gaps, the most frequent questions and the least helpful passages."""

    searches: int = Field(description="Searches in the log")
    since: str | None = Field(description="The oldest search kept")
    retention_days: int
    weak_below: float = Field(description="A best cosine below this is a weak answer")
    gaps: list[QuestionCount] = Field(
        description="Questions most often answered with no_match, nothing, or only weak "
        "passages; `count` is the failed searches")
    top_questions: list[QuestionCount]
    unhelpful_passages: list[PassageFeedback]

    def describe_passages(self, store: StoreReader) -> None:
        """Fill in each unhelpful passage's text and source from an index version's store."""
        for item in self.unhelpful_passages:
            passage = store.passage(item.passage_id)
            source = store.source(passage.source_id) if passage is not None else None
            if passage is not None and source is not None:
                item.source_id, item.source_title, item.text = source.id, source.title, passage.text


class QueryLog:
    """The log in one SQLite file; safe to share between threads, and between processes
    (WAL: `backqa gaps` reads while the server writes). `clock` gives the time in seconds."""

    def __init__(self, path: Path, retention_days: int = DEFAULT_RETENTION_DAYS,
                 clock: Callable[[], float] = time.time) -> None:
        if retention_days < 1:
            raise ValueError(f"query log retention must be at least 1 day, not {retention_days}")
        self.path = path
        self.retention_days = retention_days
        self.clock = clock
        self._lock = threading.Lock()
        self._conn = self._open()
        self._purged_at = float("-inf")
        self.purge()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise sqlite3.DatabaseError(f"{self.path}: not a readable query log ({exc})") from exc
        return conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def record_search(self, question: str, *, no_match: bool, best_score: float | None,
                      result_count: int, index_version: str | None) -> bool:
        """Log one search; False when the question is empty once normalised (not logged)."""
        return self._record(
            question, "INSERT INTO searches (question, at, no_match, best_score, result_count, "
            "index_version) VALUES (?, ?, ?, ?, ?, ?)",
            lambda text, now: (text, now, int(no_match), best_score, result_count,
                               index_version))

    def record_feedback(self, question: str, passage_id: str, helpful: bool) -> bool:
        """Log a reader's yes/no on one passage for one question; False when the question is
        empty once normalised (not logged)."""
        return self._record(
            question, "INSERT INTO feedback (question, passage_id, helpful, at) "
            "VALUES (?, ?, ?, ?)", lambda text, now: (text, passage_id, int(helpful), now))

    def _record(self, question: str, insert: str,
                values: Callable[[str, float], tuple[object, ...]]) -> bool:
        """Insert one row for a question (False, nothing written, when it normalises to
        nothing); `values(text, now)` gives the row."""
        text = normalize_question(question)
        if not text:
            return False
        now = self.clock()
        with self._lock, self._conn:
            self._conn.execute(insert, values(text, now))
        self._purge_if_due(now)
        return True

    def purge(self) -> int:
        """Delete every row older than the retention period; returns how many."""
        now = self.clock()
        cutoff = now - self.retention_days * DAY
        with self._lock, self._conn:
            deleted = self._conn.execute("DELETE FROM searches WHERE at < ?", (cutoff,)).rowcount
            deleted += self._conn.execute("DELETE FROM feedback WHERE at < ?", (cutoff,)).rowcount
        self._purged_at = now
        return deleted

    def _purge_if_due(self, now: float) -> None:
        if now - self._purged_at >= PURGE_EVERY:
            self.purge()

    def gaps(self, limit: int = 20, weak_below: float = WEAK_BELOW) -> GapsReport:
        """The report: the `limit` most frequent gaps, questions and unhelpful passages.

        Ties go to the question seen most recently."""
        self.purge()
        failed = "(no_match = 1 OR result_count = 0 OR best_score IS NULL OR best_score < ?)"
        per_question = (
            "SELECT question, {count} AS n, COUNT(*), SUM(no_match), MAX(best_score), MAX(at) "
            "FROM searches GROUP BY question HAVING n > 0 ORDER BY n DESC, MAX(at) DESC, "
            "question LIMIT ?")
        with self._lock:
            total, oldest = self._conn.execute("SELECT COUNT(*), MIN(at) FROM searches").fetchone()
            gap_rows = self._conn.execute(
                per_question.format(count=f"SUM(CASE WHEN {failed} THEN 1 ELSE 0 END)"),
                (weak_below, limit)).fetchall()
            top_rows = self._conn.execute(per_question.format(count="COUNT(*)"),
                                          (limit,)).fetchall()
            passage_rows = self._conn.execute(
                "SELECT passage_id, SUM(1 - helpful) AS bad, SUM(helpful), MAX(at) FROM feedback "
                "GROUP BY passage_id HAVING bad > 0 ORDER BY bad DESC, MAX(at) DESC, passage_id "
                "LIMIT ?", (limit,)).fetchall()
            examples = {pid: self._unhelpful_questions(pid) for pid, *_ in passage_rows}
        return GapsReport(
            searches=total, since=iso(oldest) if oldest is not None else None,
            retention_days=self.retention_days, weak_below=weak_below,
            gaps=[_question_count(row) for row in gap_rows],
            top_questions=[_question_count(row) for row in top_rows],
            unhelpful_passages=[
                PassageFeedback(passage_id=pid, unhelpful=bad, helpful=good, last_seen=iso(at),
                                questions=examples[pid])
                for pid, bad, good, at in passage_rows])

    def _unhelpful_questions(self, passage_id: str, limit: int = 3) -> list[str]:
        rows = self._conn.execute(
            "SELECT question FROM feedback WHERE passage_id = ? AND helpful = 0 "
            "GROUP BY question ORDER BY COUNT(*) DESC, MAX(at) DESC LIMIT ?",
            (passage_id, limit))
        return [question for (question,) in rows]


def _question_count(row: tuple[str, int, int, int, float | None, float]) -> QuestionCount:
    question, count, searches, no_match, best, last = row
    return QuestionCount(question=question, count=count, searches=searches, no_match=no_match,
                         best_score=None if best is None else round(best, 4),
                         last_seen=iso(last))
