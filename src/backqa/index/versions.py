"""Index versions: each is built beside the live one and published with one rename.

A crash at any point leaves `current` pointing at a complete version (see `layout` for the
folder's names). One ingest at a time holds the folder's lock (`filelock`); the lock file says
who holds it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from backqa.index.checkpoints import checkpoint
from backqa.index.errors import IndexLocked
from backqa.index.layout import MANIFEST, IndexLayout


class IndexDirectory:
    """Owns the layout of one index folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.layout = IndexLayout(root)
        self.versions = self.layout.versions
        self.current_link = self.layout.current_link
        self.previous_link = self.layout.previous_link

    # -- reading -------------------------------------------------------------------------

    def current(self) -> Path | None:
        """The live version's folder, or None when nothing has been published."""
        return self._resolve(self.current_link)

    def previous(self) -> Path | None:
        return self._resolve(self.previous_link)

    def current_id(self) -> str | None:
        """The live version's id, read from the link alone (cheap enough to poll)."""
        try:
            return Path(os.readlink(self.current_link)).name
        except OSError:
            return None

    def _resolve(self, link: Path) -> Path | None:
        try:
            target = self.root / os.readlink(link)
        except OSError:
            return None
        return target if (target / MANIFEST).is_file() else None

    def version_dirs(self) -> list[Path]:
        if not self.versions.is_dir():
            return []
        return sorted(p for p in self.versions.iterdir()
                      if p.is_dir() and not p.name.startswith("."))

    # -- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the ingest lock; raise IndexLocked at once if another process has it."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.layout.lock
        lock = FileLock(path, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            holder = path.read_text(encoding="utf-8", errors="replace").strip() or "unknown"
            raise IndexLocked(f"another ingest is running on {self.root} ({holder}); "
                              f"try again when it has finished") from None
        try:
            since = datetime.now(UTC).isoformat(timespec="seconds")
            path.write_text(f"pid {os.getpid()}, since {since}", encoding="utf-8")
            yield
        finally:
            lock.release()

    def new_build(self) -> tuple[str, Path]:
        """A fresh, empty folder for a version being built, and the version's id."""
        version_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
        self.versions.mkdir(parents=True, exist_ok=True)
        build = self.layout.build(version_id)
        build.mkdir()
        return version_id, build

    def publish(self, version_id: str, build: Path) -> Path:
        """Make a finished build the live version: rename it in place, then switch `current`
        with one atomic rename; the old live version becomes `previous`."""
        if not (build / MANIFEST).is_file():
            raise RuntimeError(f"refusing to publish {build}: it has no {MANIFEST}")
        final = self.versions / version_id
        _fsync_tree(build)
        os.rename(build, final)
        _fsync_dir(self.versions)
        self.activate(version_id)
        return final

    def activate(self, version_id: str) -> None:
        """Make a complete version already in `versions/` the live one (one atomic rename of
        `current`); the old live version becomes `previous`."""
        if not (self.versions / version_id / MANIFEST).is_file():
            raise RuntimeError(f"refusing to activate {self.versions / version_id}: "
                               f"it has no {MANIFEST}")
        old = self.current_id()
        if old and old != version_id:
            self._point(self.previous_link, old)
        self._point(self.current_link, version_id)

    def _point(self, link: Path, version_id: str) -> None:
        checkpoint(f"point:{link.name}")
        tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(Path("versions") / version_id, tmp)
        os.replace(tmp, link)
        _fsync_dir(self.root)

    def clean(self, keep_seconds: float = 0.0) -> list[Path]:
        """Remove builds a crashed ingest left and versions neither current nor previous.

        Call it while holding the lock."""
        keep = {p.name for p in (self.current(), self.previous()) if p is not None}
        removed: list[Path] = []
        if not self.versions.is_dir():
            return removed
        now = time.time()
        for path in self.versions.iterdir():
            if path.name in keep or now - path.stat().st_mtime < keep_seconds:
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        for stray in self.root.glob(".*.tmp"):
            stray.unlink(missing_ok=True)
        return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for item in path.rglob("*"):
        if item.is_file():
            fd = os.open(item, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(path)
