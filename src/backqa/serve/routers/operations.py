"""`/healthz`, `/readyz` and `/metrics`: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from backqa.serve.holder import NotReady
from backqa.serve.routers import Service
from backqa.serve.schemas import Health, LoadFailureOut, Readiness
from backqa.serve.service import QueryService

router = APIRouter(tags=["operations"])


def readiness(service: QueryService) -> Readiness:
    """Whether an index is loaded, which, and the newest version that failed to load."""
    holder = service.holder
    failure = holder.last_failure if holder else None
    load_error = LoadFailureOut.model_validate(failure, from_attributes=True) if failure else None
    try:
        live = service.snapshot()
    except NotReady as exc:
        return Readiness(status="not ready", detail=str(exc), load_error=load_error)
    manifest = live.index.manifest
    return Readiness(status="ready", version=live.version, built_at=manifest.built_at,
                     loaded_at=live.loaded_at, passages=live.index.passage_count,
                     sources=live.index.source_count, model=live.index.model_key,
                     load_error=load_error)


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz() -> Health:
    """The process is alive and answering."""
    return Health()


@router.get("/readyz", response_model=Readiness, summary="Readiness",
            responses={503: {"model": Readiness, "description": "No index loaded"}})
async def readyz(service: Service) -> JSONResponse:
    """Whether an index is loaded: its version, passage count and model."""
    ready = readiness(service)
    return JSONResponse(ready.model_dump(mode="json"),
                        status_code=200 if ready.status == "ready" else 503)


@router.get("/metrics", response_class=Response, summary="Metrics",
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}},
                             "description": "Prometheus text format"}})
async def metrics_route(request: Request) -> Response:
    """Request counts and latencies by route and status, index version and size."""
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
