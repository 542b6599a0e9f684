"""Progress output: a bar on a terminal, one line per stage in a log, nothing when off."""

from __future__ import annotations

import io

from backqa.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_stage(progress: Progress) -> None:
    with progress.stage("embedding", total=3, unit="text") as stage:
        for _ in range(3):
            stage.advance()


def test_a_log_gets_one_line_per_stage() -> None:
    log = io.StringIO()
    run_stage(Progress(stream=log, prefix="ingest: "))
    run_stage(Progress(stream=log, prefix="ingest: "))
    lines = log.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("ingest: embedding: 3/3 texts in ")


def test_a_terminal_gets_a_bar_and_no_summary_line() -> None:
    terminal = Terminal()
    run_stage(Progress(stream=terminal))
    out = terminal.getvalue()
    assert "embedding" in out and "\r" in out  # tqdm redraws in place
    assert "3/3 texts in" not in out


def test_off_prints_nothing_but_still_tells_the_listener() -> None:
    log = io.StringIO()
    seen: list[tuple[str, int, int]] = []
    run_stage(Progress(enabled=False, stream=log, on_update=lambda *a: seen.append(a)))
    assert log.getvalue() == ""
    assert seen == [("embedding", 1, 3), ("embedding", 2, 3), ("embedding", 3, 3)]
