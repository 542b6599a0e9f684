"""What an evaluation reports: per mode its mean metrics, latency, no-match counts, near
duplicates and words read; per question set (one file, or several pooled) a table and JSON."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from backqa.tools.evaluation.metrics import METRIC_LABELS, METRICS, QueryScore, mean_scores

BEIR_METRICS = ("ndcg10", "mrr10", "recall10", "recall100", "success1")
MODE_LABELS = {"bm25": "BM25 alone", "dense": "dense alone (MiniLM)",
               "windows": "plain hybrid, 1000-char windows",
               "fusion": "fusion stage (Searcher.rank)", "final": "final (Searcher.search)"}


@dataclass
class ModeReport:
    """One mode over one question set.

    `scores`: per judged (on-topic) question; `ms`: per question, embedding and ranking
    together; `embed_ms`: the embedding part (empty for `final`, whose search embeds inside).
    The no-match counts are None for modes that make no no-match decision. `words_read`: per
    on-topic question, the words read before the first answer (final mode, judged set);
    `highlight_answers`: per on-topic question answered in the results, whether the first
    answering result's highlighted sentence shows the answer."""

    mode: str
    scores: dict[str, QueryScore]
    ms: list[float]
    embed_ms: list[float] = field(default_factory=list)
    off_topic: int = 0
    no_match_on_topic: int | None = None
    no_match_off_topic: int | None = None
    duplicate_pairs: int = 0
    words_read: list[float] = field(default_factory=list)
    highlight_answers: list[bool] = field(default_factory=list)

    @property
    def queries(self) -> int:
        return len(self.scores)

    @property
    def means(self) -> dict[str, float]:
        return mean_scores(list(self.scores.values()))

    def count_no_match(self, on_topic: bool, refused: bool) -> None:
        """Count one question's no-match decision (for a mode that makes one)."""
        if on_topic:
            self.no_match_on_topic = (self.no_match_on_topic or 0) + int(refused)
        else:
            self.no_match_off_topic = (self.no_match_off_topic or 0) + int(refused)

    def latency(self) -> dict[str, float | None]:
        """Median and 99th percentile of the per-question time, and the embedding median."""
        return {"median_ms": float(np.percentile(self.ms, 50)) if self.ms else None,
                "p99_ms": float(np.percentile(self.ms, 99)) if self.ms else None,
                "embed_median_ms": float(np.percentile(self.embed_ms, 50))
                if self.embed_ms else None}

    def words_read_median(self) -> float | None:
        """Median words read before the first answer (infinite when most questions get no
        answer in the results shown); None when not measured."""
        return float(np.median(self.words_read)) if self.words_read else None

    def highlight_share(self) -> float | None:
        """Share of the answered questions whose first answer's highlight shows it."""
        shown = self.highlight_answers
        return sum(shown) / len(shown) if shown else None

    def to_dict(self) -> dict[str, object]:
        words = self.words_read_median()
        return {
            "mode": self.mode, "label": MODE_LABELS.get(self.mode, self.mode),
            "queries": self.queries,
            "metrics": {k: round(v, 4) for k, v in self.means.items()},
            "latency": {k: None if v is None else round(v, 3)
                        for k, v in self.latency().items()},
            "off_topic": self.off_topic, "no_match_on_topic": self.no_match_on_topic,
            "no_match_off_topic": self.no_match_off_topic,
            "duplicate_pairs_top5": self.duplicate_pairs,
            "words_read_before_answer": None if words is None else {
                "median": None if math.isinf(words) else round(words, 1),
                "answered": sum(1 for w in self.words_read if not math.isinf(w)),
                "questions": len(self.words_read)},
            "highlight_shows_answer": None if not self.highlight_answers else {
                "share": round(self.highlight_share() or 0.0, 4),
                "shown": sum(self.highlight_answers),
                "answered": len(self.highlight_answers)},
        }

    @classmethod
    def pooled(cls, reports: Sequence[ModeReport]) -> ModeReport:
        """One mode's reports on several question sets as one (ids must not repeat)."""
        def total(counts: list[int | None]) -> int | None:
            return None if any(c is None for c in counts) else sum(c or 0 for c in counts)

        scores: dict[str, QueryScore] = {}
        for report in reports:
            scores.update(report.scores)
        return cls(reports[0].mode, scores, [x for r in reports for x in r.ms],
                   [x for r in reports for x in r.embed_ms],
                   sum(r.off_topic for r in reports),
                   total([r.no_match_on_topic for r in reports]),
                   total([r.no_match_off_topic for r in reports]),
                   sum(r.duplicate_pairs for r in reports),
                   [x for r in reports for x in r.words_read],
                   [x for r in reports for x in r.highlight_answers])


@dataclass
class SetReport:
    """Every mode over one question set: a judged file, several pooled, or BEIR qrels."""

    name: str
    judged: bool
    questions: int
    modes: list[ModeReport]

    @classmethod
    def pooled(cls, name: str, sets: Sequence[SetReport]) -> SetReport:
        modes = [ModeReport.pooled([s.modes[i] for s in sets])
                 for i in range(len(sets[0].modes))]
        return cls(name, sets[0].judged, sum(s.questions for s in sets), modes)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "questions": self.questions,
                "judged": self.modes[0].queries if self.modes else 0,
                "off_topic": self.modes[0].off_topic if self.modes else 0,
                "modes": [m.to_dict() for m in self.modes]}

    def table(self) -> str:
        """The modes side by side, one row each, under a line naming the set."""
        metrics = METRICS if self.judged else BEIR_METRICS
        judged = self.modes[0].queries if self.modes else 0
        title = f"{self.name}: {self.questions} questions" + (
            f" ({judged} on-topic, {self.questions - judged} off-topic)" if self.judged else "")
        head = f"{'mode':32s}" + "".join(f"{METRIC_LABELS[m]:>8s}" for m in metrics)
        head += f"{'dup@5':>6s}{'off->nm':>8s}{'on->nm':>7s}" if self.judged else \
            f"{'no match':>9s}"
        head += f"{'words':>6s}{'hl':>6s}" if self.judged else ""
        head += f"{'ms p50':>9s}{'ms p99':>9s}"
        lines = [title, head, "-" * len(head)]
        for r in self.modes:
            row = f"{MODE_LABELS.get(r.mode, r.mode):32s}" + "".join(
                f"{r.means[m]:8.4f}" for m in metrics)
            if self.judged:
                off = "n/a" if r.no_match_off_topic is None else \
                    f"{r.no_match_off_topic}/{r.off_topic}"
                on = "n/a" if r.no_match_on_topic is None else str(r.no_match_on_topic)
                words = r.words_read_median()
                row += f"{r.duplicate_pairs:6d}{off:>8s}{on:>7s}"
                row += f"{'n/a' if words is None else format(words, '.0f'):>6s}"
                shown = r.highlight_share()
                row += f"{'n/a' if shown is None else format(shown, '.2f'):>6s}"
            else:
                refused = "n/a" if r.no_match_on_topic is None else str(r.no_match_on_topic)
                row += f"{refused:>9s}"
            lat = r.latency()
            row += f"{lat['median_ms'] or 0:9.2f}{lat['p99_ms'] or 0:9.2f}"
            lines.append(row)
        lines.append(
            "ms: per question, embedding + ranking (final: the whole `Searcher.search` call)"
            + ("; words: median words read before the first answer; hl: share of the answered "
               "questions whose first answer's highlight shows it" if self.judged else ""))
        return "\n".join(lines)
