"""`/api/admin/inspect` and `/api/admin/sources`: the maintainer's workbench. Preview what
ingest makes of an uploaded file, add it to the library (then reindex), or remove a source.

The server does not know how to write the library or inspect a file (the read side never
imports the write side): `backqa serve` hands the app a `SourceFiles`
(`backqa.ingest.library.Library` fits). The multipart body is read by hand after the token
check, so nobody without the token gets an upload parsed, or learns anything from its errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from backqa.serve.auth import require_admin
from backqa.serve.jobs import JobRunning
from backqa.serve.routers import Service
from backqa.serve.routers.admin import ADMIN_ERRORS, reindex_jobs
from backqa.serve.schemas import ID_PATTERN, ErrorOut, JobOut, Responses
from backqa.serve.service import QueryService

META_FIELDS = ("title", "kind", "url", "published")
MULTIPART_OVERHEAD = 64 * 1024  # the form's other fields and part headers, beside the file
"""What an upload's body may hold beyond the file itself (the app's body limit for uploads)."""


class InspectReport(Protocol):
    def to_dict(self) -> dict[str, object]: ...


class StoredSource(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def replaced(self) -> bool: ...


class SourceFiles(Protocol):
    """The library folder as the admin edits it. Each method raises `ValueError` with a
    `status` attribute (an HTTP 4xx) for what it refuses."""

    max_bytes: int

    def preview(self, filename: str, data: bytes,
                meta: Mapping[str, str]) -> InspectReport: ...

    def add(self, filename: str, data: bytes, meta: Mapping[str, str],
            replace: bool = False) -> StoredSource: ...

    def remove(self, source_id: str) -> StoredSource: ...


class SourceChange(BaseModel):
    """A source added, replaced or removed, and the reindex that publishes the change."""

    source_id: str
    action: str = Field(description="added, replaced or removed")
    job: JobOut | None = Field(description="The reindex job; null when another reindex "
                                           "started first (see `note`)")
    note: str | None = None


router = APIRouter(tags=["admin"], dependencies=[Depends(require_admin)])

REFUSALS: Responses = {
    **ADMIN_ERRORS,
    400: {"model": ErrorOut, "description": "Not a plain file name, bad metadata, not text"},
    409: {"model": ErrorOut, "description": "Source id taken (send replace=true), or a "
                                            "reindex is running"},
    413: {"model": ErrorOut, "description": "File over BACKQA_MAX_UPLOAD_BYTES"},
    415: {"model": ErrorOut, "description": "Unsupported file type"},
    503: {"model": ErrorOut, "description": "This server cannot edit its library"}}


def _form_body(with_replace: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {"file": {"type": "string", "format": "binary",
                                           "description": "The source file (.txt, .md, .html)"}}
    properties.update({name: {"type": "string"} for name in META_FIELDS})
    properties["kind"] = {"type": "string", "enum": ["article", "forum-thread"]}
    if with_replace:
        properties["replace"] = {"type": "boolean", "default": False}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "required": ["file"], "properties": properties}}}}}


def source_files(request: Request) -> SourceFiles:
    """The app's library writer; a 503 when this server was built without one."""
    files: SourceFiles | None = getattr(request.app.state, "source_files", None)
    if files is None:
        raise HTTPException(503, "this server cannot edit its library (it was started "
                                 "without a library writer)")
    return files


Files = Annotated[SourceFiles, Depends(source_files)]


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    meta: dict[str, str]
    replace: bool = False


async def read_upload(request: Request, files: SourceFiles) -> Upload:
    """The multipart form: `file`, the metadata fields and `replace`; 413 past the limit."""
    limit = files.max_bytes  # the whole body's limit is the middleware's (observability.py)
    try:
        form = await request.form(max_files=1, max_fields=len(META_FIELDS) + 2)
    except Exception as exc:  # not multipart, or malformed: the parser's message says which
        raise HTTPException(400, f"expected a multipart/form-data body with a 'file' part "
                                 f"({exc})") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise HTTPException(400, "the form needs a 'file' part holding the file (with its "
                                 "file name)")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"file over the limit of {limit} bytes "
                                 f"(BACKQA_MAX_UPLOAD_BYTES)")
    meta = {name: value for name in META_FIELDS
            if isinstance(value := form.get(name), str) and value.strip()}
    replace = str(form.get("replace") or "false").strip().lower()
    if replace not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise HTTPException(400, "replace must be true or false")
    return Upload(filename=upload.filename, data=data, meta=meta,
                  replace=replace in ("true", "1", "yes", "on"))


def refused(exc: ValueError) -> HTTPException:
    """The HTTP error for something the library refused."""
    status = getattr(exc, "status", 400)
    return HTTPException(status if isinstance(status, int) else 400, str(exc))


@router.post("/api/admin/inspect", summary="Preview what ingest makes of a file",
             openapi_extra=_form_body(with_replace=False), responses=REFUSALS)
async def inspect(request: Request, files: Files) -> dict[str, Any]:
    """A dry run of ingest on the uploaded file (the same report as `backqa inspect --json`):
    title and kind, every line dropped and the rule that dropped it, the tree of parts,
    sections and answers, the passages with their topics, near-duplicates. Nothing is
    written to the library or the index. `failed` says whether ingest would skip it."""
    upload = await read_upload(request, files)
    try:
        report = await run_in_threadpool(files.preview, upload.filename, upload.data,
                                         upload.meta)
    except ValueError as exc:
        raise refused(exc) from None
    return report.to_dict()


@router.post("/api/admin/sources", response_model=SourceChange, status_code=202,
             summary="Add a source to the library", responses=REFUSALS,
             openapi_extra=_form_body(with_replace=True))
async def add_source(request: Request, response: Response, files: Files,
                     service: Service) -> SourceChange:
    """Write the file and its metadata into the library (whole, or not at all) and start an
    incremental reindex; follow it at the job's Location."""
    jobs = reindex_jobs(service)
    upload = await read_upload(request, files)
    if jobs.running is not None:
        raise JobRunning(f"reindex job {jobs.running.id} is running; add the file when it "
                         f"has finished")
    try:
        stored = await run_in_threadpool(files.add, upload.filename, upload.data, upload.meta,
                                         upload.replace)
    except ValueError as exc:
        raise refused(exc) from None
    return _reindexed(service, response, stored.id,
                      "replaced" if stored.replaced else "added")


@router.delete("/api/admin/sources/{source_id}", response_model=SourceChange,
               status_code=202, summary="Remove a source from the library",
               responses={**ADMIN_ERRORS, 409: REFUSALS[409], 503: REFUSALS[503]})
async def remove_source(response: Response, files: Files, service: Service,
                        source_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> SourceChange:
    """Delete the source's file and its metadata from the library and start a reindex."""
    jobs = reindex_jobs(service)
    if jobs.running is not None:
        raise JobRunning(f"reindex job {jobs.running.id} is running; remove the source when "
                         f"it has finished")
    try:
        stored = await run_in_threadpool(files.remove, source_id)
    except ValueError as exc:
        raise refused(exc) from None
    return _reindexed(service, response, stored.id, "removed")


def _reindexed(service: QueryService, response: Response, source_id: str,
               action: str) -> SourceChange:
    try:
        job = reindex_jobs(service).submit()
    except JobRunning as exc:  # another reindex started in between: it or the next one
        return SourceChange(source_id=source_id, action=action, job=None,
                            note=f"the library was changed, but {exc}; start a reindex "
                                 f"when it has finished")
    response.headers["Location"] = f"/api/admin/jobs/{job.id}"
    return SourceChange(source_id=source_id, action=action,
                        job=JobOut.model_validate(job, from_attributes=True))
