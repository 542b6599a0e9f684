"""Train the notice's semantic layer (`search/notice_model.json`) on the judged questions.

    .venv/bin/python -m backqa.tools.notice_train [--without batch7] [--out PATH]

One logistic regression per sign on question embeddings (the bundled model), trained on the
tuning batches of `notice_eval`: warning questions, ordinary back-pain questions (many of them
near misses) and off-topic and general questions. Never on the unseen batch, on
`off_topic_written.jsonl` (kept to test that off-topic questions never fire) or on the
retrieval holdout.

Per-sign thresholds, calibrated out of fold: the semantic layer only speaks on questions the
word patterns leave untouched, so each sign's threshold sits just above the highest 5-fold
out-of-fold (or in-sample) probability of any question without a sign among those, and never
below `floor`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from backqa.search.notice import WarningSignDetector
from backqa.search.sign_model import MODEL_FILE, SignModel
from backqa.search.warning_signs import SIGNS
from backqa.tools.notice_eval import TUNING, NoticeQuestion, load_batch

TRAINING_BATCHES = TUNING
HELD_BACK_SOURCES = ("off_topic_written.jsonl",)
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "search" / MODEL_FILE


def training_questions(without: tuple[str, ...] = ()) -> dict[str, list[NoticeQuestion]]:
    """The labelled training questions by batch (open labels and held-back files left out)."""
    return {batch: [q for q in load_batch(batch)
                    if q.warning is not None and q.source not in HELD_BACK_SOURCES]
            for batch in TRAINING_BATCHES if batch not in without}


@dataclass(frozen=True)
class SignTrainer:
    """Fits the per-sign weights and calibrates their thresholds."""

    c: float = 4.0
    folds: int = 5
    margin: float = 0.02
    floor: float = 0.7
    seed: int = 0

    def train(self, questions: list[NoticeQuestion], vectors: np.ndarray,
              model_key: str) -> SignModel:
        """The model for these questions and their embeddings (one row per question)."""
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
        from sklearn.model_selection import (  # type: ignore[import-untyped]
            StratifiedKFold,
            cross_val_predict,
        )

        sign_ids = tuple(SIGNS)
        words = WarningSignDetector()
        # The questions the semantic layer would speak on: no word-pattern match at all.
        untouched = np.array([not words.matches(q.q) for q in questions])
        ordinary = np.array([not q.warning for q in questions])
        weights, bias, thresholds = [], [], []
        for sign in sign_ids:
            labels = np.array([sign in q.signs for q in questions])
            if labels.sum() < self.folds:
                raise ValueError(f"only {labels.sum()} training questions name the sign "
                                 f"{sign!r}; {self.folds} are needed to calibrate it")
            model = LogisticRegression(C=self.c, class_weight="balanced", max_iter=5000)
            folds = StratifiedKFold(self.folds, shuffle=True, random_state=self.seed)
            out_of_fold = cross_val_predict(model, vectors, labels, cv=folds,
                                            method="predict_proba")[:, 1]
            model.fit(vectors, labels)
            in_sample = model.predict_proba(vectors)[:, 1]
            quiet = untouched & ordinary
            highest = float(max(out_of_fold[quiet].max(initial=0.0),
                                in_sample[quiet].max(initial=0.0)))
            thresholds.append(min(0.995, max(self.floor, highest + self.margin)))
            weights.append(model.coef_[0])
            bias.append(model.intercept_[0])
        return SignModel(model_key, sign_ids, np.asarray(weights, dtype=np.float32),
                         np.asarray(bias, dtype=np.float32),
                         np.asarray(thresholds, dtype=np.float32))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without", default="",
                        help="comma-separated training batches to leave out (e.g. batch7)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    import json

    from backqa.encoders import load_encoder

    without = tuple(b.strip() for b in args.without.split(",") if b.strip())
    by_batch = training_questions(without)
    questions = [q for batch in by_batch.values() for q in batch]
    encoder = load_encoder("auto")
    vectors = np.asarray(encoder.encode([q.q for q in questions]), dtype=np.float32)
    trainer = SignTrainer()
    model = trainer.train(questions, vectors, encoder.identity.key)
    provenance = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trainer": {"c": trainer.c, "folds": trainer.folds, "margin": trainer.margin,
                    "floor": trainer.floor},
        "questions": {batch: len(rows) for batch, rows in by_batch.items()},
        "with_sign": dict(Counter(s for q in questions for s in q.signs)),
    }
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(json.dumps(model.to_dict(**provenance)) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    thresholds = {sign: round(float(t), 3)
                  for sign, t in zip(model.sign_ids, model.thresholds, strict=True)}
    print(json.dumps({"out": str(args.out), "thresholds": thresholds, **provenance}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
