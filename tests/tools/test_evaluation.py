"""The evaluation harness: reading BEIR and judged files, metrics, judges, the modes (the final
one being exactly the search output), reports, runs and progress."""

from __future__ import annotations

import io
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from backqa.index.loaded import load_current
from backqa.ingest.pipeline import IngestPipeline
from backqa.progress import Progress
from backqa.search.searcher import Searcher
from backqa.tools.evaluation.baseline import WindowBaseline, fixed_windows
from backqa.tools.evaluation.datasets import (
    SPLITS,
    EvalError,
    Evidence,
    JudgedQuestion,
    default_scope_files,
    judged_set_name,
    judged_set_paths,
    read_judged,
    read_judged_files,
    read_qrels,
    read_queries,
    read_scope,
    read_scope_files,
    split_files,
)
from backqa.tools.evaluation.evaluator import Evaluator
from backqa.tools.evaluation.judges import EvidenceJudge, QrelsJudge, normalize_text
from backqa.tools.evaluation.metrics import QueryScore, dcg, ndcg
from backqa.tools.evaluation.report import ModeReport, SetReport
from backqa.tools.evaluation.runs import Ranking, run_path, write_trec_run
from helpers import JUDGED, PROJECT, FakeEncoder


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
    assert score.recall5 == score.recall10 == score.recall100 == 0.5
    assert score.ndcg10 == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    perfect = QrelsJudge().score(["d2", "d1"], {"d1": 1, "d2": 1})
    assert perfect.ndcg10 == pytest.approx(1.0) and perfect.success1 == 1.0
    late = QrelsJudge().score([f"x{i}" for i in range(7)] + ["d1"], {"d1": 1})
    assert late.recall5 == 0.0 and late.recall10 == 1.0


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


def test_words_read_before_the_first_answer() -> None:
    q = question(Evidence(2, ("use ice packs",)), Evidence(1, ("rest",)))
    judge = EvidenceJudge()
    first = "Get some rest after the run."  # 6 words, related only
    answer = "Pain is common. Use ice packs twice a day. Then stretch gently every morning."
    sentence = answer.index("Use"), answer.index("day.") + 4
    # the highlight holds the phrase: words up to the end of the highlighted sentence
    assert judge.words_read(q, [first, answer], [None, sentence]) == 6 + 3 + 6
    # the highlight is elsewhere, or missing: the whole answering result is read
    other = answer.index("Then"), len(answer)
    assert judge.words_read(q, [first, answer], [None, other]) == 6 + 14
    assert judge.words_read(q, [answer], [None]) == 14
    assert judge.words_read(q, [first], [None]) == math.inf
    assert judge.words_read(q, [], []) == math.inf


def test_highlight_answers_looks_at_the_first_answering_result() -> None:
    q = question(Evidence(2, ("use ice packs",)), Evidence(1, ("rest",)))
    judge = EvidenceJudge()
    first = "Get some rest after the run."
    answer = "Pain is common. Use ice packs twice a day. Then stretch gently every morning."
    sentence = answer.index("Use"), answer.index("day.") + 4
    other = answer.index("Then"), len(answer)
    assert judge.highlight_answers(q, [first, answer], [(0, 4), sentence]) is True
    assert judge.highlight_answers(q, [first, answer, answer], [None, other, sentence]) is False
    assert judge.highlight_answers(q, [answer], [None]) is False
    assert judge.highlight_answers(q, [first], [(0, 4)]) is None  # nothing answers


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


GOOD = {"id": "q1", "question": "why?", "type": "cause",
        "evidence": [{"grade": 2, "phrases": ["because"]}]}


def test_read_judged_validates(tmp_path: Path) -> None:
    path = tmp_path / "judged.jsonl"
    off = {"id": "o1", "question": "bread?", "evidence": []}
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(off) + "\n")
    questions = read_judged(path)
    assert [q.on_topic for q in questions] == [True, False]
    bad = {**GOOD, "id": "q2", "evidence": [{"grade": 3, "phrases": ["x"]}]}
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(EvalError, match=r"judged\.jsonl:2: each evidence item"):
        read_judged(path)
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n")
    with pytest.raises(EvalError, match="duplicate id 'q1'"):
        read_judged(path)
    with pytest.raises(EvalError, match="cannot read"):
        read_judged(tmp_path / "missing.jsonl")


