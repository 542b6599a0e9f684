"""Load test of the query service, all in one run: in-process search throughput, then the HTTP
service (a real `backqa serve` process) at concurrency 1, 8 and 32, then a run during which a
reindex is published. Only 127.0.0.1 is ever targeted; every run is bounded in time and count.

    .venv/bin/python -m backqa.loadtest --duration 20 --max-requests 5000 --json out.json

`run_http_load()` is the reusable part (`backqa bench` calls it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

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


def _require_loopback(base_url: str) -> None:
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
    ms = sorted(x * 1000 for x in latencies)
    n = len(ms)

    def pct(p: float) -> float | None:
        return round(ms[min(n - 1, int(p * n))], 2) if n else None

    return {"requests": n + errors, "ok": n, "errors": errors,
            "seconds": round(elapsed, 3), "rps": round(n / elapsed, 1) if elapsed else 0.0,
            "median_ms": round(statistics.median(ms), 2) if n else None,
            "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": round(ms[-1], 2) if n else None,
            "statuses": dict(statuses or {})}


def run_inprocess(searcher: Any, questions: Sequence[str], duration_s: float,
                  max_requests: int, k: int = 5) -> dict[str, Any]:
    """`Searcher.search` called back to back in this thread, bounded in time and count."""
    return _public(_inprocess(searcher, questions, duration_s, max_requests, k))


def _inprocess(searcher: Any, questions: Sequence[str], duration_s: float,
               max_requests: int, k: int = 5) -> dict[str, Any]:
    latencies: list[float] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    deadline = started + duration_s
    while len(latencies) < max_requests and time.perf_counter() < deadline:
        question = questions[len(latencies) % len(questions)]
        t0 = time.perf_counter()
        searcher.search(question, k=k).model_dump_json()
        latencies.append(time.perf_counter() - t0)
    result = summarize(latencies, 0, time.perf_counter() - started)
    result["cpu_ms_per_request"] = _per_request(time.process_time() - cpu_started, latencies)
    result["_latencies"], result["_cpu_s"] = latencies, time.process_time() - cpu_started
    return result


def _per_request(cpu_seconds: float, latencies: Sequence[float]) -> float | None:
    return round(cpu_seconds * 1000 / len(latencies), 2) if latencies else None


def run_http_load(base_url: str, questions: Sequence[str], concurrency: int,
                  duration_s: float, max_requests: int, *, k: int = 5,
                  track_versions: bool = False, timeout_s: float = 30.0,
                  stop: threading.Event | None = None) -> dict[str, Any]:
    """`concurrency` clients asking `GET /api/search` in a loop until `duration_s` has passed,
    `max_requests` were sent or `stop` is set. Anything but a 200 (or no answer in
    `timeout_s`) is an error. With `track_versions`, counts the `index_version` of answers."""
    _require_loopback(base_url)
    if concurrency < 1 or max_requests < 1 or duration_s <= 0:
        raise ValueError("concurrency, max_requests and duration_s must be positive")
    result = asyncio.run(_http_load(base_url.rstrip("/"), list(questions), concurrency,
                                    duration_s, max_requests, k, track_versions, timeout_s,
                                    stop or threading.Event()))
    return _public(result)


def _public(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if not k.startswith("_")}


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
    result["client_cpu_ms_per_request"] = _per_request(client_cpu, latencies)
    result["_latencies"], result["_client_cpu_s"] = latencies, client_cpu
    if track_versions:
        result["versions"] = dict(versions)
    return result


# -- a real server process -------------------------------------------------------------------


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
    base_url = f"http://127.0.0.1:{port}"
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen(
        [sys.executable, "-m", "backqa.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--index", str(index_dir)], env={**os.environ, **(env or {})}, stdout=log,
        stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + ready_timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"backqa serve exited with {process.returncode} before it "
                                   f"was ready" + (f"; see {log_path}" if log_path else ""))
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"backqa serve not ready after {ready_timeout_s:.0f}s")
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


def _server_stats(base_url: str) -> tuple[float, float, float]:
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


class _HealthProbe:
    """Asks /healthz every 0.1 s while a load runs: the server must stay responsive."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.latencies: list[float] = []
        self.errors = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
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

    def __enter__(self) -> _HealthProbe:  # may be entered again: the figures add up
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(15)

    def summary(self) -> dict[str, Any]:
        ms = sorted(x * 1000 for x in self.latencies)
        return {"probes": len(ms) + self.errors, "errors": self.errors,
                "median_ms": round(statistics.median(ms), 2) if ms else None,
                "max_ms": round(ms[-1], 2) if ms else None}


