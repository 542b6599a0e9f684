"""Inspect: a dry run of ingest for one file, to see what it makes of a page before publishing.

read -> clean -> structure -> chunk -> near-duplicates -> topics, with nothing embedded and
nothing written to the index. Without a model, near-duplicates are judged by wording alone
(`WordingDuplicateGrouper`) and topics come from headings and text cues (`TopicLabeler(None)`);
the published index judges both with the passages' embeddings too, so it may find more.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from backqa.config import DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS
from backqa.documents import Document, DroppedLine, Passage, Section
from backqa.ingest.builder import DocumentBuilder
from backqa.ingest.chunking import Chunker
from backqa.ingest.dedup import NearDuplicateGrouper, overlap, shingles
from backqa.ingest.html import HtmlError
from backqa.ingest.readers import Problem, SourceReader
from backqa.ingest.topics import PassageInfo, TopicLabeler

# Without embeddings to confirm that two passages mean the same, wording must agree more than
# the 0.25 the embedding-backed test asks for.
WORDING_MIN_OVERLAP = 0.5


class WordingDuplicateGrouper(NearDuplicateGrouper):
    """Near-duplicates by shared wording alone (word-pair containment), for use without a
    model; the grouping into connected components is the parent's."""

    def __init__(self, min_overlap: float = WORDING_MIN_OVERLAP) -> None:
        super().__init__(min_overlap=min_overlap)

    def group_texts(self, texts: list[str]) -> list[int | None]:
        """Per passage, its group id (the smallest index in its group), or None when unique."""
        return self.group(texts, np.zeros((len(texts), 0), dtype=np.float32))

    def pairs(self, texts: list[str], vectors: np.ndarray) -> list[tuple[int, int]]:
        """Index pairs (i < j) whose wording overlaps enough; `vectors` are not used."""
        sets = [shingles(text) for text in texts]
        return [(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))
                if texts[i].strip() == texts[j].strip()
                or overlap(sets[i], sets[j]) >= self.min_overlap]


@dataclass
class TreeNode:
    """A part, section, forum question or answer, with the passages cut from it directly."""

    label: str
    kind: str  # "part", "section", "question" or "answer"
    passages: int = 0
    children: list[TreeNode] = field(default_factory=list)


@dataclass
class PassageReport:
    """One passage as ingest would index it."""

    number: int  # 1-based, across the file
    id: str
    heading_path: list[str]
    kind: str
    words: int
    topics: list[str]
    text: str
    duplicate_group: int | None = None  # the number of the first passage of its group


@dataclass
class DocumentReport:
    """What ingest makes of one source: title, kind, what it dropped, structure, passages."""

    source_id: str
    path: str
    line: int | None
    format: str
    title: str
    kind: str
    dropped: list[DroppedLine]
    tree: list[TreeNode]
    passages: list[PassageReport]


@dataclass
class InspectReport:
    """A file's documents, its near-duplicate groups (passage numbers) and its problems."""

    path: str
    documents: list[DocumentReport] = field(default_factory=list)
    duplicate_groups: list[list[int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Some of the file could not be used: ingest would skip it (or part of it)."""
        return any(problem.skipped for problem in self.problems)

    def to_dict(self) -> dict[str, object]:
        """The report as JSON-ready data."""
        return {"path": self.path, "documents": [asdict(d) for d in self.documents],
                "duplicate_groups": self.duplicate_groups,
                "duplicates_by": "wording only (no model)",
                "topics_by": "headings and text cues (no model)",
                "problems": [{"path": p.path, "line": p.line, "message": p.message,
                              "skipped": p.skipped} for p in self.problems],
                "failed": self.failed}


class Inspector:
    """Runs ingest's stages on one file, up to topics, and reports what each one did."""

    def __init__(self, root: Path, min_words: int = DEFAULT_MIN_WORDS,
                 max_words: int = DEFAULT_MAX_WORDS) -> None:
        """`root`: paths in the report are relative to it (as in the index)."""
        self.root = root
        self.builder = DocumentBuilder()
        self.chunker = Chunker(min_words, max_words)
        self.grouper = WordingDuplicateGrouper()
        self.labeler = TopicLabeler(None)

    def inspect(self, path: Path) -> InspectReport:
        """The dry-run report for the file at `path` (and its `.meta.toml` sidecar)."""
        reader = SourceReader(self.root)
        sources = reader.read(path)
        report = InspectReport(path=sources[0].path if sources else str(path),
                               problems=list(reader.problems))
        passages: list[Passage] = []
        for source in sources:
            try:
                document = self.builder.build(source)
            except HtmlError as exc:
                report.problems.append(Problem(source.path, f"skipped: {exc}", line=source.line))
                continue
            chunks = self.chunker.split(document)
            if not chunks:
                report.problems.append(Problem(source.path, "skipped: no text left after "
                                                            "cleaning", line=source.line))
            report.documents.append(self._document_report(document, chunks, len(passages)))
            passages.extend(chunks)
        self._mark_duplicates(report, [p.text for p in passages])
        return report

    def _document_report(self, document: Document, passages: list[Passage],
                         numbered_from: int) -> DocumentReport:
        infos = [PassageInfo(p.text, p.heading_path, p.kind, p.part_title) for p in passages]
        topics = self.labeler.label(infos)
        source = document.source
        return DocumentReport(
            source_id=source.id, path=source.path, line=source.line, format=source.format,
            title=document.title, kind=document.kind, dropped=list(document.dropped),
            tree=section_tree(document.sections, passages),
            passages=[PassageReport(number=numbered_from + i + 1, id=p.id,
                                    heading_path=list(p.heading_path), kind=p.kind,
                                    words=p.word_count, topics=topics[i], text=p.text)
                      for i, p in enumerate(passages)])

    def _mark_duplicates(self, report: InspectReport, texts: list[str]) -> None:
        by_number = {p.number: p for d in report.documents for p in d.passages}
        groups: dict[int, list[int]] = {}
        for row, group in enumerate(self.grouper.group_texts(texts)):
            if group is not None:
                by_number[row + 1].duplicate_group = group + 1
                groups.setdefault(group + 1, []).append(row + 1)
        report.duplicate_groups = list(groups.values())


def section_tree(sections: list[Section], passages: list[Passage]) -> list[TreeNode]:
    """Parts, sections (nested by heading), a forum question and its answers, each with the
    number of passages cut from it."""
    counts: dict[int, int] = {}
    for passage in passages:
        counts[passage.section_ordinal] = counts.get(passage.section_ordinal, 0) + 1
    roots: list[TreeNode] = []
    for ordinal, section in enumerate(sections):
        siblings, node = roots, None
        for label, kind in _path(section):
            last = siblings[-1] if siblings else None  # a heading seen again later is new
            node = last if last is not None and (last.label, last.kind) == (label, kind) else None
            if node is None:
                node = TreeNode(label, kind)
                siblings.append(node)
            siblings = node.children
        if node is None:  # body text before the first heading
            node = TreeNode("(before the first heading)", "section")
            roots.append(node)
        node.passages += counts.get(ordinal, 0)
    return roots


def _path(section: Section) -> list[tuple[str, str]]:
    if section.kind == "forum-question":
        return [("Question", "question")]
    if section.kind == "forum-answer":
        return [(f"Answer {section.answer_number}", "answer"),
                *((heading, "section") for heading in section.heading_path)]
    return [(heading, "part" if heading == section.part_title else "section")
            for heading in section.heading_path]
