"""The see-a-doctor notice, measured: one table per judged batch, through the search path.

    .venv/bin/python -m backqa.tools.notice_eval [--index DIR] [--batches dev,batch6,...] [--json]

Each question goes through `Searcher.search` (spelling, embedding, the library's on-topic
evidence, then the detector), so the figures are the ones a user gets. Per batch: recall and
precision of the shipped detector (word patterns + semantic layer) and of the words alone,
with every miss and false alarm listed. Batches (tests/judged/, see its README):

- dev, holdout .. holdout5: `notice_questions.jsonl` by split (the old set);
- batch6, batch7: the two fresh batches used for tuning; unseen .. unseen5: batches
  never tuned on (unseen2 written before issue 13's detector work and run once, frozen, after
  it; unseen3 to unseen5 written blind for the nearest-examples layer, each run once, frozen,
  after a round of work);
- batch8, batch9, batch10: more fresh batches (issue 13), each run once frozen, then tuned on;
- written: the phrasings written for this detector (`notice_written.jsonl`);
- retrieval: the retrieval judged sets' on-topic questions (`questions.jsonl`, batch 2 and 3),
  labelled by `notice_retrieval_labels.jsonl` where they name a sign, else ordinary;
- off-topic: every off-topic question (retrieval sets, `off_topic_general.jsonl` with its
  near-topic running injuries, `off_topic_written.jsonl`, general questions of
  `notice_written.jsonl`): none may fire;
- retrieval-holdout: `questions-holdout.jsonl` (the ranking's held-out split, never tuned on):
  its off-topic questions must not fire; on-topic ones that fire are listed to judge by hand.
The index (default: the live one) must be built with the bundled model.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from backqa.encoders.identity import Encoder
    from backqa.search.searcher import Searcher

PROJECT = Path(__file__).resolve().parents[3]
JUDGED = PROJECT / "tests" / "judged"
OLD_SPLITS = ("dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5")
RETRIEVAL_FILES = ("questions.jsonl", "questions-batch2.jsonl", "questions-batch3.jsonl")
FRESH = ("batch8", "batch9", "batch10")  # written for issue 13, each run frozen once, then tuned on
TUNING = (*OLD_SPLITS, "batch6", "batch7", *FRESH, "written", "retrieval", "off-topic")
# never tuned on; each run once, frozen
UNSEEN = ("unseen", "unseen2", "unseen3", "unseen4", "unseen5")
ALL_BATCHES = (*TUNING, "retrieval-holdout", *UNSEEN)


@dataclass(frozen=True)
class NoticeQuestion:
    """A judged question: `warning` is None when its label is left open (not counted)."""

    q: str
    warning: bool | None
    signs: tuple[str, ...] = ()
    source: str = ""


@dataclass
class BatchScore:
    """Counts for one batch and one detector, with the questions it got wrong."""

    batch: str
    questions: int = 0
    warnings: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    unlabelled_fired: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.tp / self.warnings if self.warnings else None

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None


def read_judged(path: Path) -> list[dict[str, object]]:
    """The judged questions: one JSON object per line with `q` and `warning`."""
    rows: list[dict[str, object]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row.get("q"), str) or not isinstance(row.get("warning"), bool):
                raise ValueError("needs a string `q` and a boolean `warning`")
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from exc
        rows.append(row)
    return rows


def _notice_rows(name: str, split: Callable[[str], bool] = lambda _: True) -> list[NoticeQuestion]:
    return [NoticeQuestion(str(r["q"]), bool(r["warning"]), _signs(r.get("signs")), name)
            for r in read_judged(JUDGED / name) if split(str(r.get("split", "")))]


def _signs(value: object) -> tuple[str, ...]:
    return tuple(str(s) for s in value) if isinstance(value, list) else ()


def _retrieval_rows(names: tuple[str, ...], on_topic: bool) -> list[NoticeQuestion]:
    from backqa.tools.evaluation.datasets import read_judged as read_retrieval

    labels = {str(r["id"]): r for r in (json.loads(line) for line in (
        JUDGED / "notice_retrieval_labels.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip())}
    rows: list[NoticeQuestion] = []
    for name in names:
        for item in read_retrieval(JUDGED / name):
            if item.on_topic != on_topic:
                continue
            label = labels.get(item.id, {"warning": False, "signs": []})
            rows.append(NoticeQuestion(item.question, label["warning"], _signs(label["signs"]),
                                       f"{name}#{item.id}"))
    return rows


def load_batch(batch: str) -> list[NoticeQuestion]:
    """The questions of one batch (names in the module docstring)."""
    if batch in OLD_SPLITS:
        return _notice_rows("notice_questions.jsonl", lambda s: s == batch)
    if batch in ("batch6", "batch7", *FRESH):
        return _notice_rows(f"notice_{batch}.jsonl")
    if batch in UNSEEN:
        return _notice_rows(f"notice_{batch}.jsonl")
    if batch == "written":
        return _notice_rows("notice_written.jsonl", lambda s: not s.endswith("-general"))
    if batch == "retrieval":
        return _retrieval_rows(RETRIEVAL_FILES, on_topic=True)
    if batch == "off-topic":
        return (_retrieval_rows(RETRIEVAL_FILES, on_topic=False)
                + _notice_rows("off_topic_general.jsonl") + _notice_rows("off_topic_written.jsonl")
                + _notice_rows("notice_written.jsonl", lambda s: s.endswith("-general")))
    if batch == "retrieval-holdout":
        return ([NoticeQuestion(q.q, None, (), q.source)
                 for q in _retrieval_rows(("questions-holdout.jsonl",), on_topic=True)]
                + _retrieval_rows(("questions-holdout.jsonl",), on_topic=False))
    raise ValueError(f"unknown batch {batch!r}: use one of {', '.join(ALL_BATCHES)}")


def score(batch: str, questions: list[NoticeQuestion],
          fired: Callable[[str], list[str] | None]) -> BatchScore:
    """Count hits and misses; `fired` gives the signs a question's notice names (None: none)."""
    result = BatchScore(batch)
    for question in questions:
        signs = fired(question.q)
        shown = f"{question.q}  -> {signs}" if signs is not None else question.q
        if question.warning is None:
            if signs is not None:
                result.unlabelled_fired.append(shown)
            continue
        result.questions += 1
        result.warnings += question.warning
        if question.warning and signs is not None:
            result.tp += 1
        elif question.warning:
            result.fn += 1
            result.misses.append(f"{question.q}  (judged: {', '.join(question.signs)})")
        elif signs is not None:
            result.fp += 1
            result.false_alarms.append(shown)
    return result