def _measured_http(base_url: str, questions: Sequence[str], concurrency: int,
                   duration_s: float, max_requests: int, probe: _HealthProbe) -> dict[str, Any]:
    """One HTTP run, with the server's embedding batches and CPU time (a figure that stays
    meaningful on a busy machine) read from its /metrics before and after."""
    _require_loopback(base_url)
    before = _server_stats(base_url)
    with probe:
        result = asyncio.run(_http_load(base_url, list(questions), concurrency, duration_s,
                                        max_requests, 5, False, 30.0, threading.Event()))
    after = _server_stats(base_url)
    result["_batches"], result["_embedded"] = after[0] - before[0], after[1] - before[1]
    result["_server_cpu_s"] = after[2] - before[2]
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
        return sum(r.get(key, 0.0) for r in runs)

    if any("_cpu_s" in r for r in runs):
        merged["cpu_ms_per_request"] = _per_request(total("_cpu_s"), latencies)
    if any("_server_cpu_s" in r for r in runs):
        merged["cpu_ms_per_request"] = _per_request(total("_server_cpu_s"), latencies)
        merged["client_cpu_ms_per_request"] = _per_request(total("_client_cpu_s"), latencies)
        batches = total("_batches")
        merged["mean_embed_batch"] = round(total("_embedded") / batches, 2) if batches else None
    return merged


def _live_version(base_url: str) -> str | None:
    return httpx.get(f"{base_url}/readyz", timeout=10).json().get("version")  # type: ignore[no-any-return]


# -- the reindex-under-load run --------------------------------------------------------------


def _add_article(library: Path) -> Path:
    """A new article arrives: a copy of one source under a new name and title."""
    source = sorted(p for p in library.iterdir() if p.suffix in (".txt", ".md"))[0]
    new = library / f"loadtest-new-{secrets.token_hex(3)}{source.suffix}"
    shutil.copyfile(source, new)
    new.with_name(new.stem + ".meta.toml").write_text(
        f'title = "A new article ({new.stem})"\nkind = "article"\n', encoding="utf-8")
    return new


def run_reindex_under_load(index_dir: Path, library: Path, questions: Sequence[str],
                           concurrency: int, duration_s: float, max_requests: int,
                           work: Path) -> dict[str, Any]:
    """Queries at `concurrency` while a new article is added and `POST /api/admin/reindex`
    publishes a new version; every request must succeed. The load starts `duration_s / 4`
    before the reindex and goes on `duration_s / 4` after the new version serves (at most
    `4 * duration_s` in all)."""
    index_copy, library_copy = work / "index", work / "ingest"
    shutil.copytree(index_dir, index_copy, symlinks=True)
    shutil.copytree(library, library_copy)
    token = secrets.token_urlsafe(16)
    env = {"BACKQA_ADMIN_TOKEN": token, "BACKQA_INGEST_DIR": str(library_copy)}
    report: dict[str, Any] = {}
    with serve_process(index_copy, env, log_path=work / "serve.log") as base_url:
        headers = {"Authorization": f"Bearer {token}"}
        before = _live_version(base_url)

        stop = threading.Event()

        def reindex() -> None:
            try:
                publish()
                time.sleep(duration_s / 4)
            finally:
                stop.set()

        def publish() -> None:
            time.sleep(duration_s / 4)
            _add_article(library_copy)
            t0 = time.perf_counter()
            deadline = time.monotonic() + 3 * duration_s
            job = httpx.post(f"{base_url}/api/admin/reindex", headers=headers, timeout=10).json()
            while job["state"] in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.1)
                job = httpx.get(f"{base_url}/api/admin/jobs/{job['id']}", headers=headers,
                                timeout=10).json()
            report["job"] = {k: job[k] for k in ("state", "error")}
            report["job"]["summary"] = job["summary"] and {
                k: job["summary"][k] for k in ("added", "passages", "embedded", "version")}
            report["reindex_seconds"] = round(time.perf_counter() - t0, 2)
            target = (job.get("summary") or {}).get("version")
            while target and _live_version(base_url) != target and time.monotonic() < deadline:
                time.sleep(0.05)
            report["published_to_serving_seconds"] = round(time.perf_counter() - t0, 2)

        thread = threading.Thread(target=reindex)
        thread.start()
        load = run_http_load(base_url, questions, concurrency, 4 * duration_s, max_requests,
                             track_versions=True, stop=stop)
        thread.join(timeout=300)
        report["version_before"] = before
        report["version_after"] = _live_version(base_url)
    report.update(load)
    return report


# -- the whole run ---------------------------------------------------------------------------


