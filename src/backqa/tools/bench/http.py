"""The HTTP figures of the bench: a real `backqa serve` and the minimal reference app
(`loadtest.reference_app`: the same encoder + FAISS over 1k vectors, nothing else), both up at
once and driven by the same load generator. Runs are cut into `rounds` slices taken in turn
(serve c=1, c=8, reference c=8, serve c=32, then again), so a burst of other work on a shared
machine lands on both sides rather than on one."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from backqa.tools.bench.measures import rss_mb

REFERENCE_CONCURRENCY = 8


@dataclass(frozen=True)
class HttpPlan:
    """How long and at which concurrencies the service is loaded; `reference` also runs the
    reference app at `REFERENCE_CONCURRENCY`."""

    backend: str = "auto"
    concurrencies: tuple[int, ...] = (1, 8, 32)
    duration_s: float = 10.0
    max_requests: int = 3000
    rounds: int = 2
    reference: bool = True


def measure_http(index_dir: Path, questions: Sequence[str], plan: HttpPlan,
                 work: Path) -> dict[str, Any]:
    """{"serve": {concurrency: summary}, "reference": {8: summary}, "server_rss_mb": MB}."""
    from backqa.tools.loadtest.load import http_load, merge_runs
    from backqa.tools.loadtest.reference_app import reference_process
    from backqa.tools.loadtest.server import serve_process

    rounds = max(1, plan.rounds)
    slice_s, slice_n = plan.duration_s / rounds, max(1, plan.max_requests // rounds)
    serve: dict[int, list[dict[str, Any]]] = {c: [] for c in plan.concurrencies}
    reference: list[dict[str, Any]] = []
    me = psutil.Process()
    with contextlib.ExitStack() as stack:
        before = {p.pid for p in me.children()}
        base_url = stack.enter_context(serve_process(
            index_dir, {"BACKQA_ENCODER": plan.backend}, log_path=work / "serve.log"))
        server = [p.pid for p in me.children() if p.pid not in before]
        ref_url = stack.enter_context(reference_process(
            backend=plan.backend, log_path=work / "reference.log")) if plan.reference else None
        for c in plan.concurrencies:
            http_load(base_url, questions, c, 1.0, 4 * c)  # warm-up
        if ref_url is not None:
            http_load(ref_url, questions, REFERENCE_CONCURRENCY, 1.0, 4 * REFERENCE_CONCURRENCY)
        for _ in range(rounds):
            for c in plan.concurrencies:
                serve[c].append(http_load(base_url, questions, c, slice_s, slice_n))
                if c == REFERENCE_CONCURRENCY and ref_url is not None:
                    reference.append(http_load(ref_url, questions, c, slice_s, slice_n))
        server_rss = rss_mb(server[0]) if server else None
    out: dict[str, Any] = {"serve": {str(c): merge_runs(runs) for c, runs in serve.items()},
                           "server_rss_mb": server_rss}
    if reference:
        out["reference"] = {str(REFERENCE_CONCURRENCY): merge_runs(reference)}
    return out
