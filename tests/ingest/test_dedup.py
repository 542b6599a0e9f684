"""Near-duplicate grouping: close in meaning *and* in wording."""

from __future__ import annotations

import numpy as np

from backqa.ingest.dedup import NearDuplicateGrouper, overlap, shingles

A = "Tight hamstrings pull on the pelvis and strain the lower back of runners."
B = "Tight hamstrings pull on the pelvis and strain the lower back of many runners."
C = "Worn running shoes lose their cushioning and the impact reaches the back."


def unit(*rows: list[float]) -> np.ndarray:
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_shingle_overlap() -> None:
    assert overlap(shingles(A), shingles(B)) > 0.8
    assert overlap(shingles(A), shingles(C)) < 0.25
    assert overlap(set(), shingles(A)) == 0.0


def test_groups_need_close_vectors_and_shared_wording() -> None:
    grouper = NearDuplicateGrouper()
    vectors = unit([1, 0, 0], [0.99, 0.05, 0], [0.98, 0.1, 0])
    groups = grouper.group([A, B, C], vectors)
    assert groups[0] == groups[1] is not None
    assert groups[2] is None  # close vector, different wording: a different point
    far = unit([1, 0, 0], [0, 1, 0], [0, 0, 1])
    assert grouper.group([A, B, C], far) == [None, None, None]  # same words, other meaning


def test_exact_copies_group_and_pairs_are_counted() -> None:
    grouper = NearDuplicateGrouper()
    vectors = unit([1, 0], [1, 0], [0.99, 0.1])
    assert grouper.related(A, A + "  ", 0.95)
    assert grouper.count_pairs([A, A, B], vectors) == 3
    assert grouper.count_pairs([A, C], unit([1, 0], [0, 1])) == 0
    assert grouper.group([A], unit([1, 0])) == [None]
