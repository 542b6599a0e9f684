"""`/api/sources` and `/api/passages` (routers/library.py): the library of the live index and
a passage in its context; unknown ids are 404, malformed ones 422."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient


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
