"""What the server shows besides the API: Swagger UI at /docs, served offline from the
`swagger-ui-bundle-v2` package, and the page in `web/` at `/`."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, HTTPException, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match, Mount
from starlette.types import Scope

log = logging.getLogger("backqa.api")

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


def add_docs(app: FastAPI) -> None:
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


def add_page(app: FastAPI, web: Path) -> None:
    """The page in `web/` at `/` (after every API route, so they take precedence), and the
    maintainer's workbench, `web/admin.html`, at `/admin`."""
    if web.is_dir():
        workbench_page = web / "admin.html"

        @app.get("/admin", include_in_schema=False)
        async def workbench() -> FileResponse:
            if not workbench_page.is_file():
                raise HTTPException(404, "Not Found")
            return FileResponse(workbench_page)

        app.router.routes.append(PageMount("/", StaticFiles(directory=web, html=True),
                                           name="web"))
        return

    @app.get("/", include_in_schema=False)
    async def no_page() -> JSONResponse:
        return JSONResponse({"detail": f"no web page installed ({web} is missing); the API "
                                       "is at /api/search and described at /docs"},
                            status_code=404)
