"""What the service tells its operators: Prometheus metrics (`Metrics`, with the index gauges
read at scrape time), and `ObservabilityMiddleware`, which wraps every request: security
headers, request counts and latencies by route template, one access-log line, the body size
limit, and a JSON 500 instead of a stack trace."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from fastapi import HTTPException
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backqa.serve.jobs import Job
from backqa.serve.service import QueryService

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# Swagger UI sets inline styles; its scripts still come only from this server.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

access_log = logging.getLogger("backqa.access")
log = logging.getLogger("backqa.api")


class Metrics:
    """Prometheus metrics of one app (own registry, so several apps can live in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("backqa_http_requests", "HTTP requests",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "backqa_http_request_duration_seconds", "HTTP request latency",
            ["method", "route", "status"], registry=self.registry,
            buckets=(.002, .005, .01, .02, .035, .05, .075, .1, .2, .5, 1, 2.5, 5, 10))
        self.batch_size = Histogram("backqa_embed_batch_size", "Questions embedded per batch",
                                    registry=self.registry,
                                    buckets=(1, 2, 4, 8, 16, 32, 64, 128))
        self.batch_seconds = Histogram("backqa_embed_batch_seconds", "Time to embed one batch",
                                       registry=self.registry,
                                       buckets=(.002, .005, .01, .02, .05, .1, .2, .5, 1, 2))
        self.jobs = Counter("backqa_reindex_jobs", "Finished reindex jobs", ["state"],
                            registry=self.registry)
        ProcessCollector(registry=self.registry)
        self._children: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    def observe_request(self, method: str, route: str, status: str, seconds: float) -> None:
        """One request answered: counted and timed under its labels."""
        labels = (method, route, status)
        children = self._children.get(labels)
        if children is None:  # `labels()` checks and locks on every call: once per label set
            children = (self.requests.labels(*labels), self.latency.labels(*labels))
            self._children[labels] = children
        children[0].inc()
        children[1].observe(seconds)

    def observe_batch(self, size: int, seconds: float) -> None:
        """One embedding batch of `size` texts took `seconds`."""
        self.batch_size.observe(size)
        self.batch_seconds.observe(seconds)

    def job_finished(self, job: Job) -> None:
        """A reindex job ended (succeeded or failed)."""
        self.jobs.labels(job.state).inc()

    def watch(self, service: QueryService) -> None:
        """Report the service's live index at every scrape."""
        self.registry.register(_IndexCollector(service))

    def exposition(self) -> bytes:
        """Every metric in the Prometheus text format (`CONTENT_TYPE_LATEST`)."""
        return generate_latest(self.registry)


class _IndexCollector:
    """Index gauges read at scrape time from the live version."""

    def __init__(self, service: QueryService) -> None:
        self.service = service

    def collect(self) -> list[Metric]:
        holder = self.service.holder
        live = holder.live if holder else None
        info = GaugeMetricFamily("backqa_index_info", "The live index version (value 1)",
                                 labels=["version", "model"])
        ready = GaugeMetricFamily("backqa_index_ready", "1 when an index is loaded")
        passages = GaugeMetricFamily("backqa_index_passages", "Passages in the live index")
        sources = GaugeMetricFamily("backqa_index_sources", "Sources in the live index")
        reloads = CounterMetricFamily("backqa_index_reloads", "Index versions swapped in")
        failures = CounterMetricFamily("backqa_index_load_failures",
                                       "Index versions that failed to load")
        ready.add_metric([], 1 if live else 0)
        if live is not None:
            info.add_metric([live.version, live.index.model_key], 1)
            passages.add_metric([], live.index.passage_count)
            sources.add_metric([], live.index.source_count)
        reloads.add_metric([], holder.reloads if holder else 0)
        failures.add_metric([], holder.failures if holder else 0)
        return [info, ready, passages, sources, reloads, failures]


MAX_BODY_BYTES = 64 * 1024  # a 1,000-character question is at most ~12 KiB of JSON
UPLOAD_PATHS = frozenset({"/api/admin/inspect", "/api/admin/sources"})  # a file, not a question
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class BodyTooLarge(HTTPException):
    """A request body over MAX_BODY_BYTES: a 413."""

    def __init__(self, limit: int = MAX_BODY_BYTES) -> None:
        super().__init__(413, f"request body over {limit} bytes")


class ObservabilityMiddleware:
    """Adds the security headers to every response, counts and times it by route template,
    logs one line per request, refuses bodies over MAX_BODY_BYTES, and turns any unhandled
    error into a JSON 500."""

    def __init__(self, app: ASGIApp, metrics: Metrics, log_queries: bool,
                 max_upload_body: int = MAX_BODY_BYTES) -> None:
        """`max_upload_body`: the body limit of the UPLOAD_PATHS (a file and its form)."""
        self.app = app
        self.metrics = metrics
        self.log_queries = log_queries
        self.max_upload_body = max_upload_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        csp = DOCS_CSP if path == "/docs" else CSP
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = csp
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
            await send(message)

        received = 0
        limit = self.max_upload_body if path in UPLOAD_PATHS else MAX_BODY_BYTES

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)  # FastAPI passes HTTPExceptions through as they are
            return message

        try:
            if _declared_length(scope) > limit:
                await _send_json(send_with_headers, 413, BodyTooLarge(limit).detail)
            else:
                await self.app(scope, limited_receive, send_with_headers)
        except Exception:
            log.exception("unhandled error answering %s %s", scope["method"], path)
            if not response_started:
                await _send_json(send_with_headers, 500,
                                 "internal error: the server could not answer this request")
        finally:
            elapsed = time.perf_counter() - started
            route = _route_label(scope)
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.metrics.observe_request(method, route, str(status), elapsed)
            query = scope.get("backqa.query")
            extra = f" q={json.dumps(query, ensure_ascii=False)}" if (
                query is not None and self.log_queries) else ""
            access_log.info("%s %s %d %.1fms%s", scope["method"], path, status,
                            elapsed * 1000, extra)


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _route_label(scope: Scope) -> str:
    route = scope.get("route")
    if route is None:
        return "unmatched"
    template = getattr(route, "path", "")
    return template or "static"
