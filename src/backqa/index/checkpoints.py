"""Named points in building and publishing a version, where a listener may act.

Nothing listens in production. The crash-safety tests register a listener that kills the
process at a chosen point, to show that a crash anywhere leaves a complete live version.
"""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable[[str], None]] = []


def checkpoint(stage: str) -> None:
    """Announce that the build reached `stage` (read, embedding, store, ..., point:current)."""
    for listener in _listeners:
        listener(stage)


def on_checkpoint(listener: Callable[[str], None]) -> None:
    """Call `listener(stage)` at every checkpoint from now on."""
    _listeners.append(listener)
