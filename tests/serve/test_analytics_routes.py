"""The query log over HTTP (routers/analytics.py): off by default, each search recorded when
on, `/api/feedback`, `/api/admin/gaps` behind the admin token, and the page at `/admin`."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backqa.index.layout import IndexLayout
from helpers import ADMIN_TOKEN, SORE_BACK

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
OFF_TOPIC = "jazz saxophone improvisation"
ALSO_OFF_TOPIC = "volcanic obsidian geology"


def logged(index_dir: Path, table: str = "searches") -> list[dict[str, object]]:
    path = IndexLayout(index_dir).query_log
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY id")]


def test_nothing_is_logged_by_default(client: TestClient, index_dir: Path) -> None:
    assert client.get("/api/search", params={"q": SORE_BACK}).status_code == 200
    assert client.get("/api/feedback").json() == {"enabled": False}
    refused = client.post("/api/feedback", json={"question": SORE_BACK, "passage_id": "abc",
                                                 "helpful": True})
    assert refused.status_code == 404 and "BACKQA_QUERY_LOG" in refused.json()["detail"]
    assert not IndexLayout(index_dir).query_log.exists()


def test_each_search_is_logged_with_its_outcome_and_nothing_about_the_asker(
        make_client: Callable[..., TestClient], index_dir: Path) -> None:
    client = make_client(query_log=True)
    headers = {"User-Agent": "agent-7d1e", "Cookie": "session=cookie-9f3a",
               "X-Forwarded-For": "203.0.113.9"}
    answered = client.get("/api/search", params={"q": f"  {SORE_BACK.upper()}? "},
                          headers=headers).json()
    refused = client.post("/api/search", json={"q": OFF_TOPIC, "k": 3}, headers=headers).json()
    assert refused["no_match"] is True
    rows = logged(index_dir)
    assert [(r["question"], r["no_match"], r["result_count"], r["index_version"])
            for r in rows] == [(SORE_BACK, 0, len(answered["results"]),
                                answered["index_version"]),
                               (OFF_TOPIC, 1, len(refused["results"]),
                                refused["index_version"])]
    assert rows[0]["best_score"] == max(r["dense_score"] for r in answered["results"])
    stored = b"".join(p.read_bytes() for p in index_dir.glob("queries.sqlite*"))
    for private in (b"agent-7d1e", b"cookie-9f3a", b"203.0.113.9", b"testclient"):
        assert private not in stored


def test_a_refused_search_is_not_logged(make_client: Callable[..., TestClient],
                                        index_dir: Path) -> None:
    client = make_client(query_log=True)
    assert client.get("/api/search", params={"q": "x" * 1001}).status_code == 422
    assert logged(index_dir) == []


def test_feedback_is_stored_with_question_and_passage_only(
        make_client: Callable[..., TestClient], index_dir: Path) -> None:
    client = make_client(query_log=True)
    assert client.get("/api/feedback").json() == {"enabled": True}
    passage = client.get("/api/search", params={"q": SORE_BACK}).json()["results"][0]
    stored = client.post("/api/feedback", json={"question": SORE_BACK + "?",
                                                "passage_id": passage["passage_id"],
                                                "helpful": False})
    assert stored.status_code == 200 and stored.json() == {"stored": True}
    assert [(r["question"], r["passage_id"], r["helpful"]) for r in logged(index_dir, "feedback")
            ] == [(SORE_BACK, passage["passage_id"], 0)]


@pytest.mark.parametrize("body", [
    {"question": "back pain", "passage_id": "../etc/passwd", "helpful": True},
    {"question": "back pain", "passage_id": "abc", "helpful": "perhaps"},
    {"question": "back pain", "passage_id": "abc"},
    {"question": "", "passage_id": "abc", "helpful": True},
    {"question": "x" * 1001, "passage_id": "abc", "helpful": True},
    {"question": "back pain", "passage_id": "abc", "helpful": True, "ip": "203.0.113.9"},
    {"question": " ?? ", "passage_id": "abc", "helpful": True},
])
def test_bad_feedback_is_refused_and_not_stored(make_client: Callable[..., TestClient],
                                                index_dir: Path, body: dict[str, object]) -> None:
    client = make_client(query_log=True)
    assert client.post("/api/feedback", json=body).status_code == 422
    assert logged(index_dir, "feedback") == []


def test_gaps_need_the_admin_token(make_client: Callable[..., TestClient]) -> None:
    assert make_client(query_log=True).get("/api/admin/gaps", headers=AUTH).status_code == 404
    client = make_client(query_log=True, admin_token=ADMIN_TOKEN)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN}):
        refused = client.get("/api/admin/gaps", headers=headers)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"


def test_gaps_rank_what_failed_and_name_the_unhelpful_passages(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client(query_log=True, admin_token=ADMIN_TOKEN)
    for question, times in ((OFF_TOPIC, 3), (ALSO_OFF_TOPIC, 1), (SORE_BACK, 4)):
        for _ in range(times):
            assert client.get("/api/search", params={"q": question}).status_code == 200
    answer = client.get("/api/search", params={"q": SORE_BACK}).json()
    hit = answer["results"][0]
    for helpful in (False, False, True):
        client.post("/api/feedback", json={"question": SORE_BACK, "passage_id": hit["passage_id"],
                                           "helpful": helpful})
    data = client.get("/api/admin/gaps", params={"weak_below": 0}, headers=AUTH).json()
    assert data["query_log"] is True
    report = data["report"]
    assert report["searches"] == 9
    assert [(g["question"], g["count"], g["no_match"]) for g in report["gaps"]] == [
        (OFF_TOPIC, 3, 3), (ALSO_OFF_TOPIC, 1, 1)]
    best = max(r["dense_score"] for r in answer["results"])
    weak = client.get("/api/admin/gaps", params={"weak_below": best + 0.01}, headers=AUTH)
    top_gap = weak.json()["report"]["gaps"][0]
    assert (top_gap["question"], top_gap["count"]) == (SORE_BACK, 5)
    assert report["top_questions"][0] == {**report["top_questions"][0],
                                          "question": SORE_BACK, "count": 5}
    [passage] = report["unhelpful_passages"]
    assert (passage["passage_id"], passage["unhelpful"], passage["helpful"]) == (
        hit["passage_id"], 2, 1)
    assert passage["source_id"] == hit["source"]["id"] and passage["text"] == hit["text"]
    assert passage["source_title"] == hit["source"]["title"]
    assert client.get("/api/admin/gaps", params={"limit": 1}, headers=AUTH).json()[
        "report"]["top_questions"] == [report["top_questions"][0]]
    for bad in ({"limit": 0}, {"limit": 201}, {"weak_below": -0.1}, {"weak_below": "high"}):
        assert client.get("/api/admin/gaps", params=bad, headers=AUTH).status_code == 422


def test_gaps_of_a_log_kept_from_before_and_of_none(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client(admin_token=ADMIN_TOKEN)
    assert client.get("/api/admin/gaps", headers=AUTH).json() == {"query_log": False,
                                                                 "report": None}
    logging_client = make_client(query_log=True, admin_token=ADMIN_TOKEN)
    logging_client.get("/api/search", params={"q": OFF_TOPIC})
    kept = client.get("/api/admin/gaps", headers=AUTH).json()
    assert kept["query_log"] is False
    assert [g["question"] for g in kept["report"]["gaps"]] == [OFF_TOPIC]


def test_the_admin_page_is_served_at_admin(make_client: Callable[..., TestClient],
                                           web_dir: Path) -> None:
    (web_dir / "admin.html").write_text("<!doctype html><title>workbench</title>\n")
    response = make_client().get("/admin")
    assert response.status_code == 200 and "workbench" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_no_admin_page_is_a_404(make_client: Callable[..., TestClient]) -> None:
    assert make_client().get("/admin").status_code == 404
