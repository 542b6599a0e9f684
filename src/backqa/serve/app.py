"""The HTTP API: search, sources and passages in context, health and metrics, admin reindex,
the OpenAPI docs (served offline) and the static page at `/`.

`create_app()` builds the app from `Settings`; `backqa serve` runs it under uvicorn.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import Body, Depends, FastAPI, HTTPException, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backqa.config import Settings, get_settings
from backqa.encoders.identity import Encoder
from backqa.index.store import StoredPassage
from backqa.search.query import MAX_QUERY_CHARS
from backqa.search.response import SearchResponse, SourceRef
from backqa.serve.service import Job, JobRunning, LiveIndex, NotReady, QueryService

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
MAX_K = 50

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# Swagger UI sets inline styles; its scripts still come only from this server.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

access_log = logging.getLogger("backqa.access")
log = logging.getLogger("backqa.api")


# -- request and response models -------------------------------------------------------------


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


class PassageContext(BaseModel):
    passage: Passage
    before: list[Passage] = Field(description="Earlier passages of the same section, in order")
    after: list[Passage] = Field(description="Later passages of the same section, in order")
    source: SourceRef
    index_version: str


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


class ReindexRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rebuild: bool = Field(False, description="Ignore the live index and the embedding cache")


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


class ErrorOut(BaseModel):
    detail: str | list[dict[str, Any]]


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
ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "Invalid input; `detail` names the field"},
    503: {"model": ErrorOut, "description": "No index is loaded yet"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "Unknown id"}}


# -- metrics ---------------------------------------------------------------------------------


class Metrics:
    """Prometheus metrics of one app (own registry, so several apps can live in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("backqa_http_requests", "HTTP requests",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "backqa_http_request_duration_seconds", "HTTP request latency",
            ["method", "route", "status"], registry=self.registry,
            buckets=(.002, .005, .01, .02, .035, .05, .075, .1, .2, .5, 1, 2.5, 5, 10))
        self.batch_size = Histogram("backqa_embed_batch_size", "Questions embedded per batch",
                                    registry=self.registry,
                                    buckets=(1, 2, 4, 8, 16, 32, 64, 128))
        self.batch_seconds = Histogram("backqa_embed_batch_seconds", "Time to embed one batch",
                                       registry=self.registry,
                                       buckets=(.002, .005, .01, .02, .05, .1, .2, .5, 1, 2))
        self.jobs = Counter("backqa_reindex_jobs", "Finished reindex jobs", ["state"],
                            registry=self.registry)
        ProcessCollector(registry=self.registry)

    def observe_batch(self, size: int, seconds: float) -> None:
        self.batch_size.observe(size)
        self.batch_seconds.observe(seconds)

    def job_finished(self, job: Job) -> None:
        self.jobs.labels(job.state).inc()

    def watch(self, service: QueryService) -> None:
        self.registry.register(_IndexCollector(service))


class _IndexCollector:
    """Index gauges read at scrape time from the live version."""

    def __init__(self, service: QueryService) -> None:
        self.service = service

    def collect(self) -> Any:
        holder = self.service.holder
        live = holder.live if holder else None
        info = GaugeMetricFamily("backqa_index_info", "The live index version (value 1)",
                                 labels=["version", "model"])
        ready = GaugeMetricFamily("backqa_index_ready", "1 when an index is loaded")
        passages = GaugeMetricFamily("backqa_index_passages", "Passages in the live index")
        sources = GaugeMetricFamily("backqa_index_sources", "Sources in the live index")
        reloads = CounterMetricFamily("backqa_index_reloads", "Index versions swapped in")
        failures = CounterMetricFamily("backqa_index_load_failures",
                                       "Index versions that failed to load")
        ready.add_metric([], 1 if live else 0)
        if live is not None:
            info.add_metric([live.version, live.index.model_key], 1)
            passages.add_metric([], live.index.passage_count)
            sources.add_metric([], live.index.source_count)
        reloads.add_metric([], holder.reloads if holder else 0)
        failures.add_metric([], holder.failures if holder else 0)
        return [info, ready, passages, sources, reloads, failures]


# -- middleware: security headers, metrics, access log, and no stack traces ------------------


MAX_BODY_BYTES = 64 * 1024  # a 1,000-character question is at most ~12 KiB of JSON
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, f"request body over {MAX_BODY_BYTES} bytes")


