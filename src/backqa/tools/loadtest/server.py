"""A real `backqa serve` process on a free 127.0.0.1 port, what its /metrics say, and a probe
of /healthz while a load runs."""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve_process(index_dir: Path, env: dict[str, str] | None = None,
                  ready_timeout_s: float = 120.0, log_path: Path | None = None) -> Iterator[str]:
    """Run `backqa serve` on a free 127.0.0.1 port until the block ends; yields its base URL
    once /readyz answers 200."""
    port = free_port()
    with server_process(["-m", "backqa.cli", "serve", "--host", "127.0.0.1", "--port",
                         str(port), "--index", str(index_dir)], port, env, ready_timeout_s,
                        log_path, name="backqa serve") as base_url:
        yield base_url


@contextlib.contextmanager
def server_process(args: list[str], port: int, env: dict[str, str] | None = None,
                   ready_timeout_s: float = 120.0, log_path: Path | None = None,
                   name: str = "the server") -> Iterator[str]:
    """Run `python <args>`, a server that listens on 127.0.0.1:`port`, until the block ends;
    yields its base URL once its /readyz answers 200."""
    base_url = f"http://127.0.0.1:{port}"
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen([sys.executable, *args], env={**os.environ, **(env or {})},
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + ready_timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} before it "
                                   f"was ready" + (f"; see {log_path}" if log_path else ""))
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} not ready after {ready_timeout_s:.0f}s")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def server_stats(base_url: str) -> tuple[float, float, float]:
    """(batches, questions embedded, CPU seconds) of the server so far, from its /metrics."""
    from prometheus_client.parser import text_string_to_metric_families

    text = httpx.get(f"{base_url}/metrics", timeout=10).text
    count = total = cpu = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "backqa_embed_batch_size_count":
                count = sample.value
            elif sample.name == "backqa_embed_batch_size_sum":
                total = sample.value
            elif sample.name == "process_cpu_seconds_total":
                cpu = sample.value
    return count, total, cpu


def live_version(base_url: str) -> str | None:
    """The index version the server answers from."""
    version = httpx.get(f"{base_url}/readyz", timeout=10).json().get("version")
    return None if version is None else str(version)


class HealthProbe:
    """Asks /healthz every 0.1 s while a load runs: the server must stay responsive. May be
    entered again: the figures add up."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.latencies: list[float] = []
        self.errors = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _probe(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=10) as client:
            while not self._stop.wait(0.1):
                t0 = time.perf_counter()
                try:
                    ok = client.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    self.latencies.append(time.perf_counter() - t0)
                else:
                    self.errors += 1

    def __enter__(self) -> HealthProbe:
        self._stop.clear()
        self._thread = threading.Thread(target=self._probe, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(15)

    def summary(self) -> dict[str, Any]:
        ms = [x * 1000 for x in self.latencies]
        return {"probes": len(ms) + self.errors, "errors": self.errors,
                "median_ms": round(statistics.median(ms), 2) if ms else None,
                "max_ms": round(max(ms), 2) if ms else None}
