"""Timing and memory helpers of the benchmark."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import psutil


def rss_mb(pid: int | None = None) -> float | None:
    """Resident memory of a process (default: this one) in MB, None when it is gone."""
    try:
        return round(float(psutil.Process(pid).memory_info().rss) / 2**20, 1)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Seconds taken by each of `repeat` calls."""
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def stats_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Median and 99th percentile in ms, and the count."""
    ms = np.asarray(seconds, dtype=float) * 1000
    return {"median_ms": round(float(np.percentile(ms, 50)), 3),
            "p99_ms": round(float(np.percentile(ms, 99)), 3), "n": len(ms)}


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


class TimedEncoder:
    """Wraps an encoder and adds up the seconds spent in `encode`."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.identity = inner.identity
        self.seconds = 0.0
        self.texts = 0

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        t0 = time.perf_counter()
        try:
            return np.asarray(self.inner.encode(texts, batch_size=batch_size,
                                                progress=progress))
        finally:
            self.seconds += time.perf_counter() - t0
            self.texts += len(texts)
