"""The "no match" calibration of one library: the evidence thresholds below which a question
is answered with `no_match`, measured on that library's judged question set, and the scope
gate (`ScopeGate`) learned from the same questions plus labelled scope questions.

It lives beside the library (`ingest/no-match.json`), is written by
`backqa eval --judged ... --calibrate`, and is copied into the manifest of every index version
built from that folder; search reads it from the manifest. So the thresholds travel with the
library they were measured on, and an index built from another folder (SciFact, say) never
inherits them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CALIBRATION_FILE = "no-match.json"
# Share of the judged on-topic questions the thresholds must answer (see `calibrate`).
MIN_ANSWERED = 0.99


class CalibrationError(ValueError):
    """A calibration cannot be made or read; the message says why."""


class FoldFigures(BaseModel):
    """Out-of-fold refusals on one left-out file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    off_topic: int
    off_topic_refused: int
    on_topic: int
    on_topic_refused: int


class LabelledQuestion(BaseModel):
    """One question the scope gate learned from, as search embeds it, and its label."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    on_topic: bool


class ScopeGate(BaseModel):
    """The nearest labelled questions: a question's score is the mean cosine of its `k`
    nearest on-topic questions less that of its `k` nearest off-topic ones, and it is refused
    below `threshold`.

    `questions` are embedded at ingest into the version (`scope.npy`, rows in this order),
    so the gate always uses the index's own model. The threshold was set on out-of-fold scores
    (leave one file out) so that nearly every on-topic question is answered; `folds` holds
    those out-of-fold figures per file left out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    k: int = Field(ge=1)
    threshold: float
    questions: list[LabelledQuestion]
    training_files: list[str]
    folds: dict[str, FoldFigures] = Field(
        default_factory=dict, description="Per file left out: what the gate fit without it "
        "refused of that file's questions")


class NoMatchCalibration(BaseModel):
    """The thresholds, and what they were measured with and on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dense: float = Field(description="no_match needs the best cosine below this...")
    lexical: float = Field(description="...and the best idf-weighted term coverage below this")
    model_key: str
    judged_set: str
    on_topic: int
    off_topic: int
    margin_dense: float = Field(description="Distance from the dense threshold to the nearest "
                                            "question on each side")
    answered_off_topic: list[str] = Field(
        default_factory=list, description="Off-topic questions of the judged set that these "
        "thresholds still answer (closer to the library than an on-topic question)")
    refused_on_topic: list[str] = Field(
        default_factory=list, description="On-topic questions of the judged set given up: "
        "further from the library than the off-topic questions refused")
    calibrated_at: str
    scope: ScopeGate | None = Field(
        default=None, description="When present, also refuses what it scores below its "
        "threshold (the thresholds above still refuse what is far from the library)")

    @field_validator("scope", mode="before")
    @classmethod
    def _drop_the_logistic_gate(cls, value: object) -> object:
        """A gate of the earlier, logistic kind (weights, no questions) is dropped, so an
        index or a library calibrated before still loads, with its thresholds only, until it
        is recalibrated and rebuilt."""
        if isinstance(value, dict) and "vector_weights" in value and "questions" not in value:
            return None
        return value


def calibrate(on_topic: Sequence[tuple[str, float, float]],
              off_topic: Sequence[tuple[str, float, float]], *, model_key: str,
              judged_set: str, min_answered: float = MIN_ANSWERED) -> NoMatchCalibration:
    """Thresholds that answer (nearly) every on-topic question and refuse every off-topic one
    they can.

    Each question is `(id, best cosine, best lexical coverage)`. The lexical threshold sits
    halfway between the highest off-topic coverage and full coverage, so only a question whose
    rare words all meet in one passage is answered on words alone. The dense threshold sits
    halfway between the lowest cosine of the on-topic questions that words alone do not answer
    and the highest off-topic cosine below it. Answering a runner's question comes first: the
    few on-topic questions with the lowest cosines (at most `1 - min_answered` of them, those
    that share nothing with the library, such as "should I swap to the pool or a bike for a
    while?") are given up rather than letting every question that far from the library through,
    and named in `refused_on_topic`; an off-topic question closer to the library than the
    on-topic ones (a knee question, to a library on back pain) is answered, and named in
    `answered_off_topic`."""
    if not on_topic or not off_topic:
        raise CalibrationError("calibration needs both on-topic and off-topic questions")
    lexical = (max(q[2] for q in off_topic) + 1.0) / 2
    needs_dense = sorted((q for q in on_topic if q[2] < lexical), key=lambda q: q[1])
    given_up = needs_dense[: int((1.0 - min_answered) * len(on_topic))]
    kept = needs_dense[len(given_up):]
    low_on = kept[0][1] if kept else max(q[1] for q in off_topic) + 0.1
    below = [q[1] for q in off_topic if q[1] < low_on]
    top_below = max(below, default=low_on - 0.1)
    dense = (low_on + top_below) / 2
    return NoMatchCalibration(
        dense=round(dense, 4), lexical=round(lexical, 4), model_key=model_key,
        judged_set=judged_set, on_topic=len(on_topic), off_topic=len(off_topic),
        margin_dense=round((low_on - top_below) / 2, 4),
        answered_off_topic=sorted(q[0] for q in off_topic if q[1] >= dense or q[2] >= lexical),
        refused_on_topic=sorted(q[0] for q in on_topic if q[1] < dense and q[2] < lexical),
        calibrated_at=datetime.now(UTC).isoformat(timespec="seconds"))


def write_calibration(path: Path, calibration: NoMatchCalibration) -> None:
    """Write atomically (a reader sees the old file or the new one, never half)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(calibration.model_dump(), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_calibration(path: Path) -> NoMatchCalibration:
    """A library's calibration file; CalibrationError names the file and what is wrong."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalibrationError(f"{path}: cannot read ({exc})") from exc
    try:
        return NoMatchCalibration.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise CalibrationError(f"{path}: not valid JSON ({first['msg']})") from exc
        if first["type"] == "model_type":
            raise CalibrationError(f"{path}: expected a JSON object") from exc
        field = ".".join(str(part) for part in first["loc"])
        if first["type"] == "missing":
            raise CalibrationError(f"{path}: missing field {field!r}") from exc
        raise CalibrationError(f"{path}: field {field!r}: {first['msg']}") from exc


def find_calibration(paths: Sequence[Path]) -> Path | None:
    """The calibration file of the library being ingested: in a folder given, or beside a file
    given. None when there is none (or when the paths disagree, having different ones)."""
    found: set[Path] = set()
    for path in paths:
        folder = path if path.is_dir() else path.parent
        candidate = folder / CALIBRATION_FILE
        if candidate.is_file():
            found.add(candidate.resolve())
    return found.pop() if len(found) == 1 else None
