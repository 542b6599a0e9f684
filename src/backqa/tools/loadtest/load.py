"""The load generators: `Searcher.search` back to back in-process, and concurrent HTTP clients
asking `GET /api/search`; each run bounded in time and count and summarised the same way."""

from __future__ import annotations

import asyncio
import ipaddress
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np

from backqa.encoders.identity import Encoder
from backqa.search.searcher import Searcher

# Questions a runner might ask; none is written to match one source's wording.
QUESTIONS = [
    "why does my lower back hurt after running",
    "back pain after running uphill",
    "is it normal for my back to ache after a long run",
    "what stretches help with lower back pain from running",
    "should I stop running if my back hurts",
    "can weak core muscles cause back pain in runners",
    "does running on concrete make back pain worse",
    "how do I fix my running posture to protect my back",
    "sharp pain in lower back when landing on my feet",
    "are my running shoes causing my back pain",
    "tight hamstrings and lower back pain",
    "when should I see a doctor about back pain from running",
    "ice or heat for a sore back after a run",
    "exercises to strengthen my back for running",
    "my back is stiff the morning after a race",
    "can overstriding hurt your lower back",
    "how long should I rest my back before running again",
    "hip flexors tight back pain jogging",
    "is back pain a sign of a herniated disc in runners",
    "what causes muscle spasms in the back while running",
    "does cross training help runners with back problems",
    "painkillers for back pain after running",
    "how to warm up to avoid back pain",
    "back hurts only when running downhill",
    "sciatica symptoms in runners",
    "can dehydration cause back pain after running",
    "best running surface for a bad back",
    "yoga for runners with lower back pain",
    "does body weight affect back pain when running",
    "pain between the shoulder blades while running",
]


def require_loopback(base_url: str) -> None:
    """Refuse any target but this machine."""
    host = urlsplit(base_url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"load tests target this machine only (127.0.0.1), not {host!r}")


def summarize(latencies: Sequence[float], errors: int, elapsed: float,
              statuses: Counter[str] | None = None) -> dict[str, Any]:
    """Requests/s, median, 90th and 99th percentile (ms) and error count of one run."""
    ms = np.asarray(latencies, dtype=float) * 1000
    n = len(ms)

    def pct(p: float) -> float | None:
        return round(float(np.percentile(ms, p)), 2) if n else None

    return {"requests": n + errors, "ok": n, "errors": errors,
            "seconds": round(elapsed, 3), "rps": round(n / elapsed, 1) if elapsed else 0.0,
            "median_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99),
            "max_ms": round(float(ms.max()), 2) if n else None,
            "statuses": dict(statuses or {})}


def per_request_ms(cpu_seconds: float, latencies: Sequence[float]) -> float | None:
    """CPU milliseconds per answered request."""
    return round(cpu_seconds * 1000 / len(latencies), 2) if latencies else None


def public(result: dict[str, Any]) -> dict[str, Any]:
    """A run's figures without the raw material kept for merging (`_`-prefixed keys)."""
    return {k: v for k, v in result.items() if not k.startswith("_")}


def search_inprocess(searcher: Searcher, questions: Sequence[str], duration_s: float,
                     max_requests: int, k: int = 5) -> dict[str, Any]:
    """`Searcher.search` called back to back in this thread, bounded in time and count; the
    `_`-prefixed keys keep the raw latencies and CPU seconds for `merge_runs`."""
    return _back_to_back(lambda q: searcher.search(q, k=k).model_dump_json(), questions,
                         duration_s, max_requests)


def encode_inprocess(encoder: Encoder, questions: Sequence[str], duration_s: float,
                     max_requests: int) -> dict[str, Any]:
    """One question at a time through `encoder.encode`, back to back, bounded in time and
    count (the bare-encoder reference); kept raw for `merge_runs` like `search_inprocess`."""
    return _back_to_back(lambda q: encoder.encode([q]), questions, duration_s, max_requests)


def _back_to_back(call: Callable[[str], object], questions: Sequence[str], duration_s: float,
                  max_requests: int) -> dict[str, Any]:
    latencies: list[float] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    deadline = started + duration_s
    while len(latencies) < max_requests and time.perf_counter() < deadline:
        question = questions[len(latencies) % len(questions)]
        t0 = time.perf_counter()
        call(question)
        latencies.append(time.perf_counter() - t0)
    cpu = time.process_time() - cpu_started
    result = summarize(latencies, 0, time.perf_counter() - started)
    result["cpu_ms_per_request"] = per_request_ms(cpu, latencies)
    result["_latencies"], result["_cpu_s"] = latencies, cpu
    return result


