"""The API's request and response models (the search response itself is
`backqa.search.response.SearchResponse`, shared with the command line), the documented error
responses, and the one mapping from stored passages and sources to them (the `of`
constructors)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backqa.index.query_log import MAX_QUESTION_CHARS, GapsReport
from backqa.index.store import StoredPassage, StoredSource
from backqa.search.query import MAX_QUERY_CHARS
from backqa.search.response import SourceRef

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
MAX_K = 50


# -- requests --------------------------------------------------------------------------------


class SearchParams(BaseModel):
    """A question and how many results to return."""

    q: str = Field(min_length=1, max_length=MAX_QUERY_CHARS,
                   description=f"The question in your own words (1 to {MAX_QUERY_CHARS} "
                               "characters, not only whitespace)",
                   examples=["why does my back hurt after running uphill?"],
                   # documented for clients and fuzzers; checked by `_q_has_text` below
                   # Python's str.isspace() also counts U+001C-U+001F and U+0085 as space;
                   # ECMA regexes (the schema's) do not, so name them here too.
                   json_schema_extra={"pattern": r"[^\s\u001c-\u001f\u0085]"})
    k: int = Field(5, ge=1, le=MAX_K, description=f"Number of results (1 to {MAX_K})")
    kind: Literal["article", "forum-question", "forum-answer", "forum", ""] | None = Field(
        None, description="Only passages of this kind (`forum`: forum questions and answers; "
                          "empty: all kinds)")
    topic: Literal["cause", "treatment", "prevention", "when-to-see-a-doctor",
                   "personal-experience", ""] | None = Field(
        None, description="Only passages on this topic (empty: all topics); the response's "
                          "`topic_counts` are the same either way")

    @field_validator("q")
    @classmethod
    def _q_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(f"q must contain text, not only whitespace (1 to {MAX_QUERY_CHARS} "
                             "characters)")
        return value

    @field_validator("kind", "topic", mode="before")
    @classmethod
    def _empty_kind_is_none(cls, value: object) -> object:
        return None if value == "" else value


class SearchBody(SearchParams):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"q": "why does my back hurt after running uphill?", "k": 5},
                     {"q": "what stretches help lower back pain", "k": 3, "kind": "forum"}]})


class ReindexRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rebuild: bool = Field(False, description="Ignore the live index and the embedding cache")


# -- the library -----------------------------------------------------------------------------


class Passage(BaseModel):
    id: str
    text: str
    section: str | None = Field(description="The heading the passage sits under")
    heading_path: list[str]
    kind: str = Field(description="article, forum-question or forum-answer")
    answer_number: int | None
    part_title: str | None
    section_ordinal: int = Field(description="Position of the passage's section in its source")
    ordinal: int = Field(description="Position of the passage in its source")
    source_id: str

    @classmethod
    def of(cls, passage: StoredPassage) -> Passage:
        return cls.model_validate(passage, from_attributes=True)


class SourceFields(BaseModel):
    id: str
    title: str
    kind: str
    path: str
    url: str | None
    published: str | None = None
    ingested_at: str


class SourceSummary(SourceFields):
    passage_count: int

    @classmethod
    def of(cls, source: StoredSource) -> SourceSummary:
        return cls.model_validate(source, from_attributes=True)


class SourcesResponse(BaseModel):
    sources: list[SourceSummary]
    index_version: str


class Section(BaseModel):
    ordinal: int
    kind: str
    answer_number: int | None
    heading_path: list[str]
    part_title: str | None
    passage_ids: list[str]


class SourceDetail(SourceFields):
    text: str = Field(description="The cleaned text of the whole source")
    sections: list[Section]
    passages: list[Passage]
    index_version: str

    @classmethod
    def of(cls, source: StoredSource, text: str, sections: list[Section],
           passages: list[StoredPassage], index_version: str) -> SourceDetail:
        fields = SourceFields.model_validate(source, from_attributes=True)
        return cls(**fields.model_dump(), text=text, sections=sections,
                   passages=[Passage.of(p) for p in passages], index_version=index_version)


class PassageContext(BaseModel):
    passage: Passage
    before: list[Passage] = Field(description="Earlier passages of the same section, in order")
    after: list[Passage] = Field(description="Later passages of the same section, in order")
    source: SourceRef
    index_version: str


# -- operations and admin --------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class LoadFailureOut(BaseModel):
    version: str
    error: str
    at: str


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    detail: str | None = None
    version: str | None = None
    built_at: str | None = None
    loaded_at: str | None = None
    passages: int | None = None
    sources: int | None = None
    model: str | None = Field(None, description="Key of the embedding model of the index")
    load_error: LoadFailureOut | None = Field(
        None, description="The newest published version that could not be loaded (the "
                          "version above keeps serving)")


class JobOut(BaseModel):
    id: str
    state: Literal["queued", "running", "succeeded", "failed"]
    rebuild: bool
    stage: str | None
    done: int = Field(description="Items done in the current stage")
    total: int = Field(description="Items in the current stage (0 when not counted)")
    submitted_at: str
    started_at: str | None
    finished_at: str | None
    summary: dict[str, Any] | None = Field(description="The ingest summary when finished")
    error: str | None


class JobsOut(BaseModel):
    jobs: list[JobOut] = Field(description="The recent reindex jobs, newest first")


# -- the query log: feedback and the gaps report ---------------------------------------------


class FeedbackIn(BaseModel):
    """A reader's answer to "Did this answer your question?" for one result."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "why does my back hurt after hills", "passage_id": "60e6500bc954575c",
         "helpful": False}]})

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS,
                          description="The question as the reader asked it")
    passage_id: str = Field(pattern=ID_PATTERN, description="The result's `passage_id`")
    helpful: bool


class FeedbackState(BaseModel):
    enabled: bool = Field(description="Whether feedback is recorded (BACKQA_QUERY_LOG)")


class FeedbackStored(BaseModel):
    stored: bool


class GapsOut(BaseModel):
    query_log: bool = Field(description="Whether questions are being logged now")
    report: GapsReport | None = Field(description="Null when no question was ever logged")


# -- documented errors and examples ----------------------------------------------------------


class ErrorOut(BaseModel):
    detail: str | list[dict[str, Any]]


Responses = dict[int | str, dict[str, Any]]

ERRORS: Responses = {
    422: {"model": ErrorOut, "description": "Invalid input; `detail` names the field"},
    503: {"model": ErrorOut, "description": "No index is loaded yet"},
}
NOT_FOUND: Responses = {404: {"model": ErrorOut, "description": "Unknown id"}}

SEARCH_EXAMPLE = {
    "query": "why does my back hurt after running uphill?", "no_match": False, "notice": None,
    "index_version": "20260101T120000-a1b2c3", "took_ms": 14.2,
    "results": [{
        "rank": 1, "score": 0.032522, "passage_id": "3f2a9c0d1e4b5a67",
        "text": "Running uphill makes you lean forward, which loads the lower back...",
        "highlight": "Running uphill makes you lean forward, which loads the lower back.",
        "highlight_start": 0, "highlight_end": 66, "section": "Hills",
        "heading_path": ["Causes", "Hills"], "kind": "article", "answer_number": None,
        "part_title": None, "similar_count": 0, "dense_score": 0.61, "lexical_score": 7.9,
        "source": {"id": "why-does-my-back-hurt-after-running",
                   "title": "Why does my back hurt after running?",
                   "path": "ingest/why-does-my-back-hurt-after-running.txt", "url": None,
                   "kind": "article"}}]}
