"""How errors answer: every one as JSON `{"detail": ...}` with its status code (503 with
Retry-After while no index is loaded, 409 while a reindex runs, 422 naming the field)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope

from backqa.serve.holder import NotReady
from backqa.serve.jobs import JobRunning


async def not_ready(request: Request, exc: NotReady) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})


async def job_running(request: Request, exc: JobRunning) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=409)


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's own 422, but a validator's error shows as its message, not `{}`, and input
    echoed back cannot break the response (a lone surrogate in a JSON string)."""
    errors = jsonable_encoder(exc.errors(), custom_encoder={Exception: str})
    return JSONResponse({"detail": printable(errors)}, status_code=422)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """Starlette's HTTP errors, with a complete Allow header on a 405 and a 422 (not a 400)
    for a body that is not even text."""
    if exc.status_code == 405:  # Starlette names only the first route's methods
        exc.headers = {**(exc.headers or {}), "Allow": allowed_methods(request.app,
                                                                       request.scope)}
    if exc.status_code == 400 and exc.__cause__ is not None:
        # FastAPI's 400 for a body that is not even text (invalid UTF-8): malformed JSON
        return JSONResponse({"detail": [{
            "type": "json_invalid", "loc": ["body"], "msg": "JSON decode error",
            "ctx": {"error": printable(str(exc.__cause__))}}]}, status_code=422)
    return await http_exception_handler(request, exc)


ERROR_HANDLERS: dict[int | type[Exception],
                     Callable[[Request, Any], Coroutine[Any, Any, Response]]] = {
    NotReady: not_ready,
    RequestValidationError: invalid_request,
    StarletteHTTPException: http_error,
    JobRunning: job_running,
}
"""The app's `exception_handlers`."""


def printable(value: Any) -> Any:
    """`value` with every string made encodable as UTF-8 (lone surrogates become U+FFFD)."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    return value


def allowed_methods(app: FastAPI, scope: Scope) -> str:
    """Every method some route of this path answers (for the Allow header of a 405)."""
    methods: set[str] = set()
    for route in iter_route_contexts(app.routes):  # the routes of included routers too
        if route.methods and route.matches(scope)[0] != Match.NONE:
            methods |= route.methods
    return ", ".join(sorted(methods))
