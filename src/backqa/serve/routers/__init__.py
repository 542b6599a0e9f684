"""The API's routes, one `APIRouter` per area (search, library, operations, admin), and what
they share: `Service`, the app's QueryService handed to a route as a dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backqa.serve.service import QueryService


async def _service(request: Request) -> QueryService:
    # async, though it does not wait: FastAPI runs a plain function in a worker thread, a
    # hand-off and back on every request for one attribute read
    return request.app.state.service  # type: ignore[no-any-return]


Service = Annotated[QueryService, Depends(_service)]
