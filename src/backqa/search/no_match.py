"""The honest "no match": refuse a question when the library has too little on it.

Both parts are the library's own calibration (`index.calibration.NoMatchCalibration`, stored
in the manifest), so one library's calibration never silences another; a question is refused
when either refuses it:
- the thresholds: both the best cosine and the best term coverage below their calibrated
  values (an uncalibrated index's default refuses only what shares nothing with it);
- the scope gate (`ScopeGate`), when calibrated: a logistic classifier over the question's
  embedding and the evidence below, learned from that library's judged and scope questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from backqa.index.calibration import NoMatchCalibration, ScopeGate

NEAREST = 5  # `Evidence.nearest`: the mean cosine of this many nearest passages


@dataclass(frozen=True)
class Evidence:
    """How much the library has on a question: the best cosine of any passage, the largest
    idf-weighted share of the question's terms that any one passage contains, the cosine of
    the best sentence of any candidate, and the mean cosine of the `NEAREST` nearest passages."""

    dense: float
    lexical: float
    sentence: float = 0.0
    nearest: float = 0.0


EVIDENCE_FEATURES = ("dense", "lexical", "sentence", "nearest")


@dataclass(frozen=True)
class ScopeScorer:
    """A `ScopeGate` as arrays: one dot product with the question embedding per search."""

    vector_weights: np.ndarray
    features: tuple[str, ...]
    feature_weights: np.ndarray
    bias: float
    threshold: float

    @classmethod
    def of(cls, gate: ScopeGate) -> ScopeScorer:
        unknown = set(gate.features) - set(EVIDENCE_FEATURES)
        if unknown or len(gate.features) != len(gate.feature_weights):
            raise ValueError(f"scope gate features {gate.features} do not fit the evidence "
                             f"({', '.join(EVIDENCE_FEATURES)})")
        return cls(np.asarray(gate.vector_weights, dtype=np.float32), tuple(gate.features),
                   np.asarray(gate.feature_weights, dtype=np.float64), gate.bias,
                   gate.threshold)

    def score(self, evidence: Evidence, vector: np.ndarray) -> float:
        """How on-topic the question is; refused below `threshold`."""
        values = np.array([getattr(evidence, name) for name in self.features])
        return float(self.vector_weights @ vector.astype(np.float32)) + \
            float(self.feature_weights @ values) + self.bias


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
                vector.shape == self.scope.vector_weights.shape:
            # the thresholds still refuse what is far from everything: a linear gate can
            # extrapolate wrongly there ("change a bicycle tyre", cosine 0.16, next to "swap
            # to a bike for a while")
            return far or self.scope.score(evidence, vector) < self.scope.threshold
        return far

    @classmethod
    def default(cls) -> NoMatchRule:
        # Uncalibrated: no word in common and a cosine that all-MiniLM-L6-v2 gives unrelated
        # texts; a real question on any library's subject clears it.
        return cls(dense=0.15, lexical=0.01, source="default")

    @classmethod
    def calibrated(cls, calibration: NoMatchCalibration | None, model_key: str) -> NoMatchRule:
        """The rule of a library's calibration, if it was made with this model; else default."""
        if calibration is None or calibration.model_key != model_key:
            return cls.default()
        if calibration.scope is None:
            return cls(calibration.dense, calibration.lexical, source="calibrated")
        return cls(calibration.dense, calibration.lexical, source="calibrated",
                   scope=ScopeScorer.of(calibration.scope))
