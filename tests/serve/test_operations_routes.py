"""`/healthz` and `/readyz` (routers/operations.py): alive at once, ready once an index is
loaded, and what could not be loaded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from backqa.index.loaded import load_current
from helpers import FakeEncoder, OtherModel, add_article, publish


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


def test_readiness_names_a_version_that_failed_to_load_while_the_previous_one_serves(
        make_client: Callable[..., TestClient], index_dir: Path, library_copy: Path) -> None:
    serving = load_current(index_dir).version
    add_article(library_copy)
    foreign = publish(index_dir, library_copy, OtherModel())  # `current`, in another model
    body = make_client().get("/readyz").json()
    assert body["status"] == "ready" and body["version"] == serving
    failure = body["load_error"]
    assert failure["version"] == foreign and failure["version"] != serving
    assert OtherModel.identity.key in failure["error"] and "re-ingest" in failure["error"]
    assert datetime.fromisoformat(failure["at"]).tzinfo is not None
