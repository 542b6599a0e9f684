"""Lexical ranking: tokenising, BM25 top rows and coverage, including at large sizes."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import bm25s
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backqa.documents import Document, RawSource, Section
from backqa.index.lexical import ChunkedBM25Builder, LexicalIndex, top_rows
from backqa.index.store import stream_embed_texts, write_store
from backqa.ingest.chunking import Chunker
from backqa.text.terms import fold, tokenize
from helpers import WORDS, sentence


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


# -- the chunked build against bm25s's own ---------------------------------------------------

def bm25s_reference(texts: list[str]) -> bm25s.BM25:
    """The index as it was built before the chunked builder: bm25s from lists of terms."""
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    retriever.index([tokenize(t) or ["\x00empty"] for t in texts], show_progress=False)
    return retriever


def columns(retriever: bm25s.BM25) -> dict[str, tuple[list[int], list[int]]]:
    """Each term's posting list: (passage rows, float32 score bits), independent of how the
    vocabulary happens to be numbered (bm25s numbers it in set order)."""
    scores = retriever.scores
    out = {}
    for term, column in retriever.vocab_dict.items():
        if term == "":
            continue
        span = slice(int(scores["indptr"][column]), int(scores["indptr"][column + 1]))
        out[term] = (scores["indices"][span].tolist(),
                     scores["data"][span].view(np.int32).tolist())
    return out


def generated_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = [" ".join(sentence(rng) for _ in range(rng.randint(1, 12))) for _ in range(count)]
    # passages with no term at all (empty, stopwords only) and with one term many times
    texts[rng.randrange(count)] = ""
    texts[rng.randrange(count)] = "the and of it was"
    texts[rng.randrange(count)] = " ".join([rng.choice(WORDS)] * 300)
    return texts


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(3, 400),
       chunk_size=st.sampled_from([1, 7, 64, 10_000]))
def test_chunked_build_equals_bm25s_score_for_score(seed: int, count: int,
                                                    chunk_size: int) -> None:
    texts = generated_texts(seed, count)
    reference = bm25s_reference(texts)
    built = ChunkedBM25Builder(chunk_size=chunk_size).build(iter(texts))
    assert built.scores["num_docs"] == reference.scores["num_docs"] == count
    assert set(built.vocab_dict) == set(reference.vocab_dict)
    assert columns(built) == columns(reference)
    for key in ("data", "indices", "indptr"):
        assert built.scores[key].dtype == reference.scores[key].dtype
    assert np.array_equal(built.scores["indptr"], np.sort(built.scores["indptr"]))


def test_chunked_index_ranks_exactly_as_before(tmp_path: Path) -> None:
    texts = generated_texts(seed=3, count=1500)
    before = LexicalIndex(bm25s_reference(texts))
    LexicalIndex.build(texts).save(tmp_path / "bm25")
    after = LexicalIndex.load(tmp_path / "bm25")
    rng = random.Random(5)
    questions = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
                 for _ in range(40)] + ["the and of", "zebras and running"]
    for question in questions:
        assert np.array_equal(after.scores(question), before.scores(question)), question
        rows, scores = after.top(question, 50)
        want_rows, want_scores = before.top(question, 50)
        assert rows.tolist() == want_rows.tolist() and np.array_equal(scores, want_scores)
        assert after.best_coverage(question) == before.best_coverage(question)
    for term in [t for t in before.vocab if t]:  # "" is bm25s's own, never a term
        assert after.idf(term) == before.idf(term)


def test_chunked_build_does_not_depend_on_the_chunk_size() -> None:
    texts = generated_texts(seed=8, count=300)
    one = ChunkedBM25Builder(chunk_size=1).build(texts)
    all_at_once = ChunkedBM25Builder(chunk_size=1000).build(texts)
    assert one.vocab_dict == all_at_once.vocab_dict  # numbered by first appearance
    for key in ("data", "indices", "indptr"):
        assert np.array_equal(one.scores[key], all_at_once.scores[key])


def test_bm25_built_from_the_store_equals_the_one_from_the_passages(tmp_path: Path) -> None:
    rng = random.Random(2)
    documents, passages = [], []
    for n in range(6):
        source = RawSource(f"s{n}", f"s{n}.txt", "raw", "text", title=f"Source {n}")
        document = Document(source, f"Source {n}", "article", [
            Section([rng.choice(WORDS)], [" ".join(sentence(rng) for _ in range(8))
                                          for _ in range(5)])])
        documents.append(document)
        passages.extend(Chunker().split(document))
    write_store(tmp_path / "s.sqlite", documents, passages,
                {d.source.id: "now" for d in documents})
    streamed = list(stream_embed_texts(tmp_path / "s.sqlite", batch_size=4))
    assert streamed == [p.embed_text for p in passages]
    from_store = LexicalIndex.build(stream_embed_texts(tmp_path / "s.sqlite", batch_size=4))
    reference = LexicalIndex(bm25s_reference(streamed))
    assert columns(from_store.retriever) == columns(reference.retriever)
