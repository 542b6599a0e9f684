"""The evidence that calibrates a library's no-match thresholds: for each judged question, the
best cosine and the best term coverage that `Searcher.search` weighs before answering
`no_match`."""

from __future__ import annotations

from collections.abc import Sequence

from backqa.index.calibration import NoMatchCalibration, calibrate
from backqa.progress import Progress
from backqa.search.searcher import Searcher
from backqa.tools.evaluation.datasets import JudgedQuestion


class NoMatchEvidence:
    """Gathers, per question, what the library has on it under the fusion stage."""

    def __init__(self, searcher: Searcher, progress: Progress | None = None) -> None:
        self.searcher = searcher
        self.progress = progress or Progress(enabled=False)

    def gather(self, questions: Sequence[JudgedQuestion]) -> list[tuple[str, float, float]]:
        """(id, best cosine, best term coverage) of each question."""
        s = self.searcher
        found = []
        with self.progress.stage("no-match evidence", len(questions), "question") as stage:
            for question in questions:
                text = s.prepare(question.question)
                evidence = s.evidence(text, s.rank(text, s.embed(text), s.depth))
                found.append((question.id, evidence.dense, evidence.lexical))
                stage.advance()
        return found

    def calibrate(self, questions: Sequence[JudgedQuestion],
                  judged_set: str) -> NoMatchCalibration:
        """Thresholds that refuse the off-topic questions and answer the on-topic ones."""
        found = {qid: (dense, lexical) for qid, dense, lexical in self.gather(questions)}
        on = [(q.id, *found[q.id]) for q in questions if q.on_topic]
        off = [(q.id, *found[q.id]) for q in questions if not q.on_topic]
        return calibrate(on, off, model_key=self.searcher.index.model_key,
                         judged_set=judged_set)
