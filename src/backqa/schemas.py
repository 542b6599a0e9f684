"""The JSON shapes backqa answers with: one set of models for the command line and the API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

PassageKindName = Literal["article", "forum-question", "forum-answer"]
TopicName = Literal["cause", "treatment", "prevention", "when-to-see-a-doctor",
                    "personal-experience"]


class SourceRef(BaseModel):
    id: str = Field(description="Stable source id (the JSONL `_id` for BEIR corpora)")
    title: str
    path: str = Field(description="Source file relative to the project root")
    url: str | None = None
    kind: Literal["article", "forum-thread"] = "article"


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
    kind: PassageKindName
    answer_number: int | None = Field(description="Forum answer number, for forum answers")
    part_title: str | None = Field(None, description="Article title inside a multi-article page")
    similar_count: int = Field(0, description="Near-duplicate passages folded into this one")
    dense_score: float | None = None
    lexical_score: float | None = None
    source: SourceRef
    topics: list[TopicName] = Field(default_factory=list,
                                    description="What the passage is about (labelled at ingest)")
    agreeing_sources: list[str] | None = Field(
        None, description="Ids of the distinct sources saying the same thing, this result's own "
        "first; null when the index has no claim vectors to tell")


class NoticePassage(BaseModel):
    passage_id: str
    text: str
    section: str | None = None
    heading_path: list[str] = Field(default_factory=list)
    kind: PassageKindName
    answer_number: int | None = None
    part_title: str | None = None
    source: SourceRef


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
