"""Lexical ranking: tokenising, BM25 top rows and coverage, including at large sizes."""

from __future__ import annotations

import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backqa.index.lexical import LexicalIndex, top_rows
from backqa.text.terms import fold, tokenize


def slow_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@given(st.text(max_size=60))
def test_fold_matches_the_general_rule(text: str) -> None:
    assert fold(text) == slow_fold(text)


def test_tokenize_stems_and_drops_stopwords() -> None:
    assert tokenize("The runners were Running on the Sciática") == ["runner", "run", "sciatica"]


def reference_top(scores: np.ndarray, k: int) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")[:k]
    return order[scores[order] > 0]


@settings(max_examples=60, deadline=None)
@given(n=st.sampled_from([10, 1000, 60_000, 120_000]), k=st.integers(1, 300),
       zeros=st.floats(0.0, 1.0), seed=st.integers(0, 10_000), ties=st.booleans())
def test_top_rows_equals_a_full_sort(n: int, k: int, zeros: float, seed: int,
                                     ties: bool) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.random(n).astype(np.float32)
    if ties:
        scores = np.round(scores * 5) / 5
    scores[rng.random(n) < zeros] = 0.0
    got = top_rows(scores, k)
    want = reference_top(scores, k)
    assert got.dtype == np.int64 and len(set(got.tolist())) == len(got)
    assert np.array_equal(np.sort(scores[got]), np.sort(scores[want]))  # same scores (ties)
    assert (scores[got] > 0).all()


def test_top_rows_edge_cases() -> None:
    assert top_rows(np.zeros(0, dtype=np.float32), 5).size == 0
    assert top_rows(np.zeros(100_000, dtype=np.float32), 5).size == 0
    one = np.zeros(100_000, dtype=np.float32)
    one[77_777] = 0.5
    assert top_rows(one, 10).tolist() == [77_777]


def test_index_top_and_coverage() -> None:
    texts = ["lower back pain after running", "hamstring stretches for runners",
             "back pain and hamstring tightness", "bread recipes"]
    index = LexicalIndex.build(texts)
    rows, scores = index.top("back pain hamstring", 3)
    assert rows.tolist()[0] == 2 and set(rows.tolist()) == {0, 1, 2}
    assert (np.diff(scores) <= 0).all()
    assert index.top("sourdough", 3)[0].size == 0
    assert index.best_coverage("back pain hamstring") == 1.0
    assert 0 < index.best_coverage("back pain and zebras") < 1
    assert index.best_coverage("zebras") == 0.0


def test_spelling_is_fixed_towards_the_library_only() -> None:
    from backqa.search.spelling import SpellingCorrector

    index = LexicalIndex.build(["lower back pain after running", "herniated disc and sciatica",
                                "stretch your hamstrings before a run"])
    speller = SpellingCorrector(index)
    text, fixes = speller.correct_text("hernaited disk from runing, shoud i streach")
    assert text == "herniated disk from running, should i stretch"
    assert ("runing", "running") in fixes
    # English words the library lacks, acronyms, names and words with digits stay as typed
    for kept in ("How do I bake sourdough bread?", "DUSP4 and RUNX in wifi", "McKenzie"):
        assert speller.correct_text(kept) == (kept, [])
