"""The nearest-few measure shared by the notice's layer and the scope gate."""

from __future__ import annotations

import numpy as np
import pytest

from backqa.search.nearest import top_k_mean


def test_each_rows_k_largest_are_averaged() -> None:
    sims = np.array([[0.1, 0.9, 0.5, 0.7], [0.2, 0.2, 0.8, -0.3]])
    assert top_k_mean(sims, 2) == pytest.approx([0.8, 0.5])
    assert top_k_mean(sims, 9) == pytest.approx(sims.mean(axis=1))  # fewer than k: all
