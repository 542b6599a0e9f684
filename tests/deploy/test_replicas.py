"""Three `backqa serve` replicas behind HAProxy (deploy/haproxy.cfg, as shipped) on 127.0.0.1.

Under a steady load through the load balancer, a new index version built elsewhere is copied to
each replica and switched in with `backqa publish`, one replica at a time; one replica is killed
mid-run and restarted. No request may fail, every answer names one index version, and at the end
every replica serves the new one. The figures go to tests/artifacts/replicas.json.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from backqa.index.publish import VersionPublisher
from helpers import (
    ARTIFACTS,
    FAKE_CLI,
    PROJECT,
    PYTHON,
    QUESTIONS,
    FakeEncoder,
    add_article,
    cli_env,
    free_port,
    publish,
    write_library,
)

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
CONFIG = PROJECT / "deploy" / "haproxy.cfg"
# The load stops when the rollout is done, or at the latest at these bounds (a safety net: the
# test takes about 45 s on the shared 2-core machine, a rollout about 20 s of it).
MAX_REQUESTS = 50_000
MAX_SECONDS = 120.0
START_SECONDS = 60.0  # the longest wait for one step (a replica starting on a loaded machine)


def wait_for(what: str, condition: Callable[[], bool], timeout: float = START_SECONDS) -> float:
    """Poll until `condition()` holds; the seconds it took. Fails the test after `timeout`."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return time.monotonic() - start


