"""The evidence that calibrates a library's no match: for each judged (and scope) question,
what `Searcher.search` weighs before answering `no_match` (the best cosine and term coverage)
and the question's embedding; from it, the thresholds and, given scope questions, the scope
gate (`tools.evaluation.scope`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from backqa.index.calibration import NoMatchCalibration, calibrate
from backqa.progress import Progress
from backqa.search.no_match import Evidence, scope_scores
from backqa.search.searcher import Searcher
from backqa.tools.evaluation.datasets import JudgedQuestion, ScopeQuestion
from backqa.tools.evaluation.scope import ScopeExample, scope_gate, unit_rows


class NoMatchEvidence:
    """Gathers, per question, what the library has on it under the fusion stage."""

    def __init__(self, searcher: Searcher, progress: Progress | None = None) -> None:
        self.searcher = searcher
        self.progress = progress or Progress(enabled=False)

    def gather(self, questions: Sequence[tuple[str, str]]
               ) -> dict[str, tuple[Evidence, np.ndarray, str]]:
        """Per `(id, question)`: the evidence, the question's embedding and the text embedded."""
        s = self.searcher
        found = {}
        with self.progress.stage("no-match evidence", len(questions), "question") as stage:
            for qid, question in questions:
                text = s.prepare(question)
                vector = s.embed(text)
                found[qid] = (s.evidence(text, s.rank(text, vector, s.depth)), vector, text)
                stage.advance()
        return found

    def calibrate(self, questions: Sequence[JudgedQuestion], judged_set: str,
                  scope: Sequence[tuple[str, Sequence[ScopeQuestion]]] = (),
                  files: Mapping[str, str] | None = None) -> NoMatchCalibration:
        """Thresholds that refuse the off-topic questions and answer the on-topic ones; with
        scope files (`(name, questions)`), also the scope gate, fit on the judged questions
        and those. `files` names each judged question's file (by id; default one file), the
        unit that cross-validation leaves out."""
        found = self.gather([(q.id, q.question) for q in questions] +
                            [(q.id, q.question) for _, qs in scope for q in qs])
        on = [(q.id, found[q.id][0].dense, found[q.id][0].lexical)
              for q in questions if q.on_topic]
        off = [(q.id, found[q.id][0].dense, found[q.id][0].lexical)
               for q in questions if not q.on_topic]
        calibration = calibrate(on, off, model_key=self.searcher.index.model_key,
                                judged_set=judged_set)
        if not scope:
            return calibration
        judged = [self._example(q.id, (files or {}).get(q.id, judged_set), q.on_topic, found)
                  for q in questions]
        extra = [self._example(q.id, name, q.on_topic, found) for name, qs in scope for q in qs]
        gate = scope_gate(judged + extra)
        bank = unit_rows(judged + extra)
        labels = np.array([q.on_topic for q in gate.questions])
        scores = scope_scores(unit_rows(judged) @ bank.T, labels, gate.k)
        refused = {e.id for e, score in zip(judged, scores, strict=True)
                   if score < gate.threshold or (found[e.id][0].dense < calibration.dense and
                                                 found[e.id][0].lexical < calibration.lexical)}
        return calibration.model_copy(update={
            "scope": gate,
            "answered_off_topic": sorted(q.id for q in questions
                                         if not q.on_topic and q.id not in refused),
            "refused_on_topic": sorted(q.id for q in questions if q.on_topic and q.id in refused)})

    @staticmethod
    def _example(qid: str, group: str, on_topic: bool,
                 found: Mapping[str, tuple[Evidence, np.ndarray, str]]) -> ScopeExample:
        _, vector, text = found[qid]
        return ScopeExample(qid, group, text, on_topic, vector)
