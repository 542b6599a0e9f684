"""Fixtures of the API tests: a published test index, a page folder, and test clients of the
app as `backqa serve` builds it (`make_client(**settings)`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backqa.config import Settings
from helpers import GatedFakeEncoder, publish, serve_app


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
        client = TestClient(serve_app(Settings(**options), lambda: encoder))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()
