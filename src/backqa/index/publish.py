"""Publish a version folder copied from another machine into an index folder.

A version is built once and copied to every replica with any file copy (rsync, object storage).
What arrives is switched in only after every file matches the size and SHA-256 its manifest gives
and its vectors were made by the model the index serves with; a damaged, incomplete or foreign
folder is refused with the file named, and the live version stays as it was. The copy goes
beside the live version and `current` switches with one rename (`IndexDirectory.publish`), so a
server polling the folder moves to it by itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backqa.index.errors import IndexLoadError
from backqa.index.layout import MANIFEST
from backqa.index.manifest import (
    MANIFEST_FORMAT,
    VERIFY_MAX_BYTES,
    FileDigest,
    Manifest,
    read_manifest,
    verify_files,
)
from backqa.index.versions import IndexDirectory

VERSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class PublishRefused(RuntimeError):
    """A version folder cannot be published; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Published:
    """What `VersionPublisher.publish` did."""

    version: str
    path: Path
    replaced: str | None  # the version live before, None when there was none
    copied_bytes: int  # 0 when the version was already in the index folder

    def line(self) -> str:
        if self.replaced == self.version:
            return f"{self.version} is already live in {self.path.parent.parent}"
        was = f" (was {self.replaced})" if self.replaced else ""
        return (f"published {self.version} to {self.path.parent.parent}{was}, "
                f"{self.copied_bytes / 1e6:.1f} MB copied")


class VersionPublisher:
    """Verifies a copied version folder and makes it the live version of one index folder.

    `installed_model` gives the model key required when the index has nothing live yet (the key
    of the encoder the server would use); once a version is live, its model is required."""

    def __init__(self, index_dir: Path,
                 installed_model: Callable[[], str] | None = None) -> None:
        self.directory = IndexDirectory(index_dir)
        self.installed_model = installed_model

    def publish(self, source: Path) -> Published:
        """Verify `source`, copy it into `versions/`, switch `current` to it."""
        source = source.resolve()
        manifest, seen = self._verify(source)
        with self.directory.lock():
            replaced = self.directory.current_id()
            self._check_model(source, manifest, replaced)
            target = self.directory.versions / manifest.version
            if target.exists():
                self._check_same(source, manifest, target)
                self.directory.activate(manifest.version)
                return Published(manifest.version, target, replaced, 0)
            copied = self._copy(source, manifest, seen)
            final = self.directory.publish(manifest.version, copied)
            with contextlib.suppress(OSError):  # tidying up must not fail a done publish
                self.directory.clean()
        return Published(manifest.version, final, replaced,
                         sum(f.bytes for f in manifest.files.values()))

    def _verify(self, source: Path) -> tuple[Manifest, dict[str, os.stat_result]]:
        """The manifest of a complete, undamaged version folder, and each file's status when
        it was checked; PublishRefused otherwise."""
        if not source.is_dir():
            raise PublishRefused(f"{source}: not a folder")
        try:
            manifest = read_manifest(source)
        except IndexLoadError as exc:
            raise PublishRefused(str(exc)) from exc
        where = source / MANIFEST
        if manifest.format != MANIFEST_FORMAT:
            raise PublishRefused(f"{where}: manifest format {manifest.format}, this backqa "
                                 f"reads format {MANIFEST_FORMAT}")
        if not VERSION_ID.fullmatch(manifest.version):
            raise PublishRefused(f"{where}: field 'version': {manifest.version!r} is not a "
                                 f"version id")
        self._check_listing(source, manifest.files)
        seen = {name: os.stat(source / name) for name in manifest.files
                if (source / name).is_file()}
        try:
            verify_files(source, manifest.files)
        except IndexLoadError as exc:
            raise PublishRefused(f"{exc}; copy the version again") from exc
        for name, digest in manifest.files.items():
            if digest.bytes > VERIFY_MAX_BYTES:  # verify_files checks these by size only
                _check_digest(source / name, digest)
        return manifest, seen

    def _check_listing(self, source: Path, files: dict[str, FileDigest]) -> None:
        """Exactly the files the manifest lists, all inside the folder."""
        for name in files:
            path = Path(name)
            if path.is_absolute() or ".." in path.parts:
                raise PublishRefused(f"{source / MANIFEST}: field 'files': {name!r} is "
                                     f"outside the version folder")
        present = {p.relative_to(source).as_posix() for p in source.rglob("*")
                   if not p.is_dir() and p.name != MANIFEST}
        extra = sorted(present - set(files))
        if extra:
            raise PublishRefused(f"{source / extra[0]}: not in the manifest (a file of "
                                 f"another version, or a copy still in progress)")

    def _check_model(self, source: Path, manifest: Manifest, live_id: str | None) -> None:
        live = self.directory.current()
        wanted: str | None = None
        if live is not None:
            with contextlib.suppress(IndexLoadError):  # a broken live version is replaced
                wanted, whose = read_manifest(live).model.key, f"the live version {live_id}"
        if wanted is None and self.installed_model is not None:
            wanted, whose = self.installed_model(), "the installed model"
        if wanted is None:
            return
        if manifest.model.key != wanted:
            raise PublishRefused(
                f"{source / MANIFEST}: built with model {manifest.model.key}, but "
                f"{self.directory.root} answers with {wanted} ({whose}); vectors of two models "
                f"do not compare: build the version with the same model")

    def _check_same(self, source: Path, manifest: Manifest, target: Path) -> None:
        """A version id already in the index folder must hold the same files."""
        try:
            present = read_manifest(target)
        except IndexLoadError as exc:
            raise PublishRefused(f"{target} already exists and is not a complete version "
                                 f"({exc}); remove it and publish again") from exc
        if present.files != manifest.files or present.model != manifest.model:
            raise PublishRefused(f"{source / MANIFEST}: version {manifest.version} is already "
                                 f"in {self.directory.versions} with different files")
        try:
            verify_files(target, present.files)
        except IndexLoadError as exc:
            raise PublishRefused(f"{exc}; remove {target} and publish again") from exc

    def _copy(self, source: Path, manifest: Manifest,
              seen: dict[str, os.stat_result]) -> Path:
        """Copy the listed files, then the manifest, into a build folder beside the live
        version; a file that changed after it was verified refuses the whole copy."""
        build = self.directory.layout.build(manifest.version)
        shutil.rmtree(build, ignore_errors=True)
        try:
            for name in manifest.files:
                path = source / name
                (build / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, build / name)
                if (_identity(os.stat(path)) != _identity(seen[name])
                        or os.stat(build / name).st_size != manifest.files[name].bytes):
                    raise PublishRefused(f"{path}: changed while being published (is the "
                                         f"copy still running?); publish again when it is done")
            shutil.copy2(source / MANIFEST, build / MANIFEST)
            if read_manifest(build) != manifest:
                raise PublishRefused(f"{source / MANIFEST}: changed while being published")
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        return build


def _identity(status: os.stat_result) -> tuple[int, int, int]:
    """What changes when a file is rewritten or replaced."""
    return status.st_ino, status.st_size, status.st_mtime_ns


def _check_digest(path: Path, digest: FileDigest) -> None:
    with open(path, "rb") as handle:
        found = hashlib.file_digest(handle, "sha256").hexdigest()
    if found != digest.sha256:
        raise PublishRefused(f"{path}: content does not match the manifest checksum "
                             f"(corrupted); copy the version again")
