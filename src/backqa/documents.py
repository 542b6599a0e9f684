"""The data that flows through backqa: source -> document -> sections -> passages.

Each ingest stage is a small component that takes one of these types and returns the next
(`ingest/pipeline.py` reads top to bottom); the index stores them and search reads them back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal, get_args

SourceKind = Literal["article", "forum-thread"]
PassageKind = Literal["article", "forum-question", "forum-answer"]
SourceFormat = Literal["text", "markdown", "html"]
# What a passage is about, labelled at ingest (`ingest/topics.py`) and filtered on in search.
Topic = Literal["cause", "treatment", "prevention", "when-to-see-a-doctor", "personal-experience"]
TOPICS: tuple[Topic, ...] = get_args(Topic)
DOCTOR_TOPIC: Topic = "when-to-see-a-doctor"


def content_hash(text: str) -> str:
    """Stable hex digest of a text, used for change detection and cache keys."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RawSource:
    """One source as read from disk: its text, its format and what we know about it."""

    id: str
    path: str  # relative to the project root (or absolute when outside it)
    text: str
    format: SourceFormat
    title: str | None = None
    kind: SourceKind | None = None
    url: str | None = None
    published: str | None = None
    line: int | None = None  # line number inside a JSONL file

    @property
    def hash(self) -> str:
        meta = f"{self.title}\x1f{self.kind}\x1f{self.url}\x1f{self.published}"
        return content_hash(meta + "\x1e" + self.text)


@dataclass
class Section:
    """A run of body blocks under one heading path inside one part of a document.

    `blocks` are paragraphs or list items, already cleaned, one string each; a list is kept
    together with the line that introduces it.
    """

    heading_path: list[str]
    blocks: list[str]
    kind: PassageKind = "article"
    answer_number: int | None = None
    part_title: str | None = None  # title of an article inside a multi-article page

    @property
    def heading(self) -> str | None:
        return self.heading_path[-1] if self.heading_path else None


@dataclass(frozen=True)
class DroppedLine:
    """Text that cleaning or structure left out of a document, and the rule that did it.

    `line` is the line in the source file, when it can be told (None otherwise)."""

    text: str
    rule: str
    line: int | None = None


@dataclass
class Document:
    """A cleaned, structured source."""

    source: RawSource
    title: str
    kind: SourceKind
    sections: list[Section] = field(default_factory=list)
    dropped: list[DroppedLine] = field(default_factory=list)  # in the order they were found

    @property
    def text(self) -> str:
        """The cleaned text of the whole document, headings included."""
        lines: list[str] = [self.title]
        shown: list[str] = []
        for section in self.sections:
            heading_line = _section_label(section)
            if heading_line and heading_line != (shown[-1] if shown else None):
                lines.append("")
                lines.append(heading_line)
                shown.append(heading_line)
            for block in section.blocks:
                lines.append("")
                lines.append(block)
        return "\n".join(lines).strip() + "\n"


def _section_label(section: Section) -> str | None:
    if section.kind == "forum-question":
        return "Question"
    if section.kind == "forum-answer":
        label = f"Answer {section.answer_number}"
        return f"{label}: {section.heading}" if section.heading else label
    return " / ".join(section.heading_path) if section.heading_path else None


@dataclass
class Passage:
    """A focused piece of a section: what is shown, and what is embedded."""

    id: str
    source_id: str
    ordinal: int  # position in the document
    section_ordinal: int
    text: str  # shown to the user
    embed_text: str  # title and heading path + text, for the rankers
    kind: PassageKind
    heading_path: list[str]
    answer_number: int | None = None
    part_title: str | None = None
    group_id: int | None = None  # near-duplicate group; None when unique
    topics: list[str] = field(default_factory=list)  # see ingest/topics.py

    @property
    def section(self) -> str | None:
        return self.heading_path[-1] if self.heading_path else None

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    @property
    def embed_hash(self) -> str:
        return content_hash(self.embed_text)
