"""Load test of the query service, all in one run: in-process search throughput, then the HTTP
service (a real `backqa serve` process) at concurrency 1, 8 and 32, then a run during which a
reindex is published. Only 127.0.0.1 is ever targeted; every run is bounded in time and count.

    .venv/bin/python -m backqa.tools.loadtest --duration 20 --max-requests 5000 --json out.json

- `load`: the questions, the load generators (in-process and HTTP) and their summaries.
- `server`: a real `backqa serve` process, its /metrics, and a /healthz probe.
- `reindex`: queries while a new article is added and a reindex publishes it.
- `suite`: the whole run (`LoadTest.measure`), its targets and its table.

The reusable parts are named here (`backqa bench` and the service and soak tests use them).
"""

from backqa.tools.loadtest.load import QUESTIONS, run_http_load
from backqa.tools.loadtest.reindex import add_article
from backqa.tools.loadtest.server import serve_process

__all__ = ["QUESTIONS", "add_article", "run_http_load", "serve_process"]
