"""Security and limits of the HTTP API: admin token checks, no path outside the index, the
page's headers, no raw input reflected into HTML, request limits, one reindex at a time, and
slow clients that cannot hold the server."""

from __future__ import annotations

import contextlib
import hmac
import shutil
import socket
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from fastapi import HTTPException
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.testclient import TestClient
from pydantic import SecretStr

from backqa.config import Settings
from backqa.search.query import MAX_QUERY_CHARS
from backqa.serve.auth import require_admin
from helpers import PROJECT, FakeEncoder, ingest, serve_app, serve_in_thread, write_library

TOKEN = "correct-horse-battery-staple-0123456789"
SECRET_FILE_MARK = "this-file-is-outside-the-index"


@dataclass
class Site:
    base: Path
    library: Path
    index: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    base = tmp_path_factory.mktemp("security")
    library = write_library(base / "library", docs=2)
    ingest(base / "index", library, base)
    shutil.copytree(PROJECT / "web", base / "web")
    (base / "secret.txt").write_text(SECRET_FILE_MARK)  # beside the index and the page
    (base / "index" / "secret.txt").write_text(SECRET_FILE_MARK)  # inside the index folder
    return Site(base, library, base / "index")


def make_client(site: Site, token: str | None = TOKEN,
                encoder: type = FakeEncoder) -> TestClient:
    settings = Settings(root=site.base, index_dir=site.index, ingest_dir=site.library,
                        web_dir=site.base / "web", reload_interval=0.2,
                        admin_token=SecretStr(token) if token else None)
    return TestClient(serve_app(settings, encoder))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with make_client(site) as c:
        yield c


# -- admin token -------------------------------------------------------------------------------


def test_admin_is_off_without_a_configured_token(site: Site) -> None:
    with make_client(site, token=None) as c:
        for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}, {"Authorization": "Bearer "}):
            assert c.post("/api/admin/reindex", headers=headers).status_code == 404
            assert c.get("/api/admin/jobs/abc", headers=headers).status_code == 404


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", f"Bearer {TOKEN[:-1]}x", f"Bearer {TOKEN[:-1]}",
    f"Bearer {TOKEN}0", f"Bearer {TOKEN.upper()}", f"Basic {TOKEN}", TOKEN,
    f"Bearer  {TOKEN} extra", "Bearer " + "x" * 10_000, "Bearer \u00e9\u00e8".encode("latin-1"),
], ids=["none", "empty", "scheme-only", "scheme-space", "wrong-same-length", "shorter",
        "longer", "case", "basic", "no-scheme", "extra", "huge", "non-ascii"])
