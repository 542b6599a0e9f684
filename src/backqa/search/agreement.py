"""Agreement across sources: which independent sources say the same thing as a result.

Passages are compared by "claim vectors": the embedding of the passage text alone (no title or
headings, which make every passage of one library look alike), centred on the library's mean
and re-normalised, so what is left is what a passage says rather than that it is about back
pain. Two passages agree when their claim vectors' cosine is at least `threshold`, calibrated on
labelled pairs (tests/judged/agreement_pairs.jsonl; docs/beyond-search.md).

A source counts once however many of its passages agree (two passages of one article, or the
repeated articles of one page, are one source), and a passage copied near-verbatim from the
result (same near-duplicate group) is not independent agreement.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Calibrated with `calibrate(min_precision=0.85)` on the labelled pairs (see docs/beyond-search.md).
DEFAULT_THRESHOLD = 0.218


class AgreementFinder:
    """For each result, the sources whose passages say the same thing (its own source first)."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold

    def find(self, results: Sequence[int], vectors: np.ndarray, sources: Sequence[str],
            groups: Sequence[int | None] | None = None) -> list[list[str]]:
        """`vectors`, `sources` and `groups` describe a pool of passages (the question's
        candidates); `results` are positions in that pool. Returns, per result, the distinct
        source ids that agree with it: its own, then the others by closeness."""
        if not len(results):
            return []
        pool = np.asarray(vectors, dtype=np.float32)
        names: dict[str, int] = {}  # sources as small integers: compared without objects
        src = np.array([names.setdefault(s, len(names)) for s in sources], dtype=np.int64)
        ids = list(names)
        picked = np.asarray(results, dtype=np.int64)
        sims = pool[picked] @ pool.T  # results x pool, one matrix product
        agree = (sims >= self.threshold) & (src[None, :] != src[picked][:, None])
        if groups is not None:
            grp = np.array([-1 - i if g is None else g for i, g in enumerate(groups)],
                           dtype=np.int64)
            agree &= grp[None, :] != grp[picked][:, None]
        out: list[list[str]] = []
        for i, position in enumerate(picked.tolist()):
            columns = np.flatnonzero(agree[i])
            own = int(src[position])
            found = [own]
            for code in src[columns[np.argsort(-sims[i, columns], kind="stable")]].tolist():
                if code not in found:
                    found.append(code)
            out.append([ids[code] for code in found])
        return out


def precision_recall(similarities: np.ndarray, labels: np.ndarray,
                     threshold: float) -> tuple[float, float]:
    """Precision and recall of "agrees" = similarity >= threshold against labelled pairs."""
    predicted = np.asarray(similarities) >= threshold
    truth = np.asarray(labels, dtype=bool)
    tp = int((predicted & truth).sum())
    return tp / max(1, int(predicted.sum())), tp / max(1, int(truth.sum()))


def calibrate(similarities: np.ndarray, labels: np.ndarray, min_precision: float = 0.85) -> float:
    """The lowest threshold whose precision on the labelled pairs is at least `min_precision`
    (so recall is as high as that precision allows); the best-precision one if none is."""
    candidates = np.unique(np.asarray(similarities, dtype=np.float64))
    scored = [(t, *precision_recall(similarities, labels, t)) for t in candidates]
    good = [t for t, p, _ in scored if p >= min_precision]
    if good:
        return float(min(good))
    return float(max(scored, key=lambda x: (x[1], -x[0]))[0])
