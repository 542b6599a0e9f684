"""`backqa inspect`, and `backqa ingest [--watch]` output when it goes to a log (not a TTY)."""

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backqa.cli import main
from helpers import FIXTURES, LIBRARY, fake_cli

WAIT = 60.0  # seconds before giving up on the subprocess (a failure, not a speed target)


def test_inspect_prints_title_kind_dropped_lines_tree_and_passages(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(FIXTURES / "saved-page.html")]) == 0
    out = capsys.readouterr().out
    assert "title: Hamstring Tightness and Your Lower Back" in out
    assert "kind: article" in out
    assert '[chrome: class or id "share-buttons"] Share Tweet' in out
    assert "[<footer> element] Copyright 2025 Example Running Blog" in out
    assert "  - section: Why It Happens [1 passage]" in out
    assert "    - section: Signs to Watch For [1 passage]" in out
    assert "Why It Happens > Signs to Watch For (article; 23 words; cause)" in out
    assert "near-duplicate groups (by wording; no model): none" in out


def test_inspect_json_is_the_whole_report(capsys: pytest.CaptureFixture[str]) -> None:
    path = LIBRARY / "forum-terrible-lower-back-pain-after-i-run.txt"
    assert main(["inspect", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    [document] = report["documents"]
    assert document["kind"] == "forum-thread" and document["title"].startswith("Why do I")
    assert {"text", "rule", "line"} == set(document["dropped"][0])
    assert {"number", "heading_path", "words", "topics", "text"} <= set(document["passages"][0])
    assert report["failed"] is False and report["problems"] == []


def test_inspect_bad_input_exits_1_naming_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('{"_id": "ok", "text": "Running form and the lower back."}\n{not json}\n')
    assert main(["inspect", str(path)]) == 1
    err = capsys.readouterr().err
    assert "records.jsonl:2: line skipped: invalid JSON" in err

    missing = tmp_path / "missing.md"
    assert main(["inspect", str(missing)]) == 1
    assert "missing.md: skipped:" in capsys.readouterr().err


def test_ingest_in_a_log_prints_one_line_per_stage(tmp_path: Path) -> None:
    library = tmp_path / "ingest"
    shutil.copytree(LIBRARY, library)
    process = fake_cli(["ingest", str(library), "--index", str(tmp_path / "index")], tmp_path)
    out, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0, err
    assert "\r" not in err  # no redrawn bars
    stage_lines = [line for line in err.splitlines() if line.startswith("ingest: ")]
    assert len(stage_lines) == 1 and stage_lines[0].startswith("ingest: embedding: ")
    assert "published" in out


def test_ingest_watch_reindexes_a_new_file_and_logs_plain_lines(tmp_path: Path) -> None:
    library = tmp_path / "ingest"
    library.mkdir()
    shutil.copy(LIBRARY / "why-does-my-back-hurt-after-running.txt", library)
    process = fake_cli(["ingest", str(library), "--index", str(tmp_path / "index"), "--watch"],
                       tmp_path, BACKQA_WATCH_SETTLE="0.3")
    try:
        assert process.stderr is not None and process.stdout is not None
        deadline = time.monotonic() + WAIT
        while "watching" not in process.stderr.readline():
            assert time.monotonic() < deadline and process.poll() is None
        assert "1 added" in process.stdout.readline()
        time.sleep(1.0)  # the watcher starts watching right after it says so
        shutil.copy(FIXTURES / "saved-page.html", library)
        second = process.stdout.readline()
        assert "1 added" in second and "1 unchanged" in second and "published" in second
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=WAIT)
    assert process.returncode == 130
    assert "\r" not in err


def test_watch_needs_one_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    process = fake_cli(["ingest", str(FIXTURES / "notes.md"), "--index", str(tmp_path / "i"),
                        "--watch"], tmp_path)
    _, err = process.communicate(timeout=WAIT)
    assert process.returncode == 2 and "give one library folder" in err


def test_main_runs_inspect_without_loading_a_model() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from backqa.cli import main; "
         f"main(['inspect', {str(FIXTURES / 'notes.md')!r}]); "
         "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"],
        capture_output=True, text=True, timeout=WAIT, check=True)
    assert done.stdout.strip().endswith("False False")
