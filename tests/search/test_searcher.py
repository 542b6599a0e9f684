"""Search: query handling, fusion, diversity, no-match and the response contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backqa.index.loaded import load_current
from backqa.ingest.dedup import NearDuplicateGrouper
from backqa.ingest.pipeline import IngestPipeline
from backqa.search.fusion import RankingConfig, minmax, rrf
from backqa.search.no_match import Evidence, NoMatchRule
from backqa.search.query import MAX_QUERY_CHARS, normalize_query
from backqa.search.searcher import Searcher
from backqa.search.spelling import SpellingCorrector
from helpers import PROJECT

# -- query normalisation (no index needed) ---------------------------------------------------


def test_normalize_folds_unicode_and_spacing() -> None:
    assert normalize_query("  Ｂａｃｋ\u00a0pain\n\tafter   running ") == "Back pain after running"
    assert normalize_query("") == ""


def test_long_question_keeps_its_question_sentences() -> None:
    story = " ".join(f"I ran {i} miles on Sunday and felt fine." for i in range(60))
    query = f"I jog every week. {story} Why does my lower back hurt after hills?"
    text = normalize_query(query)
    assert len(text) <= MAX_QUERY_CHARS
    assert text.endswith("Why does my lower back hurt after hills?")
    assert text.startswith("I jog every week.")
    unbroken = "x" * 3000
    assert len(normalize_query(unbroken)) == MAX_QUERY_CHARS
    words = " ".join(["word"] * 400)
    cut = normalize_query(words)
    assert len(cut) <= MAX_QUERY_CHARS and cut.endswith("word")


def test_fusion_helpers() -> None:
    assert minmax(np.array([2.0, 4.0, 3.0])).tolist() == [0.0, 1.0, 0.5]
    assert minmax(np.array([0.0, 0.0])).tolist() == [0.0, 0.0]
    fused = rrf(np.array([0.1, 0.9, 0.0]), 60, positive=True)
    assert fused[1] > fused[0] > 0 and fused[2] == 0


def test_no_match_rule() -> None:
    rule = NoMatchRule(dense=0.3, lexical=0.6)
    assert rule.refuses(Evidence(0.2, 0.5))
    assert not rule.refuses(Evidence(0.4, 0.0))  # meaning is close enough
    assert not rule.refuses(Evidence(0.1, 0.9))  # all its rare words meet in one passage


# -- a small library with the fast fake encoder --------------------------------------------


@pytest.fixture
def small(tmp_path: Path, fake_encoder) -> Searcher:
    library = tmp_path / "library"
    library.mkdir()
    para = ("Tight hamstrings pull on the pelvis and strain the lower back of runners, "
            "so stretch them gently after every run and before long ones.")
    (library / "a.txt").write_text(f"Hamstrings\n\n{para}\n")
    (library / "b.txt").write_text(f"Hamstrings again\n\n{para}\n")  # a near-duplicate
    (library / "c.txt").write_text(
        "Shoes\n\nWorn running shoes lose their cushioning, so the impact of every stride "
        "reaches the lower back; replace them every few hundred miles.\n")
    (library / "d.md").write_text(
        "# Ice\n\nIce packs on the sore area for fifteen minutes calm inflammation after a "
        "hard run. Rest the next day.\n")
    index_dir = tmp_path / "index"
    IngestPipeline(index_dir, PROJECT, encoder_factory=lambda: fake_encoder,
                   identity=fake_encoder.identity, progress=False).ingest([library])
    return Searcher(load_current(index_dir), fake_encoder)


def test_near_duplicates_fold_into_one_result(small: Searcher) -> None:
    response = small.search("tight hamstrings strain the lower back", k=5)
    hamstring = [r for r in response.results if "hamstrings" in r.text]
    assert len(hamstring) == 1
    assert hamstring[0].similar_count == 1
    assert response.results[0] is hamstring[0]
    assert [r.rank for r in response.results] == list(range(1, len(response.results) + 1))


def test_results_name_source_and_highlight_with_offsets(small: Searcher) -> None:
    response = small.search("worn shoes cushioning", k=2)
    top = response.results[0]
    assert top.source.title == "Shoes" and top.source.path.endswith("c.txt")
    assert top.highlight is not None
    assert top.text[top.highlight_start:top.highlight_end] == top.highlight
    assert top.dense_score is not None and top.lexical_score is not None


def test_both_rankers_score_every_candidate(small: Searcher, fake_encoder) -> None:
    text = "ice packs"
    candidates = small.rank(text, fake_encoder.encode([text])[0], 100)
    assert candidates and all(c.dense is not None and c.lexical is not None
                              for c in candidates)
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert small.index.store.passages_by_rows([candidates[0].row])[
        candidates[0].row].text.startswith("Ice packs")


def test_rrf_fusion_is_available(small: Searcher, fake_encoder) -> None:
    rrf = Searcher(small.index, fake_encoder, config=RankingConfig(fusion="rrf"))
    assert rrf.search("ice packs", k=1).results[0].text.startswith("Ice packs")


def test_mmr_prefers_a_new_point_to_a_restatement(small: Searcher) -> None:
    rows = list(range(small.index.passage_count))
    vectors = small.vectors(rows)
    assert vectors is not None
    from backqa.search.fusion import Candidate

    pool = [Candidate(r, 1.0 - 0.01 * i, None, None) for i, r in enumerate(rows)]
    mixed = Searcher(small.index, small.encoder, config=RankingConfig(mmr_lambda=0.3))
    picked = mixed.diversifier.mmr(pool, 2)
    sims = vectors @ vectors.T
    # the second pick is not the first pick's closest neighbour when a distinct one exists
    assert picked[0].row == pool[0].row
    assert sims[picked[0].row, picked[1].row] < 0.99
    relevance_only = Searcher(small.index, small.encoder, config=RankingConfig(mmr_lambda=1.0))
    assert relevance_only.diversifier.mmr(pool, 2) == pool[:2]


def test_uncalibrated_index_refuses_only_what_shares_nothing(small: Searcher) -> None:
    assert small.no_match_rule.source == "default"
    assert small.search("zzqx vvbnm").no_match
    assert not small.search("ice").no_match
    empty = small.search("   ")
    assert empty.no_match and empty.results == []


def test_kind_filter_and_misspelling(small: Searcher) -> None:
    assert small.search("ice packs", kind="forum").results == []
    response = small.search("hamstrngs")
    assert response.corrected_query == "hamstrings"
    assert "hamstrings" in response.results[0].text


def test_a_misspelling_is_corrected_once_then_remembered(small: Searcher,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    speller = SpellingCorrector(small.index.lexical)
    asked: list[str] = []
    correct = speller.correct

    def counted(word: str) -> str | None:
        asked.append(word)
        return correct(word)

    monkeypatch.setattr(speller, "correct", counted)
    first = speller.correct_text("hamstrngs and icee")
    assert first[0].startswith("hamstrings ")
    assert speller.correct_text("hamstrngs and icee") == first
    assert asked == ["hamstrngs", "and", "icee"]  # each word looked up once
    bounded = SpellingCorrector(small.index.lexical, remembered=2)
    assert bounded.correct_text("hamstrngs and icee") == first
    assert len(bounded._corrections) <= 2


def test_sources_read_from_memory_equal_those_read_from_sqlite(small: Searcher) -> None:
    store = small.index.store
    ids = [s.id for s in store.sources()] + ["no-such-source"]
    from_memory = store.sources_by_ids(ids)
    store._sources = None  # as for a store too large to hold: one query
    try:
        assert store.sources_by_ids(ids) == from_memory and len(from_memory) == len(ids) - 1
    finally:
        store._sources = from_memory
    rows = [*range(small.index.passage_count), 10**6]
    assert list(store.passages_by_rows(rows)) == rows[:-1]


# -- the shipped library with the real model -------------------------------------------------


QUESTION = "Why does my lower back hurt after running?"


@pytest.mark.parametrize("variant", [
    QUESTION.upper(),
    QUESTION.lower().rstrip("?"),
    "¿¿Why does my lower-back hurt... after RUNNING?!!",
    "Why does my lower back hurt after running?  😖",
    "Why does my lowr bak hurt aftr runing?",
])
def test_case_punctuation_unicode_and_typos_keep_the_answer(shipped_searcher,
                                                            variant: str) -> None:
    reference = {r.passage_id for r in shipped_searcher.search(QUESTION, k=5).results}
    response = shipped_searcher.search(variant, k=5)
    assert not response.no_match
    assert len(reference & {r.passage_id for r in response.results}) >= 3


def test_a_very_long_question_is_answered(shipped_searcher) -> None:
    story = "I have been running three times a week for a year and I love it. " * 40
    response = shipped_searcher.search(story + "Should I use ice or heat on my back?", k=3)
    assert not response.no_match
    assert any("ice" in r.text.lower() or "heat" in r.text.lower() for r in response.results)


def test_no_near_duplicate_pair_in_the_top_five(shipped_searcher) -> None:
    grouper = NearDuplicateGrouper()
    for question in ("How can I prevent back pain when running?",
                     "Are you an avid runner with back pain?",
                     "core exercises for runners"):
        results = shipped_searcher.search(question, k=5).results
        rows = [shipped_searcher.index.store.passage(r.passage_id).row for r in results]
        vectors = shipped_searcher.vectors(rows)
        assert grouper.count_pairs([r.text for r in results], vectors) == 0


def test_off_topic_gets_no_match_and_on_topic_does_not(shipped_searcher) -> None:
    assert shipped_searcher.search("How do I change a bicycle tyre?").no_match
    assert shipped_searcher.search("What is the best sourdough starter?").no_match
    assert not shipped_searcher.search("my spine aches after a jog").no_match