def test_judged_files_are_pooled_only_with_distinct_ids(tmp_path: Path) -> None:
    first, second = tmp_path / "questions.jsonl", tmp_path / "questions-holdout.jsonl"
    first.write_text(json.dumps(GOOD) + "\n")
    second.write_text(json.dumps({**GOOD, "id": "h1"}) + "\n")
    files = read_judged_files([first, second])
    assert [f.held_out for f in files] == [False, True]
    assert judged_set_name(files) == "questions.jsonl+questions-holdout.jsonl"
    assert judged_set_paths(tmp_path, judged_set_name(files)) == [first, second]
    second.write_text(json.dumps(GOOD) + "\n")
    with pytest.raises(EvalError, match=r"questions-holdout\.jsonl: id 'q1' is also in"):
        read_judged_files([first, second])


def test_splits_name_the_shipped_files() -> None:
    assert [p.name for p in split_files(JUDGED, "tune")] == [
        "questions.jsonl", "questions-batch2.jsonl", "questions-batch3.jsonl"]
    assert [p.name for p in split_files(JUDGED, "holdout")] == ["questions-holdout.jsonl"]
    assert all(p.is_file() for p in split_files(JUDGED, "all"))
    assert len(SPLITS["all"]) == 4
    with pytest.raises(EvalError, match="unknown split"):
        split_files(JUDGED, "train")


def test_scope_files_labelled_or_all_off_topic(tmp_path: Path) -> None:
    labelled = tmp_path / "scope_x.jsonl"
    labelled.write_text('{"q": "sore back after a run", "on_topic": true}\n\n'
                        '{"q": "shin splints", "on_topic": false}\n')
    assert [(q.id, q.on_topic) for q in read_scope(labelled)] == [
        ("scope_x.jsonl:1", True), ("scope_x.jsonl:3", False)]
    general = tmp_path / "off.jsonl"
    general.write_text('{"q": "bake bread", "warning": false}\n')
    assert [q.on_topic for q in read_scope(general, off_topic=True)] == [False]
    with pytest.raises(EvalError, match=r"off\.jsonl:1: needs a boolean field `on_topic`"):
        read_scope(general)
    general.write_text('{"question": "bake bread"}\n')
    with pytest.raises(EvalError, match="needs a string field `q`"):
        read_scope(general, off_topic=True)
    labelled_files, off_topic_files = default_scope_files(JUDGED)
    assert labelled_files and all(p.name.startswith("scope_") for p in labelled_files)
    assert [p.name for p in off_topic_files] == ["off_topic_general.jsonl",
                                                 "off_topic_written.jsonl"]
    pooled = read_scope_files(labelled_files, off_topic_files)
    assert [name for name, _ in pooled] == [p.name for p in labelled_files + off_topic_files]
    assert not any(q.on_topic for name, qs in pooled if name.startswith("off_topic") for q in qs)
    assert all(any(q.on_topic for q in qs) for name, qs in pooled if name.startswith("scope_"))


def test_fixed_windows_cover_the_text_without_cutting_words() -> None:
    words = [f"word{i}" for i in range(600)]
    text = " ".join(words)
    windows = fixed_windows(text, size=1000, overlap=200)
    assert all(len(w) <= 1000 for w in windows)
    assert len(windows) >= len(text) // 1000
    for window in windows:
        assert all(token in words for token in window.split())
    assert set(" ".join(windows).split()) == set(words)
    assert set(windows[0].split()) & set(windows[1].split())  # consecutive windows overlap
    assert fixed_windows("short text") == ["short text"]
    assert fixed_windows("") == []


