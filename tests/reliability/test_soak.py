"""Soak test: a real `backqa serve` (real model) on 127.0.0.1 answers 32 concurrent clients for
60 seconds while a reindex publishes a new index version every 15 seconds. Zero failed
requests; RSS at start and end; latency percentiles.

    .venv/bin/pytest tests/test_soak.py -m slow -s        (the figures are printed)
"""

from __future__ import annotations

import json
import secrets
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from backqa.tools.loadtest import QUESTIONS, add_article, run_http_load, serve_process
from helpers import LIBRARY

CONCURRENCY = 32
DURATION_S = 60.0
REINDEX_EVERY_S = 15.0
MAX_REQUESTS = 200_000  # a bound that the time limit reaches first


def resident_bytes(base_url: str) -> float:
    """The server's RSS, from its own /metrics (prometheus process collector)."""
    from prometheus_client.parser import text_string_to_metric_families

    text = httpx.get(f"{base_url}/metrics", timeout=10).text
    for family in text_string_to_metric_families(text):
        if family.name == "process_resident_memory_bytes":
            return float(family.samples[0].value)
    raise AssertionError("no process_resident_memory_bytes in /metrics")


def reindex_loop(base_url: str, token: str, library: Path, stop: threading.Event,
                 jobs: list[dict[str, Any]]) -> None:
    """Every REINDEX_EVERY_S: a new article arrives and an admin reindex publishes it."""
    headers = {"Authorization": f"Bearer {token}"}
    next_start = time.perf_counter() + REINDEX_EVERY_S
    # On a fixed schedule, not REINDEX_EVERY_S after the last one finished: a reindex slowed
    # by a busy machine must not push the next ones out of the run.
    while not stop.wait(max(0.0, next_start - time.perf_counter())):
        next_start += REINDEX_EVERY_S
        add_article(library)
        started = time.perf_counter()
        job = httpx.post(f"{base_url}/api/admin/reindex", headers=headers, timeout=30).json()
        while job.get("state") in ("queued", "running"):
            time.sleep(0.2)
            job = httpx.get(f"{base_url}/api/admin/jobs/{job['id']}", headers=headers,
                            timeout=30).json()
        version = (job.get("summary") or {}).get("version")
        while version and not stop.is_set():  # until the server answers from it
            ready = httpx.get(f"{base_url}/readyz", timeout=30).json()
            if ready.get("version") == version:
                break
            time.sleep(0.1)
        jobs.append({"state": job.get("state"), "error": job.get("error"), "version": version,
                     "seconds_to_serving": round(time.perf_counter() - started, 2)})


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_soak_under_reindex(shipped_index_dir: Path, tmp_path: Path) -> None:
    index, library = tmp_path / "index", tmp_path / "ingest"
    shutil.copytree(shipped_index_dir, index, symlinks=True)
    shutil.copytree(LIBRARY, library)
    token = secrets.token_urlsafe(16)
    env = {"BACKQA_ADMIN_TOKEN": token, "BACKQA_INGEST_DIR": str(library)}
    jobs: list[dict[str, Any]] = []
    with serve_process(index, env, log_path=tmp_path / "serve.log") as base_url:
        for question in QUESTIONS[:4]:  # warm up before the start figures
            httpx.get(f"{base_url}/api/search", params={"q": question}, timeout=60)
        rss_start = resident_bytes(base_url)
        stop = threading.Event()
        reindexer = threading.Thread(target=reindex_loop,
                                     args=(base_url, token, library, stop, jobs))
        reindexer.start()
        try:
            load = run_http_load(base_url, QUESTIONS, CONCURRENCY, DURATION_S, MAX_REQUESTS,
                                 track_versions=True)
        finally:
            stop.set()
            reindexer.join(timeout=300)
        rss_end = resident_bytes(base_url)
    report = {"concurrency": CONCURRENCY, "seconds": load["seconds"],
              "requests": load["requests"], "failed": load["errors"], "rps": load["rps"],
              "median_ms": load["median_ms"], "p90_ms": load["p90_ms"],
              "p99_ms": load["p99_ms"], "max_ms": load["max_ms"],
              "statuses": load["statuses"], "versions_served": load["versions"],
              "reindexes": jobs, "rss_start_mb": round(rss_start / 2**20, 1),
              "rss_end_mb": round(rss_end / 2**20, 1)}
    print("\nsoak:", json.dumps(report, indent=2))
    assert load["errors"] == 0, report
    assert load["requests"] > 0 and set(load["statuses"]) == {"200"}
    assert len(jobs) >= 3 and all(j["state"] == "succeeded" for j in jobs), jobs
    assert len(load["versions"]) >= 3  # answers came from at least three published versions
    assert rss_end < rss_start * 1.5 + 150 * 2**20, report  # no runaway growth