class Replica:
    """One `backqa serve` (the real command line, fake encoder) on its own index folder."""

    def __init__(self, name: str, index: Path, root: Path) -> None:
        self.name = name
        self.index = index
        self.root = root
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.root / f"{self.name}.log", "ab") as log:
            self.process = subprocess.Popen(
                [PYTHON, str(FAKE_CLI), "serve", "--index", str(self.index),
                 "--port", str(self.port)],
                env=cli_env(self.root, BACKQA_RELOAD_INTERVAL="0.2"),
                stdout=log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def version(self) -> str | None:
        """The version its /readyz reports, None when it is not ready or not answering."""
        try:
            reply = httpx.get(f"http://{self.address}/readyz", timeout=2)
        except httpx.HTTPError:
            return None
        return reply.json().get("version") if reply.status_code == 200 else None

    def publish(self, version_dir: Path) -> str:
        """Copy a version folder here (as rsync would) and `backqa publish` it (the real
        command: with a version live, it checks the model against that version's)."""
        incoming = self.root / f"{self.name}-incoming" / version_dir.name
        shutil.copytree(version_dir, incoming)
        done = subprocess.run([PYTHON, "-m", "backqa.cli", "publish", str(incoming),
                               "--index", str(self.index)], env=cli_env(self.root),
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout


class LoadBalancer:
    """HAProxy with the shipped configuration, in the foreground."""

    def __init__(self, replicas: list[Replica], root: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.socket = root / "haproxy.sock"
        self.env = {**os.environ, "BACKQA_LB_BIND": f"127.0.0.1:{self.port}",
                    "BACKQA_HAPROXY_SOCKET": str(self.socket),
                    **{f"BACKQA_REPLICA_{n}": r.address for n, r in enumerate(replicas, 1)}}
        self.log = root / "haproxy.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([HAPROXY, "-db", "-f", str(CONFIG)], env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def states(self) -> dict[str, str]:
        """Each replica's state as HAProxy sees it (UP, DOWN, ...), from the runtime API."""
        return {name: row["status"].split(" ")[0] for name, row in self.stats().items()}

    def stats(self) -> dict[str, dict[str, str]]:
        """HAProxy's `show stat` row of each replica (status, wretr retries, wredis, ...)."""
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(2)
                sock.connect(str(self.socket))
                sock.sendall(b"show stat\n")
                raw = b"".join(iter(lambda: sock.recv(65536), b""))
        except OSError:
            return {}
        lines = raw.decode().splitlines()
        if not lines:
            return {}
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        return {row["svname"]: row for row in rows
                if row["pxname"] == "replicas" and row["svname"] not in ("FRONTEND", "BACKEND")}


@dataclass
class Answer:
    started: float
    ok: bool
    versions: list[str] = field(default_factory=list)
    replica: str = ""
    error: str = ""


class Load:
    """Worker threads asking questions through the load balancer until told to stop (or
    MAX_REQUESTS / MAX_SECONDS), recording every answer."""

    def __init__(self, url: str, workers: int = 3) -> None:
        self.url = url
        self.workers = workers
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._deadline = time.monotonic() + MAX_SECONDS
        self._threads = [threading.Thread(target=self._ask, args=(n,), daemon=True)
                         for n in range(self.workers)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def _ask(self, worker: int) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as client:
            n = worker
            while not self._stop.is_set() and time.monotonic() < self._deadline:
                with self._lock:
                    if len(self.answers) >= MAX_REQUESTS:
                        return
                started = time.monotonic()
                answer = Answer(started, ok=False)
                try:
                    reply = client.get("/api/search",
                                       params={"q": QUESTIONS[n % len(QUESTIONS)], "k": 5})
                    answer.replica = reply.headers.get("x-backqa-replica", "")
                    if reply.status_code == 200:
                        body = reply.json()
                        answer.versions = [v for k, v in body.items() if k == "index_version"]
                        answer.ok = len(answer.versions) == 1 and isinstance(
                            answer.versions[0], str)
                    else:
                        answer.error = f"HTTP {reply.status_code}: {reply.text[:200]}"
                except httpx.HTTPError as exc:
                    answer.error = f"{type(exc).__name__}: {exc}"
                with self._lock:
                    self.answers.append(answer)
                n += self.workers


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, str, str]:
    """An index folder built on 'the ingest machine' with two versions: (folder, old, new)."""
    library = write_library(tmp_path / "library", docs=4, paragraphs=6, shipped=False)
    index = tmp_path / "builder"
    old = publish(index, library, FakeEncoder())
    add_article(library)
    return index, old, publish(index, library, FakeEncoder())


@pytest.fixture
def fleet(tmp_path: Path, versions: tuple[Path, str, str]
          ) -> Iterator[tuple[list[Replica], LoadBalancer]]:
    """Three replicas serving the old version, and HAProxy in front with all three up."""
    if not Path(HAPROXY).is_file():
        pytest.fail("haproxy is not installed: `make install-test` installs it (Debian "
                    "package haproxy)")
    builder, old, _ = versions
    replicas = [Replica(f"replica{n}", tmp_path / f"replica{n}" / "index", tmp_path)
                for n in (1, 2, 3)]
    for replica in replicas:
        VersionPublisher(replica.index, installed_model=lambda: FakeEncoder.identity.key
                         ).publish(builder / "versions" / old)
    balancer = LoadBalancer(replicas, tmp_path)
    try:
        for replica in replicas:
            replica.start()
        balancer.start()
        wait_for("three replicas ready", lambda: all(r.version() == old for r in replicas))
        wait_for("HAProxy to see three replicas up",
                 lambda: list(balancer.states().values()) == ["UP"] * 3)
        yield replicas, balancer
    finally:
        for replica in replicas:
            replica.stop()
        balancer.stop()


def test_rolling_publish_and_a_killed_replica_fail_no_request(
        versions: tuple[Path, str, str], fleet: tuple[list[Replica], LoadBalancer]) -> None:
    builder, old, new = versions
    replicas, balancer = fleet
    new_dir = builder / "versions" / new
    phases: dict[str, float] = {}
    load = Load(balancer.url)
    load.start()
    try:
        time.sleep(1.0)  # everyone on the old version
        rollout_start = time.monotonic()
        first, killed, last = replicas
        phases["publish_1"] = timed(lambda: first.publish(new_dir))
        phases["reload_1"] = wait_for(f"{first.name} to serve {new}",
                                      lambda: first.version() == new)

        killed.kill()  # mid-run, while the load goes on and the fleet is mixed
        phases["taken_out"] = wait_for(f"HAProxy to take {killed.name} out",
                                       lambda: balancer.states().get(killed.name) == "DOWN")
        time.sleep(1.0)  # serve a while with one replica gone
        phases["publish_2_while_down"] = timed(lambda: killed.publish(new_dir))
        killed.start()
        phases["restart_2"] = wait_for(f"{killed.name} to come back with {new}",
                                       lambda: killed.version() == new)
        phases["put_back"] = wait_for(f"HAProxy to put {killed.name} back",
                                      lambda: balancer.states().get(killed.name) == "UP")

        phases["publish_3"] = timed(lambda: last.publish(new_dir))
        phases["reload_3"] = wait_for(f"{last.name} to serve {new}",
                                      lambda: last.version() == new)
        converged = time.monotonic()
        time.sleep(1.0)  # answers after convergence must all be the new version
    finally:
        load.stop()

    answers = load.answers
    failed = [a for a in answers if not a.ok]
    seen = collections.Counter(v for a in answers for v in a.versions)
    after = [a for a in answers if a.started > converged + 0.1]
    stats = balancer.stats()
    figures = {
        "requests": len(answers), "failed": len(failed), "versions_seen": dict(seen),
        "answers_by_replica": dict(collections.Counter(a.replica for a in answers)),
        "haproxy_retries": {name: int(row["wretr"] or 0) for name, row in stats.items()},
        "haproxy_redispatches": {name: int(row["wredis"] or 0) for name, row in stats.items()},
        "seconds_to_converge": round(converged - rollout_start, 2),
        "seconds": {name: round(value, 2) for name, value in phases.items()},
        "requests_after_convergence": len(after),
        "final_versions": {r.name: r.version() for r in replicas},
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "replicas.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("\nreplica rollout:", json.dumps(figures))

    assert not failed, f"{len(failed)} failed requests, e.g. {failed[:3]}"
    assert len(answers) > 100 and set(seen) == {old, new}
    assert after and {a.versions[0] for a in after} == {new}
    assert figures["final_versions"] == {r.name: new for r in replicas}
    assert {a.replica for a in answers} == {r.name for r in replicas}


def timed(action: Callable[[], object]) -> float:
    start = time.monotonic()
    action()
    return time.monotonic() - start