class PreparedEncoder:
    """An encoder with known questions embedded beforehand, in batches (the same vectors the
    search path would compute one by one, much faster); other texts go to the encoder."""

    def __init__(self, encoder: Encoder, texts: list[str]) -> None:
        self.identity = encoder.identity
        self._encoder = encoder
        unique = list(dict.fromkeys(texts))
        self._known = dict(zip(unique, np.asarray(encoder.encode(unique)), strict=True))

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        missing = [t for t in texts if t not in self._known]
        if missing:
            self._known.update(zip(missing, np.asarray(self._encoder.encode(missing)),
                                   strict=True))
        return np.asarray([self._known[t] for t in texts])


def searched_signs(searcher: Searcher,
                   questions: list[NoticeQuestion]) -> Callable[[str], list[str] | None]:
    """What the search path's notice names for a question (`questions` are embedded first)."""
    searcher.encoder = PreparedEncoder(searcher.encoder,
                                       [searcher.prepare(q.q) for q in questions])

    def signs(question: str) -> list[str] | None:
        notice = searcher.search(question).notice
        return None if notice is None else list(notice.signs)

    return signs


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_scores(shipped: BatchScore, words: BatchScore) -> str:
    """One batch's table (shipped detector and words alone) and its errors."""
    lines = [f"## {shipped.batch}: {shipped.questions} questions, {shipped.warnings} with a sign",
             "", "| detector | recall | precision | misses | false alarms |",
             "|---|---:|---:|---:|---:|"]
    for name, s in (("shipped (words + semantic)", shipped), ("words alone", words)):
        lines.append(f"| {name} | {_figure(s.recall)} ({s.tp}/{s.warnings}) | "
                     f"{_figure(s.precision)} | {s.fn} | {s.fp} |")
    for title, items in (("misses", shipped.misses), ("false alarms", shipped.false_alarms),
                         ("fired on unlabelled questions (judge by hand)",
                          shipped.unlabelled_fired)):
        if items:
            lines += ["", f"{title}:", *(f"- {item}" for item in items)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=PROJECT / "index")
    parser.add_argument("--batches", default=",".join(ALL_BATCHES),
                        help=f"comma-separated, from: {', '.join(ALL_BATCHES)}")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from backqa.encoders import load_encoder
    from backqa.index.loaded import load_current
    from backqa.search.notice import WarningSignDetector
    from backqa.search.searcher import Searcher

    batches = [b.strip() for b in args.batches.split(",") if b.strip()]
    loaded = {batch: load_batch(batch) for batch in batches}
    searcher = Searcher(load_current(args.index), load_encoder("auto"))
    shipped_detector = searcher.detector
    report: list[dict[str, object]] = []
    signs = searched_signs(searcher, [q for questions in loaded.values() for q in questions])
    for batch, questions in loaded.items():
        searcher.detector = shipped_detector
        shipped = score(batch, questions, signs)
        searcher.detector = WarningSignDetector()
        words = score(batch, questions, signs)
        if args.json:
            report.append({"shipped": asdict(shipped), "words": asdict(words)})
        else:
            print(format_scores(shipped, words))
    if args.json:
        print(json.dumps({"index": str(args.index),
                          "semantic_layer": shipped_detector.model is not None,
                          "batches": report}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