def run_http_load(base_url: str, questions: Sequence[str], concurrency: int,
                  duration_s: float, max_requests: int, *, k: int = 5,
                  track_versions: bool = False, timeout_s: float = 30.0,
                  stop: threading.Event | None = None) -> dict[str, Any]:
    """`concurrency` clients asking `GET /api/search` in a loop until `duration_s` has passed,
    `max_requests` were sent or `stop` is set. Anything but a 200 (or no answer in
    `timeout_s`) is an error. With `track_versions`, counts the `index_version` of answers."""
    return public(http_load(base_url, questions, concurrency, duration_s, max_requests, k=k,
                            track_versions=track_versions, timeout_s=timeout_s, stop=stop))


def http_load(base_url: str, questions: Sequence[str], concurrency: int, duration_s: float,
              max_requests: int, *, k: int = 5, track_versions: bool = False,
              timeout_s: float = 30.0, stop: threading.Event | None = None) -> dict[str, Any]:
    """`run_http_load`, keeping the raw latencies and client CPU seconds for `merge_runs`."""
    require_loopback(base_url)
    if concurrency < 1 or max_requests < 1 or duration_s <= 0:
        raise ValueError("concurrency, max_requests and duration_s must be positive")
    return asyncio.run(_http_load(base_url.rstrip("/"), list(questions), concurrency,
                                  duration_s, max_requests, k, track_versions, timeout_s,
                                  stop or threading.Event()))


async def _http_load(base_url: str, questions: list[str], concurrency: int, duration_s: float,
                     max_requests: int, k: int, track_versions: bool, timeout_s: float,
                     stop: threading.Event) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    versions: Counter[str] = Counter()
    errors = 0
    sent = 0
    started = time.perf_counter()
    deadline = started + duration_s

    async def client_loop() -> None:
        # One client (one keep-alive connection) per simulated user: a shared pool of many
        # connections costs the load generator more CPU than the server spends answering.
        async with httpx.AsyncClient(base_url=base_url, timeout=timeout_s,
                                     limits=httpx.Limits(max_connections=1)) as client:
            await ask(client)

    async def ask(client: httpx.AsyncClient) -> None:
        nonlocal errors, sent
        while sent < max_requests and time.perf_counter() < deadline and not stop.is_set():
            question = questions[sent % len(questions)]
            sent += 1
            t0 = time.perf_counter()
            try:
                response = await client.get("/api/search", params={"q": question, "k": k})
            except httpx.HTTPError as exc:
                errors += 1
                statuses[type(exc).__name__] += 1
                continue
            elapsed = time.perf_counter() - t0
            statuses[str(response.status_code)] += 1
            if response.status_code != 200:
                errors += 1
                continue
            latencies.append(elapsed)
            if track_versions:
                versions[str(response.json().get("index_version"))] += 1

    cpu_started = time.process_time()
    await asyncio.gather(*(client_loop() for _ in range(concurrency)))
    result = summarize(latencies, errors, time.perf_counter() - started, statuses)
    result["concurrency"] = concurrency
    client_cpu = time.process_time() - cpu_started
    result["client_cpu_ms_per_request"] = per_request_ms(client_cpu, latencies)
    result["_latencies"], result["_client_cpu_s"] = latencies, client_cpu
    if track_versions:
        result["versions"] = dict(versions)
    return result


def merge_runs(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One summary of several rounds of the same run (their latencies pooled)."""
    latencies = [x for r in runs for x in r["_latencies"]]
    statuses: Counter[str] = Counter()
    for r in runs:
        statuses.update(r.get("statuses", {}))
    merged = summarize(latencies, sum(r["errors"] for r in runs),
                       sum(r["seconds"] for r in runs), statuses)
    merged["rounds"] = len(runs)

    def total(key: str) -> float:
        return float(sum(r.get(key, 0.0) for r in runs))

    if any("_cpu_s" in r for r in runs):
        merged["cpu_ms_per_request"] = per_request_ms(total("_cpu_s"), latencies)
    if any("_server_cpu_s" in r for r in runs):
        merged["cpu_ms_per_request"] = per_request_ms(total("_server_cpu_s"), latencies)
        merged["client_cpu_ms_per_request"] = per_request_ms(total("_client_cpu_s"), latencies)
        batches = total("_batches")
        merged["mean_embed_batch"] = round(total("_embedded") / batches, 2) if batches else None
    return merged
