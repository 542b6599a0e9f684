"""Helpers shared by the reliability tests: a generated library, the fake CLI in a subprocess,
and a fingerprint of what an index answers."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from backqa.index import load_current
from backqa.ingest import IngestPipeline, IngestSummary
from backqa.search import Searcher
from backqa.versions import BUILD_PREFIX, IndexDirectory
from conftest import LIBRARY, PROJECT, FakeEncoder

FAKE_CLI = Path(__file__).resolve().parent / "fake_backqa.py"
PYTHON = sys.executable

QUESTIONS = [
    "why does my lower back hurt after running",
    "should I stretch my hamstrings for back pain",
    "is it safe to run with sciatica",
    "core strength exercises for runners",
    "back pain after hill running",
    "when should I see a doctor about back pain",
]

_WORD_LIST = """
runner running back pain lower spine muscle hamstring glute core strength stretch posture
stride cadence hill shoe surface mileage rest recovery physio doctor disc nerve sciatica
hip pelvis tight weak fatigue training plan week easy tempo long warm cool ice heat
massage foam roller yoga plank bridge squat deadlift form lean forward impact ground
trail road treadmill pace breath sleep hydration
"""
WORDS = _WORD_LIST.split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def article(rng: random.Random, paragraphs: int) -> str:
    parts = []
    for i in range(paragraphs):
        if i % 4 == 0:
            parts.append(f"## {rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)} part {i}")
        parts.append(" ".join(sentence(rng) for _ in range(rng.randint(3, 9))))
    return "\n\n".join(parts) + "\n"


def write_library(folder: Path, docs: int = 24, paragraphs: int = 16, seed: int = 1,
                  shipped: bool = True) -> Path:
    """The shipped library (optionally) plus `docs` generated Markdown articles."""
    folder.mkdir(parents=True, exist_ok=True)
    if shipped:
        for path in LIBRARY.iterdir():
            if path.is_file() and path.name.lower() != "readme.md":
                shutil.copy(path, folder / path.name)
    rng = random.Random(seed)
    for n in range(docs):
        title = f"# Generated article {n}: {rng.choice(WORDS)} and {rng.choice(WORDS)}\n\n"
        (folder / f"generated-{n:03d}.md").write_text(title + article(rng, paragraphs))
    return folder


def change_library(folder: Path, seed: int = 2) -> None:
    """Edit some files, remove one, add one: an ingest of the result has real work to do."""
    rng = random.Random(seed)
    generated = sorted(folder.glob("generated-*.md"))
    for path in generated[:8]:
        path.write_text(path.read_text() + "\n" + article(rng, 4))
    generated[-1].unlink()
    for n in range(5):
        (folder / f"added-article-{n}.md").write_text(f"# Added article {n}\n\n"
                                                      + article(rng, 40))


@dataclass
class Answers:
    """What an index answers to QUESTIONS: passage ids, scores and sources, in order."""

    version: str
    results: list[list[tuple[str, float, str]]]


def answers(index_dir: Path) -> Answers:
    index = load_current(index_dir)
    searcher = Searcher(index, FakeEncoder())
    results = []
    for question in QUESTIONS:
        response = searcher.search(question, k=5)
        results.append([(r.passage_id, r.score, r.source.path) for r in response.results])
    return Answers(index.version, results)


def ingest(index_dir: Path, library: Path, root: Path, rebuild: bool = False) -> IngestSummary:
    """An in-process ingest with the fake encoder."""
    return IngestPipeline(index_dir, root, encoder_factory=FakeEncoder,
                          identity=FakeEncoder.identity, progress=False,
                          log=lambda _m: None).run([library], rebuild=rebuild)


def cli_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKQA_")}
    env.update({"BACKQA_ROOT": str(root), "PYTHONPATH": str(PROJECT / "src"),
                "HF_HUB_OFFLINE": "1", **extra})
    return env


def fake_cli(args: list[str], root: Path, **extra: str) -> subprocess.Popen[str]:
    """Start `backqa ARGS` (the real CLI, fake encoder) in a subprocess."""
    return subprocess.Popen([PYTHON, str(FAKE_CLI), *args], env=cli_env(root, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def leftovers(index_dir: Path) -> list[str]:
    """Anything in the index folder a finished ingest should not leave behind."""
    directory = IndexDirectory(index_dir)
    keep = {p.name for p in (directory.current(), directory.previous()) if p is not None}
    found = [p.name for p in directory.versions.iterdir() if p.name not in keep]
    found += [p.name for p in index_dir.glob(".*.tmp")]
    found += [p.name for p in directory.versions.glob(BUILD_PREFIX + "*")]
    return sorted(set(found))
