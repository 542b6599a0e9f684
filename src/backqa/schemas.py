"""The JSON shapes backqa answers with: one set of models for the command line and the API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

PassageKindName = Literal["article", "forum-question", "forum-answer"]


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


class SearchResponse(BaseModel):
    query: str
    no_match: bool = False
    notice: dict[str, object] | None = None
    results: list[SearchResult] = Field(default_factory=list)
    index_version: str | None = None
    took_ms: float | None = None
