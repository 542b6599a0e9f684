"""The no-match calibration: computed from judged evidence, kept beside the library, carried
into that library's index manifest only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backqa.index.calibration import (
    CALIBRATION_FILE,
    CalibrationError,
    FoldFigures,
    LabelledQuestion,
    NoMatchCalibration,
    ScopeGate,
    calibrate,
    find_calibration,
    read_calibration,
    write_calibration,
)
from backqa.index.loaded import load_current
from backqa.ingest.pipeline import IngestPipeline
from backqa.search.no_match import NoMatchRule
from backqa.search.searcher import Searcher
from helpers import PROJECT


def test_thresholds_sit_between_the_two_sides() -> None:
    on = [("a", 0.70, 1.0), ("b", 0.45, 0.2), ("c", 0.20, 0.9)]
    off = [("x", 0.30, 0.3), ("y", 0.05, 0.0)]
    c = calibrate(on, off, model_key="m", judged_set="set.jsonl")
    assert c.lexical == pytest.approx(0.65)  # halfway from the top off-topic 0.3 to 1.0
    assert c.dense == pytest.approx(0.375)  # halfway between off 0.30 and on 0.45 ("c" is
    assert c.margin_dense == pytest.approx(0.075)  # answered on its words)
    rule = NoMatchRule(c.dense, c.lexical)
    from backqa.search.no_match import Evidence

    assert all(not rule.refuses(Evidence(d, lx)) for _, d, lx in on)
    assert all(rule.refuses(Evidence(d, lx)) for _, d, lx in off)


def test_on_topic_questions_come_first_and_the_rest_are_named() -> None:
    """An off-topic question closer to the library than an on-topic one is answered (a knee
    question to a back-pain library), named; the ones further away are still refused."""
    on = [("a", 0.7, 1.0), ("b", 0.2, 0.1)]
    off = [("near", 0.3, 0.1), ("far", 0.05, 0.0), ("words", 0.1, 0.5)]
    c = calibrate(on, off, model_key="m", judged_set="s", min_answered=1.0)
    rule = NoMatchRule(c.dense, c.lexical)
    from backqa.search.no_match import Evidence

    assert all(not rule.refuses(Evidence(d, lx)) for _, d, lx in on)
    assert rule.refuses(Evidence(0.05, 0.0)) and rule.refuses(Evidence(0.1, 0.5))
    assert c.dense == pytest.approx(0.15)  # halfway between "b" 0.2 and "words" 0.1
    assert c.answered_off_topic == ["near"] and c.refused_on_topic == []


def test_the_on_topic_question_furthest_from_the_library_may_be_given_up() -> None:
    """With 99% to answer, one of 100 on-topic questions may be refused, so an off-topic
    question as far from the library as that one is refused too."""
    on = [(f"q{i}", 0.5 + i / 1000, 0.1) for i in range(99)] + [("odd", 0.15, 0.0)]
    off = [("bike", 0.16, 0.1), ("bread", 0.05, 0.0)]
    c = calibrate(on, off, model_key="m", judged_set="s")
    assert c.refused_on_topic == ["odd"] and c.answered_off_topic == []
    assert c.dense == pytest.approx((0.5 + 0.16) / 2)
    with pytest.raises(CalibrationError, match="both"):
        calibrate([], [("x", 0.3, 0.1)], model_key="m", judged_set="s")


def test_write_read_and_errors(tmp_path: Path) -> None:
    c = calibrate([("a", 0.6, 0.2)], [("x", 0.2, 0.1)], model_key="m", judged_set="s")
    path = tmp_path / CALIBRATION_FILE
    write_calibration(path, c)
    assert read_calibration(path) == c and c.scope is None  # a file without a gate reads
    gate = ScopeGate(k=3, threshold=-0.2, training_files=["a", "b"],
                     questions=[LabelledQuestion(text="why does my back ache", on_topic=True)],
                     folds={"a": FoldFigures(off_topic=2, off_topic_refused=1, on_topic=3,
                                             on_topic_refused=0)})
    with_gate = c.model_copy(update={"scope": gate})
    write_calibration(path, with_gate)
    assert read_calibration(path) == with_gate
    path.write_text("{")
    with pytest.raises(CalibrationError, match="not valid JSON"):
        read_calibration(path)
    path.write_text(json.dumps({"dense": 0.3}))
    with pytest.raises(CalibrationError, match="missing field"):
        read_calibration(path)


def test_found_beside_a_folder_or_a_file(tmp_path: Path) -> None:
    assert find_calibration([tmp_path]) is None
    (tmp_path / CALIBRATION_FILE).write_text("{}")
    (tmp_path / "corpus.jsonl").write_text("")
    assert find_calibration([tmp_path]) == (tmp_path / CALIBRATION_FILE).resolve()
    assert find_calibration([tmp_path / "corpus.jsonl"]) is not None


def _library(tmp_path: Path, name: str, calibration: NoMatchCalibration | None) -> Path:
    library = tmp_path / name
    library.mkdir()
    (library / "hamstrings.txt").write_text(
        "Hamstrings\n\nTight hamstrings pull on the pelvis and strain the lower back of "
        "runners, so stretch them after every run and before long ones.\n")
    if calibration is not None:
        write_calibration(library / CALIBRATION_FILE, calibration)
    return library


def test_ingest_carries_the_calibration_into_that_index_only(tmp_path: Path,
                                                              fake_encoder) -> None:
    strict = NoMatchCalibration(dense=0.99, lexical=0.99, model_key=fake_encoder.identity.key,
                                judged_set="s", on_topic=1, off_topic=1, margin_dense=0.0,
                                calibrated_at="now")

    def ingest(library: Path, index_dir: Path) -> Searcher:
        summary = IngestPipeline(index_dir, PROJECT, encoder_factory=lambda: fake_encoder,
                                 identity=fake_encoder.identity, progress=False).ingest([library])
        assert summary.version is not None or summary.unchanged
        return Searcher(load_current(index_dir), fake_encoder)

    calibrated = ingest(_library(tmp_path, "mine", strict), tmp_path / "a")
    assert calibrated.index.manifest.no_match.dense == 0.99
    assert calibrated.no_match_rule.source == "calibrated"
    assert calibrated.search("sourdough bread baking").no_match
    # the same documents in another folder, without a calibration: the default applies
    other = ingest(_library(tmp_path, "other", None), tmp_path / "b")
    assert other.index.manifest.no_match is None
    assert other.no_match_rule == NoMatchRule.default()
    assert not other.search("tight hamstrings").no_match

    # changing only the calibration publishes a new version (nothing re-embedded)
    mine = tmp_path / "mine"
    (mine / CALIBRATION_FILE).unlink()
    before = fake_encoder.calls[:]
    summary = IngestPipeline(tmp_path / "a", PROJECT, encoder_factory=lambda: fake_encoder,
                             identity=fake_encoder.identity, progress=False).ingest([mine])
    assert summary.version is not None and fake_encoder.calls == before
    assert load_current(tmp_path / "a").manifest.no_match is None


def test_another_models_calibration_is_not_used(tmp_path: Path, fake_encoder) -> None:
    wrong = NoMatchCalibration(dense=0.99, lexical=0.99, model_key="other-model", judged_set="s",
                               on_topic=1, off_topic=1, margin_dense=0.0, calibrated_at="now")
    library = _library(tmp_path, "lib", wrong)
    notes: list[str] = []
    IngestPipeline(tmp_path / "i", PROJECT, encoder_factory=lambda: fake_encoder,
                   identity=fake_encoder.identity, progress=False,
                   log=notes.append).ingest([library])
    assert load_current(tmp_path / "i").manifest.no_match is None
    assert any("other-model" in n for n in notes)


def test_shipped_library_has_a_calibration_for_the_bundled_model() -> None:
    from backqa.encoders.identity import model_identity

    shipped = read_calibration(PROJECT / "ingest" / CALIBRATION_FILE)
    assert shipped.model_key == model_identity().key
    assert shipped.off_topic >= 6 and shipped.on_topic >= 40
    assert 0 < shipped.dense < 1 and 0 < shipped.lexical <= 1


def test_a_gate_of_the_earlier_logistic_kind_is_dropped_not_fatal(tmp_path: Path) -> None:
    """Indexes and libraries calibrated before the nearest-questions gate still load, with
    their thresholds only."""
    c = calibrate([("a", 0.6, 0.2)], [("x", 0.2, 0.1)], model_key="m", judged_set="s")
    raw = json.loads(c.model_dump_json())
    raw["scope"] = {"features": ["dense"], "feature_weights": [1.0], "vector_weights": [0.5],
                    "bias": 0.1, "threshold": -0.2, "regularization": 0.03,
                    "training_files": ["a", "b"], "folds": {}}
    path = tmp_path / CALIBRATION_FILE
    path.write_text(json.dumps(raw))
    old = read_calibration(path)
    assert old.scope is None and old.dense == c.dense
    raw["scope"] = {"k": 3}  # the new kind, incomplete: still an error naming the field
    path.write_text(json.dumps(raw))
    with pytest.raises(CalibrationError, match="missing field"):
        read_calibration(path)
