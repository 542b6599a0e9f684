"""`backqa gaps`: the gaps report of an index's query log, as text or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backqa.cli import main
from backqa.index.layout import IndexLayout, VersionFiles
from backqa.index.query_log import QueryLog
from backqa.index.store import StoreReader
from backqa.index.versions import IndexDirectory
from helpers import FakeEncoder, publish


def test_gaps_without_a_log_says_how_to_turn_it_on(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gaps", "--index", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "queries.sqlite" in err and "BACKQA_QUERY_LOG=true" in err
    assert not (tmp_path / "queries.sqlite").exists()


def test_gaps_reports_the_logged_questions(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    log = QueryLog(IndexLayout(tmp_path).query_log)
    for _ in range(2):
        log.record_search("How do I bake bread?", no_match=True, best_score=None,
                          result_count=0, index_version="v1")
    log.record_search("what causes back pain", no_match=False, best_score=0.8, result_count=5,
                      index_version="v1")
    log.record_feedback("what causes back pain", "p-7", helpful=False)
    log.close()

    assert main(["gaps", "--index", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(g["question"], g["count"]) for g in report["gaps"]] == [("how do i bake bread", 2)]
    assert [q["question"] for q in report["top_questions"]] == ["how do i bake bread",
                                                                "what causes back pain"]
    assert report["unhelpful_passages"][0]["passage_id"] == "p-7"

    assert main(["gaps", "--index", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    gaps, top = text.split("Most frequent questions:")
    assert "how do i bake bread" in gaps and "what causes back pain" not in gaps
    assert "what causes back pain" in top and "p-7" in top


def test_gaps_limit_must_be_positive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gaps", "--index", str(tmp_path), "--limit", "0"]) == 2


def test_gaps_names_the_unhelpful_passages_of_the_live_index(
        tmp_path: Path, library_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "index"
    publish(index, library_copy, FakeEncoder())
    current = IndexDirectory(index).current()
    assert current is not None
    store = StoreReader(VersionFiles(current).store)
    passage = store.passages_by_rows([0])[0]
    source = store.source(passage.source_id)
    assert source is not None
    QueryLog(IndexLayout(index).query_log).record_feedback("sore back", passage.id,
                                                           helpful=False)
    assert main(["gaps", "--index", str(index), "--json"]) == 0
    [described] = json.loads(capsys.readouterr().out)["unhelpful_passages"]
    assert (described["source_title"], described["text"]) == (source.title, passage.text)
    assert main(["gaps", "--index", str(index)]) == 0
    flat = " ".join(passage.text.split())
    assert f"{source.title}: {flat[:40]}" in capsys.readouterr().out
