"""The HTTP API: search, sources and passages in context, health and metrics, admin reindex,
the OpenAPI docs (served offline) and the static page at `/`.

`create_app()` wires the parts together; `backqa serve` (cli/serve.py) composes it with the
ingest pipeline for the admin reindex and runs it under uvicorn.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from backqa import __version__
from backqa.config import Settings, get_settings
from backqa.encoders.identity import Encoder
from backqa.serve.auth import admin_enabled
from backqa.serve.docs import add_docs, add_page
from backqa.serve.errors import ERROR_HANDLERS
from backqa.serve.jobs import ReindexerFactory
from backqa.serve.observability import Metrics, ObservabilityMiddleware
from backqa.serve.routers import admin, analytics, library, operations, search, workbench
from backqa.serve.routers.workbench import MULTIPART_OVERHEAD, SourceFiles
from backqa.serve.service import QueryService

DESCRIPTION = ("Semantic question-and-answer search for runners with back pain: ranked, "
               "source-attributed passages from a library of articles and forum answers.")
TAGS = [{"name": "search"}, {"name": "library"}, {"name": "operations"},
        {"name": "admin", "description": "Only when BACKQA_ADMIN_TOKEN is set"}]


@asynccontextmanager
async def service_lifetime(app: FastAPI) -> AsyncIterator[None]:
    """The app's lifespan: its QueryService runs from startup to shutdown."""
    service: QueryService = app.state.service
    await asyncio.to_thread(service.start)
    try:
        yield
    finally:
        await asyncio.to_thread(service.stop)


def create_app(settings: Settings | None = None, *,
               encoder_factory: Callable[[], Encoder] | None = None,
               reindexer_factory: ReindexerFactory | None = None,
               source_files: SourceFiles | None = None) -> FastAPI:
    """The backqa API.

    `encoder_factory` gives the question encoder (default: the installed model, per
    BACKQA_ENCODER); it must be the model the index was built with. `reindexer_factory`
    makes the ingest an admin reindex runs, given the service's shared encoder; without it
    the reindex route answers 503. `source_files` writes uploads into the library and
    inspects them; without it the workbench routes answer 503."""
    settings = settings or get_settings()
    if encoder_factory is None:
        from backqa.encoders import load_encoder

        backend = settings.encoder
        encoder_factory = lambda: load_encoder(backend)  # noqa: E731
    metrics = Metrics()
    service = QueryService(
        settings.index_path, [settings.ingest_path], encoder_factory=encoder_factory,
        reindexer_factory=reindexer_factory, reload_interval=settings.reload_interval,
        search_threads=settings.search_threads, embed_batch=settings.embed_batch,
        on_batch=metrics.observe_batch, on_job_finished=metrics.job_finished)
    metrics.watch(service)
    app = FastAPI(title="backqa", version=__version__, description=DESCRIPTION,
                  openapi_tags=TAGS, lifespan=service_lifetime, docs_url=None, redoc_url=None,
                  exception_handlers=ERROR_HANDLERS)
    app.state.settings = settings
    app.state.service = service
    app.state.metrics = metrics
    app.state.source_files = source_files
    app.state.query_log = analytics.open_query_log(settings)
    app.include_router(search.router)
    app.include_router(library.router)
    app.include_router(operations.router)
    app.include_router(analytics.router)
    app.include_router(analytics.admin_router, include_in_schema=admin_enabled(settings))
    app.include_router(admin.router, include_in_schema=admin_enabled(settings),
                       responses=None if service.can_reindex else admin.NO_REINDEX)
    app.include_router(workbench.router, include_in_schema=admin_enabled(settings))
    add_docs(app)
    add_page(app, settings.web_path)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(ObservabilityMiddleware, metrics=metrics,
                       log_queries=settings.log_queries,
                       max_upload_body=settings.max_upload_bytes + MULTIPART_OVERHEAD)
    return app
