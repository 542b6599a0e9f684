"""Embeddings cached by (model, content hash), so unchanged passages are never embedded again.

Committed batch by batch: an ingest that dies keeps the vectors it already paid for.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model_key TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model_key, text_hash)
) WITHOUT ROWID;
"""


class EmbeddingCache:
    """A small SQLite table of float32 vectors keyed by model and text hash."""

    def __init__(self, path: Path, model_key: str, dimensions: int) -> None:
        self.path = path
        self.model_key = model_key
        self.dimensions = dimensions
        self.conn = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            conn.execute("SELECT count(*) FROM embeddings LIMIT 1").fetchone()
            return conn
        except sqlite3.OperationalError:
            raise  # disk full, locked, unreadable: not damage; deleting it would lose work
        except sqlite3.DatabaseError:
            # A damaged cache is only lost work: start it again rather than fail the ingest.
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            conn = sqlite3.connect(self.path)
            conn.executescript(SCHEMA)
            return conn

    def get_many(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        wanted = list(dict.fromkeys(hashes))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model_key = ? "
                f"AND text_hash IN ({marks})", [self.model_key, *chunk])
            for text_hash, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape[0] == self.dimensions:
                    found[text_hash] = vector
        return found

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model_key, text_hash, vector) VALUES (?,?,?)",
                [(self.model_key, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items])

    def retain(self, keep: set[str]) -> int:
        """Drop every entry not in `keep` (of this model or any other); returns how many."""
        with self.conn:
            self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep (h TEXT PRIMARY KEY)")
            self.conn.execute("DELETE FROM keep")
            self.conn.executemany("INSERT OR IGNORE INTO keep VALUES (?)", [(h,) for h in keep])
            cursor = self.conn.execute(
                "DELETE FROM embeddings WHERE model_key != ? OR text_hash NOT IN "
                "(SELECT h FROM keep)", [self.model_key])
        return cursor.rowcount

    def clear(self) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM embeddings")

    def close(self) -> None:
        self.conn.close()
