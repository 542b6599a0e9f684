"""Judges: one ranking scored against BEIR qrels (documents) or evidence phrases (passages)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from backqa.tools.evaluation.datasets import JudgedQuestion
from backqa.tools.evaluation.metrics import QueryScore, ndcg, recall, reciprocal_rank


class QrelsJudge:
    """Scores a ranked list of document ids against BEIR qrels for one query."""

    def score(self, ranked: Sequence[str], relevant: dict[str, int]) -> QueryScore:
        gains = [float(max(0, relevant.get(doc, 0))) for doc in ranked]
        positives = [g for g in relevant.values() if g > 0]
        hits = [g > 0 for g in gains]
        found = [int(hit) for hit in hits]
        return QueryScore(
            ndcg10=ndcg(gains, [float(g) for g in positives], 10),
            mrr10=reciprocal_rank(hits, 10),
            recall5=recall(found, len(positives), 5),
            recall10=recall(found, len(positives), 10),
            recall100=recall(found, len(positives), 100),
            success1=1.0 if hits[:1] == [True] else 0.0,
        )


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "‐": "-", "‑": "-"})


def normalize_text(text: str) -> str:
    """Case, quotes and spacing folded, so a phrase copied from a source matches its passage."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split())


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(text.split())


class EvidenceJudge:
    """Nugget-style scoring of ranked passage texts against a judged question.

    The gain at a rank is the highest grade among the evidence items that the passage shows
    and no earlier passage showed; success@1 and MRR count a passage that shows a grade-2
    item (an answer); recall is the share of the question's items shown. The ideal ranking
    shows every item once, best first.
    """

    def __init__(self) -> None:
        self._phrases: dict[str, list[list[str]]] = {}

    def items_in(self, question: JudgedQuestion, text: str) -> set[int]:
        """Indices of the evidence items whose phrases occur in `text`."""
        phrases = self._phrases.get(question.id)
        if phrases is None:
            phrases = [[normalize_text(p) for p in item.phrases] for item in question.evidence]
            self._phrases[question.id] = phrases
        folded = normalize_text(text)
        return {i for i, item in enumerate(phrases) if any(p in folded for p in item)}

    def answers(self, question: JudgedQuestion, text: str) -> bool:
        """Whether `text` shows a grade-2 item."""
        return any(question.evidence[i].grade == 2 for i in self.items_in(question, text))

    def score(self, question: JudgedQuestion, texts: Sequence[str]) -> QueryScore:
        credited: set[int] = set()
        gains: list[float] = []
        answers: list[bool] = []
        found: list[int] = []  # items newly credited at each rank
        for text in texts:
            items = self.items_in(question, text)
            new = items - credited
            gains.append(float(max((question.evidence[i].grade for i in new), default=0)))
            answers.append(any(question.evidence[i].grade == 2 for i in items))
            found.append(len(new))
            credited |= items
        total = len(question.evidence)
        return QueryScore(
            ndcg10=ndcg(gains, [float(item.grade) for item in question.evidence], 10),
            mrr10=reciprocal_rank(answers, 10),
            recall5=recall(found, total, 5),
            recall10=recall(found, total, 10),
            recall100=recall(found, total, 100),
            success1=1.0 if answers[:1] == [True] else 0.0,
        )

    def words_read(self, question: JudgedQuestion, texts: Sequence[str],
                   highlights: Sequence[tuple[int, int] | None]) -> float:
        """Words read, top down, before the first answer: every word of the results above the
        first one showing a grade-2 item, plus that result's words up to the end of its
        highlighted sentence when the highlight itself shows a grade-2 item (else its whole
        text, as the reader cannot tell where the answer is). `highlights[i]` is result i's
        highlight as (start, end) offsets, or None. Infinite when no result answers."""
        read = 0
        for text, span in zip(texts, highlights, strict=True):
            if not self.answers(question, text):
                read += word_count(text)
                continue
            if span is not None and self.answers(question, text[span[0]:span[1]]):
                return float(read + word_count(text[:span[1]]))
            return float(read + word_count(text))
        return math.inf

    def highlight_answers(self, question: JudgedQuestion, texts: Sequence[str],
                          highlights: Sequence[tuple[int, int] | None]) -> bool | None:
        """Whether the first result showing a grade-2 item has it in its highlighted sentence;
        None when no result shows one."""
        for text, span in zip(texts, highlights, strict=True):
            if self.answers(question, text):
                return span is not None and self.answers(question, text[span[0]:span[1]])
        return None
