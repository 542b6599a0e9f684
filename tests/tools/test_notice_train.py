"""The notice's trainer: per-sign weights and thresholds calibrated out of fold."""

from __future__ import annotations

import numpy as np
import pytest

from backqa.search.warning_signs import SIGNS
from backqa.tools.notice_eval import NoticeQuestion
from backqa.tools.notice_train import HELD_BACK_SOURCES, SignTrainer, training_questions


def test_thresholds_sit_above_every_ordinary_question_the_words_leave_alone() -> None:
    rng = np.random.default_rng(0)
    signs = tuple(SIGNS)
    dims = len(signs) + 2
    directions = np.eye(dims)
    questions: list[NoticeQuestion] = []
    rows = []
    for k, sign in enumerate(signs):  # each sign's questions near its own direction
        for i in range(15):
            questions.append(NoticeQuestion(f"odd feeling {k}-{i}", True, (sign,)))
            rows.append(directions[k] + rng.normal(0, 0.2, dims))
    for i in range(80):  # phrased so that no word pattern matches them
        questions.append(NoticeQuestion(f"ordinary question number {i}", False))
        rows.append(directions[-1] + rng.normal(0, 0.2, dims))
    vectors = np.asarray(rows, dtype=np.float32)
    trained = SignTrainer(floor=0.6).train(questions, vectors, "key")
    assert trained.model_key == "key" and trained.sign_ids == signs
    ordinary = np.array([trained.probabilities(v) for v in vectors[-80:]])
    assert np.all(trained.thresholds >= np.maximum(0.6, ordinary.max(axis=0)))
    assert trained.signs(directions[0]) == [signs[0]]
    assert trained.signs(directions[-1]) == []


def test_a_sign_without_enough_questions_is_an_error() -> None:
    questions = [NoticeQuestion(f"q{i}", i < 10, ("nerve",) if i < 10 else ()) for i in range(30)]
    with pytest.raises(ValueError, match="sign 'radiating'"):
        SignTrainer().train(questions, np.eye(30, dtype=np.float32), "key")


def test_training_never_reads_the_held_back_questions() -> None:
    by_batch = training_questions(without=("batch7",))
    assert "batch7" not in by_batch and "unseen" not in by_batch
    sources = {q.source for rows in by_batch.values() for q in rows}
    assert not sources & set(HELD_BACK_SOURCES)
    assert not any("questions-holdout" in s for s in sources)
    assert all(q.warning is not None for rows in by_batch.values() for q in rows)
