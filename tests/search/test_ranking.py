"""Ranking adjustments: the best sentence in context, and a forum question below its answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from backqa.index.loaded import load_current
from backqa.search.fusion import RankingConfig
from backqa.search.searcher import Searcher
from helpers import FakeEncoder, pipeline

GENERIC = ("Back pain after running is common among runners of every level, and running with "
           "back pain can be frustrating; understanding back pain helps runners keep running.")
FOCUSED = ("Many things help a runner. Once the pain subsides, return to running gradually with "
           "short easy runs and add distance slowly. Sleep well and eat well too.")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "guide.md").write_text(f"# Back pain and running\n\n{GENERIC}\n\n"
                                     f"## Coming back\n\n{FOCUSED}\n")
    (folder / "thread.txt").write_text(
        "Question: how do I return to running after back pain?\n"
        "I had back pain and stopped running. How do I return to running after back pain?\n\n"
        "2 Answers\n\n"
        "  1. Start with short easy runs after the pain has gone and build up slowly over weeks.\n"
        "  2. Walk first, then jog, and see a physio if the pain comes back when you run.\n")
    return folder


def searcher(tmp_path: Path, library: Path, config: RankingConfig,
             enrich: bool = True) -> Searcher:
    encoder = FakeEncoder()
    index_dir = tmp_path / f"index-{enrich}"
    pipeline(index_dir, encoder, enrich=enrich).ingest([library])
    return Searcher(load_current(index_dir), encoder, config=config)


def test_a_forum_question_ranks_below_its_answers(tmp_path: Path, library: Path) -> None:
    question = "how do I return to running after back pain"
    plain = searcher(tmp_path, library, RankingConfig(question_penalty=0.0, sentence_weight=0))
    assert plain.search(question, k=3).results[0].kind == "forum-question"  # word for word
    lowered = searcher(tmp_path, library, RankingConfig(question_penalty=0.2, sentence_weight=0))
    before = {c.row: c.score for c in plain.rank(question, plain.embed(question), 100)}
    after = {c.row: c.score for c in lowered.rank(question, lowered.embed(question), 100)}
    kinds = lowered.index.store.passages_by_rows(list(after))
    for row, score in after.items():
        expected = before[row] - (0.2 if kinds[row].kind == "forum-question" else 0.0)
        assert score == pytest.approx(expected, abs=1e-6)
    answers_first = searcher(tmp_path, library, RankingConfig(question_penalty=1.0,
                                                             sentence_weight=0))
    kinds_ranked = [r.kind for r in answers_first.search(question, k=5).results]
    assert kinds_ranked[0] != "forum-question" and "forum-question" in kinds_ranked


def test_the_best_sentence_lifts_a_focused_passage(tmp_path: Path, library: Path) -> None:
    question = "once the pain subsides how should I return to running gradually"
    config = RankingConfig(question_penalty=1.0)  # keep the forum question out of the way
    with_sentences = searcher(tmp_path, library, config)
    assert with_sentences.ranker.sentences is not None
    candidates = with_sentences.rank(question, with_sentences.embed(question), 100)
    rows = [c.row for c in candidates]
    without = searcher(tmp_path, library, RankingConfig(question_penalty=1.0), enrich=False)
    assert without.ranker.sentences is None  # a version built without sentence vectors
    plain = without.rank(question, without.embed(question), 100)
    focused = next(r for r in range(len(rows))
                   if "subsides" in with_sentences.index.store.passages_by_rows(
                       [rows[r]])[rows[r]].text)
    plain_rows = [c.row for c in plain]
    plain_focused = next(r for r in range(len(plain_rows))
                         if "subsides" in without.index.store.passages_by_rows(
                             [plain_rows[r]])[plain_rows[r]].text)
    assert focused <= plain_focused
    gains = {c.row: c.score for c in candidates}
    assert max(gains.values()) > max(c.score for c in plain)  # the signal adds to the score
