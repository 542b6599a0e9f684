"""The minimal service `backqa serve` is compared with: one FastAPI endpoint that embeds the
question with the same ONNX encoder and finds its nearest of `size` unit vectors in a FAISS
`IndexFlatIP`; nothing else (no spelling, BM25, fusion, notice, highlight, metrics or log).
It answers `GET /api/search?q=...&k=5` like `backqa serve`, so the same load generator drives
it, and `/readyz` once loaded (with the process's CPU seconds, for CPU per request).

    .venv/bin/python -m backqa.tools.loadtest.reference_app --port 8100 --vectors 1000
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from backqa.encoders.identity import Encoder
from backqa.tools.loadtest.server import free_port, server_process

REFERENCE_VECTORS = 1000


def reference_vectors(size: int, dimensions: int, seed: int = 0) -> np.ndarray:
    """`size` random unit vectors (float32, reproducible by `seed`): the library to search."""
    vectors = np.random.default_rng(seed).standard_normal((size, dimensions)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def create_reference_app(encoder: Encoder, vectors: np.ndarray) -> Any:
    """The reference app: `GET /api/search?q=&k=` embeds `q` and returns the `k` nearest rows
    of `vectors` (`{"rows": [...], "scores": [...]}`); `GET /readyz` answers 200 with the
    process's CPU seconds so far (`cpu_seconds`)."""
    import faiss
    from fastapi import FastAPI, Query

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    app = FastAPI()

    @app.get("/api/search")
    def search(q: str = Query(min_length=1), k: int = Query(5, ge=1, le=50)) -> dict[str, Any]:
        vector = encoder.encode([q])
        scores, rows = index.search(np.ascontiguousarray(vector, dtype=np.float32), k)
        return {"rows": rows[0].tolist(), "scores": scores[0].tolist()}

    @app.get("/readyz")
    def ready() -> dict[str, Any]:
        # The process's CPU seconds so far: the load test's figure that holds on a busy machine.
        return {"status": "ready", "cpu_seconds": time.process_time()}

    return app


def reference_cpu(base_url: str) -> float:
    """The reference app's CPU seconds so far."""
    import httpx

    return float(httpx.get(f"{base_url}/readyz", timeout=10).json()["cpu_seconds"])


@contextlib.contextmanager
def reference_process(size: int = REFERENCE_VECTORS, backend: str = "onnx",
                      ready_timeout_s: float = 120.0,
                      log_path: Path | None = None) -> Iterator[str]:
    """Run the reference app (encoder `backend`, `size` vectors) in its own process on a free
    127.0.0.1 port until the block ends; yields its base URL once it answers."""
    port = free_port()
    with server_process(["-m", "backqa.tools.loadtest.reference_app", "--port", str(port),
                         "--vectors", str(size), "--encoder", backend], port,
                        ready_timeout_s=ready_timeout_s, log_path=log_path,
                        name="the reference app") as base_url:
        yield base_url


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import uvicorn

    from backqa.encoders import load_encoder

    parser = argparse.ArgumentParser(prog="python -m backqa.tools.loadtest.reference_app",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--vectors", type=int, default=REFERENCE_VECTORS)
    parser.add_argument("--encoder", default="onnx", help="encoder backend (default onnx)")
    args = parser.parse_args(argv)
    encoder = load_encoder(args.encoder)
    app = create_reference_app(encoder, reference_vectors(args.vectors,
                                                          encoder.identity.dimensions))
    # As `backqa serve` runs: uvicorn's defaults (uvloop and httptools when installed), no
    # access log.
    uvicorn.run(app, host="127.0.0.1", port=args.port, access_log=False, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
