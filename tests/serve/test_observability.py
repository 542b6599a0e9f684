"""What wraps every request (observability.py, errors.py): security headers, metrics by
route template, one access-log line, the body limit, CORS, and a JSON 500 without a trace."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backqa.index.loaded import load_current
from backqa.serve.observability import CSP, DOCS_CSP
from helpers import SORE_BACK, FakeEncoder


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/search?q=back", "/api/search?q=", "/api/sources/nope", "/healthz",
                 "/metrics", "/no/such/page", "/openapi.json"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["x-content-type-options"] == "nosniff", path
    assert client.get("/docs").headers["content-security-policy"] == DOCS_CSP
    assert "frame-ancestors 'none'" in DOCS_CSP and "script-src 'self';" in DOCS_CSP


def test_metrics_count_requests_by_route_template_and_status(client: TestClient,
                                                             index_dir: Path) -> None:
    client.get("/api/search", params={"q": SORE_BACK})
    client.get("/api/search", params={"q": ""})
    client.get("/api/passages/0123456789abcdef")
    text = client.get("/metrics").text
    assert 'backqa_http_requests_total{method="GET",route="/api/search",status="200"} 1.0' in text
    assert 'backqa_http_requests_total{method="GET",route="/api/search",status="422"} 1.0' in text
    assert ('backqa_http_requests_total{method="GET",route="/api/passages/{passage_id}",'
            'status="404"} 1.0') in text
    assert 'backqa_http_request_duration_seconds_bucket{le="0.1",method="GET",' in text
    version = load_current(index_dir).version
    assert f'backqa_index_info{{model="{FakeEncoder.identity.key}",version="{version}"}} 1.0' \
        in text
    assert "backqa_index_passages " in text and "backqa_embed_batch_size_count 1.0" in text


def test_an_oversized_body_is_refused_with_413(client: TestClient) -> None:
    big = json.dumps({"q": "back", "padding": "x" * 70_000}).encode()
    declared = client.post("/api/search", content=big,
                           headers={"content-type": "application/json"})
    assert declared.status_code == 413 and "bytes" in declared.json()["detail"]
    assert declared.headers["content-security-policy"] == CSP

    def chunks() -> Iterator[bytes]:  # no content-length: counted as it arrives
        yield b'{"q": "back", "padding": "'
        for _ in range(20):
            yield b"x" * 8192
        yield b'"}'

    streamed = client.post("/api/search", content=chunks(),
                           headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and "bytes" in streamed.json()["detail"]


def test_an_unexpected_error_is_a_json_500_without_a_trace(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: Any) -> bytes:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(client.app.state.service, "search_json", broken)  # type: ignore[attr-defined]
    response = client.get("/api/search", params={"q": "back"})
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error: the server could not answer this "
                                         "request"}
    assert response.headers["content-security-policy"] == CSP
    assert "secret" not in response.text and "Traceback" not in response.text


def test_request_log_has_one_line_per_request_and_query_text_can_be_off(
        make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="backqa.access")
    client = make_client()
    client.get("/api/search", params={"q": "my private question"})
    client.post("/api/search", json={"q": "another private one"})
    lines = [r.getMessage() for r in caplog.records if r.name == "backqa.access"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /api/search 200 ") and "ms" in lines[0]
    assert 'q="my private question"' in lines[0] and 'q="another private one"' in lines[1]
    caplog.clear()
    quiet = make_client(log_queries=False)
    quiet.get("/api/search", params={"q": "my private question"})
    lines = [r.getMessage() for r in caplog.records if r.name == "backqa.access"]
    assert len(lines) == 1 and "private" not in lines[0]


def test_cors_only_for_configured_origins(make_client: Callable[..., TestClient]) -> None:
    closed = make_client()
    preflight = {"Origin": "http://example.test", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in closed.options(
        "/api/search", headers=preflight).headers
    opened = make_client(cors_origins=["http://example.test"])
    response = opened.options("/api/search", headers=preflight)
    assert response.headers["access-control-allow-origin"] == "http://example.test"


def test_requests_of_one_label_set_add_up_in_one_series() -> None:
    from backqa.serve.observability import Metrics

    metrics = Metrics()
    for seconds in (0.001, 0.003):
        metrics.observe_request("GET", "/api/search", "200", seconds)
    metrics.observe_request("GET", "/api/search", "422", 0.002)
    text = metrics.exposition().decode()
    assert 'backqa_http_requests_total{method="GET",route="/api/search",status="200"} 2.0' in text
    assert 'backqa_http_requests_total{method="GET",route="/api/search",status="422"} 1.0' in text
    assert ('backqa_http_request_duration_seconds_sum{method="GET",route="/api/search",'
            'status="200"} 0.004') in text