def test_admin_refuses_missing_or_wrong_token(client: TestClient,
                                              authorization: str | bytes | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.post("/api/admin/reindex", headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert TOKEN not in response.text
    assert client.get("/api/admin/jobs/abc", headers=headers).status_code == 401


def test_admin_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check goes through hmac.compare_digest, and its time does not depend on how much of
    the token is right (a 256 KiB token makes a leaking `==` measurable)."""
    secret = "s" * 262_144
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(
        settings=SimpleNamespace(admin_token=SecretStr(secret)))))
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr("backqa.serve.auth.hmac.compare_digest", spy)
    early = "x" + secret[1:]   # wrong at the first character
    late = secret[:-1] + "x"   # wrong at the last
    timings: dict[str, list[float]] = {"early": [], "late": []}
    for _ in range(300):
        for name, given in (("early", early), ("late", late)):
            credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=given)
            started = time.perf_counter()
            with pytest.raises(HTTPException):
                require_admin(request, credentials)  # type: ignore[arg-type]
            timings[name].append(time.perf_counter() - started)
    assert calls and all(b == secret.encode() for _, b in calls)
    ratio = statistics.median(timings["late"]) / statistics.median(timings["early"])
    print(f"admin token check: late/early mismatch time ratio {ratio:.2f}")
    assert 0.5 < ratio < 2.0


def test_right_token_starts_one_reindex_at_a_time(site: Site) -> None:
    class SlowEncoder(FakeEncoder):
        def encode(self, texts, batch_size=32, progress=False):  # type: ignore[no-untyped-def]
            if len(texts) > 1:  # a reindex batch, not a question
                time.sleep(0.3)
            return super().encode(texts, batch_size, progress)

    headers = {"Authorization": f"Bearer {TOKEN}"}
    with make_client(site, encoder=SlowEncoder) as c:
        first = c.post("/api/admin/reindex", json={"rebuild": True}, headers=headers)
        assert first.status_code == 202, first.text
        job = first.json()["id"]
        assert first.headers["location"] == f"/api/admin/jobs/{job}"
        for _ in range(3):
            again = c.post("/api/admin/reindex", json={"rebuild": True}, headers=headers)
            assert again.status_code == 409 and "running" in again.json()["detail"]
        # searches keep being answered while the job runs
        assert c.get("/api/search", params={"q": "hill running"}).status_code == 200
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            state = c.get(f"/api/admin/jobs/{job}", headers=headers).json()
            if state["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.1)
        assert state["state"] == "succeeded", state
        assert c.post("/api/admin/reindex", headers=headers).status_code == 202


# -- no path outside the index ------------------------------------------------------------------

TRAVERSALS = [
    "../secret.txt", "..%2Fsecret.txt", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2fsecret.txt",
    "..\\secret.txt", "..%5csecret.txt", "%252e%252e%252fsecret.txt", "/etc/passwd",
    "....//....//secret.txt", "..;/secret.txt", "%00", "a%00.txt", "x" * 300,
    "' OR '1'='1", "1; DROP TABLE passages; --", "%C0%AE%C0%AE%2Fsecret.txt",
    "..%2Findex%2Fsecret.txt", "%2e%2e/%2e%2e/index/secret.txt", "index/secret.txt",
]


@pytest.mark.parametrize("bad", TRAVERSALS)
@pytest.mark.parametrize("route", ["/api/sources/", "/api/passages/", "/api/admin/jobs/", "/",
                                   "/docs-assets/", "/web/"])
def test_no_request_reads_outside_the_index(client: TestClient, route: str, bad: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = client.get(route + bad, headers=headers)
    assert response.status_code in (400, 404, 405, 422), (route + bad, response.status_code)
    assert SECRET_FILE_MARK not in response.text and "root:x:0:0" not in response.text


def test_ids_are_validated_before_any_lookup(client: TestClient) -> None:
    response = client.get("/api/sources/..%2F..%2Fsecret")
    assert response.status_code in (404, 422)
    real = client.get("/api/sources").json()["sources"][0]["id"]
    assert client.get(f"/api/sources/{real}").status_code == 200


# -- headers and reflection ---------------------------------------------------------------------

PATHS = ["/", "/index.html", "/app.js", "/style.css", "/api/search?q=back+pain",
         "/api/sources", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs",
         "/no/such/page", "/api/search?k=0", "/api/passages/nope"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_csp_and_nosniff(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    script_src = next(d for d in csp.split(";") if "script-src" in d)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "traceback" not in response.text.lower()


PAYLOADS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>',
            "javascript:alert(1)", "{{7*7}}<svg/onload=alert(1)>"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_raw_input_is_never_reflected_into_html(client: TestClient, payload: str) -> None:
    responses = [client.get("/api/search", params={"q": payload}),
                 client.post("/api/search", json={"q": payload, "k": 3}),
                 client.get("/api/search", params={"q": payload, "k": "bad"}),
                 client.get("/", params={"q": payload}),
                 client.get("/" + payload),
                 client.get("/api/sources/" + payload),
                 client.get("/api/passages/" + payload)]
    for response in responses:
        kind = response.headers.get("content-type", "")
        if "html" in kind:
            assert payload not in response.text, response.request.url
        else:
            assert "json" in kind or response.status_code == 404, kind


# -- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [
    {"q": ""}, {"q": "   "}, {"q": "x" * (MAX_QUERY_CHARS + 1)}, {"q": "a", "k": 0},
    {"q": "a", "k": -1}, {"q": "a", "k": 51}, {"q": "a", "k": 10**30}, {"q": "a", "k": "five"},
    {"q": "a", "k": "1.5"}, {"q": "a", "kind": "blog"}, {"q": "a", "kind": "<script>"}, {},
])
def test_search_limits_are_422_with_a_named_field(client: TestClient,
                                                  params: dict[str, object]) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"]


def test_longest_allowed_question_and_k_work(client: TestClient) -> None:
    q = ("back pain " * MAX_QUERY_CHARS)[:MAX_QUERY_CHARS]
    response = client.get("/api/search", params={"q": q, "k": 50})
    assert response.status_code == 200 and len(response.json()["results"]) <= 50


@pytest.mark.parametrize(("body", "content_type"), [
    (b'{"q": "' + b"a" * 2_000_000 + b'"}', "application/json"),
    (b'{"q": "back pain", "pad": "' + b" " * 5_000_000 + b'"}', "application/json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    (b'{"q": "back", "k": 3, "kind": null, "extra": 1}', "application/json"),
    (b"q=back+pain", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b'{"q": "\\ud800"}', "application/json"),
])
def test_oversized_or_malformed_bodies_are_refused(client: TestClient, body: bytes,
                                                   content_type: str) -> None:
    response = client.post("/api/search", content=body, headers={"Content-Type": content_type})
    assert response.status_code in (413, 422), response.status_code
    assert len(response.content) < 20_000  # the error does not echo a huge body back


def test_request_body_over_the_limit_is_413(client: TestClient) -> None:
    body = b'{"q": "back pain", "k": 3, "x": "' + b"a" * 2_000_000 + b'"}'
    response = client.post("/api/search", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.status_code


# -- slow clients --------------------------------------------------------------------------------


@pytest.fixture
def live_server(site: Site) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1 (a real socket server, for slow-client tests)."""

    settings = Settings(root=site.base, index_dir=site.index, reload_interval=0.5)
    app = serve_app(settings)
    with serve_in_thread(app, ready_path="/readyz", timeout_keep_alive=5) as url:
        yield url


def test_slow_clients_cannot_hold_the_server(live_server: str) -> None:
    """150 connections that send their headers (or body) a byte at a time, and 50 that
    connect and say nothing: ordinary requests are still answered."""
    host, port = live_server.removeprefix("http://").split(":")
    slow: list[socket.socket] = []
    try:
        for n in range(200):
            s = socket.create_connection((host, int(port)), timeout=5)
            if n % 2 == 0:
                s.sendall(b"GET /api/search?q=back HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            elif n % 4 == 1:
                s.sendall(b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          b"application/json\r\nContent-Length: 100000\r\n\r\n{\"q\": \"")
            slow.append(s)
        with httpx.Client(base_url=live_server, timeout=10) as c:
            for _ in range(20):
                for s in slow[::10]:
                    with contextlib.suppress(OSError):  # the server may have dropped it
                        s.send(b"a")
                response = c.get("/api/search", params={"q": "lower back pain after hills"})
                assert response.status_code == 200
    finally:
        for s in slow:
            s.close()