def test_trec_run_format(tmp_path: Path) -> None:
    path = tmp_path / "run.txt"
    write_trec_run(path, {"7": Ranking(["d1", "d2"], [0.9, 0.5])}, "backqa-final")
    assert path.read_text().splitlines() == ["7 Q0 d1 1 0.900000 backqa-final",
                                              "7 Q0 d2 2 0.500000 backqa-final"]
    assert run_path(path, "bm25", True).name == "run.bm25.txt"
    assert run_path(path, "bm25", False) == path


def test_reports_pool_their_questions() -> None:
    def score(value: float) -> QueryScore:
        return QueryScore(value, value, value, value, value, value)

    a = ModeReport("final", {"q1": score(1.0)}, [1.0, 2.0], off_topic=1, no_match_on_topic=0,
                   no_match_off_topic=1, duplicate_pairs=1, words_read=[10.0],
                   highlight_answers=[True])
    b = ModeReport("final", {"q2": score(0.0), "q3": score(0.5)}, [3.0, 4.0, 5.0],
                   off_topic=0, no_match_on_topic=1, no_match_off_topic=0,
                   words_read=[20.0, math.inf], highlight_answers=[False, True, True])
    pooled = ModeReport.pooled([a, b])
    assert pooled.queries == 3 and pooled.means["ndcg10"] == pytest.approx(0.5)
    assert (pooled.off_topic, pooled.no_match_on_topic, pooled.no_match_off_topic) == (1, 1, 1)
    assert pooled.duplicate_pairs == 1 and pooled.words_read_median() == 20.0
    assert pooled.latency()["median_ms"] == 3.0
    assert pooled.to_dict()["words_read_before_answer"] == {"median": 20.0, "answered": 2,
                                                            "questions": 3}
    assert pooled.highlight_share() == 0.75
    assert pooled.to_dict()["highlight_shows_answer"] == {"share": 0.75, "shown": 3,
                                                          "answered": 4}
    other = ModeReport("bm25", {"q1": score(1.0)}, [1.0])
    assert ModeReport.pooled([other, other]).no_match_on_topic is None
    sets = SetReport.pooled("pooled", [SetReport("a", True, 2, [a]), SetReport("b", True, 2, [b])])
    assert sets.questions == 4 and sets.modes[0].queries == 3
    table = sets.table()
    assert "pooled: 4 questions (3 on-topic, 1 off-topic)" in table
    assert "final (Searcher.search)" in table and "1/1" in table


@pytest.fixture
def beir_index(tmp_path: Path, fake_encoder: FakeEncoder) -> Path:
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


def test_beir_ranks_documents_in_every_mode(beir_index: Path, fake_encoder: FakeEncoder) -> None:
    searcher = Searcher(load_current(beir_index), fake_encoder)
    evaluator = Evaluator(searcher)
    queries = {"1": "tight hamstrings strain", "2": "running shoes cushioning", "3": "x"}
    qrels = {"1": {"d1": 1}, "2": {"d2": 1}}
    result = evaluator.beir(queries, qrels)
    report, runs = result.report, result.runs
    assert [r.mode for r in report.modes] == ["bm25", "dense", "fusion", "final"]
    for mode in report.modes:
        assert mode.queries == 2
        assert mode.means["success1"] == 1.0 and mode.means["ndcg10"] == 1.0
        assert len(mode.ms) == 2 and (mode.latency()["median_ms"] or 0) > 0
    # final: the documents of `Searcher.search(question, k=100)`, in result order
    expected = list(dict.fromkeys(r.source.id for r in searcher.search(queries["1"],
                                                                       k=100).results))
    assert runs["final"]["1"].keys == expected
    assert report.modes[-1].no_match_on_topic == 0 and report.modes[0].no_match_on_topic is None
    assert len(set(runs["dense"]["1"].keys)) == len(runs["dense"]["1"].keys)  # by document
    table = report.table()
    assert "nDCG@10" in table and "fusion stage" in table and "final (Searcher.search)" in table
    with pytest.raises(EvalError, match="no query"):
        evaluator.beir({"9": "q"}, qrels, ["bm25"])
    with pytest.raises(EvalError, match="'windows' does not rank BEIR documents"):
        evaluator.beir(queries, qrels, ["windows"])


