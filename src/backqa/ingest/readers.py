"""Read source files from disk into `RawSource`s, reporting what cannot be read.

Supported: `.txt`, `.md`/`.markdown`, `.html`/`.htm`, and BEIR-style `.jsonl` (one source per
line with `_id`, `title`, `text`). Metadata for a file lives in an optional sidecar next to it,
`<stem>.meta.toml`, with `title`, `kind` ("article" or "forum-thread"), `url`, `published`.
"""

from __future__ import annotations

import codecs
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from backqa.documents import RawSource, SourceFormat

FORMATS: dict[str, SourceFormat | None] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": None,  # one source per line, each of it plain text
}
SIDECAR_SUFFIX = ".meta.toml"
MAX_FILE_BYTES = 50 * 1024 * 1024
SOURCE_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
META_FIELDS = {"title", "kind", "url", "published"}
KINDS = {"article", "forum-thread"}


@dataclass(frozen=True)
class Problem:
    """Something in the input that could not be used, named by file (and line)."""

    path: str
    message: str
    line: int | None = None
    skipped: bool = True  # False: a warning, the content was still ingested

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ReadError(Exception):
    """A whole file could not be read."""


def slugify(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return slug[:120] or "source"


def display_path(path: Path, root: Path) -> str:
    """The path relative to the project root when inside it, else absolute."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def discover(paths: list[Path]) -> list[Path]:
    """All supported source files under the given files or folders, sorted, sidecars excluded."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for candidate in path.rglob("*"):
                if _is_source_file(candidate):
                    found.add(candidate)
        elif path.name.endswith(SIDECAR_SUFFIX):
            continue
        else:
            found.add(path)  # an explicit file is read even if its type is unknown, and reported
    return sorted(found)


def _is_source_file(path: Path) -> bool:
    if not path.is_file() or path.name.startswith("."):
        return False
    if path.name.endswith(SIDECAR_SUFFIX) or path.name.lower() == "readme.md":
        return False
    return path.suffix.lower() in FORMATS


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes to text; returns (text, warning). Raises ReadError when not text."""
    if not data.strip():
        raise ReadError("file is empty")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError as exc:
                raise ReadError(f"not valid {encoding} despite its byte-order mark: {exc}") from exc
    if b"\x00" in data[:8192]:
        raise ReadError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
        if controls > len(text) * 0.01 or text.count("\ufffd") > len(text) * 0.01:
            raise ReadError(f"not text: invalid UTF-8 at byte {exc.start}") from exc
        return text, f"not valid UTF-8 (byte {exc.start}); read as Windows-1252"


def read_sidecar(path: Path, root: Path) -> dict[str, str]:
    """Metadata from `<stem>.meta.toml` beside `path`, validated; empty when there is none."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    where = display_path(sidecar, root)
    try:
        meta = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReadError(f"metadata {where} is not valid TOML: {exc}") from exc
    unknown = set(meta) - META_FIELDS
    if unknown:
        raise ReadError(f"metadata {where}: unknown field(s) {sorted(unknown)}; "
                        f"allowed: {sorted(META_FIELDS)}")
    for key, value in meta.items():
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise ReadError(f"metadata {where}: field '{key}' must be a string")
        meta[key] = str(value)
    if "kind" in meta and meta["kind"] not in KINDS:
        raise ReadError(f"metadata {where}: field 'kind' must be one of {sorted(KINDS)}, "
                        f"not {meta['kind']!r}")
    return meta


class SourceReader:
    """Reads one file into sources; problems are collected on `problems`, never raised."""

    def __init__(self, root: Path, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.problems: list[Problem] = []

    def read(self, path: Path) -> list[RawSource]:
        """The sources in one file (one, or one per JSONL line); problems go to `problems`."""
        where = display_path(path, self.root)
        suffix = path.suffix.lower()
        if suffix not in FORMATS:
            self.problems.append(Problem(where, f"unsupported file type '{suffix or path.name}'; "
                                                f"supported: {', '.join(sorted(FORMATS))}"))
            return []
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise ReadError(f"file is {size} bytes, over the limit of {self.max_bytes}")
            data = path.read_bytes()
            if suffix == ".jsonl":  # decoded line by line: one bad line costs only itself
                if not data.strip():
                    raise ReadError("file is empty")
                return self._read_jsonl(data, where)
            text, warning = decode_bytes(data)
            meta = read_sidecar(path, self.root)
        except (OSError, ReadError) as exc:
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.problems.append(Problem(where, f"skipped: {message}"))
            return []
        if warning:
            self.problems.append(Problem(where, warning, skipped=False))
        fmt = FORMATS[suffix]
        assert fmt is not None
        return [RawSource(id=slugify(path.stem), path=where, text=text, format=fmt,
                          title=meta.get("title"), kind=meta.get("kind"),  # type: ignore[arg-type]
                          url=meta.get("url"), published=meta.get("published"))]

    def _read_jsonl(self, data: bytes, where: str) -> list[RawSource]:
        sources: list[RawSource] = []
        seen: set[str] = set()
        # Split on b"\n" only: JSON strings may hold U+2028 or U+0085, which splitlines() cuts.
        for number, raw in enumerate(data.removeprefix(codecs.BOM_UTF8).split(b"\n"), start=1):
            if not raw.strip():
                continue
            try:
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ValueError(f"not valid UTF-8 at byte {exc.start} of the line") from exc
                sources.append(self._jsonl_record(line, where, number, seen))
            except ValueError as exc:
                self.problems.append(Problem(where, f"line skipped: {exc}", line=number))
        if not sources and not any(p.path == where for p in self.problems):
            self.problems.append(Problem(where, "skipped: no records"))
        return sources

    @staticmethod
    def _jsonl_record(line: str, where: str, number: int, seen: set[str]) -> RawSource:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(record, dict):
            raise ValueError("expected a JSON object with '_id' and 'text'")
        source_id = record.get("_id")
        if isinstance(source_id, int) and not isinstance(source_id, bool):
            source_id = str(source_id)
        if not isinstance(source_id, str) or not SOURCE_ID_PATTERN.match(source_id):
            raise ValueError("field '_id' must be a string of letters, digits, '.', '_', ':' "
                             "or '-' (at most 128)")
        if source_id in seen:
            raise ValueError(f"duplicate '_id' {source_id!r}")
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            raise ValueError("field 'text' must be a non-empty string")
        title = record.get("title")
        if title is not None and not isinstance(title, str):
            raise ValueError("field 'title' must be a string")
        seen.add(source_id)
        return RawSource(id=source_id, path=where, text=body, format="text",
                         title=(title or "").strip() or None, kind="article", line=number)
