"""`/api/admin`: start a reindex of the library and follow its job. Every admin route needs
the admin token (auth.py); the app leaves them out of its schema when no token is set."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from backqa.serve.auth import require_admin
from backqa.serve.holder import NotReady
from backqa.serve.jobs import ReindexJobs
from backqa.serve.routers import Service
from backqa.serve.schemas import (
    ERRORS,
    ID_PATTERN,
    ErrorOut,
    JobOut,
    JobsOut,
    ReindexRequest,
    Responses,
)
from backqa.serve.service import QueryService

router = APIRouter(tags=["admin"], dependencies=[Depends(require_admin)])

ADMIN_ERRORS: Responses = {
    401: {"model": ErrorOut, "description": "Missing or wrong token"},
    404: {"model": ErrorOut, "description": "Admin routes are off (no token configured), "
                                            "or unknown job"}}
NO_REINDEX: Responses = {503: {"model": ErrorOut, "description": "Reindex is not available "
                                                                 "in this server"}}
"""What the admin routes also answer in a server built without a way to ingest."""

# The body is read by hand, after the token check, so that nobody without the token learns
# anything from a validation error (or that the route exists, when it is off).
REINDEX_BODY = {"requestBody": {"required": False, "content": {
    "application/json": {"schema": ReindexRequest.model_json_schema()}}}}


def reindex_jobs(service: QueryService) -> ReindexJobs:
    """The service's reindex jobs; a 503 when this server cannot reindex or is starting."""
    if not service.can_reindex:
        raise HTTPException(503, "reindex is not available in this server (it was started "
                                 "without an ingest pipeline)")
    if service.jobs is None:
        raise NotReady("the service is starting")
    return service.jobs


async def reindex_options(request: Request) -> ReindexRequest:
    """The optional JSON body of a reindex request, validated like any other body."""
    raw = await request.body()
    try:
        return ReindexRequest.model_validate_json(raw) if raw.strip() else ReindexRequest()
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


@router.post("/api/admin/reindex", response_model=JobOut, status_code=202,
             summary="Start a reindex", openapi_extra=REINDEX_BODY,
             responses={**ADMIN_ERRORS, 409: {
                 "model": ErrorOut, "description": "A reindex is already running"},
                 422: ERRORS[422]})
async def reindex(request: Request, response: Response, service: Service) -> JobOut:
    """Start an incremental ingest of the library in the background."""
    options = await reindex_options(request)
    job = reindex_jobs(service).submit(rebuild=options.rebuild)
    response.headers["Location"] = f"/api/admin/jobs/{job.id}"
    return JobOut.model_validate(job, from_attributes=True)


@router.get("/api/admin/jobs", response_model=JobsOut, responses=ADMIN_ERRORS,
            summary="Recent reindex jobs")
async def list_jobs(service: Service) -> JobsOut:
    """The recent reindex jobs (the last 20), newest first: the job history."""
    jobs = service.jobs.recent() if service.jobs is not None else []
    return JobsOut(jobs=[JobOut.model_validate(job, from_attributes=True) for job in jobs])


@router.get("/api/admin/jobs/{job_id}", response_model=JobOut, responses=ADMIN_ERRORS,
            summary="A reindex job")
async def get_job(service: Service,
                  job_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> JobOut:
    """Progress of a reindex job, and its summary when finished."""
    job = reindex_jobs(service).get(job_id)
    if job is None:
        raise HTTPException(404, f"no job with id {job_id!r}")
    return JobOut.model_validate(job, from_attributes=True)
