"""The evaluator: every mode of one index over a question set, scored.

BEIR qrels rank documents: `final` is `Searcher.search(question, k=100)` with documents in
result order (first occurrence kept); the other modes rank each document by its best passage.
The judged set ranks passages: `final`'s nDCG@10, MRR@10, R@5, R@10 and S@1 come from
`Searcher.search(question, k=10)` (a page of results, also timed and checked for near
duplicates and words read) and its R@100 from `k=100`; off-topic questions must get
`no_match`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from backqa.encoders.identity import Encoder
from backqa.index.calibration import NoMatchCalibration
from backqa.ingest.dedup import NearDuplicateGrouper
from backqa.progress import Progress
from backqa.search.searcher import Searcher
from backqa.tools.evaluation.baseline import WindowBaseline
from backqa.tools.evaluation.datasets import EvalError, JudgedQuestion, ScopeQuestion
from backqa.tools.evaluation.judges import EvidenceJudge, QrelsJudge
from backqa.tools.evaluation.modes import Asked, ModeRanker
from backqa.tools.evaluation.no_match import NoMatchEvidence
from backqa.tools.evaluation.report import ModeReport, SetReport
from backqa.tools.evaluation.runs import Ranking

BEIR_MODES = ("bm25", "dense", "fusion", "final")
JUDGED_MODES = ("bm25", "dense", "windows", "fusion", "final")
DEPTH = 100  # documents or passages ranked per question: R@100
PAGE = 10  # the final mode's page of results on the judged set
DUPLICATES_TOP = 5  # near-duplicate pairs are counted among this many first results


@dataclass
class BeirEvaluation:
    """The BEIR figures and each mode's run (query id -> ranked documents)."""

    report: SetReport
    runs: dict[str, dict[str, Ranking]]


