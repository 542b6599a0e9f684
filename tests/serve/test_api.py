"""The HTTP API: every route against the app, one real `backqa serve` process, validation,
admin auth on and off, live reload, and a reindex under concurrent queries."""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from backqa.config import Settings
from backqa.index.loaded import load_current
from backqa.search.searcher import Searcher
from backqa.serve.app import CSP, DOCS_CSP, create_app
from backqa.tools.loadtest import serve_process
from helpers import PROJECT, FakeEncoder, add_article, publish, serve_in_thread

TOKEN = "test-admin-token-5f2c"
QUESTION = "what stretches help a sore lower back after running"


class GatedFakeEncoder(FakeEncoder):
    """Passage batches (more than one text, i.e. an ingest) wait until `gate` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()

    def encode(self, texts, batch_size=32, progress=False):
        if len(texts) > 1:
            assert self.gate.wait(30)
        return super().encode(texts, batch_size, progress)




@pytest.fixture
def encoder() -> GatedFakeEncoder:
    return GatedFakeEncoder()


@pytest.fixture
def index_dir(tmp_path: Path, library_copy: Path, encoder: GatedFakeEncoder) -> Path:
    index = tmp_path / "index"
    publish(index, library_copy, encoder)
    return index


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<!doctype html><title>backqa</title><h1>backqa</h1>\n")
    return web


@pytest.fixture
def make_client(index_dir: Path, library_copy: Path, web_dir: Path,
                encoder: GatedFakeEncoder) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        options: dict[str, Any] = {"index_dir": index_dir, "ingest_dir": library_copy,
                                   "web_dir": web_dir, "reload_interval": 0.05,
                                   "admin_token": None, "cors_origins": [], **overrides}
        app = create_app(Settings(**options), encoder_factory=lambda: encoder)
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def _without_time(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "took_ms"}


# -- search ----------------------------------------------------------------------------------


def test_search_answers_exactly_what_the_searcher_answers(
        client: TestClient, index_dir: Path) -> None:
    expected = Searcher(load_current(index_dir), FakeEncoder()).search(QUESTION, k=3)
    got = client.get("/api/search", params={"q": QUESTION, "k": 3})
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/json"
    body = got.json()
    assert body["took_ms"] > 0
    assert _without_time(body) == _without_time(expected.model_dump(mode="json"))
    assert len(body["results"]) == 3
    posted = client.post("/api/search", json={"q": QUESTION, "k": 3})
    assert posted.status_code == 200
    assert _without_time(posted.json()) == _without_time(body)


def test_search_defaults_and_kind_filter(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": QUESTION}).json()
    assert len(body["results"]) == 5
    for kind in ("article", "forum-answer"):
        body = client.post("/api/search", json={"q": QUESTION, "kind": kind, "k": 10}).json()
        assert body["results"] and {r["kind"] for r in body["results"]} == {kind}
    forum = client.get("/api/search", params={"q": QUESTION, "kind": "forum", "k": 10}).json()
    assert {r["kind"] for r in forum["results"]} <= {"forum-question", "forum-answer"}
    empty_kind = client.get("/api/search", params={"q": QUESTION, "kind": ""})
    assert empty_kind.status_code == 200 and len(empty_kind.json()["results"]) == 5


def test_a_question_of_exactly_1000_characters_is_accepted(client: TestClient) -> None:
    question = ("back pain " * 100)[:1000]
    assert client.get("/api/search", params={"q": question}).status_code == 200
    assert client.post("/api/search", json={"q": question, "k": 50}).status_code == 200


@pytest.mark.parametrize(("request_kwargs", "field", "says"), [
    ({"params": {"q": ""}}, ["query", "q"], "at least 1 character"),
    ({"params": {"q": "   \t "}}, ["query", "q"], "not only whitespace"),
    ({"params": {"q": "x" * 1001}}, ["query", "q"], "at most 1000 characters"),
    ({"params": {}}, ["query", "q"], "Field required"),
    ({"params": {"q": "back", "k": 0}}, ["query", "k"], "greater than or equal to 1"),
    ({"params": {"q": "back", "k": 51}}, ["query", "k"], "less than or equal to 50"),
    ({"params": {"q": "back", "k": "many"}}, ["query", "k"], "valid integer"),
    ({"params": {"q": "back", "kind": "blog"}}, ["query", "kind"], "'article'"),
    ({"json": {"q": " "}}, ["body", "q"], "not only whitespace"),
    ({"json": {"q": "y" * 1001}}, ["body", "q"], "at most 1000 characters"),
    ({"json": {"q": "back", "k": 500}}, ["body", "k"], "less than or equal to 50"),
    ({"json": {"q": "back", "limit": 3}}, ["body", "limit"], "Extra inputs"),
    ({"json": ["back"]}, ["body"], "valid dictionary"),
    ({"content": b'{"q": "back", ', "headers": {"content-type": "application/json"}},
     ["body", 14], "JSON decode error"),
    ({"content": b'{"q": "\\ud800 back"}', "headers": {"content-type": "application/json"}},
     ["body", "q"], "valid string"),
])
def test_bad_search_input_is_a_422_naming_the_field(
        client: TestClient, request_kwargs: dict[str, Any], field: list[Any], says: str) -> None:
    method = "POST" if "json" in request_kwargs or "content" in request_kwargs else "GET"
    response = client.request(method, "/api/search", **request_kwargs)
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert any(e["loc"] == field and says in e["msg"] for e in errors), errors


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


def test_questions_that_normalise_to_nothing_or_punctuation_still_answer(
        client: TestClient) -> None:
    for question in ("\u200b\u200b", "???", "\x00 back", "🏃‍♀️ 💥", "ｂａｃｋ ｐａｉｎ"):
        response = client.post("/api/search", json={"q": question})
        assert response.status_code == 200, (question, response.text)


# -- library routes --------------------------------------------------------------------------


def test_sources_list_and_detail(client: TestClient, index_dir: Path) -> None:
    listing = client.get("/api/sources")
    assert listing.status_code == 200
    sources = listing.json()["sources"]
    assert len(sources) == 5
    assert set(sources[0]) >= {"id", "title", "kind", "path", "url", "passage_count",
                               "ingested_at"}
    forum = next(s for s in sources if s["kind"] == "forum-thread")
    detail = client.get(f"/api/sources/{forum['id']}").json()
    assert set(detail) >= {"id", "title", "kind", "path", "url", "ingested_at", "text",
                           "sections", "passages"}
    assert detail["title"] in detail["text"]
    assert len(detail["passages"]) == forum["passage_count"]
    listed = [pid for section in detail["sections"] for pid in section["passage_ids"]]
    assert listed == [p["id"] for p in detail["passages"]]
    assert any(s["kind"] == "forum-answer" and s["answer_number"] for s in detail["sections"])
    for passage in detail["passages"]:
        assert set(passage) >= {"id", "text", "section", "heading_path", "kind",
                                "answer_number", "part_title", "section_ordinal"}
        assert passage["text"] in detail["text"] or passage["text"].split("\n")[0] in detail[
            "text"]


def test_a_passage_comes_with_its_neighbours_in_the_same_section(client: TestClient) -> None:
    sources = client.get("/api/sources").json()["sources"]
    detail = None
    section = None
    for source in sources:
        detail = client.get(f"/api/sources/{source['id']}").json()
        section = next((s for s in detail["sections"] if len(s["passage_ids"]) >= 3), None)
        if section:
            break
    assert detail and section, "the library has a section of three passages or more"
    ids = section["passage_ids"]
    middle = client.get(f"/api/passages/{ids[1]}").json()
    assert middle["passage"]["id"] == ids[1]
    assert [p["id"] for p in middle["before"]] == ids[:1]
    assert [p["id"] for p in middle["after"]] == ids[2:]
    assert middle["source"] == {k: detail[k] for k in ("id", "title", "path", "url", "kind")}
    assert middle["passage"]["section_ordinal"] == section["ordinal"]
    first = client.get(f"/api/passages/{ids[0]}").json()
    assert first["before"] == [] and len(first["after"]) == len(ids) - 1


def test_wrong_methods_and_unknown_api_paths_are_not_taken_for_page_files(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client(admin_token=TOKEN)
    for method, path, allow in (("OPTIONS", "/api/search", "GET, POST"),
                                ("DELETE", "/api/sources", "GET"),
                                ("GET", "/api/admin/reindex", "POST")):
        response = client.request(method, path)
        assert response.status_code == 405, (method, path)
        assert response.headers["allow"] == allow
    unknown = client.get("/api/nothing")
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Not Found"}
    not_utf8 = client.post("/api/search", content=b'{"q": "\xff\xfe"}',
                           headers={"content-type": "application/json"})
    assert not_utf8.status_code == 422 and not_utf8.json()["detail"][0]["loc"][0] == "body"


@pytest.mark.parametrize("path", ["/api/sources/no-such-source", "/api/passages/0123456789abcdef",
                                  "/api/passages/nope:1.x"])
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "no " in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/sources/-leading-dash", "/api/passages/" + "a" * 129,
                                  "/api/sources/has space", "/api/passages/semi;colon"])
def test_malformed_ids_are_422(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422
    assert "pattern" in response.json()["detail"][0]["msg"]


# -- operations ------------------------------------------------------------------------------


def test_health_and_readiness(client: TestClient, index_dir: Path) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    live = load_current(index_dir)
    assert body["status"] == "ready" and body["version"] == live.version
    assert body["passages"] == live.passage_count and body["sources"] == 5
    assert body["model"] == FakeEncoder.identity.key and body["load_error"] is None


def test_without_an_index_the_service_is_alive_but_not_ready(
        make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    client = make_client(index_dir=tmp_path / "empty")
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["status"] == "not ready"
    assert "backqa ingest" in ready.json()["detail"]
    for response in (client.get("/api/search", params={"q": "back"}), client.get("/api/sources")):
        assert response.status_code == 503
        assert "backqa ingest" in response.json()["detail"]
        assert response.headers["retry-after"]


def test_metrics_count_requests_by_route_template_and_status(client: TestClient,
                                                             index_dir: Path) -> None:
    client.get("/api/search", params={"q": QUESTION})
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


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/search?q=back", "/api/search?q=", "/api/sources/nope", "/healthz",
                 "/metrics", "/no/such/page", "/openapi.json"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["x-content-type-options"] == "nosniff", path
    assert client.get("/docs").headers["content-security-policy"] == DOCS_CSP
    assert "frame-ancestors 'none'" in DOCS_CSP and "script-src 'self';" in DOCS_CSP


def test_the_page_is_served_at_the_root(client: TestClient, web_dir: Path) -> None:
    response = client.get("/")
    assert response.status_code == 200 and "<h1>backqa</h1>" in response.text
    missing = client.get("/nothing-here.js")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}


def test_without_a_page_the_root_says_where_the_api_is(
        make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    client = make_client(web_dir=tmp_path / "no-web")
    response = client.get("/")
    assert response.status_code == 404
    assert "/api/search" in response.json()["detail"] and "/docs" in response.json()["detail"]


def test_docs_work_offline_with_a_schema_for_every_route(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client(admin_token=TOKEN)
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN: every asset is ours
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css",
                  "/docs/init.js"):
        assert client.get(asset).status_code == 200, asset
    schema = client.get("/openapi.json").json()
    expected = {"/api/search", "/api/sources", "/api/sources/{source_id}",
                "/api/passages/{passage_id}", "/healthz", "/readyz", "/metrics",
                "/api/admin/reindex", "/api/admin/jobs/{job_id}"}
    assert set(schema["paths"]) == expected
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"].get("200") or operation["responses"].get("202")
            assert ok and ok.get("content"), (method, path)
    search = schema["paths"]["/api/search"]["get"]["responses"]["200"]["content"]
    assert search["application/json"]["schema"]["$ref"].endswith("/SearchResponse")
    assert search["application/json"]["example"]["results"]
    without_admin = make_client().get("/openapi.json").json()  # off: not described either
    assert set(without_admin["paths"]) == expected - {"/api/admin/reindex",
                                                      "/api/admin/jobs/{job_id}"}


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


# -- admin -----------------------------------------------------------------------------------


def test_admin_routes_are_off_without_a_token(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/api/admin/reindex", headers=auth).status_code == 404
    assert client.post("/api/admin/reindex", content=b"{bad",
                       headers={"content-type": "application/json"}).status_code == 404
    assert client.get("/api/admin/jobs/abc", headers=auth).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer ",
                                    f"Bearer {TOKEN}x", TOKEN])
def test_admin_routes_need_the_right_bearer_token(
        make_client: Callable[..., TestClient], header: str | None) -> None:
    client = make_client(admin_token=TOKEN)
    headers = {"Authorization": header} if header is not None else {}
    for response in (client.post("/api/admin/reindex", headers=headers),
                     client.post("/api/admin/reindex", headers=headers, content=b"{bad"),
                     client.get("/api/admin/jobs/abc", headers=headers)):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "token" in response.json()["detail"]


def _wait_job(client: TestClient | httpx.Client, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        job = client.get(f"/api/admin/jobs/{job_id}",
                         headers={"Authorization": f"Bearer {TOKEN}"}).json()
        if job["state"] not in ("queued", "running"):
            return job
        assert time.monotonic() < deadline, "the reindex never finished"
        time.sleep(0.05)


def test_reindex_job_runs_once_at_a_time_and_the_new_version_goes_live(
        make_client: Callable[..., TestClient], library_copy: Path,
        encoder: GatedFakeEncoder) -> None:
    client = make_client(admin_token=TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = client.get("/readyz").json()["version"]
    add_article(library_copy)
    encoder.gate.clear()  # hold the ingest in its embedding stage
    started = client.post("/api/admin/reindex", headers=auth)
    assert started.status_code == 202
    job = started.json()
    assert started.headers["location"] == f"/api/admin/jobs/{job['id']}"
    assert job["state"] in ("queued", "running")
    busy = client.post("/api/admin/reindex", headers=auth, json={"rebuild": True})
    assert busy.status_code == 409 and job["id"] in busy.json()["detail"]
    assert client.get("/api/search", params={"q": QUESTION}).status_code == 200  # still answers
    encoder.gate.set()
    done = _wait_job(client, job["id"])
    assert done["state"] == "succeeded" and done["error"] is None
    assert done["summary"]["added"] == ["hill-repeats"]
    assert done["summary"]["version"] != before
    assert client.get("/readyz").json()["version"] == done["summary"]["version"]
    top = client.get("/api/search", params={"q": "hill repeats lumbar strides"}).json()
    assert top["results"][0]["source"]["id"] == "hill-repeats"
    assert client.get("/api/admin/jobs/0000000000000000", headers=auth).status_code == 404
    for bad, field in (({"rebuild": "yes please"}, ["body", "rebuild"]),
                       ({"rebuld": True}, ["body", "rebuld"]), ([1], ["body"])):
        refused = client.post("/api/admin/reindex", headers=auth, json=bad)
        assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == field
    malformed = client.post("/api/admin/reindex", headers=auth, content=b"{bad")
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["loc"][0] == "body"


# -- live reload and real servers ------------------------------------------------------------


def test_a_version_published_by_another_writer_goes_live_without_a_restart(
        client: TestClient, index_dir: Path, library_copy: Path) -> None:
    before = client.get("/readyz").json()["version"]
    add_article(library_copy)
    after = publish(index_dir, library_copy, FakeEncoder())
    deadline = time.monotonic() + 10
    while client.get("/readyz").json()["version"] != after:
        assert time.monotonic() < deadline, "the new version never went live"
        time.sleep(0.05)
    assert after != before
    body = client.get("/api/search", params={"q": "hill repeats lumbar strides"}).json()
    assert body["index_version"] == after and body["results"][0]["source"]["id"] == "hill-repeats"
    assert client.get("/api/sources/hill-repeats").status_code == 200


def test_reindex_under_concurrent_queries_fails_no_request(
        index_dir: Path, library_copy: Path, web_dir: Path, encoder: GatedFakeEncoder) -> None:
    settings = Settings(index_dir=index_dir, ingest_dir=library_copy, web_dir=web_dir,
                        reload_interval=0.05, admin_token=TOKEN)
    app = create_app(settings, encoder_factory=lambda: encoder)
    statuses: list[int] = []
    versions: set[str] = set()
    stop = threading.Event()

    def ask(base_url: str, n: int) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            i = 0
            while not stop.is_set() and i < 2000:
                i += 1
                response = http.get("/api/search", params={"q": f"{QUESTION} {n} {i}"})
                statuses.append(response.status_code)
                if response.status_code == 200:
                    versions.add(response.json()["index_version"])

    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url) as admin:
        before = admin.get("/readyz").json()["version"]
        askers = [threading.Thread(target=ask, args=(base_url, n)) for n in range(6)]
        for t in askers:
            t.start()
        time.sleep(0.3)
        add_article(library_copy)
        job = admin.post("/api/admin/reindex",
                         headers={"Authorization": f"Bearer {TOKEN}"}).json()
        done = _wait_job(admin, job["id"])
        after = done["summary"]["version"]
        deadline = time.monotonic() + 10
        while after not in versions:
            assert time.monotonic() < deadline, "no answer came from the new version"
            time.sleep(0.05)
        time.sleep(0.2)
        stop.set()
        for t in askers:
            t.join(30)
    assert done["state"] == "succeeded"
    assert len(statuses) > 20 and set(statuses) == {200}
    assert versions == {before, after}


def test_a_real_backqa_serve_process_answers_like_the_command_line(
        shipped_index_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from backqa.cli import main

    web = tmp_path / "web"
    shutil.copytree(PROJECT / "web", web) if (PROJECT / "web").is_dir() else web.mkdir()
    env = {"BACKQA_WEB_DIR": str(web), "BACKQA_ADMIN_TOKEN": ""}
    with serve_process(shipped_index_dir, env, log_path=tmp_path / "serve.log") as base_url, \
            httpx.Client(base_url=base_url, timeout=60) as http:
        got = http.get("/api/search", params={"q": QUESTION, "k": 4})
        health = http.get("/healthz")
        metrics = http.get("/metrics")
        admin = http.post("/api/admin/reindex", headers={"Authorization": "Bearer x"})
    assert got.status_code == 200 and health.json() == {"status": "ok"}
    assert got.headers["content-security-policy"] == CSP
    assert "backqa_index_passages" in metrics.text
    assert admin.status_code == 404  # an empty token turns the admin routes off
    assert main(["search", "--json", "-k", "4", "--index", str(shipped_index_dir),
                 QUESTION]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert _without_time(got.json()) == _without_time(cli)
    log = (tmp_path / "serve.log").read_text()
    assert "GET /api/search 200" in log and QUESTION in log


def test_search_topic_filter_and_facets(client: TestClient) -> None:
    """`topic` narrows the results (GET and POST); `topic_counts` stay those of the question."""
    question = "when should I see a doctor about back pain after running"
    plain = client.get("/api/search", params={"q": question, "k": 10}).json()
    got = client.get("/api/search", params={"q": question, "topic": "when-to-see-a-doctor"})
    assert got.status_code == 200
    body = got.json()
    assert body["results"] and all("when-to-see-a-doctor" in r["topics"]
                                   for r in body["results"])
    assert body["topic_counts"] == plain["topic_counts"] and plain["topic_counts"]
    posted = client.post("/api/search", json={"q": question, "topic": "when-to-see-a-doctor"})
    assert [r["passage_id"] for r in posted.json()["results"]] == \
        [r["passage_id"] for r in body["results"]]
    assert client.get("/api/search", params={"q": question, "topic": ""}).status_code == 200
    assert client.get("/api/search", params={"q": question, "topic": "gossip"}).status_code == 422
