"""The opt-in query log on the web (index/query_log.py): `/api/feedback`, readers' yes/no on
a passage, and `/api/admin/gaps`, the maintainer's report of what the library is missing.
The search router logs each search with the task `search_recorder` gives, after its response
is sent.

Nothing is stored unless BACKQA_QUERY_LOG=true; no address or cookie is ever stored."""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.background import BackgroundTask

from backqa.config import Settings
from backqa.index.layout import IndexLayout
from backqa.index.query_log import WEAK_BELOW, GapsReport, QueryLog
from backqa.serve.auth import require_admin
from backqa.serve.holder import LiveIndex, NotReady
from backqa.serve.routers import Service
from backqa.serve.routers.admin import ADMIN_ERRORS
from backqa.serve.schemas import (
    ERRORS,
    ErrorOut,
    FeedbackIn,
    FeedbackState,
    FeedbackStored,
    GapsOut,
    Responses,
)

log = logging.getLogger("backqa.api")

router = APIRouter(tags=["search"])
admin_router = APIRouter(tags=["admin"], dependencies=[Depends(require_admin)])


def open_query_log(settings: Settings) -> QueryLog | None:
    """The query log beside the index when BACKQA_QUERY_LOG is on, else None."""
    if not settings.query_log:
        return None
    return QueryLog(IndexLayout(settings.index_path).query_log,
                    retention_days=settings.query_log_days)


def _query_log(request: Request) -> QueryLog | None:
    return getattr(request.app.state, "query_log", None)


QueryLogDep = Annotated[QueryLog | None, Depends(_query_log)]


def search_recorder(request: Request, question: str, topic: str | None,
                    body: bytes) -> BackgroundTask | None:
    """The task that logs a search after its response is sent, when the log is on. A search
    narrowed to one topic (the page's topic chips) refines a question already logged."""
    query_log = _query_log(request)
    if query_log is None or topic is not None:
        return None
    return BackgroundTask(record_search, query_log, question, body)


def record_search(query_log: QueryLog, question: str, body: bytes) -> None:
    """Log one search from the JSON it was answered with. The best score is the highest
    cosine of any result (see query_log.py for why not the fused score)."""
    try:
        response = json.loads(body)
        results = response.get("results") or []
        cosines = [r["dense_score"] for r in results if r.get("dense_score") is not None]
        query_log.record_search(question, no_match=bool(response.get("no_match")),
                                best_score=max(cosines, default=None),
                                result_count=len(results),
                                index_version=response.get("index_version"))
    except (sqlite3.Error, ValueError, KeyError) as exc:  # the search was answered anyway
        log.warning("query log: search not recorded: %s", exc)


FEEDBACK_OFF: Responses = {404: {
    "model": ErrorOut, "description": "Feedback is not recorded on this server "
                                      "(BACKQA_QUERY_LOG is off)"}}


@router.get("/api/feedback", response_model=FeedbackState, summary="Is feedback recorded?")
async def feedback_state(query_log: QueryLogDep) -> FeedbackState:
    """Whether the page should ask "Did this answer your question?"."""
    return FeedbackState(enabled=query_log is not None)


@router.post("/api/feedback", response_model=FeedbackStored,
             responses={**FEEDBACK_OFF, 422: ERRORS[422]}, summary="Say if a result helped")
async def feedback(body: FeedbackIn, query_log: QueryLogDep, service: Service) -> FeedbackStored:
    """Record whether a passage answered a question (with nothing about who asked)."""
    if query_log is None:
        raise HTTPException(404, "feedback is not recorded on this server (BACKQA_QUERY_LOG "
                                 "is off)")
    stored = await service.read(query_log.record_feedback, body.question, body.passage_id,
                                body.helpful)
    if not stored:
        raise HTTPException(422, "the question is empty once normalised")
    return FeedbackStored(stored=True)


def gaps_report(query_log: QueryLog | None, layout: IndexLayout, retention_days: int,
                live: LiveIndex | None, limit: int, weak_below: float) -> GapsReport | None:
    """The report of the running log, else of a log left from when it was on; None if none."""
    opened = None
    if query_log is None:
        if not layout.query_log.is_file():
            return None
        query_log = opened = QueryLog(layout.query_log, retention_days=retention_days)
    try:
        report = query_log.gaps(limit=limit, weak_below=weak_below)
    finally:
        if opened is not None:
            opened.close()
    if live is not None:
        report.describe_passages(live.index.store)
    return report


@admin_router.get("/api/admin/gaps", response_model=GapsOut, responses=ADMIN_ERRORS,
                  summary="What the library is missing")
async def gaps(request: Request, query_log: QueryLogDep, service: Service,
               limit: Annotated[int, Query(ge=1, le=200, description="Rows per list")] = 20,
               weak_below: Annotated[float, Query(
                   ge=0, le=1, description="A best cosine below this is a weak answer")
               ] = WEAK_BELOW) -> GapsOut:
    """The most frequent questions answered with no match or only weak passages, the most
    frequent questions overall, and the passages most often marked unhelpful."""
    settings: Settings = request.app.state.settings
    try:
        live: LiveIndex | None = service.snapshot()
    except NotReady:
        live = None
    report = await service.read(gaps_report, query_log, IndexLayout(settings.index_path),
                                settings.query_log_days, live, limit, weak_below)
    return GapsOut(query_log=query_log is not None, report=report)
