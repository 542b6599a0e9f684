"""The whole app (app.py, cli/serve.py) live: a version published by another writer goes live
without a restart, a reindex under concurrent queries fails no request, and a real
`backqa serve` process answers like the command line."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from backqa.config import Settings
from backqa.serve.observability import CSP
from backqa.tools.loadtest import serve_process
from helpers import (
    ADMIN_TOKEN,
    PROJECT,
    SORE_BACK,
    FakeEncoder,
    GatedFakeEncoder,
    add_article,
    publish,
    serve_app,
    serve_in_thread,
    wait_job,
    without_time,
)


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
                        reload_interval=0.05, admin_token=ADMIN_TOKEN)
    app = serve_app(settings, lambda: encoder)
    statuses: list[int] = []
    versions: set[str] = set()
    stop = threading.Event()

    def ask(base_url: str, n: int) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            i = 0
            while not stop.is_set() and i < 2000:
                i += 1
                response = http.get("/api/search", params={"q": f"{SORE_BACK} {n} {i}"})
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
                         headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).json()
        done = wait_job(admin, job["id"])
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
        got = http.get("/api/search", params={"q": SORE_BACK, "k": 4})
        health = http.get("/healthz")
        metrics = http.get("/metrics")
        admin = http.post("/api/admin/reindex", headers={"Authorization": "Bearer x"})
    assert got.status_code == 200 and health.json() == {"status": "ok"}
    assert got.headers["content-security-policy"] == CSP
    assert "backqa_index_passages" in metrics.text
    assert admin.status_code == 404  # an empty token turns the admin routes off
    assert main(["search", "--json", "-k", "4", "--index", str(shipped_index_dir),
                 SORE_BACK]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert without_time(got.json()) == without_time(cli)
    log = (tmp_path / "serve.log").read_text()
    assert "GET /api/search 200" in log and SORE_BACK in log
