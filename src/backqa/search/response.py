"""The response: the JSON shapes a search answers with, for the command line and the API
alike, and the one mapping from stored passages and sources to them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from backqa.documents import PassageKind, SourceKind, Topic
from backqa.index.store import StoredPassage, StoredSource


class SourceRef(BaseModel):
    id: str = Field(description="Stable source id (the JSONL `_id` for BEIR corpora)")
    title: str
    path: str = Field(description="Source file relative to the project root")
    url: str | None = None
    kind: SourceKind = "article"

    @classmethod
    def of(cls, source: StoredSource) -> SourceRef:
        return cls(id=source.id, title=source.title, path=source.path, url=source.url,
                   kind=source.kind)


class SearchResult(BaseModel):
    rank: int = Field(ge=1)
    score: float = Field(description="Ranking score (higher is better)")
    passage_id: str
    text: str = Field(description="The whole passage as shown")
    highlight: str | None = Field(description="The sentence that best answers the question")
    highlight_start: int | None = Field(None, description="Offset of `highlight` in `text`")
    highlight_end: int | None = Field(None, description="End offset of `highlight` in `text`")
    section: str | None = Field(description="The heading the passage sits under")
    heading_path: list[str] = Field(default_factory=list)
    kind: PassageKind
    answer_number: int | None = Field(description="Forum answer number, for forum answers")
    part_title: str | None = Field(None, description="Article title inside a multi-article page")
    similar_count: int = Field(0, description="Near-duplicate passages folded into this one")
    dense_score: float | None = None
    lexical_score: float | None = None
    source: SourceRef
    topics: list[Topic] = Field(default_factory=list,
                                    description="What the passage is about (labelled at ingest)")
    agreeing_sources: list[str] | None = Field(
        None, description="Ids of the distinct sources saying the same thing, this result's own "
        "first; null when the index has no claim vectors to tell")


class NoticePassage(BaseModel):
    passage_id: str
    text: str
    section: str | None = None
    heading_path: list[str] = Field(default_factory=list)
    kind: PassageKind
    answer_number: int | None = None
    part_title: str | None = None
    source: SourceRef

    @classmethod
    def of(cls, passage: StoredPassage, source: StoredSource) -> NoticePassage:
        return cls(passage_id=passage.id, text=passage.text, section=passage.section,
                   heading_path=passage.heading_path, kind=passage.kind,
                   answer_number=passage.answer_number, part_title=passage.part_title,
                   source=SourceRef.of(source))


class Notice(BaseModel):
    kind: Literal["see-a-doctor"] = "see-a-doctor"
    message: str = Field(description="Calm advice to see a doctor or physical therapist")
    triggers: list[str] = Field(description="The words or phrases of the question that matched")
    signs: list[str] = Field(default_factory=list, description="Warning-sign ids (notice.py)")
    passages: list[NoticePassage] = Field(
        default_factory=list, description="The library's own when-to-see-a-doctor passages")


class SearchResponse(BaseModel):
    query: str
    corrected_query: str | None = Field(
        None, description="The question as searched, when misspelt words were corrected")
    no_match: bool = False
    notice: Notice | None = None
    results: list[SearchResult] = Field(default_factory=list)
    topic_counts: dict[str, int] = Field(
        default_factory=dict, description="Per topic, how many of the question's best distinct "
        "candidates carry it (before any topic filter)")
    source_count: int | None = Field(None, description="Sources in the library")
    source_titles: dict[str, str] = Field(
        default_factory=dict, description="Titles of the sources named in `agreeing_sources`")
    index_version: str | None = None
    took_ms: float | None = None
