"""Agreement across sources: independence rules, and the threshold on labelled pairs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backqa.index.claims import claim_vectors, load_claims, save_claims
from backqa.search.agreement import DEFAULT_THRESHOLD, AgreementFinder, calibrate, precision_recall
from helpers import JUDGED

PAIRS = JUDGED / "agreement_pairs.jsonl"


def _unit(*rows: list[float]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_one_source_counts_once() -> None:
    # Pool: the result (A), two more passages of A (one article), three of B (the repeated
    # articles of one page: one source), one of C; all saying the same thing.
    vectors = _unit(*[[1.0, 0.01 * i, 0.0] for i in range(7)])
    sources = ["A", "A", "A", "B", "B", "B", "C"]
    [agreeing] = AgreementFinder(0.5).find([0], vectors, sources)
    assert agreeing == ["A", "B", "C"]
    assert len(agreeing) == len(set(agreeing))


def test_only_close_passages_from_other_sources_agree() -> None:
    vectors = _unit([1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0.2, 0.98, 0])
    sources = ["A", "B", "C", "D"]
    result = AgreementFinder(0.8).find([0, 2], vectors, sources)
    assert result == [["A", "B"], ["C", "D"]]
    assert AgreementFinder(0.8).find([], vectors, sources) == []


def test_a_near_verbatim_copy_is_not_independent_agreement() -> None:
    vectors = _unit([1, 0, 0], [1, 0.01, 0], [0.95, 0.05, 0])
    sources = ["A", "copy-of-A", "B"]
    groups = [7, 7, None]  # the copy shares A's near-duplicate group
    assert AgreementFinder(0.5).find([0], vectors, sources, groups) == [["A", "B"]]


def test_closer_sources_come_first() -> None:
    vectors = _unit([1, 0, 0], [0.7, 0.7, 0], [0.99, 0.1, 0])
    assert AgreementFinder(0.5).find([0], vectors, ["A", "far", "near"]) == [["A", "near", "far"]]


def test_claim_vectors_are_centred_and_normalised(tmp_path: Path) -> None:
    raw = _unit([1, 1, 0], [1, 1, 0.2], [1, 0.8, 0])
    claims = claim_vectors(raw)
    assert np.allclose(np.linalg.norm(claims, axis=1), 1.0, atol=1e-5)
    assert float(claims[0] @ claims[1]) < float(raw[0] @ raw[1])  # shared component removed
    save_claims(raw, tmp_path)  # the text vectors: centred as it writes them, as float16
    stored = load_claims(tmp_path)
    assert stored is not None and stored.dtype == np.float16
    assert np.allclose(stored, claims, atol=1e-3)
    assert load_claims(tmp_path / "nowhere") is None
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "claims.npy").write_bytes(b"not numpy")
    with pytest.raises(ValueError, match=r"claims\.npy"):
        load_claims(tmp_path / "bad")


def test_calibrate_picks_the_lowest_threshold_with_enough_precision() -> None:
    sims = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    labels = np.array([True, True, False, True, False, False])
    threshold = calibrate(sims, labels, min_precision=0.75)
    assert threshold == 0.6
    assert precision_recall(sims, labels, threshold) == (0.75, 1.0)


def test_threshold_on_labelled_pairs(shipped_index_dir: Path, real_encoder) -> None:
    """Precision and recall of the shipped threshold on the labelled pairs
    (docs/beyond-search.md)."""
    from backqa.index.claims import load_claims
    from backqa.index.loaded import load_current

    index = load_current(shipped_index_dir)
    n = index.passage_count
    passages = index.store.passages_by_rows(list(range(n)))
    claims = load_claims(index.path)
    if claims is None:  # an index built before claim vectors were stored
        claims = claim_vectors(real_encoder.encode([passages[r].text for r in range(n)]))

    def norm(text: str) -> str:
        return " ".join(text.split())

    def row(snippet: str) -> int:
        found = [r for r in range(n) if norm(snippet) in norm(passages[r].text)]
        assert found, f"labelled passage not in the index: {snippet!r}"
        return found[0]

    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    assert len(pairs) >= 60 and sum(p["same"] for p in pairs) >= 30
    sims, labels = [], []
    for pair in pairs:
        a, b = row(pair["a"]), row(pair["b"])
        assert passages[a].source_id != passages[b].source_id, "pairs are across sources"
        sims.append(float(claims[a] @ claims[b]))
        labels.append(bool(pair["same"]))
    precision, recall = precision_recall(np.array(sims), np.array(labels), DEFAULT_THRESHOLD)
    assert precision >= 0.8 and recall >= 0.7, (precision, recall)
    assert abs(calibrate(np.array(sims), np.array(labels)) - DEFAULT_THRESHOLD) <= 0.05


def test_search_names_each_agreeing_source_once(shipped_searcher) -> None:
    store = shipped_searcher.index.store
    source_ids = {s.id for s in store.sources()}
    page = "back-pain-in-runners-five-articles"  # five articles published on one page
    seen_page_result = False
    for question in ("does a weak core cause back pain in runners?",
                     "how do I prevent back pain from overtraining?",
                     "which running shoes help with back pain?"):
        response = shipped_searcher.search(question, k=5)
        assert response.source_count == len(source_ids)
        for result in response.results:
            ids = result.agreeing_sources
            assert ids is not None and ids[0] == result.source.id
            assert len(ids) == len(set(ids)) and set(ids) <= source_ids
            assert set(ids) - {result.source.id} <= set(response.source_titles)
            seen_page_result |= result.source.id == page
    assert seen_page_result


def _direct(results: list[int], vectors: np.ndarray, sources: list[str],
            groups: list[int | None], threshold: float) -> list[list[str]]:
    """The definition, one pair at a time: other sources, other groups, at least the
    threshold, closest first (ties by pool order), each source once, own source first."""
    out = []
    for r in results:
        sims = vectors[[r]] @ vectors.T  # the same product as `find`, so the same floats
        close = [(-float(sims[0, j]), j) for j in range(len(sources))
                 if sources[j] != sources[r] and sims[0, j] >= threshold
                 and (groups[j] is None or groups[j] != groups[r])]
        found = [sources[r]]
        for _, j in sorted(close):
            if sources[j] not in found:
                found.append(sources[j])
        out.append(found)
    return out


@given(st.integers(0, 2**32 - 1), st.integers(2, 40))
def test_find_matches_the_direct_definition(seed: int, size: int) -> None:
    rng = np.random.default_rng(seed)
    vectors = _unit(*rng.standard_normal((size, 4)).tolist())
    sources = [f"s{i}" for i in rng.integers(0, 6, size)]
    groups: list[int | None] = [None if g < 0 else int(g) for g in rng.integers(-3, 3, size)]
    results = sorted(set(rng.integers(0, size, 3).tolist()))
    assert AgreementFinder(0.2).find(results, vectors, sources, groups) == \
        _direct(results, vectors, sources, groups, 0.2)