class ObservabilityMiddleware:
    """Adds the security headers to every response, counts and times it by route template,
    logs one line per request, refuses bodies over MAX_BODY_BYTES, and turns any unhandled
    error into a JSON 500."""

    def __init__(self, app: ASGIApp, metrics: Metrics, log_queries: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.log_queries = log_queries

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        csp = DOCS_CSP if path == "/docs" else CSP
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = csp
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
            await send(message)

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    raise BodyTooLarge()  # FastAPI passes HTTPExceptions through as they are
            return message

        try:
            if _declared_length(scope) > MAX_BODY_BYTES:
                await _send_json(send_with_headers, 413, BodyTooLarge().detail)
            else:
                await self.app(scope, limited_receive, send_with_headers)
        except Exception:
            log.exception("unhandled error answering %s %s", scope["method"], path)
            if not response_started:
                await _send_json(send_with_headers, 500,
                                 "internal error: the server could not answer this request")
        finally:
            elapsed = time.perf_counter() - started
            route = _route_label(scope)
            method = scope["method"] if scope["method"] in METHODS else "other"
            labels = (method, route, str(status))
            self.metrics.requests.labels(*labels).inc()
            self.metrics.latency.labels(*labels).observe(elapsed)
            query = scope.get("backqa.query")
            extra = f" q={json.dumps(query, ensure_ascii=False)}" if (
                query is not None and self.log_queries) else ""
            access_log.info("%s %s %d %.1fms%s", scope["method"], path, status,
                            elapsed * 1000, extra)


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _route_label(scope: Scope) -> str:
    route = scope.get("route")
    if route is None:
        return "unmatched"
    template = getattr(route, "path", "")
    return template or "static"


# -- the app ---------------------------------------------------------------------------------


bearer = HTTPBearer(auto_error=False, description="The token in BACKQA_ADMIN_TOKEN")


def require_admin(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """Admin routes exist only when BACKQA_ADMIN_TOKEN is set, and need it as a Bearer token."""
    token = request.app.state.settings.admin_token
    secret = token.get_secret_value() if token is not None else ""
    if not secret:
        raise HTTPException(404, "Not Found")
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
        raise HTTPException(401, "missing or wrong admin token (Authorization: Bearer <token>)",
                            headers={"WWW-Authenticate": "Bearer"})


def _printable(value: Any) -> Any:
    """`value` with every string made encodable as UTF-8 (lone surrogates become U+FFFD)."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_printable(v) for v in value]
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    return value


def _allowed(app: FastAPI, scope: Scope) -> str:
    """Every method some route of this path answers (for the Allow header of a 405)."""
    methods: set[str] = set()
    for route in app.routes:
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(scope)[0] != Match.NONE:
            methods |= route_methods
    return ", ".join(sorted(methods))


def _service(request: Request) -> QueryService:
    return request.app.state.service  # type: ignore[no-any-return]


def _passage(p: StoredPassage) -> Passage:
    return Passage(id=p.id, text=p.text, section=p.section, heading_path=p.heading_path,
                   kind=p.kind, answer_number=p.answer_number, part_title=p.part_title,
                   section_ordinal=p.section_ordinal, ordinal=p.ordinal, source_id=p.source_id)


def _sources(live: LiveIndex) -> SourcesResponse:
    return SourcesResponse(index_version=live.version, sources=[
        SourceSummary(id=s.id, title=s.title, kind=s.kind, path=s.path, url=s.url,
                      published=s.published, passage_count=s.passage_count,
                      ingested_at=s.ingested_at) for s in live.index.store.sources()])


def _source_detail(live: LiveIndex, source_id: str) -> SourceDetail | None:
    store = live.index.store
    source = store.source(source_id)
    if source is None:
        return None
    passages = store.passages_of_source(source_id)
    ids_by_section: dict[int, list[str]] = {}
    for p in passages:
        ids_by_section.setdefault(p.section_ordinal, []).append(p.id)
    sections = [Section(**s, passage_ids=ids_by_section.get(s["ordinal"], []))
                for s in store.sections_of_source(source_id)]
    return SourceDetail(id=source.id, title=source.title, kind=source.kind, path=source.path,
                        url=source.url, published=source.published,
                        ingested_at=source.ingested_at, text=store.source_text(source_id) or "",
                        sections=sections, passages=[_passage(p) for p in passages],
                        index_version=live.version)


def _passage_context(live: LiveIndex, passage_id: str) -> PassageContext | None:
    store = live.index.store
    passage = store.passage(passage_id)
    if passage is None:
        return None
    section = [p for p in store.passages_of_source(passage.source_id)
               if p.section_ordinal == passage.section_ordinal]
    source = store.source(passage.source_id)
    assert source is not None  # the store's passages always belong to a stored source
    return PassageContext(
        passage=_passage(passage),
        before=[_passage(p) for p in section if p.ordinal < passage.ordinal],
        after=[_passage(p) for p in section if p.ordinal > passage.ordinal],
        source=SourceRef(id=source.id, title=source.title, path=source.path, url=source.url,
                         kind=source.kind),  # type: ignore[arg-type]
        index_version=live.version)


def _readiness(service: QueryService) -> Readiness:
    holder = service.holder
    failure = holder.last_failure if holder else None
    load_error = LoadFailureOut(**failure.__dict__) if failure else None
    try:
        live = service.snapshot()
    except NotReady as exc:
        return Readiness(status="not ready", detail=str(exc), load_error=load_error)
    manifest = live.index.manifest
    return Readiness(status="ready", version=live.version, built_at=manifest.built_at,
                     loaded_at=live.loaded_at, passages=live.index.passage_count,
                     sources=live.index.source_count, model=live.index.model_key,
                     load_error=load_error)


def create_app(settings: Settings | None = None, *,
               encoder_factory: Callable[[], Encoder] | None = None) -> FastAPI:
    """The backqa API. `encoder_factory` gives the question encoder (default: the installed
    model, per BACKQA_ENCODER); it must be the model the index was built with."""
    settings = settings or get_settings()
    if encoder_factory is None:
        from backqa.encoders import load_encoder

        backend = settings.encoder
        encoder_factory = lambda: load_encoder(backend)  # noqa: E731
    metrics = Metrics()
    service = QueryService(
        settings.index_path, [settings.ingest_path], settings.root,
        encoder_factory=encoder_factory, reload_interval=settings.reload_interval,
        search_threads=settings.search_threads, embed_batch=settings.embed_batch,
        min_words=settings.min_words, max_words=settings.max_words,
        on_batch=metrics.observe_batch, on_job_finished=metrics.job_finished)
    metrics.watch(service)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(service.start)
        try:
            yield
        finally:
            await asyncio.to_thread(service.stop)

    from backqa import __version__

    app = FastAPI(
        title="backqa", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
        description="Semantic question-and-answer search for runners with back pain: ranked, "
                    "source-attributed passages from a library of articles and forum answers.",
        openapi_tags=[{"name": "search"}, {"name": "library"}, {"name": "operations"},
                      {"name": "admin", "description": "Only when BACKQA_ADMIN_TOKEN is set"}])
    app.state.settings = settings
    app.state.service = service
    app.state.metrics = metrics

    @app.exception_handler(NotReady)
    async def not_ready(request: Request, exc: NotReady) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler, but a validator's error shows as its message, not `{}`, and
        # input echoed back cannot break the response (a lone surrogate in a JSON string).
        errors = jsonable_encoder(exc.errors(), custom_encoder={Exception: str})
        return JSONResponse({"detail": _printable(errors)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:  # Starlette names only the first route's methods
            exc.headers = {**(exc.headers or {}), "Allow": _allowed(app, request.scope)}
        if exc.status_code == 400 and exc.__cause__ is not None:
            # FastAPI's 400 for a body that is not even text (invalid UTF-8): malformed JSON
            return JSONResponse({"detail": [{
                "type": "json_invalid", "loc": ["body"], "msg": "JSON decode error",
                "ctx": {"error": _printable(str(exc.__cause__))}}]}, status_code=422)
        return await http_exception_handler(request, exc)

    @app.exception_handler(JobRunning)
    async def job_running(request: Request, exc: JobRunning) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    search_doc = {200: {"content": {"application/json": {"example": SEARCH_EXAMPLE}}}, **ERRORS}

    async def search(request: Request, params: SearchParams) -> Response:
        request.scope["backqa.query"] = params.q
        body = await _service(request).search_json(params.q, params.k, params.kind,
                                                   params.topic)
        return Response(body, media_type="application/json")

    @app.get("/api/search", response_model=SearchResponse, tags=["search"], responses=search_doc,
             summary="Ask a question (query string)")
    async def search_get(request: Request,
                         params: Annotated[SearchParams, Query()]) -> Response:
        """The best passages for a question: exactly the JSON of `backqa search --json`."""
        return await search(request, params)

    @app.post("/api/search", response_model=SearchResponse, tags=["search"],
              responses=search_doc, summary="Ask a question (JSON body)")
    async def search_post(request: Request, params: Annotated[SearchBody, Body()]) -> Response:
        """The same as `GET /api/search`, with the question in a JSON body."""
        return await search(request, params)

    @app.get("/api/sources", response_model=SourcesResponse, tags=["library"],
             responses={503: ERRORS[503]}, summary="List the sources")
    async def list_sources(request: Request) -> SourcesResponse:
        """Every source in the live index."""
        service = _service(request)
        return await service.call(_sources, service.snapshot())  # type: ignore[no-any-return]

    @app.get("/api/sources/{source_id}", response_model=SourceDetail, tags=["library"],
             responses={**NOT_FOUND, **ERRORS}, summary="One source with its sections")
    async def get_source(request: Request,
                         source_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> SourceDetail:
        """One source's cleaned text, its sections and passages (to show a passage in context)."""
        service = _service(request)
        detail = await service.call(_source_detail, service.snapshot(), source_id)
        if detail is None:
            raise HTTPException(404, f"no source with id {source_id!r}")
        return detail  # type: ignore[no-any-return]

    @app.get("/api/passages/{passage_id}", response_model=PassageContext, tags=["library"],
             responses={**NOT_FOUND, **ERRORS}, summary="One passage in its context")
    async def get_passage(request: Request, passage_id: Annotated[
            str, Path(pattern=ID_PATTERN)]) -> PassageContext:
        """One passage with its neighbours in the same section."""
        service = _service(request)
        context = await service.call(_passage_context, service.snapshot(), passage_id)
        if context is None:
            raise HTTPException(404, f"no passage with id {passage_id!r}")
        return context  # type: ignore[no-any-return]

    @app.get("/healthz", response_model=Health, tags=["operations"], summary="Liveness")
    async def healthz() -> Health:
        """The process is alive and answering."""
        return Health()

    @app.get("/readyz", response_model=Readiness, tags=["operations"], summary="Readiness",
             responses={503: {"model": Readiness, "description": "No index loaded"}})
    async def readyz(request: Request) -> JSONResponse:
        """Whether an index is loaded: its version, passage count and model."""
        ready = _readiness(_service(request))
        return JSONResponse(ready.model_dump(mode="json"),
                            status_code=200 if ready.status == "ready" else 503)

    @app.get("/metrics", tags=["operations"], response_class=Response, summary="Metrics",
             responses={200: {"content": {CONTENT_TYPE_LATEST: {}},
                              "description": "Prometheus text format"}})
    async def metrics_route() -> Response:
        """Request counts and latencies by route and status, index version and size."""
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    admin = [Depends(require_admin)]
    admin_on = settings.admin_token is not None and bool(settings.admin_token.get_secret_value())
    admin_errors: dict[int | str, dict[str, Any]] = {
        401: {"model": ErrorOut, "description": "Missing or wrong token"},
        404: {"model": ErrorOut, "description": "Admin routes are off (no token configured), "
                                                "or unknown job"}}

    # The body is read by hand, after the token check, so that nobody without the token
    # learns anything from a validation error (or that the route exists, when it is off).
    reindex_body = {"requestBody": {"required": False, "content": {
        "application/json": {"schema": ReindexRequest.model_json_schema()}}}}

    @app.post("/api/admin/reindex", response_model=JobOut, status_code=202, tags=["admin"],
              dependencies=admin, summary="Start a reindex", openapi_extra=reindex_body,
              include_in_schema=admin_on,
              responses={**admin_errors, 409: {
                  "model": ErrorOut, "description": "A reindex is already running"},
                  422: ERRORS[422]})
    async def reindex(request: Request, response: Response) -> JobOut:
        """Start an incremental ingest of the library in the background."""
        raw = await request.body()
        try:
            options = ReindexRequest.model_validate_json(raw) if raw.strip() else ReindexRequest()
        except ValidationError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
            ) from None
        jobs = _service(request).jobs
        if jobs is None:
            raise NotReady("the service is starting")
        job = jobs.submit(rebuild=options.rebuild)
        response.headers["Location"] = f"/api/admin/jobs/{job.id}"
        return JobOut(**job.to_dict())

    @app.get("/api/admin/jobs/{job_id}", response_model=JobOut, tags=["admin"],
             dependencies=admin, responses=admin_errors, summary="A reindex job",
             include_in_schema=admin_on)
    async def get_job(request: Request,
                      job_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> JobOut:
        """Progress of a reindex job, and its summary when finished."""
        jobs = _service(request).jobs
        job = jobs.get(job_id) if jobs else None
        if job is None:
            raise HTTPException(404, f"no job with id {job_id!r}")
        return JobOut(**job.to_dict())

    _add_docs(app)
    _add_page(app, settings.web_path)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(ObservabilityMiddleware, metrics=metrics,
                       log_queries=settings.log_queries)
    return app


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>backqa API</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<link rel="icon" href="/docs-assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""
DOCS_INIT = """window.ui = SwaggerUIBundle({
  url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"
});
"""


def _add_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the `swagger-ui-bundle-v2` package: works offline."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        log.warning("swagger-ui-bundle-v2 is not installed: no /docs (the schema is at "
                    "/openapi.json)")
        return
    app.mount("/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    @app.get("/docs/init.js", include_in_schema=False)
    async def docs_init() -> Response:
        return Response(DOCS_INIT, media_type="text/javascript")


API_PATHS = ("/api/", "/docs", "/openapi.json", "/healthz", "/readyz", "/metrics")


class PageMount(Mount):
    """The page's files at `/`, for every path the API does not own: a wrong method on an API
    path stays a 405 and an unknown API path a JSON 404, not a missing file."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        if path.startswith(API_PATHS) or path == "/api":
            return Match.NONE, {}
        return super().matches(scope)


def _add_page(app: FastAPI, web: FsPath) -> None:
    """The page in `web/` at `/` (after every API route, so they take precedence)."""
    if web.is_dir():
        app.router.routes.append(PageMount("/", StaticFiles(directory=web, html=True),
                                           name="web"))
        return

    @app.get("/", include_in_schema=False)
    async def no_page() -> JSONResponse:
        return JSONResponse({"detail": f"no web page installed ({web} is missing); the API "
                                       "is at /api/search and described at /docs"},
                            status_code=404)
