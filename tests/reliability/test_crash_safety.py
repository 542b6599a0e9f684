"""Crash safety of ingest and publish: SIGKILL the real `backqa ingest` (fake encoder, in a
subprocess) at every checkpoint and at random moments, then check that the live index is a
complete version that answers exactly as before (or exactly as the new build), and that the
next ingest completes and removes what the dead one left. Also: two ingests at once."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from backqa.index.versions import IndexDirectory, IndexLocked
from backqa.ingest.pipeline import IngestPipeline
from helpers import Answers, answers, change_library, fake_cli, ingest, leftovers, write_library

ENCODE_DELAY = "0.15"  # seconds per embedding batch: several batches, each a kill window


@dataclass
class Scenario:
    base: Path
    library: Path
    v1_index: Path
    v1: Answers  # what the live index answers before the crashed ingest
    v2: Answers  # what a clean build of the changed library answers


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    base = tmp_path_factory.mktemp("crash")
    library = write_library(base / "library")
    ingest(base / "index-v1", library, base)
    v1 = answers(base / "index-v1")
    change_library(library)
    ingest(base / "reference-v2", library, base)
    v2 = answers(base / "reference-v2")
    assert v1.results != v2.results  # the crashed ingest has something visible to change
    return Scenario(base, library, base / "index-v1", v1, v2)


@dataclass
class Outcome:
    killed: bool
    last_stage: str
    leftovers_before_recovery: list[str]


def crash_once(scenario: Scenario, workdir: Path, env: dict[str, str],
               kill_after: tuple[str | None, float] | None = None) -> Outcome:
    """Run one ingest that dies (by a checkpoint in `env`, or killed `kill_after` = (stage
    seen in the trace, random delay) from outside), then check the index and recover."""
    index = workdir / "index"
    shutil.copytree(scenario.v1_index, index, symlinks=True)
    trace = workdir / "trace"
    proc = fake_cli(["ingest", str(scenario.library), "--index", str(index)], scenario.base,
                    BACKQA_TEST_TRACE=str(trace), BACKQA_TEST_ENCODE_DELAY=ENCODE_DELAY, **env)
    if kill_after is not None:
        stage, delay = kill_after
        _wait_for_stage(proc, trace, stage)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
    _, stderr = proc.communicate(timeout=120)
    assert "Traceback" not in stderr, stderr
    stages = trace.read_text().split() if trace.exists() else []
    killed = proc.returncode == -signal.SIGKILL
    assert killed or proc.returncode == 0, stderr

    # The live index is one complete version: the old one, or (killed after the switch of
    # `current`) the new one, and it answers exactly as that version should.
    after = answers(index)
    if after.version == scenario.v1.version:
        assert after.results == scenario.v1.results
    else:
        assert "point:current" in stages, f"a new version went live before publish: {stages}"
        assert after.results == scenario.v2.results
    found = leftovers(index)

    # The next ingest completes, answers as a clean build would, and leaves nothing behind.
    summary = ingest(index, scenario.library, scenario.base)
    assert not summary.problems
    assert answers(index).results == scenario.v2.results
    assert leftovers(index) == []
    with IndexDirectory(index).lock():  # the dead process's lock is gone with it
        pass
    return Outcome(killed, stages[-1] if stages else "(start)", found)


def _wait_for_stage(proc: subprocess.Popen[str], trace: Path, stage: str | None) -> None:
    if stage is None:
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if trace.exists() and stage in trace.read_text().split():
            return
        time.sleep(0.002)


# Every build checkpoint (backqa.index.checkpoints), the 1st/2nd/3rd embedding batch, and the two
# moments inside publish between the rename of the build and the switch of each symlink.
CHECKPOINT_KILLS = [
    {"BACKQA_TEST_KILL": "read"},
    {"BACKQA_TEST_KILL": "embedding:1"},
    {"BACKQA_TEST_KILL": "embedding:2"},
    {"BACKQA_TEST_KILL": "embedding:3"},
    {"BACKQA_TEST_KILL": "embedded"},
    {"BACKQA_TEST_KILL": "store"},
    {"BACKQA_TEST_KILL": "vectors"},
    {"BACKQA_TEST_KILL": "lexical"},
    {"BACKQA_TEST_KILL": "manifest"},
    {"BACKQA_TEST_KILL": "built"},
    {"BACKQA_TEST_KILL": "point:previous"},
    {"BACKQA_TEST_KILL": "point:current"},
    {"BACKQA_TEST_KILL": "published"},
]
FAST = {"embedding:2", "store", "point:current"}  # the rest run with the slow tests


@pytest.mark.parametrize("env", [
    pytest.param(env, id=next(iter(env.values())),
                 marks=() if next(iter(env.values())) in FAST else pytest.mark.slow)
    for env in CHECKPOINT_KILLS])
def test_kill_at_checkpoint(scenario: Scenario, tmp_path: Path, env: dict[str, str]) -> None:
    outcome = crash_once(scenario, tmp_path, env)
    assert outcome.killed
    stage = next(iter(env.values()))
    assert outcome.last_stage == (stage.split(":")[0] if stage.startswith("embedding") else stage)
    if outcome.last_stage in ("store", "vectors", "lexical", "manifest", "built"):
        assert any(name.startswith(".build-") for name in outcome.leftovers_before_recovery)


# (stage to wait for, longest random delay after it): spread over reading, embedding, writing
# SQLite, FAISS and BM25, and publishing.
RANDOM_WINDOWS = [(None, 1.6), ("read", 0.4), ("embedding", 0.3), ("embedded", 0.03),
                  ("store", 0.02), ("vectors", 0.02), ("manifest", 0.02), ("built", 0.01)]


@pytest.mark.slow
def test_random_kills(scenario: Scenario, tmp_path: Path) -> None:
    rng = random.Random(6)
    outcomes = []
    for n in range(16):
        stage, longest = RANDOM_WINDOWS[n % len(RANDOM_WINDOWS)]
        workdir = tmp_path / f"run{n}"
        workdir.mkdir()
        outcomes.append(crash_once(scenario, workdir, {},
                                   kill_after=(stage, rng.uniform(0, longest))))
    killed = [o for o in outcomes if o.killed]
    spread = Counter(o.last_stage for o in killed)
    print(f"random kills: {len(killed)} of {len(outcomes)} runs; last stage reached: "
          f"{dict(spread)}")
    assert len(killed) >= 12
    assert len(spread) >= 4  # the kills really landed in different stages


def test_second_ingest_refuses_while_one_runs(scenario: Scenario, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(scenario.v1_index, index, symlinks=True)
    trace = tmp_path / "trace"
    first = fake_cli(["ingest", str(scenario.library), "--index", str(index)], scenario.base,
                     BACKQA_TEST_TRACE=str(trace), BACKQA_TEST_ENCODE_DELAY="1.0")
    try:
        _wait_for_stage(first, trace, "read")
        assert first.poll() is None, "the first ingest finished too early for this test"
        second = fake_cli(["ingest", str(scenario.library), "--index", str(index)],
                          scenario.base)
        _, stderr = second.communicate(timeout=60)
        assert second.returncode == 2
        assert "another ingest is running" in stderr and "Traceback" not in stderr
        assert f"pid {first.pid}" in stderr  # names who holds the lock
        with pytest.raises(IndexLocked):
            IngestPipeline(index, scenario.base).ingest([scenario.library])
        assert first.poll() is None, "the first ingest was not still running during the check"
    finally:
        _out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert answers(index).results == scenario.v2.results
    assert leftovers(index) == []
