"""Watch the library folder and reindex once a burst of changes has settled.

Files added, changed or removed (sources, their `.meta.toml` sidecars, `no-match.json`) are
noticed through `watchfiles`. The reindex waits until none of the changed files has changed
size or modification time for `settle` seconds, so a file still being written is not read
half-way (and a reader takes one snapshot of a file's bytes: a write finishing after it only
brings another reindex). Hidden files are ignored: the library's own uploads are written to a
hidden temporary file and renamed into place.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from backqa.index.calibration import CALIBRATION_FILE
from backqa.ingest.readers import FORMATS, SIDECAR_SUFFIX

log = logging.getLogger("backqa.watch")

Stat = tuple[int, int] | None  # (size, modification time in ns); None: the file is gone


class LibraryFilter(watchfiles.DefaultFilter):
    """Changes that can change the index: source files, sidecars and the calibration file."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        name = Path(path).name
        if name.startswith(".") or name.lower() == "readme.md":
            return False
        relevant = Path(name).suffix.lower() in FORMATS or name.endswith(SIDECAR_SUFFIX) \
            or name == CALIBRATION_FILE
        return relevant and super().__call__(change, path)


class LibraryWatcher:
    """Calls `reindex` after each settled burst of changes in `folder`; a reindex that fails
    (the index is locked by another ingest, say) is tried again after another `settle`."""

    def __init__(self, folder: Path, reindex: Callable[[], object], settle: float = 1.0,
                 on_error: Callable[[str], None] | None = None) -> None:
        self.folder = folder
        self.reindex = reindex
        self.settle = settle
        self.on_error = on_error or log.warning
        self.ready = threading.Event()  # set once changes are being watched

    def watch(self, stop: threading.Event | None = None) -> None:
        """Watch until `stop` is set (or forever)."""
        tick_ms = max(int(self.settle * 500), 10)  # check for settling twice per settle period
        pending: dict[Path, Stat] = {}
        changed_at = time.monotonic()
        for changes in watchfiles.watch(self.folder, watch_filter=LibraryFilter(), step=50,
                                        debounce=tick_ms, rust_timeout=tick_ms,
                                        yield_on_timeout=True, stop_event=stop):
            self.ready.set()
            now = time.monotonic()
            for _, path in changes:
                pending.setdefault(Path(path), None)
            stats = {path: _stat(path) for path in pending}
            if changes or stats != pending:
                pending, changed_at = stats, now
            if pending and now - changed_at >= self.settle:
                if self._reindex():
                    pending = {}
                changed_at = time.monotonic()

    def _reindex(self) -> bool:
        try:
            self.reindex()
        except Exception as exc:  # reported; the watcher keeps going and tries again
            self.on_error(f"reindex after a library change failed ({type(exc).__name__}: "
                          f"{exc}); trying again in {self.settle:g}s")
            return False
        return True


def _stat(path: Path) -> Stat:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns
