"""What can go wrong reading or writing an index folder; each message names the file."""

from __future__ import annotations


class IndexLoadError(RuntimeError):
    """An index version cannot be loaded; the message names the file and what is wrong."""


class NoIndexError(IndexLoadError):
    """Nothing has been published in this index folder yet."""


class IndexLocked(RuntimeError):
    """Another ingest holds the index lock."""