def run_loadtest(index_dir: Path, library: Path, duration_s: float, max_requests: int,
                 concurrencies: Sequence[int] = (1, 8, 32), reindex: bool = True,
                 questions: Sequence[str] = QUESTIONS, rounds: int = 3) -> dict[str, Any]:
    """In-process baseline, HTTP at each concurrency, and the reindex run, with the ratios.

    Each of the first runs is cut into `rounds` slices, taken in turn (in-process, c=1, c=8,
    ..., in-process, ...), so a burst of other work on a shared machine lands on all of them
    rather than on one; `duration_s` and `max_requests` bound each run's total."""
    from backqa.config import get_settings
    from backqa.encoders import load_encoder
    from backqa.index.loaded import load_current
    from backqa.search.searcher import Searcher

    searcher = Searcher(load_current(index_dir), load_encoder(get_settings().encoder))
    run_inprocess(searcher, questions, 2.0, 20)  # warm-up
    report: dict[str, Any] = {"index": str(index_dir), "duration_s": duration_s,
                              "max_requests": max_requests, "rounds": rounds,
                              "cpus": os.cpu_count()}
    slice_s, slice_n = duration_s / rounds, max(1, max_requests // rounds)
    inprocess: list[dict[str, Any]] = []
    http: dict[int, list[dict[str, Any]]] = {c: [] for c in concurrencies}
    with tempfile.TemporaryDirectory(prefix="backqa-loadtest-") as tmp:
        with serve_process(index_dir, log_path=Path(tmp) / "serve.log") as base_url:
            probes = {c: _HealthProbe(base_url) for c in concurrencies}
            for c in concurrencies:
                run_http_load(base_url, questions, c, 2.0, 4 * c)  # warm-up
            for _ in range(rounds):
                inprocess.append(_inprocess(searcher, questions, slice_s, slice_n))
                for c in concurrencies:
                    http[c].append(_measured_http(base_url, questions, c, slice_s, slice_n,
                                                  probes[c]))
        del searcher
        report["inprocess"] = merge_runs(inprocess)
        report["http"] = {str(c): {**merge_runs(runs), "concurrency": c,
                                   "healthz_under_load": probes[c].summary()}
                          for c, runs in http.items()}
        if reindex:
            report["reindex"] = run_reindex_under_load(index_dir, library, questions, 8,
                                                       max(duration_s, 10.0), max_requests,
                                                       Path(tmp))
    report["targets"] = _targets(report)
    return report


def _targets(report: dict[str, Any]) -> dict[str, Any]:
    inproc, http = report["inprocess"], report["http"]
    targets: dict[str, Any] = {}
    errors = sum(r["errors"] for r in http.values()) + report.get("reindex", {}).get("errors", 0)
    targets["zero_errors"] = {"errors": errors, "met": errors == 0}
    if "reindex" in report:
        r = report["reindex"]
        served = r.get("versions", {}).get(str(r.get("version_after")), 0)
        targets["reindex_served_mid_run"] = {
            "new_version": r.get("version_after"), "answers_from_it": served,
            "met": r.get("version_after") != r.get("version_before") and served > 0}
    if "1" in http and inproc["median_ms"] is not None and http["1"]["median_ms"] is not None:
        gap = round(http["1"]["median_ms"] - inproc["median_ms"], 2)
        targets["c1_median_gap_ms"] = {"value": gap, "target": "<= 5", "met": gap <= 5}
    if "8" in http and inproc["rps"]:
        ratio = round(http["8"]["rps"] / inproc["rps"], 3)
        targets["c8_rps_ratio"] = {"value": ratio, "target": ">= 0.8", "met": ratio >= 0.8}
    return targets


def format_report(report: dict[str, Any]) -> str:
    rows = [("in-process", report["inprocess"])]
    rows += [(f"HTTP c={c}", r) for c, r in report["http"].items()]
    if "reindex" in report:
        rows.append(("HTTP c=8 + reindex", report["reindex"]))
    lines = [f"{'run':20s} {'requests':>8s} {'errors':>6s} {'req/s':>8s} {'median ms':>9s} "
             f"{'p99 ms':>8s} {'batch':>6s} {'cpu ms/req':>10s}"]
    for name, r in rows:
        batch, cpu = r.get("mean_embed_batch"), r.get("cpu_ms_per_request")
        lines.append(f"{name:20s} {r['requests']:8d} {r['errors']:6d} {r['rps']:8.1f} "
                     f"{r['median_ms'] or 0:9.2f} {r['p99_ms'] or 0:8.2f} "
                     f"{'' if batch is None else batch:>6} {'' if cpu is None else cpu:>10}")
    if "reindex" in report:
        r = report["reindex"]
        lines.append(f"reindex: {r['version_before']} -> {r['version_after']}, job "
                     f"{r.get('job', {}).get('state')}, answered by version: {r.get('versions')}, "
                     f"published and serving {r.get('published_to_serving_seconds')}s after "
                     f"the request")
    for c, r in report["http"].items():
        h = r.get("healthz_under_load")
        if h:
            lines.append(f"/healthz while c={c}: median {h['median_ms']} ms, max "
                         f"{h['max_ms']} ms, {h['errors']} errors of {h['probes']}")
    for name, t in report["targets"].items():
        lines.append(f"target {name}: {t}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from backqa.config import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m backqa.loadtest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=settings.index_path,
                        help="index to serve (default: index/; it is only read)")
    parser.add_argument("--library", type=Path, default=settings.ingest_path,
                        help="library for the reindex run (copied, never changed)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--max-requests", type=int, default=5000, help="requests per run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--rounds", type=int, default=3,
                        help="slices each run is cut into, taken in turn (default 3)")
    parser.add_argument("--no-reindex", action="store_true", help="skip the reindex run")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    from backqa.index.loaded import IndexLoadError

    try:
        report = run_loadtest(args.index.resolve(), args.library.resolve(), args.duration,
                              args.max_requests, args.concurrency, reindex=not args.no_reindex,
                              rounds=max(1, args.rounds))
    except IndexLoadError as exc:
        print(f"loadtest: {exc} (make index builds index/)", file=sys.stderr)
        return 2
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0 if all(t["met"] for t in report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
