"""The notice's trainer: labelled examples and per-sign thresholds scored leave-one-out."""

from __future__ import annotations

import numpy as np
import pytest

from backqa.search.warning_signs import SIGNS
from backqa.tools.notice_eval import NoticeQuestion
from backqa.tools.notice_train import HELD_BACK_SOURCES, SignTrainer, training_questions


def test_thresholds_sit_at_the_quantile_of_ordinary_questions_scored_without_themselves(
) -> None:
    rng = np.random.default_rng(0)
    signs = tuple(SIGNS)
    dims = len(signs) + 2
    directions = np.eye(dims)
    questions: list[NoticeQuestion] = []
    rows = []
    common = np.ones(dims) / np.sqrt(dims)  # every question is about back pain
    for k, sign in enumerate(signs):  # each sign's questions lean towards its own direction
        for i in range(15):
            questions.append(NoticeQuestion(f"odd feeling {k}-{i}", True, (sign,)))
            rows.append(common + directions[k] + rng.normal(0, 0.1, dims))
    for i in range(80):  # phrased so that no word pattern matches them
        questions.append(NoticeQuestion(f"ordinary question number {i}", False))
        rows.append(common + 0.5 * directions[-1] + rng.normal(0, 0.1, dims))
    vectors = np.asarray(rows, dtype=np.float32)
    trained = SignTrainer(k=3, quantile=1.0).train(questions, vectors, "key")
    assert trained.model_key == "key" and trained.sign_ids == signs
    # At quantile 1.0 no ordinary question, scored against the others, exceeds a threshold.
    sims = trained.examples @ trained.examples.T
    np.fill_diagonal(sims, -np.inf)
    left_out = trained.scores_from(sims)[-80:]
    assert np.allclose(trained.thresholds, left_out.max(axis=0), atol=1e-6)
    assert trained.signs(common + directions[0]) == [signs[0]]
    assert trained.signs(common + 0.5 * directions[-1]) == []
    looser = SignTrainer(k=3, quantile=0.9).train(questions, vectors, "key")
    assert np.all(looser.thresholds <= trained.thresholds)


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
