"""Pooling views (character spans) from one text's token states."""

from __future__ import annotations

import numpy as np

from backqa.encoders.pooling import TokenStates, mean_pool, pool_views


def states(covered: int | None = None) -> TokenStates:
    # [CLS] "back"(0-4) "pain"(5-9) "rest"(11-15) [SEP], one-hot states per token
    return TokenStates(states=np.eye(5, 4, dtype=np.float32) + 0.0,
                       offsets=np.array([[0, 0], [0, 4], [5, 9], [11, 15], [0, 0]]),
                       special=np.array([True, False, False, False, True]), covered=covered)


def test_a_view_averages_its_tokens_and_the_special_ones() -> None:
    vectors, complete = pool_views(states(), [((5, 15),), ((0, 4), (11, 15))])
    expected = np.array([[1, 0, 1, 1], [1, 1, 0, 1]], dtype=np.float32)  # row 4 is all zero
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(vectors, expected) and complete.tolist() == [True, True]
    alone, _ = pool_views(states(), [((5, 9),)], specials=False)
    assert np.allclose(alone, [[0, 0, 1, 0]])


def test_a_view_past_the_window_is_incomplete() -> None:
    _, complete = pool_views(states(covered=9), [((0, 9),), ((5, 15),)])
    assert complete.tolist() == [True, False]
    empty, flags = pool_views(states(), [])
    assert empty.shape == (0, 4) and flags.shape == (0,)


def test_mean_pool_is_the_masked_mean() -> None:
    batch = np.array([[[1.0, 0.0], [0.0, 1.0]], [[3.0, 4.0], [9.0, 9.0]]], dtype=np.float32)
    pooled = mean_pool(batch, np.array([[1, 1], [1, 0]]))
    assert np.allclose(pooled, [[0.7071068, 0.7071068], [0.6, 0.8]])
