"""The library folder as maintainers edit it: add an uploaded source with its metadata, remove
one, or preview what ingest would make of an upload.

Files are written whole or not at all (a hidden temporary file in the folder, then a rename),
so neither an ingest nor the watcher ever reads half of one. Names that would leave the
folder, unsupported types, oversized files and taken source ids are refused with `Refused`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from backqa.ingest.inspect import Inspector, InspectReport
from backqa.ingest.readers import (
    FORMATS,
    KINDS,
    META_FIELDS,
    SIDECAR_SUFFIX,
    Problem,
    ReadError,
    decode_bytes,
    discover,
    slugify,
)

# One article per upload: a `.jsonl` collection holds many sources and belongs in the folder.
UPLOAD_SUFFIXES = sorted(suffix for suffix, fmt in FORMATS.items() if fmt is not None)
MAX_META_CHARS = 500
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Refused(ValueError):
    """The library refuses an upload or a removal; `status` is the HTTP status that fits
    (400 bad name or metadata, 404 unknown source, 409 id taken, 413 too large, 415 type)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class StoredSource:
    """A source file in the library: its id, file and metadata sidecar (if any)."""

    id: str
    path: Path
    sidecar: Path | None
    replaced: bool = False


class Library:
    """A library folder that sources are added to and removed from."""

    def __init__(self, folder: Path, max_bytes: int, min_words: int | None = None,
                 max_words: int | None = None) -> None:
        """`max_bytes`: the largest file accepted; `min_words`/`max_words`: chunking for
        previews (the ingest defaults when None)."""
        self.folder = folder
        self.max_bytes = max_bytes
        self.chunking = {k: v for k, v in (("min_words", min_words), ("max_words", max_words))
                         if v is not None}

    def add(self, filename: str, data: bytes, meta: Mapping[str, str],
            replace: bool = False) -> StoredSource:
        """Write `data` as `filename` and `meta` as its sidecar; the source it replaces (same
        id, maybe another type) is removed when `replace`, else a taken id is refused."""
        target = self.target(filename)
        self.check_content(data)
        sidecar_text = sidecar_toml(meta)
        source_id = slugify(target.stem)
        existing = self.find(source_id)
        if existing is not None and not replace:
            raise Refused(f"source id {source_id!r} is taken by {existing.path.name}; send "
                          f"replace=true to replace it", 409)
        self.folder.mkdir(parents=True, exist_ok=True)
        sidecar = target.with_name(target.stem + SIDECAR_SUFFIX)
        staged = [(_staged(target, data), target)]
        if sidecar_text:
            staged.append((_staged(sidecar, sidecar_text.encode("utf-8")), sidecar))
        try:  # both are written in full before either is switched in
            if not sidecar_text:  # no metadata given: an old sidecar must not speak for it
                sidecar.unlink(missing_ok=True)
            for temporary, final in reversed(staged):  # the sidecar first, the text last
                os.replace(temporary, final)
        finally:
            for temporary, _ in staged:
                temporary.unlink(missing_ok=True)
        if existing is not None and existing.path != target:  # the same id in another file
            existing.path.unlink(missing_ok=True)
            if existing.sidecar is not None and existing.sidecar != sidecar:
                existing.sidecar.unlink(missing_ok=True)
        return StoredSource(source_id, target, sidecar if sidecar_text else None,
                            replaced=existing is not None)

    def remove(self, source_id: str) -> StoredSource:
        """Delete a source's file and its sidecar."""
        existing = self.find(source_id)
        if existing is None:
            raise Refused(f"no source file with id {source_id!r} in the library", 404)
        existing.path.unlink(missing_ok=True)
        if existing.sidecar is not None:
            existing.sidecar.unlink(missing_ok=True)
        return existing

    def preview(self, filename: str, data: bytes, meta: Mapping[str, str]) -> InspectReport:
        """What ingest would make of this upload, without touching the library: it is staged
        in a temporary folder (checked as `add` checks it) and inspected there."""
        with tempfile.TemporaryDirectory(prefix="backqa-inspect-") as staging:
            stored = Library(Path(staging), self.max_bytes).add(filename, data, meta)
            report = Inspector(Path(staging), **self.chunking).inspect(stored.path)
        existing = self.find(stored.id)
        if existing is not None:
            report.problems.append(Problem(report.path, f"source id {stored.id!r} is taken by "
                                                        f"{existing.path.name}: publishing it "
                                                        f"replaces that file (replace=true)",
                                           skipped=False))
        return report

    def find(self, source_id: str) -> StoredSource | None:
        """The library file whose source id is `source_id` (JSONL records are not looked at:
        a collection is edited as a file)."""
        for path in discover([self.folder]):
            if path.suffix.lower() in UPLOAD_SUFFIXES and slugify(path.stem) == source_id:
                sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
                return StoredSource(source_id, path, sidecar if sidecar.is_file() else None)
        return None

    def target(self, filename: str) -> Path:
        """Where an upload named `filename` goes; refuses a name that is not a plain file name
        inside the library, or a type ingest cannot read one article from."""
        name = filename.strip()
        if (not name or name in (".", "..") or name.startswith(".") or "/" in name
                or "\\" in name or CONTROL.search(name) or len(name) > 200):
            raise Refused(f"file name {filename!r} is not a plain file name inside the library "
                          f"(no folders, no leading dot)", 400)
        suffix = Path(name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES or name.endswith(SIDECAR_SUFFIX):
            raise Refused(f"unsupported file type {suffix or name!r}; upload one of "
                          f"{', '.join(UPLOAD_SUFFIXES)}", 415)
        target = (self.folder / name).resolve()
        if target.parent != self.folder.resolve():
            raise Refused(f"file name {filename!r} would leave the library", 400)
        return target

    def check_content(self, data: bytes) -> None:
        """Refuse a file over the size limit, or one that is not text."""
        if len(data) > self.max_bytes:
            raise Refused(f"file is {len(data)} bytes, over the upload limit of "
                          f"{self.max_bytes} (BACKQA_MAX_UPLOAD_BYTES)", 413)
        try:
            decode_bytes(data)
        except ReadError as exc:
            raise Refused(f"file refused: {exc}", 400) from None


def sidecar_toml(meta: Mapping[str, str]) -> str:
    """The `<stem>.meta.toml` text for these fields ("" when none is set); refuses unknown
    fields, a kind ingest does not know, a link that is not http(s), control characters."""
    fields = {key: value.strip() for key, value in meta.items() if value and value.strip()}
    unknown = sorted(set(fields) - META_FIELDS)
    if unknown:
        raise Refused(f"unknown metadata field(s) {unknown}; allowed: {sorted(META_FIELDS)}",
                      400)
    for key, value in fields.items():
        if CONTROL.search(value) or len(value) > MAX_META_CHARS:
            raise Refused(f"metadata field {key!r} must be one line of at most "
                          f"{MAX_META_CHARS} characters", 400)
    if "kind" in fields and fields["kind"] not in KINDS:
        raise Refused(f"metadata field 'kind' must be one of {sorted(KINDS)}, not "
                      f"{fields['kind']!r}", 400)
    if "url" in fields and not re.match(r"https?://\S+$", fields["url"]):
        raise Refused("metadata field 'url' must be an http:// or https:// address", 400)
    # A JSON string without control characters is a valid TOML basic string.
    return "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n"
                   for key, value in sorted(fields.items()))


def _staged(path: Path, data: bytes) -> Path:
    """`data` written in full (and synced) to a hidden temporary file beside `path`, to be
    renamed over it: a reader then sees the old file or the new one, never part of it."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
