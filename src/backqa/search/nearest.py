"""The one measure both labelled-question layers use: how close a question's nearest few are."""

from __future__ import annotations

import numpy as np


def top_k_mean(similarities: np.ndarray, k: int) -> np.ndarray:
    """Per row of cosines, the mean of the `k` largest (all of them if a row has fewer)."""
    if similarities.shape[1] <= k:
        return np.asarray(similarities.mean(axis=1))
    return np.asarray(np.partition(similarities, -k, axis=1)[:, -k:].mean(axis=1))
