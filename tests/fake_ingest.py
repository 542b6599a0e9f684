"""Run an ingest with the fast test encoder in a separate process (for kill and lock tests).

Usage: python tests/fake_ingest.py INDEX_DIR PATH [PATH ...]
Honours BACKQA_CRASH_AT like the real command; exits like `backqa ingest`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from backqa.ingest import IngestPipeline
from backqa.versions import IndexLocked
from conftest import PROJECT, FakeEncoder


class SlowFakeEncoder(FakeEncoder):
    """Sleeps a little per batch so a kill can land mid-embedding."""

    def encode(self, texts, batch_size=32, progress=False):  # type: ignore[no-untyped-def]
        time.sleep(float(__import__("os").environ.get("FAKE_ENCODER_DELAY", "0")))
        return super().encode(texts, batch_size, progress)


def main() -> int:
    index_dir, *paths = sys.argv[1:]
    encoder = SlowFakeEncoder()
    pipeline = IngestPipeline(Path(index_dir), PROJECT, encoder_factory=lambda: encoder,
                              identity=encoder.identity, progress=False)
    try:
        summary = pipeline.run([Path(p) for p in paths])
    except IndexLocked as exc:
        print(f"backqa ingest: {exc}", file=sys.stderr)
        return 2
    print(summary.line())
    return 1 if summary.skipped else 0


if __name__ == "__main__":
    sys.exit(main())
