"""The honest "no match": refuse a question when the library has too little on it.

The thresholds are the library's own calibration (`index.calibration.NoMatchCalibration`,
stored in the manifest), so one library's calibration never silences another."""

from __future__ import annotations

from dataclasses import dataclass

from backqa.index.calibration import NoMatchCalibration


@dataclass(frozen=True)
class Evidence:
    """How much the library has on a question: the best cosine of any passage, and the largest
    idf-weighted share of the question's terms that any one passage contains."""

    dense: float
    lexical: float


@dataclass(frozen=True)
class NoMatchRule:
    """`no_match` when both kinds of evidence are below their thresholds.

    The thresholds are calibrated per library (stored in the index manifest under `no_match`),
    so one library's calibration never silences another; an index without one only refuses
    questions that share nothing with it at all (see `default`)."""

    dense: float
    lexical: float
    source: str = "default"

    def refuses(self, evidence: Evidence) -> bool:
        """Whether a question with this evidence gets `no_match`."""
        return evidence.dense < self.dense and evidence.lexical < self.lexical

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
        return cls(calibration.dense, calibration.lexical, source="calibrated")
