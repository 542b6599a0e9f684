"""The honest "no match": refuse a question when the library has too little on it.

Both parts are the library's own calibration (`index.calibration.NoMatchCalibration`, stored
in the manifest), so one library's calibration never silences another; a question is refused
when either refuses it:
- the thresholds: both the best cosine and the best term coverage below their calibrated
  values (an uncalibrated index's default refuses only what shares nothing with it);
- the scope gate (`ScopeGate`), when calibrated: the labelled questions nearest to the
  question's embedding (that library's judged and scope questions, embedded at ingest into
  the version's `scope.npy`), on topic against off topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from backqa.index.calibration import NoMatchCalibration, ScopeGate
from backqa.search.nearest import top_k_mean


@dataclass(frozen=True)
class Evidence:
    """How much the library has on a question: the best cosine of any passage and the largest
    idf-weighted share of the question's terms that any one passage contains."""

    dense: float
    lexical: float


@dataclass(frozen=True)
class ScopeScorer:
    """A `ScopeGate` with its questions' vectors, split by label: two products with the
    question embedding and two partial sorts per search."""

    on_topic_vectors: np.ndarray  # L2-normalised float32, one row per on-topic question
    off_topic_vectors: np.ndarray  # ... and per off-topic question
    k: int
    threshold: float

    @classmethod
    def of(cls, gate: ScopeGate, vectors: np.ndarray) -> ScopeScorer:
        """The scorer of `gate`, given its questions' vectors (rows in `gate.questions`
        order); ValueError when they do not fit, or a side has fewer than `k` questions."""
        labels = np.array([q.on_topic for q in gate.questions], dtype=bool)
        if vectors.ndim != 2 or len(vectors) != len(labels):
            raise ValueError(f"{vectors.shape} scope vectors for {len(labels)} questions")
        if labels.sum() < gate.k or (~labels).sum() < gate.k:
            raise ValueError(f"the scope gate needs at least k = {gate.k} on-topic and "
                             f"off-topic questions")
        unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return cls(np.ascontiguousarray(unit[labels], dtype=np.float32),
                   np.ascontiguousarray(unit[~labels], dtype=np.float32), gate.k,
                   gate.threshold)

    def score(self, vector: np.ndarray) -> float:
        """How on-topic the question is (`scope_scores` for one question): refused below
        `threshold`."""
        q = np.asarray(vector, dtype=np.float32)
        k = self.k
        nearest_on = np.partition(self.on_topic_vectors @ q, -k)[-k:].sum()
        nearest_off = np.partition(self.off_topic_vectors @ q, -k)[-k:].sum()
        return float(nearest_on - nearest_off) / k

    @property
    def dimensions(self) -> int:
        return int(self.on_topic_vectors.shape[1])


def scope_scores(similarities: np.ndarray, on_topic: np.ndarray, k: int) -> np.ndarray:
    """Per row of cosines to the labelled questions (or for one row), the mean of the `k`
    largest on-topic ones less the mean of the `k` largest off-topic ones."""
    sims = np.atleast_2d(similarities)
    scores = top_k_mean(sims[:, on_topic], k) - top_k_mean(sims[:, ~on_topic], k)
    return scores if np.ndim(similarities) == 2 else np.asarray(scores[0])


@dataclass(frozen=True)
class NoMatchRule:
    """`no_match` when both kinds of evidence are below their thresholds or, with a scope
    gate, when the gate scores the question below its threshold.

    Calibrated per library (stored in the index manifest under `no_match`), so one library's
    calibration never silences another; an index without one only refuses questions that
    share nothing with it at all (see `default`)."""

    dense: float
    lexical: float
    source: str = "default"
    scope: ScopeScorer | None = field(default=None, compare=False)

    def refuses(self, evidence: Evidence, vector: np.ndarray | None = None) -> bool:
        """Whether a question with this evidence (and embedding) gets `no_match`."""
        far = evidence.dense < self.dense and evidence.lexical < self.lexical
        if self.scope is not None and vector is not None and \
                vector.shape == (self.scope.dimensions,):
            return far or self.scope.score(vector) < self.scope.threshold
        return far

    @classmethod
    def default(cls) -> NoMatchRule:
        # Uncalibrated: no word in common and a cosine that all-MiniLM-L6-v2 gives unrelated
        # texts; a real question on any library's subject clears it.
        return cls(dense=0.15, lexical=0.01, source="default")

    @classmethod
    def calibrated(cls, calibration: NoMatchCalibration | None, model_key: str,
                   scope_vectors: np.ndarray | None = None) -> NoMatchRule:
        """The rule of a library's calibration, if it was made with this model; else default.
        The scope gate needs its questions' vectors (`scope_vectors`, from the version)."""
        if calibration is None or calibration.model_key != model_key:
            return cls.default()
        if calibration.scope is None or scope_vectors is None:
            return cls(calibration.dense, calibration.lexical, source="calibrated")
        return cls(calibration.dense, calibration.lexical, source="calibrated",
                   scope=ScopeScorer.of(calibration.scope, scope_vectors))
