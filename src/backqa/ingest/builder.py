"""One source to one structured document: clean (text or HTML), then find its structure."""

from __future__ import annotations

from backqa.documents import Document, RawSource
from backqa.ingest.cleaning import TextCleaner
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
        if markdown:
            text = strip_markdown_html(text)
        if source.format == "html":
            page_title, text = self.html.clean(source.text)
            markdown = True
            source_title = source_title or page_title
        lines = self.text.clean(text)
        return self.structure.detect(source, lines, markdown=markdown, title=source_title)
