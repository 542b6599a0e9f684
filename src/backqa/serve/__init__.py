"""The HTTP service: the FastAPI app, its routes, and the query service behind them.

- `app`: `create_app` wires the parts below; `backqa serve` (cli/serve.py) composes it with
  the ingest pipeline an admin reindex runs (the read side never imports the write side).
- `routers/`: one `APIRouter` per area (search, library, operations, admin).
- `schemas`: request and response models; `auth`: the admin token; `errors`: error answers;
  `observability`: metrics, security headers, access log; `docs`: Swagger UI and the page.
- `service`: `QueryService`, over `batching` (the shared encoder), `holder` (the live index
  version) and `jobs` (reindex jobs).
"""
