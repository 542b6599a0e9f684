"""Queries at a steady concurrency while a new article arrives and `POST /api/admin/reindex`
publishes a new index version: every request must succeed, and answers must come from the new
version before the run ends."""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from backqa.tools.loadtest.load import run_http_load
from backqa.tools.loadtest.server import live_version, serve_process


def add_article(library: Path) -> Path:
    """A new article arrives: a copy of one source under a new name and title."""
    source = sorted(p for p in library.iterdir() if p.suffix in (".txt", ".md"))[0]
    new = library / f"loadtest-new-{secrets.token_hex(3)}{source.suffix}"
    shutil.copyfile(source, new)
    new.with_name(new.stem + ".meta.toml").write_text(
        f'title = "A new article ({new.stem})"\nkind = "article"\n', encoding="utf-8")
    return new


class ReindexUnderLoad:
    """The reindex run over copies of an index and its library (the originals are only read).

    The load starts `duration_s / 4` before the reindex and goes on `duration_s / 4` after the
    new version serves (at most `4 * duration_s` in all)."""

    def __init__(self, index_dir: Path, library: Path, questions: Sequence[str],
                 concurrency: int, duration_s: float, max_requests: int, work: Path) -> None:
        self.index_dir, self.library = index_dir, library
        self.questions = questions
        self.concurrency, self.duration_s, self.max_requests = concurrency, duration_s, \
            max_requests
        self.work = work

    def measure(self) -> dict[str, Any]:
        index_copy, library_copy = self.work / "index", self.work / "ingest"
        shutil.copytree(self.index_dir, index_copy, symlinks=True)
        shutil.copytree(self.library, library_copy)
        token = secrets.token_urlsafe(16)
        env = {"BACKQA_ADMIN_TOKEN": token, "BACKQA_INGEST_DIR": str(library_copy)}
        report: dict[str, Any] = {}
        with serve_process(index_copy, env, log_path=self.work / "serve.log") as base_url:
            before = live_version(base_url)
            stop = threading.Event()

            def reindex() -> None:
                try:
                    time.sleep(self.duration_s / 4)
                    add_article(library_copy)
                    report.update(self.publish(base_url, token))
                    time.sleep(self.duration_s / 4)
                finally:
                    stop.set()

            thread = threading.Thread(target=reindex)
            thread.start()
            load = run_http_load(base_url, self.questions, self.concurrency,
                                 4 * self.duration_s, self.max_requests, track_versions=True,
                                 stop=stop)
            thread.join(timeout=300)
            report["version_before"] = before
            report["version_after"] = live_version(base_url)
        report.update(load)
        return report

    def publish(self, base_url: str, token: str) -> dict[str, Any]:
        """Ask for a reindex, wait for its job and for the new version to serve."""
        headers = {"Authorization": f"Bearer {token}"}
        t0 = time.perf_counter()
        deadline = time.monotonic() + 3 * self.duration_s
        job = httpx.post(f"{base_url}/api/admin/reindex", headers=headers, timeout=10).json()
        while job["state"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.1)
            job = httpx.get(f"{base_url}/api/admin/jobs/{job['id']}", headers=headers,
                            timeout=10).json()
        out: dict[str, Any] = {"job": {k: job[k] for k in ("state", "error")}}
        out["job"]["summary"] = job["summary"] and {
            k: job["summary"][k] for k in ("added", "passages", "embedded", "version")}
        out["reindex_seconds"] = round(time.perf_counter() - t0, 2)
        target = (job.get("summary") or {}).get("version")
        while target and live_version(base_url) != target and time.monotonic() < deadline:
            time.sleep(0.05)
        out["published_to_serving_seconds"] = round(time.perf_counter() - t0, 2)
        return out
