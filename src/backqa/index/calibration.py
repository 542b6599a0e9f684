"""The "no match" calibration of one library: the evidence thresholds below which a question
is answered with `no_match`, measured on that library's judged question set.

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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

CALIBRATION_FILE = "no-match.json"


class CalibrationError(ValueError):
    """A calibration cannot be made or read; the message says why."""


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
    calibrated_at: str


def calibrate(on_topic: Sequence[tuple[str, float, float]],
              off_topic: Sequence[tuple[str, float, float]], *, model_key: str,
              judged_set: str) -> NoMatchCalibration:
    """Thresholds that refuse every off-topic question and answer every on-topic one.

    Each question is `(id, best cosine, best lexical coverage)`. The lexical threshold sits
    halfway between the highest off-topic coverage and full coverage, so only a question whose
    rare words all meet in one passage is answered on words alone; the dense threshold sits
    halfway between the highest off-topic cosine and the lowest cosine of the on-topic questions
    that words alone do not answer. Raises CalibrationError naming the questions that no pair
    of thresholds can separate."""
    if not on_topic or not off_topic:
        raise CalibrationError("calibration needs both on-topic and off-topic questions")
    lexical = (max(q[2] for q in off_topic) + 1.0) / 2
    needs_dense = [q for q in on_topic if q[2] < lexical]
    top_off = max(off_topic, key=lambda q: q[1])
    if needs_dense:
        low_on = min(needs_dense, key=lambda q: q[1])
        if low_on[1] <= top_off[1]:
            raise CalibrationError(
                f"cannot separate on-topic {low_on[0]} (cosine {low_on[1]:.3f}) from off-topic "
                f"{top_off[0]} (cosine {top_off[1]:.3f}); improve the ranking or the questions")
        dense = (low_on[1] + top_off[1]) / 2
        margin = (low_on[1] - top_off[1]) / 2
    else:
        dense = top_off[1] + 0.05
        margin = 0.05
    return NoMatchCalibration(
        dense=round(dense, 4), lexical=round(lexical, 4), model_key=model_key,
        judged_set=judged_set, on_topic=len(on_topic), off_topic=len(off_topic),
        margin_dense=round(margin, 4),
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
