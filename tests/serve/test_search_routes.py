"""`/api/search` (routers/search.py): exactly the searcher's answer, by GET and POST, its
filters, and a 422 naming the field for every bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backqa.index.loaded import load_current
from backqa.search.searcher import Searcher
from helpers import SORE_BACK, FakeEncoder, without_time


def test_search_answers_exactly_what_the_searcher_answers(
        client: TestClient, index_dir: Path) -> None:
    expected = Searcher(load_current(index_dir), FakeEncoder()).search(SORE_BACK, k=3)
    got = client.get("/api/search", params={"q": SORE_BACK, "k": 3})
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/json"
    body = got.json()
    assert body["took_ms"] > 0
    assert without_time(body) == without_time(expected.model_dump(mode="json"))
    assert len(body["results"]) == 3
    posted = client.post("/api/search", json={"q": SORE_BACK, "k": 3})
    assert posted.status_code == 200
    assert without_time(posted.json()) == without_time(body)


def test_search_defaults_and_kind_filter(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": SORE_BACK}).json()
    assert len(body["results"]) == 5
    for kind in ("article", "forum-answer"):
        body = client.post("/api/search", json={"q": SORE_BACK, "kind": kind, "k": 10}).json()
        assert body["results"] and {r["kind"] for r in body["results"]} == {kind}
    forum = client.get("/api/search", params={"q": SORE_BACK, "kind": "forum", "k": 10}).json()
    assert {r["kind"] for r in forum["results"]} <= {"forum-question", "forum-answer"}
    empty_kind = client.get("/api/search", params={"q": SORE_BACK, "kind": ""})
    assert empty_kind.status_code == 200 and len(empty_kind.json()["results"]) == 5


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


def test_questions_that_normalise_to_nothing_or_punctuation_still_answer(
        client: TestClient) -> None:
    for question in ("\u200b\u200b", "???", "\x00 back", "🏃‍♀️ 💥", "ｂａｃｋ ｐａｉｎ"):
        response = client.post("/api/search", json={"q": question})
        assert response.status_code == 200, (question, response.text)