JUDGED_QUESTIONS = [
    JudgedQuestion("h", "why do tight hamstrings hurt my back", "cause", (
        Evidence(2, ("pull on the pelvis",)), Evidence(1, ("cushioning over time",)))),
    JudgedQuestion("s", "when should I replace my running shoes", "prevention", (
        Evidence(2, ("worn running shoes lose their cushioning",)),)),
    JudgedQuestion("off", "zxq vbnm", "off-topic", ()),
]


def test_judged_final_is_exactly_the_search_output(beir_index: Path,
                                                   fake_encoder: FakeEncoder) -> None:
    searcher = Searcher(load_current(beir_index), fake_encoder)
    report = Evaluator(searcher).judged(JUDGED_QUESTIONS, ["fusion", "final"])
    fusion, final = report.modes
    judge = EvidenceJudge()
    for q in JUDGED_QUESTIONS[:2]:
        page = [r.text for r in searcher.search(q.question, k=10).results]
        deep = [r.text for r in searcher.search(q.question, k=100).results]
        assert final.scores[q.id] == replace(judge.score(q, page),
                                             recall100=judge.score(q, deep).recall100)
        text = searcher.prepare(q.question)
        rows = [c.row for c in searcher.rank(text, searcher.embed(text), 100)]
        passages = searcher.index.store.passages_by_rows(rows)
        assert fusion.scores[q.id] == judge.score(q, [passages[r].text for r in rows])
    refused = searcher.search("zxq vbnm", k=10).no_match
    assert final.no_match_off_topic == int(refused) and final.off_topic == 1
    assert final.no_match_on_topic == 0 and fusion.no_match_off_topic is None
    assert len(final.words_read) == 2 and not final.embed_ms and len(fusion.embed_ms) == 3
    assert final.to_dict()["words_read_before_answer"] == {
        "median": final.words_read_median(), "answered": 2, "questions": 2}


def test_progress_is_one_line_per_stage_off_a_terminal(beir_index: Path,
                                                       fake_encoder: FakeEncoder) -> None:
    stream = io.StringIO()  # not a TTY, like `backqa eval ... 2> log`
    evaluator = Evaluator(Searcher(load_current(beir_index), fake_encoder),
                          progress=Progress(stream=stream))
    evaluator.judged(JUDGED_QUESTIONS, ["bm25", "final"], name="set.jsonl")
    lines = stream.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["set.jsonl embed", "set.jsonl bm25",
                                                      "set.jsonl final"]
    assert all("3/3 questions" in line for line in lines) and "\r" not in stream.getvalue()


def test_window_baseline_finds_the_window(fake_encoder: FakeEncoder) -> None:
    baseline = WindowBaseline(size=60, overlap=10).build(
        [("a", "Tight hamstrings pull on the pelvis. " * 3), ("b", "Bread needs flour. " * 3)],
        fake_encoder)
    ranking = baseline.rank("hamstrings pelvis", fake_encoder.encode(["hamstrings pelvis"])[0],
                            10)
    assert ranking.keys[0].startswith("a#w")
    assert ranking.vectors is not None and ranking.vectors.shape[0] == len(ranking.keys)


def test_duplicate_pairs_counts_near_duplicates(fake_encoder: FakeEncoder,
                                                beir_index: Path) -> None:
    evaluator = Evaluator(Searcher(load_current(beir_index), fake_encoder))
    texts = ["Tight hamstrings pull on the pelvis and strain the back.",
             "Tight hamstrings pull on the pelvis and strain the lower back.",
             "Worn running shoes lose their cushioning."]
    vectors = fake_encoder.encode(texts)
    assert evaluator.duplicate_pairs(Ranking(["a", "b", "c"], [3, 2, 1], texts, vectors), 5) == 1
    assert evaluator.duplicate_pairs(Ranking(["a", "b", "c"], [3, 2, 1], texts), 5) == 1
    assert evaluator.duplicate_pairs(Ranking(["a"], [1], texts[:1], vectors[:1]), 5) == 0
    assert np.isfinite(vectors).all()
