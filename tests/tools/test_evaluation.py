"""The evaluation harness: reading BEIR and judged files, metrics, evidence scoring, runs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from backqa.index.loaded import load_current
from backqa.ingest.pipeline import IngestPipeline
from backqa.search.searcher import Searcher
from backqa.tools.evaluation import (
    EvalError,
    Evaluator,
    Evidence,
    EvidenceJudge,
    JudgedQuestion,
    QrelsJudge,
    Ranking,
    WindowBaseline,
    dcg,
    fixed_windows,
    format_table,
    ndcg,
    normalize_text,
    read_judged,
    read_qrels,
    read_queries,
    run_path,
    write_trec_run,
)
from helpers import PROJECT


def test_dcg_and_ndcg_by_hand() -> None:
    assert dcg([2, 0, 1], 10) == pytest.approx(2 + 1 / math.log2(4))
    assert ndcg([1, 2], [2, 1], 10) == pytest.approx((1 + 2 / math.log2(3)) /
                                                     (2 + 1 / math.log2(3)))
    assert ndcg([0, 0], [], 10) == 0.0
    assert ndcg([2, 1], [2, 1], 10) == pytest.approx(1.0)


def test_qrels_judge_scores_documents() -> None:
    score = QrelsJudge().score(["d3", "d1", "d9"], {"d1": 1, "d2": 1})
    assert score.mrr10 == 0.5
    assert score.success1 == 0.0
    assert score.recall10 == 0.5 and score.recall100 == 0.5
    assert score.ndcg10 == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    perfect = QrelsJudge().score(["d2", "d1"], {"d1": 1, "d2": 1})
    assert perfect.ndcg10 == pytest.approx(1.0) and perfect.success1 == 1.0


def question(*evidence: Evidence) -> JudgedQuestion:
    return JudgedQuestion("q1", "why does my back hurt", "cause", tuple(evidence))


def test_evidence_is_credited_once_so_duplicates_earn_nothing_twice() -> None:
    q = question(Evidence(2, ("weak core muscles", "a weak core")), Evidence(1, ("bad shoes",)))
    judge = EvidenceJudge()
    texts = ["Runners with WEAK core   muscles hurt.", "Sounds like you have a weak core.",
             "Bad shoes too."]
    score = judge.score(q, texts)
    # gains 2, 0 (the same point again), 1; ideal 2, 1
    assert score.ndcg10 == pytest.approx((2 + 1 / math.log2(4)) / (2 + 1 / math.log2(3)))
    assert score.success1 == 1.0 and score.mrr10 == 1.0 and score.recall10 == 1.0
    reordered = judge.score(q, [texts[0], texts[2], texts[1]])
    assert reordered.ndcg10 == pytest.approx(1.0)


def test_evidence_matching_folds_case_quotes_and_spacing() -> None:
    assert normalize_text("It’s  VITAL\nto rest") == "it's vital to rest"
    q = question(Evidence(2, ("it's vital to rest",)))
    assert EvidenceJudge().items_in(q, "Well, It’s vital to\nrest.") == {0}


def test_related_passage_is_not_an_answer() -> None:
    q = question(Evidence(2, ("ice packs",)), Evidence(1, ("rest",)))
    score = EvidenceJudge().score(q, ["Get some rest.", "Use ice packs."])
    assert score.success1 == 0.0 and score.mrr10 == 0.5


def test_read_queries_and_qrels(tmp_path: Path) -> None:
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"_id": "1", "text": "a claim"}\n\n{"_id": 2, "text": "b"}\n')
    assert read_queries(queries) == {"1": "a claim", "2": "b"}
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\n1\td1\t1\n1\td2\t2\n2\td3\t1\n")
    assert read_qrels(qrels) == {"1": {"d1": 1, "d2": 2}, "2": {"d3": 1}}


@pytest.mark.parametrize(("name", "content", "message"), [
    ("q.jsonl", '{"_id": "1", "text": "a"}\nnot json\n', "q.jsonl:2: not valid JSON"),
    ("q.jsonl", '{"_id": "1"}\n', "q.jsonl:1: needs string fields"),
    ("r.tsv", "query-id\tcorpus-id\tscore\n1\td1\n", "r.tsv:2: expected query-id"),
    ("r.tsv", "query-id\tcorpus-id\tscore\n1\td1\thigh\n", "r.tsv:2: score 'high'"),
])
def test_bad_inputs_name_file_and_line(tmp_path: Path, name: str, content: str,
                                       message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    reader = read_queries if name.endswith("jsonl") else read_qrels
    with pytest.raises(EvalError, match=message):
        reader(path)


def test_read_judged_validates(tmp_path: Path) -> None:
    path = tmp_path / "judged.jsonl"
    good = {"id": "q1", "question": "why?", "type": "cause",
            "evidence": [{"grade": 2, "phrases": ["because"]}]}
    off = {"id": "o1", "question": "bread?", "evidence": []}
    path.write_text(json.dumps(good) + "\n" + json.dumps(off) + "\n")
    questions = read_judged(path)
    assert [q.on_topic for q in questions] == [True, False]
    bad = {**good, "id": "q2", "evidence": [{"grade": 3, "phrases": ["x"]}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(EvalError, match=r"judged\.jsonl:2: each evidence item"):
        read_judged(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(EvalError, match="duplicate id 'q1'"):
        read_judged(path)
    with pytest.raises(EvalError, match="cannot read"):
        read_judged(tmp_path / "missing.jsonl")


def test_fixed_windows_cover_the_text_without_cutting_words() -> None:
    words = [f"word{i}" for i in range(600)]
    text = " ".join(words)
    windows = fixed_windows(text, size=1000, overlap=200)
    assert all(len(w) <= 1000 for w in windows)
    assert len(windows) >= len(text) // 1000
    for window in windows:
        assert all(token in words for token in window.split())
    covered = set(" ".join(windows).split())
    assert covered == set(words)
    # consecutive windows overlap
    assert set(windows[0].split()) & set(windows[1].split())
    assert fixed_windows("short text") == ["short text"]
    assert fixed_windows("") == []


def test_trec_run_format(tmp_path: Path) -> None:
    path = tmp_path / "run.txt"
    write_trec_run(path, {"7": Ranking(["d1", "d2"], [0.9, 0.5])}, "backqa-hybrid")
    assert path.read_text().splitlines() == ["7 Q0 d1 1 0.900000 backqa-hybrid",
                                              "7 Q0 d2 2 0.500000 backqa-hybrid"]
    assert run_path(path, "bm25", True).name == "run.bm25.txt"
    assert run_path(path, "bm25", False) == path


@pytest.fixture
def beir_index(tmp_path: Path, fake_encoder) -> Path:
    corpus = tmp_path / "corpus" / "corpus.jsonl"
    corpus.parent.mkdir()
    docs = [("d1", "Hamstrings", "Tight hamstrings pull on the pelvis and strain the back."),
            ("d2", "Shoes", "Worn running shoes lose their cushioning over time."),
            ("d3", "Sleep", "Adults need seven to nine hours of sleep each night.")]
    corpus.write_text("".join(json.dumps({"_id": i, "title": t, "text": x}) + "\n"
                              for i, t, x in docs))
    index_dir = tmp_path / "index"
    IngestPipeline(index_dir, PROJECT, encoder_factory=lambda: fake_encoder,
                   identity=fake_encoder.identity, progress=False).ingest([corpus])
    return index_dir


def test_beir_run_ranks_documents_in_every_mode(beir_index: Path, fake_encoder,
                                                tmp_path: Path) -> None:
    searcher = Searcher(load_current(beir_index), fake_encoder)
    evaluator = Evaluator(searcher)
    queries = {"1": "tight hamstrings strain", "2": "running shoes cushioning", "3": "x"}
    qrels = {"1": {"d1": 1}, "2": {"d2": 1}}
    reports, runs = evaluator.beir(queries, qrels, ["bm25", "dense", "hybrid"])
    assert [r.mode for r in reports] == ["bm25", "dense", "hybrid"]
    for report in reports:
        assert report.queries == 2
        assert report.means["success1"] == 1.0 and report.means["ndcg10"] == 1.0
        assert len(report.rank_ms) == 2 and report.latency()["median_ms"] >= 0
    assert runs["hybrid"]["1"].keys[0] == "d1"
    assert len(set(runs["dense"]["1"].keys)) == len(runs["dense"]["1"].keys)  # by document
    table = format_table(reports, judged=False)
    assert "nDCG@10" in table and "final pipeline" in table
    with pytest.raises(EvalError, match="no query"):
        evaluator.beir({"9": "q"}, qrels, ["bm25"])


def test_window_baseline_finds_the_window(fake_encoder) -> None:
    baseline = WindowBaseline(size=60, overlap=10).build(
        [("a", "Tight hamstrings pull on the pelvis. " * 3), ("b", "Bread needs flour. " * 3)],
        fake_encoder)
    ranking = baseline.rank("hamstrings pelvis", fake_encoder.encode(["hamstrings pelvis"])[0],
                           10)
    assert ranking.keys[0].startswith("a#w")
    assert ranking.vectors is not None and ranking.vectors.shape[0] == len(ranking.keys)


def test_duplicate_pairs_counts_near_duplicates(fake_encoder, beir_index: Path) -> None:
    evaluator = Evaluator(Searcher(load_current(beir_index), fake_encoder))
    texts = ["Tight hamstrings pull on the pelvis and strain the back.",
             "Tight hamstrings pull on the pelvis and strain the lower back.",
             "Worn running shoes lose their cushioning."]
    vectors = fake_encoder.encode(texts)
    assert evaluator.duplicate_pairs(Ranking(["a", "b", "c"], [3, 2, 1], texts, vectors), 5) == 1
    assert evaluator.duplicate_pairs(Ranking(["a"], [1], texts[:1], vectors[:1]), 5) == 0
    assert np.isfinite(vectors).all()


def test_cli_eval_on_the_judged_set(shipped_index_dir: Path, capsys: pytest.CaptureFixture,
                                    tmp_path: Path) -> None:
    from backqa.cli import main
    from backqa.index.calibration import read_calibration

    judged = PROJECT / "tests" / "judged" / "questions.jsonl"
    assert main(["eval", "--queries", str(tmp_path / "q.jsonl")]) == 2  # needs --qrels
    assert main(["eval", "--queries", "q", "--qrels", "r", "--mode", "windows"]) == 2
    out = tmp_path / "calibration.json"
    assert main(["eval", "--judged", str(judged), "--index", str(shipped_index_dir),
                 "--mode", "hybrid", "--json", "--calibrate", "--calibration-out",
                 str(out)]) == 0
    report = json.loads(capsys.readouterr().out)[0]
    assert report["mode"] == "hybrid"
    assert report["no_match_off_topic"] == report["off_topic"] >= 6
    assert report["metrics"]["ndcg10"] > 0.5 and report["latency"]["median_ms"] > 0
    calibration = read_calibration(out)
    assert calibration.on_topic >= 40 and calibration.margin_dense > 0
    assert main(["eval", "--judged", str(tmp_path / "missing.jsonl"), "--index",
                 str(shipped_index_dir)]) == 2