class Evaluator:
    """Runs the ranking modes of one index over a question set and scores them."""

    def __init__(self, searcher: Searcher, encoder: Encoder | None = None,
                 grouper: NearDuplicateGrouper | None = None,
                 progress: Progress | None = None) -> None:
        self.searcher = searcher
        self.encoder = encoder or searcher.encoder
        self.grouper = grouper or NearDuplicateGrouper()
        self.progress = progress or Progress(enabled=False)
        self.modes = ModeRanker(searcher)
        self.judge = EvidenceJudge()
        self._baseline: WindowBaseline | None = None

    def ask(self, questions: Sequence[str], name: str) -> list[Asked]:
        with self.progress.stage(f"{name} embed", len(questions), "question") as stage:
            asked = self.modes.ask(questions)
            stage.advance(len(questions))
        return asked

    def beir(self, queries: dict[str, str], qrels: dict[str, dict[str, int]],
             modes: Sequence[str] = BEIR_MODES, depth: int = DEPTH,
             name: str = "qrels") -> BeirEvaluation:
        """Every judged query through every mode, ranked by document."""
        unknown = [m for m in modes if m not in BEIR_MODES]
        if unknown:
            raise EvalError(f"mode {unknown[0]!r} does not rank BEIR documents: use "
                            f"{', '.join(BEIR_MODES)}")
        qids = [q for q in qrels if q in queries]
        if not qids:
            raise EvalError("no query in the qrels has a text in the queries file")
        asked = self.ask([queries[q] for q in qids], name)
        judge = QrelsJudge()
        reports, runs = [], {}
        for mode in modes:
            final = mode == "final"
            report = ModeReport(mode, {}, [], no_match_on_topic=0 if final else None)
            run: dict[str, Ranking] = {}
            with self.progress.stage(f"{name} {mode}", len(qids), "question") as stage:
                for qid, question in zip(qids, asked, strict=True):
                    ranking = run[qid] = self.modes.documents(mode, question, depth)
                    self._timed(report, ranking, question)
                    report.scores[qid] = judge.score(ranking.keys, qrels[qid])
                    if final:
                        report.count_no_match(True, ranking.no_match)
                    stage.advance()
            runs[mode] = run
            reports.append(report)
        return BeirEvaluation(SetReport(name, False, len(qids), reports), runs)

    def judged(self, questions: Sequence[JudgedQuestion],
               modes: Sequence[str] = JUDGED_MODES, depth: int = DEPTH,
               name: str = "judged") -> SetReport:
        """The judged set through every mode, scored by evidence phrases."""
        unknown = [m for m in modes if m not in JUDGED_MODES]
        if unknown:
            raise EvalError(f"unknown mode {unknown[0]!r}: use {', '.join(JUDGED_MODES)}")
        asked = self.ask([q.question for q in questions], name)
        off_topic = sum(1 for q in questions if not q.on_topic)
        reports = []
        for mode in modes:
            counted = 0 if mode == "final" else None
            report = ModeReport(mode, {}, [], off_topic=off_topic,
                                no_match_on_topic=counted, no_match_off_topic=counted)
            with self.progress.stage(f"{name} {mode}", len(questions), "question") as stage:
                for question, one in zip(questions, asked, strict=True):
                    self._judge(report, question, one, depth)
                    stage.advance()
            reports.append(report)
        return SetReport(name, True, len(questions), reports)

    def _judge(self, report: ModeReport, question: JudgedQuestion, asked: Asked,
               depth: int) -> None:
        """One question through one mode, its figures added to `report`."""
        final = report.mode == "final"
        if final:
            ranking = self.modes.final(asked, PAGE)
        elif report.mode == "windows":
            ranking = self.window_baseline().rank(asked.typed, asked.typed_vector, depth)
        else:
            ranking = self.modes.passages(report.mode, asked, depth)
        self._timed(report, ranking, asked)
        if final:
            report.count_no_match(question.on_topic, ranking.no_match)
        if not question.on_topic:
            return
        score = self.judge.score(question, ranking.texts)
        if final:
            deep = self.modes.final(asked, depth)
            score = replace(score, recall100=self.judge.score(question, deep.texts).recall100)
            report.words_read.append(self.judge.words_read(question, ranking.texts,
                                                           ranking.highlights))
            shown = self.judge.highlight_answers(question, ranking.texts, ranking.highlights)
            if shown is not None:
                report.highlight_answers.append(shown)
        report.scores[question.id] = score
        report.duplicate_pairs += self.duplicate_pairs(ranking, DUPLICATES_TOP)

    @staticmethod
    def _timed(report: ModeReport, ranking: Ranking, asked: Asked) -> None:
        """Add one question's time: the final mode's search embeds inside its own timing."""
        if report.mode == "final":
            report.ms.append(ranking.ms)
            return
        embed_ms = asked.embed_ms(report.mode)
        report.embed_ms.append(embed_ms)
        report.ms.append(embed_ms + ranking.ms)

    def window_baseline(self) -> WindowBaseline:
        """The fixed-window baseline over this index's own (cleaned) source texts, built once."""
        if self._baseline is None:
            store = self.searcher.index.store
            sources = [(s.id, store.source_text(s.id) or "") for s in store.sources()]
            with self.progress.stage("windows baseline", len(sources), "source") as stage:
                self._baseline = WindowBaseline().build(sources, self.encoder)
                stage.advance(len(sources))
        return self._baseline

    def duplicate_pairs(self, ranking: Ranking, k: int) -> int:
        """Pairs among the top k that the library's near-duplicate test would group."""
        texts = ranking.texts[:k]
        if len(texts) < 2:
            return 0
        vectors = ranking.vectors[:k] if ranking.vectors is not None and \
            len(ranking.vectors) >= len(texts) else self.encoder.encode(texts)
        return self.grouper.count_pairs(texts, vectors)

    def calibrate(self, questions: Sequence[JudgedQuestion], judged_set: str,
                  scope: Sequence[tuple[str, Sequence[ScopeQuestion]]] = (),
                  files: Mapping[str, str] | None = None) -> NoMatchCalibration:
        """The no-match calibration of this index's library, from judged questions and, if
        given, scope questions (see `NoMatchEvidence.calibrate`)."""
        return NoMatchEvidence(self.searcher, self.progress).calibrate(questions, judged_set,
                                                                       scope, files)
