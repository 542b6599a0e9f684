"""The SQLite store of one index version: sources, sections and passages.

A passage's `row` is its position in the FAISS index and the BM25 matrix.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from backqa.documents import Document, Passage, PassageKind, SourceKind, Topic

PRELOAD_MAX_PASSAGES = 50_000

SCHEMA = """
CREATE TABLE sources (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,
    url TEXT, published TEXT, line INTEGER, content_hash TEXT NOT NULL,
    ingested_at TEXT NOT NULL, text TEXT NOT NULL, passage_count INTEGER NOT NULL
);
CREATE TABLE sections (
    source_id TEXT NOT NULL, ordinal INTEGER NOT NULL, kind TEXT NOT NULL,
    answer_number INTEGER, heading_path TEXT NOT NULL, part_title TEXT,
    PRIMARY KEY (source_id, ordinal)
);
CREATE TABLE passages (
    row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL, section_ordinal INTEGER NOT NULL, kind TEXT NOT NULL,
    answer_number INTEGER, heading_path TEXT NOT NULL, part_title TEXT,
    text TEXT NOT NULL, embed_text TEXT NOT NULL, embed_hash TEXT NOT NULL,
    group_id INTEGER, group_size INTEGER NOT NULL DEFAULT 1,
    topics TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX passages_by_source ON passages (source_id, ordinal);
CREATE INDEX passages_by_group ON passages (group_id);
"""


@dataclass(frozen=True)
class StoredPassage:
    """A passage as read back for search and display."""

    row: int
    id: str
    source_id: str
    ordinal: int
    section_ordinal: int
    kind: PassageKind
    answer_number: int | None
    heading_path: list[str]
    part_title: str | None
    text: str
    embed_text: str
    group_id: int | None
    group_size: int
    topics: tuple[Topic, ...] = ()  # see ingest/topics.py

    @property
    def section(self) -> str | None:
        return self.heading_path[-1] if self.heading_path else None


@dataclass(frozen=True)
class StoredSource:
    id: str
    title: str
    kind: SourceKind
    path: str
    url: str | None
    published: str | None
    content_hash: str
    ingested_at: str
    passage_count: int


PASSAGE_COLUMNS = ("row, id, source_id, ordinal, section_ordinal, kind, answer_number, "
                   "heading_path, part_title, text, embed_text, group_id, group_size, topics")
SOURCE_COLUMNS = ("id, title, kind, path, url, published, content_hash, ingested_at, "
                  "passage_count")


@dataclass
class WrittenStore:
    """What the writer needs of the passages and documents it streamed into a store."""

    passages: int = 0
    documents: int = 0
    per_source: dict[str, int] = field(default_factory=dict)  # passages of each source id
    groups: int = 0
    grouped_passages: int = 0
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (hash, path)


def write_store(path: Path, documents: Iterable[Document], passages: Iterable[Passage],
                ingested_at: dict[str, str], batch_size: int = 1_000) -> WrittenStore:
    """Write a complete store for one version (a new file; rows in passage order).

    Both inputs are read once, passages first (each source row carries its passage count),
    so either may be a generator: at a million passages the lists alone took gigabytes.
    Group sizes are counted on the way and set afterwards, for groups of more than one."""
    written = WrittenStore()
    group_sizes: dict[int, int] = {}

    def passage_rows() -> Iterator[tuple[Any, ...]]:
        for row, p in enumerate(passages):
            written.per_source[p.source_id] = written.per_source.get(p.source_id, 0) + 1
            if p.group_id is not None:
                group_sizes[p.group_id] = group_sizes.get(p.group_id, 0) + 1
            written.passages = row + 1
            yield (row, p.id, p.source_id, p.ordinal, p.section_ordinal, p.kind,
                   p.answer_number, json.dumps(p.heading_path), p.part_title, p.text,
                   p.embed_text, p.embed_hash, p.group_id, 1, json.dumps(p.topics))

    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA)
        with conn:
            conn.executemany("INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             passage_rows())
            conn.executemany("UPDATE passages SET group_size = ? WHERE group_id = ?",
                             ((size, group) for group, size in group_sizes.items()
                              if size != 1))
            written.groups = len(group_sizes)
            written.grouped_passages = sum(group_sizes.values())
            for batch in _document_batches(documents, batch_size):
                conn.executemany(
                    "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [(d.source.id, d.title, d.kind, d.source.path, d.source.url,
                      d.source.published, d.source.line, d.source.hash,
                      ingested_at[d.source.id], d.text, written.per_source.get(d.source.id, 0))
                     for d in batch])
                conn.executemany(
                    "INSERT INTO sections VALUES (?,?,?,?,?,?)",
                    [(d.source.id, i, s.kind, s.answer_number, json.dumps(s.heading_path),
                      s.part_title) for d in batch for i, s in enumerate(d.sections)])
                for d in batch:
                    written.sources[d.source.id] = (d.source.hash, d.source.path)
                written.documents += len(batch)
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    return written


def _document_batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


def stream_embed_texts(path: Path, batch_size: int = 10_000) -> Iterator[str]:
    """Every passage's embed text in row order, read `batch_size` rows at a time (for
    building the lexical index without holding the library's text)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = conn.execute("SELECT embed_text FROM passages ORDER BY row")
        while batch := cursor.fetchmany(batch_size):
            for (text,) in batch:
                yield text
    finally:
        conn.close()


class _Rows(list[Any]):
    def fetchone(self) -> Any:
        return self[0] if self else None


class _SharedConnection:
    """One connection for every thread, opened once and used under a lock (queries take
    microseconds). Opened at load, it keeps the version's store readable even after a newer
    ingest has removed the folder from disk while this version is still being served."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lock = threading.Lock()

    def execute(self, sql: str, params: Any = ()) -> _Rows:
        with self.lock:
            return _Rows(self.conn.execute(sql, params).fetchall())


class StoreReader:
    """Read-only access to a version's store, safe to use from many threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        uri = f"file:{path}?mode=ro&immutable=1"
        self._shared = _SharedConnection(sqlite3.connect(uri, uri=True, check_same_thread=False))
        conn = self._conn()
        total = conn.execute("SELECT count(*) FROM passages").fetchone()[0]  # fails if damaged
        # Stores written before topics existed read as passages without topics.
        names = {r[1] for r in conn.execute("PRAGMA table_info(passages)")}
        self.columns = PASSAGE_COLUMNS if "topics" in names else \
            PASSAGE_COLUMNS.replace(", topics", ", '[]'")
        # Small libraries are held in memory: a question reads up to ~200 candidates.
        self._cache: dict[int, StoredPassage] | None = None
        self._sources: dict[str, StoredSource] | None = None  # no more sources than passages
        if total <= PRELOAD_MAX_PASSAGES:
            self._cache = {r[0]: _passage(r) for r in conn.execute(
                f"SELECT {self.columns} FROM passages")}
            self._sources = {r[0]: StoredSource(*r) for r in conn.execute(
                f"SELECT {SOURCE_COLUMNS} FROM sources")}

    def _conn(self) -> _SharedConnection:
        return self._shared

    def passages_by_rows(self, rows: list[int]) -> dict[int, StoredPassage]:
        if not rows:
            return {}
        if self._cache is not None:
            get = self._cache.get
            found = {row: get(row) for row in map(int, rows)}
            return {row: p for row, p in found.items() if p is not None}
        marks = ",".join("?" * len(rows))
        cursor = self._conn().execute(
            f"SELECT {self.columns} FROM passages WHERE row IN ({marks})",
            [int(r) for r in rows])
        return {r[0]: _passage(r) for r in cursor}

    def passage(self, passage_id: str) -> StoredPassage | None:
        row = self._conn().execute(
            f"SELECT {self.columns} FROM passages WHERE id = ?", [passage_id]).fetchone()
        return _passage(row) if row else None

    def passages_of_source(self, source_id: str) -> list[StoredPassage]:
        cursor = self._conn().execute(
            f"SELECT {self.columns} FROM passages WHERE source_id = ? ORDER BY ordinal",
            [source_id])
        return [_passage(r) for r in cursor]

    def group_members(self, group_id: int) -> list[StoredPassage]:
        cursor = self._conn().execute(
            f"SELECT {self.columns} FROM passages WHERE group_id = ? ORDER BY row",
            [group_id])
        return [_passage(r) for r in cursor]

    def sources(self) -> list[StoredSource]:
        cursor = self._conn().execute(f"SELECT {SOURCE_COLUMNS} FROM sources ORDER BY path, id")
        return [StoredSource(*r) for r in cursor]

    def source(self, source_id: str) -> StoredSource | None:
        row = self._conn().execute(
            f"SELECT {SOURCE_COLUMNS} FROM sources WHERE id = ?", [source_id]).fetchone()
        return StoredSource(*row) if row else None

    def sources_by_ids(self, ids: list[str]) -> dict[str, StoredSource]:
        if not ids:
            return {}
        if self._sources is not None:
            return {i: self._sources[i] for i in ids if i in self._sources}
        marks = ",".join("?" * len(ids))
        cursor = self._conn().execute(
            f"SELECT {SOURCE_COLUMNS} FROM sources WHERE id IN ({marks})", ids)
        return {r[0]: StoredSource(*r) for r in cursor}

    def source_text(self, source_id: str) -> str | None:
        row = self._conn().execute("SELECT text FROM sources WHERE id = ?", [source_id]).fetchone()
        return row[0] if row else None

    def sections_of_source(self, source_id: str) -> list[dict[str, Any]]:
        cursor = self._conn().execute(
            "SELECT ordinal, kind, answer_number, heading_path, part_title FROM sections "
            "WHERE source_id = ? ORDER BY ordinal", [source_id])
        return [{"ordinal": o, "kind": k, "answer_number": a, "heading_path": json.loads(h),
                 "part_title": p} for o, k, a, h, p in cursor]

    def rows_with_topic(self, topic: str) -> list[int]:
        """Rows of the passages labelled with `topic`, in order."""
        if "topics" not in self.columns:
            return []
        cursor = self._conn().execute(
            "SELECT row FROM passages WHERE topics LIKE ? ORDER BY row", [f'%"{topic}"%'])
        return [r[0] for r in cursor]

    def rows_of_kind(self, kind: str) -> list[int]:
        """Rows of the passages of one kind (article, forum-question, forum-answer)."""
        if self._cache is not None:
            return [row for row, p in self._cache.items() if p.kind == kind]
        return [r[0] for r in self._conn().execute(
            "SELECT row FROM passages WHERE kind = ? ORDER BY row", [kind])]

    def all_embed_texts(self) -> list[str]:
        return [r[0] for r in self._conn().execute("SELECT embed_text FROM passages ORDER BY row")]

    def count(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM passages").fetchone()[0])


def _passage(r: tuple[Any, ...]) -> StoredPassage:
    return StoredPassage(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8], r[9],
                         r[10], r[11], r[12], tuple(json.loads(r[13])))
