"""The real `backqa` command line with the fast FakeEncoder, for subprocess tests.

    python tests/fake_backqa.py ingest PATH --index DIR      (any `backqa` arguments)

Test-only switches, read from the environment:
- BACKQA_TEST_TRACE=FILE   append each ingest checkpoint reached (one name a line) to FILE
- BACKQA_TEST_KILL=STAGE[:N]   SIGKILL the process at the N-th time STAGE is reached (default
  1st); besides the ingest checkpoints, `point:previous` and `point:current` are the moments
  inside publish just before each symlink is switched
- BACKQA_TEST_ENCODE_DELAY=SECONDS   sleep this long per embedding batch (to widen the window)
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import backqa.encoder
import backqa.ingest
from backqa.cli import main
from backqa.versions import IndexDirectory
from conftest import FakeEncoder

_seen: dict[str, int] = {}
_trace_fd = (os.open(os.environ["BACKQA_TEST_TRACE"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
             if os.environ.get("BACKQA_TEST_TRACE") else None)
_kill_stage, _, _kill_count = os.environ.get("BACKQA_TEST_KILL", "").rpartition(":")
if not _kill_count.isdigit():
    _kill_stage, _kill_count = os.environ.get("BACKQA_TEST_KILL", ""), "1"
_original_checkpoint = backqa.ingest.checkpoint


def traced(stage: str) -> None:
    """Record the stage, then kill here if asked to; then the normal checkpoint."""
    _seen[stage] = _seen.get(stage, 0) + 1
    if _trace_fd is not None:
        os.write(_trace_fd, f"{stage}\n".encode())
    if stage == _kill_stage and _seen[stage] == int(_kill_count):
        os.kill(os.getpid(), signal.SIGKILL)
    _original_checkpoint(stage)


class SlowFakeEncoder(FakeEncoder):
    def encode(self, texts, batch_size=32, progress=False):  # type: ignore[no-untyped-def]
        time.sleep(float(os.environ.get("BACKQA_TEST_ENCODE_DELAY", "0")))
        return super().encode(texts, batch_size, progress)


_original_point = IndexDirectory._point


def traced_point(self: IndexDirectory, link: Path, version_id: str) -> None:
    traced(f"point:{link.name}")
    _original_point(self, link, version_id)


backqa.ingest.checkpoint = traced
backqa.ingest.model_identity = lambda *a, **k: FakeEncoder.identity
backqa.encoder.load_encoder = lambda backend="auto": SlowFakeEncoder()
IndexDirectory._point = traced_point  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main())
