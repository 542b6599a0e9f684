"""Progress that suits where it goes: a bar on a terminal, one line per stage in a log.

`Progress.stage(name, total)` reports one stage of a long job (ingest, eval, bench). On a TTY
it draws a tqdm bar; otherwise (a log file, CI, a pipe) it prints a single line when the stage
ends; with `enabled=False` it prints nothing. A listener (`on_update`) is told of every step,
whatever is printed: the server uses it to show a reindex job's progress.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm


class StageProgress:
    """One running stage: call `advance(n)` as work is done."""

    def __init__(self, name: str, total: int, bar: tqdm | None,
                 on_update: Callable[[str, int, int], None] | None) -> None:
        self.name = name
        self.total = total
        self.done = 0
        self._bar = bar
        self._on_update = on_update

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
        if self._on_update is not None:
            self._on_update(self.name, self.done, self.total)


class Progress:
    """Where a job's progress goes. `enabled`: True, False, or None for "when useful"."""

    def __init__(self, enabled: bool | None = None, stream: TextIO | None = None,
                 on_update: Callable[[str, int, int], None] | None = None,
                 prefix: str = "") -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.on_update = on_update
        self.prefix = prefix

    @property
    def bars(self) -> bool:
        """Draw bars: only when enabled and writing to a terminal."""
        if self.enabled is False:
            return False
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    @property
    def lines(self) -> bool:
        """Print one line per stage: when enabled (or left to decide) and not on a terminal."""
        return self.enabled is not False and not self.bars

    @contextmanager
    def stage(self, name: str, total: int, unit: str = "item") -> Iterator[StageProgress]:
        """Report a stage of `total` units of work."""
        started = time.perf_counter()
        bar = tqdm(total=total, desc=self.prefix + name, unit=unit, file=self.stream,
                   leave=False) if self.bars else None
        progress = StageProgress(name, total, bar, self.on_update)
        try:
            yield progress
        finally:
            if bar is not None:
                bar.close()
            if self.lines:
                seconds = time.perf_counter() - started
                print(f"{self.prefix}{name}: {progress.done}/{total} {unit}s in {seconds:.1f}s",
                      file=self.stream, flush=True)
