"""The live index: `IndexHolder` loads the published version, polls
`IndexDirectory.current_id()` and loads a newly published version off the request path, then
swaps one reference. Each request takes one snapshot (`LiveIndex`) and is answered wholly from
it. A version that fails to load is reported (`LoadFailure`) and the last good one keeps
serving."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from backqa.encoders.identity import Encoder
from backqa.index.loaded import IndexLoadError, LoadedIndex
from backqa.index.versions import IndexDirectory
from backqa.search.searcher import Searcher

log = logging.getLogger("backqa.service")


def utc_now() -> str:
    """The current UTC time, to the second, in ISO 8601 (as the service reports times)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class NotReady(RuntimeError):
    """No index version is loaded yet; the message says why."""


@dataclass(frozen=True)
class LiveIndex:
    """One loaded version and its searcher: everything a request reads comes from here."""

    index: LoadedIndex
    searcher: Searcher
    loaded_at: str

    @property
    def version(self) -> str:
        return self.index.version


@dataclass(frozen=True)
class LoadFailure:
    version: str
    error: str
    at: str


class IndexHolder:
    """Keeps the newest loadable version of an index folder live, reloading when it changes."""

    def __init__(self, index_dir: Path, encoder: Encoder, reload_interval: float = 1.0,
                 on_change: Callable[[], None] | None = None) -> None:
        self.directory = IndexDirectory(index_dir)
        self.encoder = encoder
        self.reload_interval = reload_interval
        self.on_change = on_change
        self.reloads = 0
        self.failures = 0
        self._live: LiveIndex | None = None
        self.last_failure: LoadFailure | None = None
        self._seen: str | None = None  # the last `current` id acted on (loaded or failed)
        self._check_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def live(self) -> LiveIndex | None:
        return self._live

    def snapshot(self) -> LiveIndex:
        """The version to answer one request from; raises NotReady when none is loaded."""
        live = self._live
        if live is None:
            if self.last_failure is not None:
                raise NotReady(f"the index cannot be loaded: {self.last_failure.error}")
            raise NotReady(f"no index in {self.directory.root}: run `backqa ingest` first")
        return live

    def check(self) -> bool:
        """Load the live version if it changed since the last check; True when swapped in.

        A version that fails to load is remembered and not retried until `current` moves."""
        with self._check_lock:
            current = self.directory.current_id()
            if current is None or current == self._seen:
                return False
            self._seen = current
            live = self._live
            if live is not None and live.version == current:
                self.last_failure = None  # `current` came back to the version being served
                return False
            try:
                loaded = self._load(self.directory.root / "versions" / current)
            except IndexLoadError as exc:
                self.failures += 1
                self.last_failure = LoadFailure(current, str(exc), utc_now())
                keep = f"still serving {live.version}" if live else "nothing to serve"
                log.error("index version %s not loaded (%s): %s", current, keep, exc)
                if live is None:
                    return self._fall_back()
                return False
            self._swap(loaded)
            return True

    def _fall_back(self) -> bool:
        """At start, when `current` cannot be loaded: serve `previous` if it loads."""
        previous = self.directory.previous()
        if previous is None:
            return False
        try:
            loaded = self._load(previous)
        except IndexLoadError as exc:
            log.error("previous index version %s not loaded either: %s", previous.name, exc)
            return False
        log.warning("serving the previous index version %s", loaded.version)
        self._swap(loaded)
        return True

    def _load(self, version_dir: Path) -> LiveIndex:
        index = LoadedIndex.load(version_dir)
        if index.model_key != self.encoder.identity.key:
            raise IndexLoadError(f"{version_dir / 'manifest.json'}: built with model "
                                 f"{index.model_key}, but this server embeds questions with "
                                 f"{self.encoder.identity.key}; re-ingest with this model")
        return LiveIndex(index, Searcher(index, self.encoder), utc_now())

    def _swap(self, loaded: LiveIndex) -> None:
        old = self._live
        self._live = loaded  # one reference: requests in flight keep their own snapshot
        self.reloads += 1
        if loaded.version == self._seen:  # the published version is live: nothing to report
            self.last_failure = None
        log.info("serving index version %s (%d passages)%s", loaded.version,
                 loaded.index.passage_count, f", was {old.version}" if old else "")
        if self.on_change is not None:
            self.on_change()

    def start(self) -> None:
        """Load what is live now, then poll for new versions in a background thread."""
        self.check()
        if self._live is None and self.last_failure is None:
            log.warning("no index in %s yet: run `backqa ingest`; it will be served as soon "
                        "as it is published", self.directory.root)
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, name="backqa-reload", daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.wait(self.reload_interval):
            try:
                self.check()
            except Exception:  # the poller must outlive any surprise
                log.exception("index reload check failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
