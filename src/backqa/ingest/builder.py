"""One source to one structured document: clean (text or HTML), then find its structure."""

from __future__ import annotations

from dataclasses import replace

from backqa.documents import Document, DroppedLine, RawSource
from backqa.ingest.cleaning import TextCleaner, locate_line
from backqa.ingest.html import HtmlCleaner, strip_markdown_html
from backqa.ingest.structure import StructureDetector


class DocumentBuilder:
    """One source to one structured document: clean, then find its structure."""

    def __init__(self) -> None:
        self.html = HtmlCleaner()
        self.text = TextCleaner()
        self.structure = StructureDetector()

    def build(self, source: RawSource) -> Document:
        text, markdown, source_title = source.text, source.format == "markdown", source.title
        dropped: list[DroppedLine] = []
        if markdown:
            text = strip_markdown_html(text)
        if source.format == "html":
            page = self.html.clean_reporting(source.text)
            text, markdown, source_title = page.text, True, source_title or page.title
            dropped = page.dropped
        cleaned = self.text.clean_reporting(text)
        document = self.structure.detect(source, cleaned.lines, markdown=markdown,
                                         title=source_title)
        lines_kept = source.format != "html" and text.count("\n") == source.text.count("\n")
        from_text = [_in_source(d, source, lines_kept) for d in cleaned.dropped]
        # structure works on the cleaned lines, so what it drops is placed in the file by its text
        from_structure = [_in_source(d, source, False) for d in document.dropped]
        document.dropped = dropped + from_text + from_structure
        return document


def _in_source(dropped: DroppedLine, source: RawSource, lines_kept: bool) -> DroppedLine:
    """A dropped line numbered in the source file: its JSONL line; the line it was found on when
    that is the file's own numbering (`lines_kept`); else where its text occurs once."""
    if source.line is not None:
        return replace(dropped, line=source.line)
    if lines_kept and dropped.line is not None:
        return dropped
    return replace(dropped, line=locate_line(source.text, dropped.text))
