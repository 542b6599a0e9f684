import json
import subprocess
import sys
from pathlib import Path

import pytest

from backqa.cli import build_parser, main
from helpers import FIXTURES, PROJECT


def test_help_lists_the_commands() -> None:
    text = build_parser().format_help()
    for command in ("ingest", "search", "sources", "stats"):
        assert command in text


def test_search_without_an_index_says_what_to_do(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "back pain", "--index", str(tmp_path)]) == 2
    assert "backqa ingest" in capsys.readouterr().err


def test_k_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "x", "-k", "0"]) == 2


def test_search_sources_stats_on_the_shipped_index(shipped_index_dir: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    index = str(shipped_index_dir)
    assert main(["search", "why does my back hurt after hills", "--index", index, "-k", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Q: why does my back hurt after hills") and "\n1. " in out
    assert "forum answer #" in out

    assert main(["search", "core exercises", "--json", "-k", "2", "--index", index]) == 0
    response = json.loads(capsys.readouterr().out)
    assert set(response) >= {"query", "no_match", "notice", "results"}
    result = response["results"][0]
    assert set(result) >= {"rank", "score", "passage_id", "text", "highlight", "section", "kind",
                           "answer_number", "source"}
    assert set(result["source"]) >= {"id", "title", "path", "url"}

    assert main(["sources", "--index", index]) == 0
    out = capsys.readouterr().out
    assert out.count("ingest/") == 5 and "forum-thread" in out

    assert main(["stats", "--index", index, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["counts"]["sources"] == 5
    assert stats["model"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"


def test_search_json_reads_questions_from_stdin(shipped_index_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "backqa.cli", "search", "--json", "-", "-k", "2",
         "--index", str(shipped_index_dir)],
        input="why does my back hurt after hills\n\nis it ok to keep running with a sore back\n",
        capture_output=True, text=True, check=True, cwd=PROJECT, timeout=300)
    lines = done.stdout.strip().split("\n")
    assert [json.loads(line)["query"] for line in lines] == [
        "why does my back hurt after hills", "is it ok to keep running with a sore back"]


def test_ingest_exit_code_says_whether_anything_was_skipped(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "notes.md").write_text((FIXTURES / "notes.md").read_text())
    (library / "empty.txt").write_text("")
    command = [sys.executable, "-m", "backqa.cli", "ingest", str(library), "--index",
               str(tmp_path / "index")]
    first = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT, timeout=300)
    assert first.returncode == 1
    assert "empty.txt: skipped: file is empty" in first.stderr
    assert "1 added" in first.stdout and "1 skipped" in first.stdout
    (library / "empty.txt").unlink()
    second = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT, timeout=300)
    assert second.returncode == 0 and "1 unchanged" in second.stdout
    assert "index unchanged" in second.stdout


def test_serve_refuses_a_taken_port_before_loading_anything(
        capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--index", "/nonexistent"]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err


def test_search_into_a_closed_pipe_ends_quietly(shipped_index_dir: Path) -> None:
    """`backqa search --json - | head -1`: the reader leaves early; no traceback."""
    questions = "\n".join(["why does my back hurt after hills"] * 50) + "\n"
    proc = subprocess.run(
        f"{sys.executable} -m backqa.cli search --json - -k 1 --index {shipped_index_dir} "
        f"| head -c 10", shell=True, input=questions, capture_output=True, text=True,
        cwd=PROJECT, timeout=300)
    assert proc.returncode == 0 and len(proc.stdout) == 10
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
