"""Views of a text pooled from one forward pass: the model's token states, averaged over the
tokens of chosen character spans (the model's own pooling averages all of them).

A view is a tuple of (start, end) character spans of the text; its vector is the L2-normalised
mean of the token states whose characters overlap those spans, plus the [CLS] and [SEP]
tokens, which the model's own pooling also counts and which carry the whole window. A view
is "complete" when all its spans lie inside the model's window; the caller decides what to do
with a view that the window cut (`ingest.views` gives such sentences a window of their own).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Span = tuple[int, int]
View = tuple[Span, ...]


@dataclass(frozen=True)
class TokenStates:
    """One text's token states after the model: what views are pooled from."""

    states: np.ndarray  # (tokens, dimensions): the last hidden state, padding removed
    offsets: np.ndarray  # (tokens, 2): character span of each token; (0, 0) for special ones
    special: np.ndarray  # (tokens,): True for [CLS] and [SEP]
    covered: int | None  # end of the last character inside the window; None: nothing was cut


@dataclass(frozen=True)
class ViewVectors:
    """What `encode_views` returns for a batch of texts."""

    whole: np.ndarray  # (texts, dimensions): each text's own vector, as `encode` gives it
    vectors: list[np.ndarray]  # per text, (views, dimensions): L2-normalised float32
    complete: list[np.ndarray]  # per text, (views,) bool: all of the view inside the window


def pool_views(tokens: TokenStates, views: Sequence[View],
               specials: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The vectors of `views` pooled from `tokens`, and whether each view was complete;
    `specials`: count [CLS] and [SEP] in every view."""
    dims = tokens.states.shape[1]
    if not views:
        return np.zeros((0, dims), dtype=np.float32), np.zeros(0, dtype=bool)
    starts, ends = tokens.offsets[:, 0], tokens.offsets[:, 1]
    real = ~tokens.special
    weights = np.zeros((len(views), len(starts)), dtype=np.float32)
    complete = np.ones(len(views), dtype=bool)
    for row, view in enumerate(views):
        picked = tokens.special.copy() if specials else np.zeros_like(real)
        for start, end in view:
            picked |= real & (starts < end) & (ends > start)
            if tokens.covered is not None and end > tokens.covered:
                complete[row] = False
        weights[row] = picked
    pooled = weights @ tokens.states.astype(np.float32) / np.maximum(
        weights.sum(axis=1, keepdims=True), 1.0)
    return normalize(pooled), complete


def mean_pool(states: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The model's own pooling for a padded batch: masked mean, L2-normalised."""
    weights = mask[..., None].astype(np.float32)
    summed = (states * weights).sum(axis=1)
    return normalize(summed / np.clip(weights.sum(axis=1), 1e-9, None))


def normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
