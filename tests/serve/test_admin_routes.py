"""`/api/admin` (routers/admin.py, auth.py): off without a token, the right Bearer token
needed, one reindex job at a time whose version goes live, and a clear 503 in a server built
without a way to ingest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backqa.config import Settings
from backqa.serve.app import create_app
from helpers import ADMIN_TOKEN, SORE_BACK, GatedFakeEncoder, add_article, wait_job


def test_admin_routes_are_off_without_a_token(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert client.post("/api/admin/reindex", headers=auth).status_code == 404
    assert client.post("/api/admin/reindex", content=b"{bad",
                       headers={"content-type": "application/json"}).status_code == 404
    assert client.get("/api/admin/jobs/abc", headers=auth).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {ADMIN_TOKEN}", "Bearer ",
                                    f"Bearer {ADMIN_TOKEN}x", ADMIN_TOKEN])
def test_admin_routes_need_the_right_bearer_token(
        make_client: Callable[..., TestClient], header: str | None) -> None:
    client = make_client(admin_token=ADMIN_TOKEN)
    headers = {"Authorization": header} if header is not None else {}
    for response in (client.post("/api/admin/reindex", headers=headers),
                     client.post("/api/admin/reindex", headers=headers, content=b"{bad"),
                     client.get("/api/admin/jobs/abc", headers=headers)):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "token" in response.json()["detail"]


def test_reindex_job_runs_once_at_a_time_and_the_new_version_goes_live(
        make_client: Callable[..., TestClient], library_copy: Path,
        encoder: GatedFakeEncoder) -> None:
    client = make_client(admin_token=ADMIN_TOKEN)
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
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
    assert client.get("/api/search", params={"q": SORE_BACK}).status_code == 200  # still answers
    encoder.gate.set()
    done = wait_job(client, job["id"])
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


def test_without_a_way_to_ingest_the_admin_routes_answer_a_documented_503(
        index_dir: Path, library_copy: Path, web_dir: Path, encoder: GatedFakeEncoder,
        make_client: Callable[..., TestClient]) -> None:
    settings = Settings(index_dir=index_dir, ingest_dir=library_copy, web_dir=web_dir,
                        admin_token=ADMIN_TOKEN)
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(create_app(settings, encoder_factory=lambda: encoder)) as bare:
        refused = bare.post("/api/admin/reindex", headers=auth)
        assert refused.status_code == 503
        assert refused.json()["detail"].startswith("reindex is not available in this server")
        assert bare.get("/api/admin/jobs/0123456789abcdef", headers=auth).status_code == 503
        assert bare.post("/api/admin/reindex").status_code == 401  # the token is still checked
        assert bare.get("/api/search", params={"q": SORE_BACK}).status_code == 200
        paths = bare.get("/openapi.json").json()["paths"]
        assert "503" in paths["/api/admin/reindex"]["post"]["responses"]
    composed = make_client(admin_token=ADMIN_TOKEN).get("/openapi.json").json()["paths"]
    assert "503" not in composed["/api/admin/reindex"]["post"]["responses"]


def test_job_history_lists_recent_jobs_newest_first(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client(admin_token=ADMIN_TOKEN)
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert client.get("/api/admin/jobs").status_code == 401
    assert client.get("/api/admin/jobs", headers=auth).json() == {"jobs": []}
    first = client.post("/api/admin/reindex", headers=auth).json()
    wait_job(client, first["id"])
    second = client.post("/api/admin/reindex", headers=auth).json()
    done = wait_job(client, second["id"])
    history = client.get("/api/admin/jobs", headers=auth).json()["jobs"]
    assert [job["id"] for job in history] == [second["id"], first["id"]]
    assert history[0] == done
    assert make_client().get("/api/admin/jobs", headers=auth).status_code == 404
