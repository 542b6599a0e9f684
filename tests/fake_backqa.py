"""The real `backqa` command line with the fast FakeEncoder, for subprocess tests.

    python tests/fake_backqa.py ingest PATH --index DIR      (any `backqa` arguments)

Test-only switches, read from the environment (the one crash-injection mechanism):
- BACKQA_TEST_KILL=STAGE[:N]   SIGKILL the process the N-th time (default 1st) the build
  reaches checkpoint STAGE (`backqa.index.checkpoints`: read, embedding, embedded, store,
  vectors, lexical, manifest, built, point:previous, point:current, published)
- BACKQA_TEST_TRACE=FILE   append each checkpoint reached (one name a line) to FILE
- BACKQA_TEST_ENCODE_DELAY=SECONDS   sleep this long per embedding batch (to widen the window)
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import backqa.encoders
import backqa.ingest.pipeline
from backqa.cli import main
from backqa.index.checkpoints import on_checkpoint
from helpers import FakeEncoder

_seen: dict[str, int] = {}
_trace_fd = (os.open(os.environ["BACKQA_TEST_TRACE"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
             if os.environ.get("BACKQA_TEST_TRACE") else None)
_kill_stage, _, _kill_count = os.environ.get("BACKQA_TEST_KILL", "").rpartition(":")
if not _kill_count.isdigit():
    _kill_stage, _kill_count = os.environ.get("BACKQA_TEST_KILL", ""), "1"


def traced(stage: str) -> None:
    """Record the stage, then kill here if asked to."""
    _seen[stage] = _seen.get(stage, 0) + 1
    if _trace_fd is not None:
        os.write(_trace_fd, f"{stage}\n".encode())
    if stage == _kill_stage and _seen[stage] == int(_kill_count):
        os.kill(os.getpid(), signal.SIGKILL)


def slow_fake_encoder(backend: str = "auto") -> FakeEncoder:
    return FakeEncoder(delay=float(os.environ.get("BACKQA_TEST_ENCODE_DELAY", "0")))


on_checkpoint(traced)
backqa.ingest.pipeline.model_identity = lambda *a, **k: FakeEncoder.identity  # type: ignore[assignment]
backqa.encoders.load_encoder = slow_fake_encoder  # type: ignore[assignment]
backqa.encoders.backend_identity = lambda backend="auto": FakeEncoder.identity  # type: ignore[assignment]

if __name__ == "__main__":
    sys.exit(main())
