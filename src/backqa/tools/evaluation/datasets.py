"""What evaluation reads: BEIR queries and qrels, and the judged question files.

- BEIR: queries are `{"_id", "text"}` JSON lines; qrels a header line, then
  `query-id<TAB>corpus-id<TAB>score` lines.
- The judged set: `{"id", "question", "type", "evidence": [{"grade", "phrases"}]}` JSON lines.
  Each evidence item is an answer point (grade 2 answers the question, grade 1 is related) with
  phrases copied from the library; an empty `evidence` marks an off-topic question, whose right
  answer is `no_match`.

- Scope questions (for the no-match scope gate): `{"q", "on_topic"}` JSON lines; in a file
  read as off-topic only (`off_topic=True`, such as `off_topic_general.jsonl`), every `q` is
  off topic and other fields are ignored.

Every error names the file and, where there is one, the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# The judged files of `tests/judged/` by split: tune on the first, check on the held-out one.
TUNING_FILES = ("questions.jsonl", "questions-batch2.jsonl", "questions-batch3.jsonl")
HOLDOUT_FILES = ("questions-holdout.jsonl",)
SPLITS = {"tune": TUNING_FILES, "holdout": HOLDOUT_FILES, "all": TUNING_FILES + HOLDOUT_FILES}


class EvalError(ValueError):
    """An evaluation input is malformed; the message names the file and line."""


def _json_lines(path: Path) -> Iterable[tuple[int, dict[str, object]]]:
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror})") from exc
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            if not isinstance(item, dict):
                raise EvalError(f"{path}:{number}: expected a JSON object")
            yield number, item


def read_queries(path: Path) -> dict[str, str]:
    """BEIR queries: one `{"_id", "text"}` object per line."""
    queries: dict[str, str] = {}
    for number, item in _json_lines(path):
        qid, text = item.get("_id"), item.get("text")
        if not isinstance(qid, str | int) or not isinstance(text, str):
            raise EvalError(f"{path}:{number}: needs string fields `_id` and `text`")
        queries[str(qid)] = text
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """BEIR qrels: a header line, then `query-id<TAB>corpus-id<TAB>score` lines."""
    qrels: dict[str, dict[str, int]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        if number == 1 and not parts[-1].lstrip("-").isdigit():
            continue  # header
        if len(parts) != 3:
            raise EvalError(f"{path}:{number}: expected query-id, corpus-id and score "
                            f"separated by tabs, got {line!r}")
        try:
            grade = int(parts[2])
        except ValueError as exc:
            raise EvalError(f"{path}:{number}: score {parts[2]!r} is not an integer") from exc
        qrels.setdefault(parts[0], {})[parts[1]] = grade
    return qrels


@dataclass(frozen=True)
class Evidence:
    """One answer point: its grade and the phrases (copied from the library) that show it."""

    grade: int
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class JudgedQuestion:
    id: str
    question: str
    kind: str
    evidence: tuple[Evidence, ...]

    @property
    def on_topic(self) -> bool:
        return bool(self.evidence)


def read_judged(path: Path) -> list[JudgedQuestion]:
    """One judged question file (see the module docstring for the format)."""
    questions: list[JudgedQuestion] = []
    seen: set[str] = set()
    for number, item in _json_lines(path):
        where = f"{path}:{number}"
        qid, text = item.get("id"), item.get("question")
        if not isinstance(qid, str) or not isinstance(text, str) or not text.strip():
            raise EvalError(f"{where}: needs string fields `id` and `question`")
        if qid in seen:
            raise EvalError(f"{where}: duplicate id {qid!r}")
        seen.add(qid)
        raw = item.get("evidence", [])
        if not isinstance(raw, list):
            raise EvalError(f"{where}: `evidence` must be a list")
        evidence: list[Evidence] = []
        for entry in raw:
            grade = entry.get("grade") if isinstance(entry, dict) else None
            phrases = entry.get("phrases") if isinstance(entry, dict) else None
            if grade not in (1, 2) or not isinstance(phrases, list) or not phrases or \
                    not all(isinstance(p, str) and p.strip() for p in phrases):
                raise EvalError(f"{where}: each evidence item needs `grade` 1 or 2 and a "
                                f"non-empty list of `phrases`")
            evidence.append(Evidence(int(grade), tuple(phrases)))
        questions.append(JudgedQuestion(qid, text, str(item.get("type", "")), tuple(evidence)))
    if not questions:
        raise EvalError(f"{path}: no questions")
    return questions


@dataclass(frozen=True)
class JudgedFile:
    """The questions of one judged file."""

    path: Path
    questions: list[JudgedQuestion]

    @property
    def held_out(self) -> bool:
        """A held-out file is only ever measured: never tuned or calibrated on."""
        return self.path.name in HOLDOUT_FILES


def read_judged_files(paths: Sequence[Path]) -> list[JudgedFile]:
    """Several judged files; an id may appear in only one of them (they are pooled)."""
    files = [JudgedFile(path, read_judged(path)) for path in paths]
    owner: dict[str, Path] = {}
    for judged in files:
        for question in judged.questions:
            if question.id in owner:
                raise EvalError(f"{judged.path}: id {question.id!r} is also in "
                                f"{owner[question.id]}")
            owner[question.id] = judged.path
    return files


@dataclass(frozen=True)
class ScopeQuestion:
    """A question labelled only as on or off the library's topic."""

    id: str
    question: str
    on_topic: bool


def read_scope(path: Path, off_topic: bool = False) -> list[ScopeQuestion]:
    """One scope file; `off_topic`: every question in it is off topic (no label needed)."""
    questions = []
    for number, item in _json_lines(path):
        text, label = item.get("q"), item.get("on_topic")
        if not isinstance(text, str) or not text.strip():
            raise EvalError(f"{path}:{number}: needs a string field `q`")
        if not off_topic and not isinstance(label, bool):
            raise EvalError(f"{path}:{number}: needs a boolean field `on_topic`")
        questions.append(ScopeQuestion(f"{path.name}:{number}", text,
                                       False if off_topic else bool(label)))
    if not questions:
        raise EvalError(f"{path}: no questions")
    return questions


def default_scope_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """The scope files of `folder` (labelled `scope_*.jsonl`, off-topic only
    `off_topic_*.jsonl`), each sorted by name."""
    return sorted(folder.glob("scope_*.jsonl")), sorted(folder.glob("off_topic_*.jsonl"))


def read_scope_files(labelled: Sequence[Path],
                     off_topic: Sequence[Path]) -> list[tuple[str, list[ScopeQuestion]]]:
    """Scope files by name: the labelled ones, then those whose every question is off topic."""
    return [(p.name, read_scope(p)) for p in labelled] + \
        [(p.name, read_scope(p, off_topic=True)) for p in off_topic]


def judged_set_name(files: Sequence[JudgedFile]) -> str:
    """How a calibration names the judged files it was measured on: `a.jsonl+b.jsonl`."""
    return "+".join(f.path.name for f in files)


def judged_set_paths(folder: Path, name: str) -> list[Path]:
    """The judged files in `folder` that `judged_set_name` named."""
    return [folder / part for part in name.split("+")]


def split_files(folder: Path, split: str) -> list[Path]:
    """The judged files of one split (`tune`, `holdout` or `all`) in `folder`."""
    if split not in SPLITS:
        raise EvalError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    return [folder / name for name in SPLITS[split]]
