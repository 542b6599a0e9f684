"""`/api/admin/inspect` and `/api/admin/sources` (routers/workbench.py): off without a token,
the token needed, every refusal with a clear 4xx, an upload found by search once its reindex
is done, a removal gone from the library; and `BACKQA_WATCH=true` for `backqa serve`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from backqa.config import Settings
from backqa.serve.app import create_app
from helpers import (
    ADMIN_TOKEN,
    FIXTURES,
    GatedFakeEncoder,
    fake_cli,
    free_port,
    publish,
    wait_job,
)

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
MESSY_PAGE = b"""<!DOCTYPE html><html><head><title>Piriformis and Sciatic Pain | Run Blog</title>
</head><body>
<nav><a href="/">Home</a> <a href="/gear">Gear guides</a></nav>
<div class="cookie-consent">We use cookies. Accept all</div>
<main><h1>Piriformis and Sciatic Pain</h1>
<div class="share-bar">Share Tweet Pin</div>
<p>A tight piriformis muscle deep in the buttock can press on the sciatic nerve, so runners feel
a burning ache that runs from the glute down the back of the thigh.</p>
<h2>How to Treat It</h2>
<p>Figure-four stretches, glute bridges and easing off hill work for two weeks usually calm the
piriformis; a physiotherapist can release it by hand if it lingers.</p>
</main>
<footer>Copyright Run Blog</footer></body></html>"""
WAIT = 60.0


def upload(client: TestClient, route: str, name: str = "piriformis.html",
           data: bytes = MESSY_PAGE, headers: dict[str, str] | None = None,
           **fields: str) -> Any:
    return client.post(route, headers=AUTH if headers is None else headers,
                       files={"file": (name, data, "text/html")}, data=fields)


@pytest.fixture
def admin(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(admin_token=ADMIN_TOKEN, max_upload_bytes=4096)


def test_the_workbench_is_off_without_a_token(client: TestClient) -> None:
    assert upload(client, "/api/admin/inspect").status_code == 404
    assert upload(client, "/api/admin/sources").status_code == 404
    assert client.delete("/api/admin/sources/anything", headers=AUTH).status_code == 404
    assert "/api/admin/sources" not in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}])
def test_the_workbench_needs_the_token(admin: TestClient, library_copy: Path,
                                       headers: dict[str, str]) -> None:
    before = sorted(os.listdir(library_copy))
    assert upload(admin, "/api/admin/inspect", headers=headers).status_code == 401
    assert upload(admin, "/api/admin/sources", headers=headers).status_code == 401
    # refused before the body is even looked at: a bad body still gets the 401
    assert admin.post("/api/admin/sources", headers=headers, content=b"junk").status_code == 401
    assert admin.delete("/api/admin/sources/why-does-my-back-hurt-after-running",
                        headers=headers).status_code == 401
    assert sorted(os.listdir(library_copy)) == before


def test_inspect_reports_the_upload_and_writes_nothing(admin: TestClient,
                                                       library_copy: Path) -> None:
    before = sorted(os.listdir(library_copy))
    response = upload(admin, "/api/admin/inspect", kind="article")
    assert response.status_code == 200, response.text
    report = response.json()
    [document] = report["documents"]
    assert document["title"] == "Piriformis and Sciatic Pain" and document["kind"] == "article"
    rules = {d["text"]: d["rule"] for d in document["dropped"]}
    assert rules["Home Gear guides"] == "<nav> element"
    assert "cookie-consent" in rules["We use cookies. Accept all"]
    assert "share-bar" in rules["Share Tweet Pin"]
    assert rules["Copyright Run Blog"] == "<footer> element"
    assert [p["topics"] for p in document["passages"]][-1] == ["treatment"]
    assert report["failed"] is False
    assert sorted(os.listdir(library_copy)) == before


def test_inspect_warns_when_the_source_id_is_taken(admin: TestClient) -> None:
    name = "why-does-my-back-hurt-after-running.txt"
    report = upload(admin, "/api/admin/inspect", name=name,
                    data=b"Why Does My Back Hurt\n\nA shorter rewrite about the erectors.\n").json()
    [warning] = report["problems"]
    assert warning["skipped"] is False and "replace=true" in warning["message"]
    assert report["failed"] is False


def test_inspect_of_an_unusable_page_says_it_would_be_skipped(admin: TestClient) -> None:
    response = upload(admin, "/api/admin/inspect", name="empty.html",
                      data=b"<html><body><nav>Home</nav></body></html>")
    assert response.status_code == 200
    assert response.json()["failed"] is True
    assert "no readable text" in response.json()["problems"][0]["message"]


def test_an_upload_is_published_and_found_by_search(admin: TestClient,
                                                    library_copy: Path) -> None:
    response = upload(admin, "/api/admin/sources", title="Piriformis and sciatic pain",
                      url="https://example.org/piriformis", published="2025-05-01")
    assert response.status_code == 202, response.text
    change = response.json()
    assert change["source_id"] == "piriformis" and change["action"] == "added"
    assert response.headers["location"] == f"/api/admin/jobs/{change['job']['id']}"
    assert (library_copy / "piriformis.html").read_bytes() == MESSY_PAGE
    assert 'url = "https://example.org/piriformis"' in \
        (library_copy / "piriformis.meta.toml").read_text()
    done = wait_job(admin, change["job"]["id"])
    assert done["state"] == "succeeded" and done["summary"]["added"] == ["piriformis"]
    wait_live(admin, done["summary"]["version"])
    top = admin.get("/api/search", params={"q": "piriformis sciatic nerve buttock"}).json()
    assert top["results"][0]["source"]["id"] == "piriformis"
    assert top["results"][0]["source"]["url"] == "https://example.org/piriformis"


@pytest.mark.parametrize(("name", "status", "words"), [
    ("../escape.html", 400, "plain file name"),
    ("sub/dir.html", 400, "plain file name"),
    (".hidden.html", 400, "plain file name"),
    ("notes.pdf", 415, "unsupported file type"),
    ("records.jsonl", 415, "unsupported file type"),
])
def test_bad_names_and_types_are_refused(admin: TestClient, library_copy: Path, name: str,
                                         status: int, words: str) -> None:
    before = sorted(os.listdir(library_copy))
    for route in ("/api/admin/sources", "/api/admin/inspect"):
        response = upload(admin, route, name=name)
        assert response.status_code == status and words in response.json()["detail"]
    assert sorted(os.listdir(library_copy)) == before
    assert not (library_copy.parent / "escape.html").exists()


def test_a_file_over_the_limit_is_refused(admin: TestClient, library_copy: Path) -> None:
    big = MESSY_PAGE + b"<p>" + b"more words " * 400 + b"</p>"
    assert len(big) > 4096
    response = upload(admin, "/api/admin/sources", name="big.html", data=big)
    assert response.status_code == 413 and "4096" in response.json()["detail"]
    assert not (library_copy / "big.html").exists()


def test_a_huge_body_is_refused_before_it_is_read(admin: TestClient) -> None:
    response = upload(admin, "/api/admin/sources", name="huge.html", data=b"x" * 200_000)
    assert response.status_code == 413 and "bytes" in response.json()["detail"]


def test_a_page_larger_than_a_question_body_can_be_uploaded(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client(admin_token=ADMIN_TOKEN, max_upload_bytes=300_000)
    page = MESSY_PAGE.replace(b"</main>", b"<p>" + b"Easy miles rebuild the back. " * 5000
                              + b"</p></main>")
    assert len(page) > 100_000  # past the 64 KiB that any other request body may hold
    response = upload(client, "/api/admin/inspect", data=page)
    assert response.status_code == 200 and response.json()["failed"] is False


def test_an_existing_id_is_refused_unless_replace(admin: TestClient, library_copy: Path) -> None:
    name = "why-does-my-back-hurt-after-running.txt"
    original = (library_copy / name).read_bytes()
    text = b"Why Does My Back Hurt\n\nA shorter rewrite about tired erector muscles.\n"
    taken = upload(admin, "/api/admin/sources", name=name, data=text)
    assert taken.status_code == 409 and "replace=true" in taken.json()["detail"]
    assert (library_copy / name).read_bytes() == original
    replaced = upload(admin, "/api/admin/sources", name=name, data=text, replace="true")
    assert replaced.status_code == 202 and replaced.json()["action"] == "replaced"
    assert (library_copy / name).read_bytes() == text
    assert wait_job(admin, replaced.json()["job"]["id"])["summary"]["changed"] == [
        "why-does-my-back-hurt-after-running"]


@pytest.mark.parametrize(("fields", "words"), [
    ({"kind": "blog-post"}, "kind"), ({"url": "javascript:alert(1)"}, "url"),
    ({"replace": "perhaps"}, "replace"),
])
def test_bad_form_fields_are_refused(admin: TestClient, library_copy: Path,
                                     fields: dict[str, str], words: str) -> None:
    response = admin.post("/api/admin/sources", headers=AUTH, data=fields,
                          files={"file": ("piriformis.html", MESSY_PAGE, "text/html")})
    assert response.status_code == 400 and words in response.json()["detail"]
    assert not (library_copy / "piriformis.html").exists()


def test_a_body_without_a_file_is_refused(admin: TestClient) -> None:
    no_file = admin.post("/api/admin/sources", headers=AUTH, data={"title": "x"})
    assert no_file.status_code == 400 and "'file'" in no_file.json()["detail"]
    not_form = admin.post("/api/admin/sources", headers=AUTH, json={"file": "x"})
    assert not_form.status_code == 400
    binary = upload(admin, "/api/admin/sources", name="x.md", data=b"\x00\x01\x02")
    assert binary.status_code == 400 and "binary" in binary.json()["detail"]


def test_delete_removes_the_source_and_reindexes(admin: TestClient, library_copy: Path) -> None:
    source_id = "why-does-my-back-hurt-after-running"
    response = admin.delete(f"/api/admin/sources/{source_id}", headers=AUTH)
    assert response.status_code == 202, response.text
    assert response.json()["action"] == "removed"
    assert not any(p.name.startswith(source_id) for p in library_copy.iterdir())
    done = wait_job(admin, response.json()["job"]["id"])
    assert done["summary"]["removed"] == [source_id]
    wait_live(admin, done["summary"]["version"])
    ids = {s["id"] for s in admin.get("/api/sources").json()["sources"]}
    assert source_id not in ids and len(ids) == 4


def test_delete_refuses_an_unknown_or_malformed_id(admin: TestClient) -> None:
    unknown = admin.delete("/api/admin/sources/no-such-source", headers=AUTH)
    assert unknown.status_code == 404 and "no-such-source" in unknown.json()["detail"]
    assert admin.delete("/api/admin/sources/..%2Fetc", headers=AUTH).status_code in (404, 422)


def test_changes_wait_while_a_reindex_runs(admin: TestClient, library_copy: Path,
                                           encoder: GatedFakeEncoder) -> None:
    (library_copy / "extra.md").write_text("# Extra\n\nA new note on cadence and the back.\n")
    encoder.gate.clear()
    job = admin.post("/api/admin/reindex", headers=AUTH).json()
    try:
        busy = upload(admin, "/api/admin/sources")
        assert busy.status_code == 409 and job["id"] in busy.json()["detail"]
        gone = admin.delete("/api/admin/sources/extra", headers=AUTH)
        assert gone.status_code == 409
        assert not (library_copy / "piriformis.html").exists()
        assert (library_copy / "extra.md").exists()
    finally:
        encoder.gate.set()
    wait_job(admin, job["id"])


def test_without_a_library_writer_the_workbench_answers_503(
        index_dir: Path, library_copy: Path, encoder: GatedFakeEncoder) -> None:
    settings = Settings(index_dir=index_dir, ingest_dir=library_copy, admin_token=ADMIN_TOKEN)
    with TestClient(create_app(settings, encoder_factory=lambda: encoder)) as bare:
        assert upload(bare, "/api/admin/inspect").status_code == 503
        assert upload(bare, "/api/admin/inspect", headers={}).status_code == 401


def test_serve_with_watch_publishes_a_file_dropped_into_the_library(tmp_path: Path,
                                                                     library_copy: Path) -> None:
    index = tmp_path / "index"
    publish(index, library_copy, GatedFakeEncoder())
    port = free_port()
    process = fake_cli(["serve", "--port", str(port), "--index", str(index)], tmp_path,
                       BACKQA_INGEST_DIR=str(library_copy), BACKQA_WATCH="true",
                       BACKQA_WATCH_SETTLE="0.3", BACKQA_RELOAD_INTERVAL="0.1")
    url = f"http://127.0.0.1:{port}"
    try:
        sources = wait_for_sources(url, lambda ids: len(ids) == 5)
        assert "saved-page" not in sources
        time.sleep(1.0)  # the watcher starts with the server
        (library_copy / "saved-page.html").write_bytes((FIXTURES / "saved-page.html")
                                                       .read_bytes())
        wait_for_sources(url, lambda ids: "saved-page" in ids)
        (library_copy / "saved-page.html").unlink()
        wait_for_sources(url, lambda ids: "saved-page" not in ids)
    finally:
        process.terminate()
        process.communicate(timeout=WAIT)


def wait_live(client: TestClient, version: str) -> None:
    """Wait until the server answers from `version` (a job may read as succeeded a moment
    before the server has loaded what it published)."""
    deadline = time.monotonic() + WAIT
    while client.get("/readyz").json()["version"] != version:
        assert time.monotonic() < deadline, f"version {version} never went live"
        time.sleep(0.05)


def wait_for_sources(url: str, condition: Callable[[set[str]], bool]) -> set[str]:
    deadline = time.monotonic() + WAIT
    while True:
        ids: set[str] = set()
        try:
            answer: Any = httpx.get(url + "/api/sources", timeout=5)
            if answer.status_code == 200:
                ids = {s["id"] for s in answer.json()["sources"]}
        except httpx.HTTPError:
            pass
        if ids and condition(ids):
            return ids
        assert time.monotonic() < deadline, f"the library never changed as expected: {ids}"
        time.sleep(0.1)
