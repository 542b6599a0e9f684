"""`backqa eval` on the shipped library: several judged files, the pooled table, JSON with
every figure, calibration on the tuning files only, and plain progress lines in a log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backqa.cli import main
from helpers import JUDGED


def test_arguments_that_cannot_go_together(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    judged = str(JUDGED / "questions.jsonl")
    assert main(["eval", "--queries", str(tmp_path / "q.jsonl")]) == 2
    assert "--queries needs --qrels" in capsys.readouterr().err
    assert main(["eval", "--queries", "q", "--qrels", "r", "--mode", "windows"]) == 2
    assert main(["eval", "--queries", "q", "--qrels", "r", "--calibrate"]) == 2
    assert main(["eval", "--judged", judged, "--run-out", str(tmp_path / "run.txt")]) == 2
    assert "--run-out needs --queries" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["eval", "--split", "tune", "--judged", judged])  # one question set or the other


def test_inputs_are_checked_before_the_index_is_loaded(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-index"
    assert main(["eval", "--judged", str(tmp_path / "missing.jsonl"), "--index",
                 str(missing)]) == 2
    assert "missing.jsonl: cannot read" in capsys.readouterr().err
    assert main(["eval", "--split", "holdout", "--calibrate", "--index", str(missing)]) == 2
    assert "every file given is held out" in capsys.readouterr().err


def test_several_judged_files_pooled_and_calibrated_on_the_tuning_file_only(
        shipped_index_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from backqa.index.calibration import read_calibration
    from backqa.index.loaded import load_current
    from backqa.tools.evaluation.datasets import read_judged

    files = [JUDGED / "questions.jsonl", JUDGED / "questions-holdout.jsonl"]
    out = tmp_path / "calibration.json"
    assert main(["eval", "--judged", *map(str, files), "--index", str(shipped_index_dir),
                 "--mode", "final", "--json", "--calibrate", "--calibration-out",
                 str(out)]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert [s["name"] for s in report["sets"]] == ["questions.jsonl", "questions-holdout.jsonl"]
    first, second = report["sets"]
    pooled = report["pooled"]
    assert pooled["questions"] == first["questions"] + second["questions"]
    final = pooled["modes"][0]
    assert final["mode"] == "final" and final["queries"] == first["judged"] + second["judged"]
    assert final["off_topic"] == first["off_topic"] + second["off_topic"] >= 10
    assert set(final["metrics"]) == {"ndcg10", "mrr10", "recall5", "recall10", "recall100",
                                     "success1"}
    assert final["metrics"]["ndcg10"] > 0.4 and final["latency"]["median_ms"] > 0
    calibrated = load_current(shipped_index_dir).manifest.no_match
    answered = set(calibrated.answered_off_topic if calibrated else [])
    off_topic = {q.id for q in read_judged(files[0]) if not q.on_topic}
    assert first["modes"][0]["no_match_off_topic"] == len(off_topic - answered)
    assert final["words_read_before_answer"]["median"] > 0
    assert final["duplicate_pairs_top5"] == 0
    # progress: one plain line per stage (stderr is not a terminal here)
    stages = [line.split(":")[0] for line in captured.err.splitlines() if "/" in line
              and " in " in line]
    assert stages == ["questions.jsonl embed", "questions.jsonl final",
                      "questions-holdout.jsonl embed", "questions-holdout.jsonl final",
                      "no-match evidence"]
    assert "\r" not in captured.err
    calibration = read_calibration(out)
    assert calibration.judged_set == "questions.jsonl"  # the held-out file is left out
    assert calibration.on_topic == first["judged"] and calibration.margin_dense > 0
    # the scope gate: the tuning file and the scope files of tests/judged/, each left out once
    gate = calibration.scope
    assert gate is not None and "questions-holdout.jsonl" not in gate.training_files
    assert "questions.jsonl" in gate.training_files and set(gate.folds) == \
        set(gate.training_files)
    # its questions are the training files' questions, as search embeds them
    on_topic = sum(q.on_topic for q in gate.questions)
    assert len(gate.questions) - on_topic >= 100 and on_topic >= 100 and gate.k >= 1


def test_the_table_names_every_row(shipped_index_dir: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--judged", str(JUDGED / "questions.jsonl"), "--index",
                 str(shipped_index_dir)]) == 0
    table = capsys.readouterr().out
    for label in ("BM25 alone", "dense alone", "1000-char windows", "fusion stage",
                  "final (Searcher.search)", "words", "R@5", "off->nm"):
        assert label in table
    assert "pooled" not in table  # one file: no pooled table
