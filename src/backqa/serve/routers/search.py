"""`/api/search`: a question in, exactly the JSON of `backqa search --json` out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from backqa.search.response import SearchResponse
from backqa.serve.routers import Service
from backqa.serve.routers.analytics import search_recorder
from backqa.serve.schemas import ERRORS, SEARCH_EXAMPLE, Responses, SearchBody, SearchParams

router = APIRouter(tags=["search"])

SEARCH_DOC: Responses = {200: {"content": {"application/json": {"example": SEARCH_EXAMPLE}}},
                         **ERRORS}


async def answer(request: Request, service: Service, params: SearchParams) -> Response:
    """The search response's JSON, as `Searcher.search` serialised it (not re-validated)."""
    request.scope["backqa.query"] = params.q  # for the access log
    body = await service.search_json(params.q, params.k, params.kind, params.topic)
    return Response(body, media_type="application/json",
                    background=search_recorder(request, params.q, params.topic, body))


@router.get("/api/search", response_model=SearchResponse, responses=SEARCH_DOC,
            summary="Ask a question (query string)")
async def search_get(request: Request, service: Service,
                     params: Annotated[SearchParams, Query()]) -> Response:
    """The best passages for a question: exactly the JSON of `backqa search --json`."""
    return await answer(request, service, params)


@router.post("/api/search", response_model=SearchResponse, responses=SEARCH_DOC,
             summary="Ask a question (JSON body)")
async def search_post(request: Request, service: Service,
                      params: Annotated[SearchBody, Body()]) -> Response:
    """The same as `GET /api/search`, with the question in a JSON body."""
    return await answer(request, service, params)
