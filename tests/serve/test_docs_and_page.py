"""The docs and the page (docs.py): Swagger UI offline with a schema for every route, the
page at `/`, and API paths never taken for page files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from helpers import ADMIN_TOKEN


def test_docs_work_offline_with_a_schema_for_every_route(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client(admin_token=ADMIN_TOKEN)
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN: every asset is ours
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css",
                  "/docs/init.js"):
        assert client.get(asset).status_code == 200, asset
    schema = client.get("/openapi.json").json()
    expected = {"/api/search", "/api/sources", "/api/sources/{source_id}",
                "/api/passages/{passage_id}", "/healthz", "/readyz", "/metrics",
                "/api/admin/reindex", "/api/admin/jobs/{job_id}", "/api/admin/inspect",
                "/api/admin/sources", "/api/admin/sources/{source_id}", "/api/feedback",
                "/api/admin/gaps", "/api/admin/jobs"}
    assert set(schema["paths"]) == expected
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"].get("200") or operation["responses"].get("202")
            assert ok and ok.get("content"), (method, path)
    search = schema["paths"]["/api/search"]["get"]["responses"]["200"]["content"]
    assert search["application/json"]["schema"]["$ref"].endswith("/SearchResponse")
    assert search["application/json"]["example"]["results"]
    without_admin = make_client().get("/openapi.json").json()  # off: not described either
    assert set(without_admin["paths"]) == {p for p in expected if not p.startswith("/api/admin")}


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


def test_wrong_methods_and_unknown_api_paths_are_not_taken_for_page_files(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client(admin_token=ADMIN_TOKEN)
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
