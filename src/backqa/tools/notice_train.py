"""Train the notice's semantic layer (`search/notice_model.npz`) on the judged questions.

    .venv/bin/python -m backqa.tools.notice_train [--without batch7] [--out PATH]

The labelled examples of `search.sign_model`: the embeddings (bundled model) of the tuning
batches of `notice_eval`: warning questions, ordinary back-pain questions (many of them near
misses) and off-topic and general questions. Never the unseen batches, `off_topic_written.jsonl`
(kept to test that off-topic questions never fire) or the retrieval holdout.

Per-sign thresholds: each training question is scored against all the others, and a sign's
threshold is the `quantile` of those scores over the ordinary questions the word patterns
leave untouched (the only ones the semantic layer speaks on).
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
from backqa.search.query import normalize_query
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
    """Builds the labelled examples and calibrates each sign's threshold."""

    k: int = 3
    quantile: float = 0.99
    margin: float = 0.0

    def train(self, questions: list[NoticeQuestion], vectors: np.ndarray,
              model_key: str, provenance: str = "{}") -> SignModel:
        """The model for these questions and their embeddings (one row per question)."""
        sign_ids = tuple(SIGNS)
        examples = np.asarray(vectors, dtype=np.float32)
        examples = examples / np.maximum(np.linalg.norm(examples, axis=1, keepdims=True), 1e-12)
        labels = np.array([[sign in q.signs for sign in sign_ids] for q in questions], dtype=bool)
        ordinary = np.array([not q.warning for q in questions])
        for i, sign in enumerate(sign_ids):
            if labels[:, i].sum() < self.k:
                raise ValueError(f"only {labels[:, i].sum()} training questions name the sign "
                                 f"{sign!r}; {self.k} are needed")
        if ordinary.sum() < self.k:
            raise ValueError(f"only {ordinary.sum()} ordinary training questions; {self.k} "
                             f"are needed")
        untrained = SignModel(model_key, sign_ids, examples, labels, ordinary,
                              np.zeros(len(sign_ids), dtype=np.float32), self.k, provenance)
        # Each question scored against all the others (itself left out): the score a new
        # question like it would get.
        similarities = examples @ examples.T
        np.fill_diagonal(similarities, -np.inf)
        left_out = untrained.scores_from(similarities)
        # The semantic layer only speaks where the word patterns found nothing, so the
        # thresholds come from the ordinary questions the words leave untouched.
        words = WarningSignDetector()
        quiet = ordinary & np.array([not words.matches(q.q) for q in questions])
        thresholds = np.quantile(left_out[quiet], self.quantile, axis=0) + self.margin
        return SignModel(model_key, sign_ids, examples, labels, ordinary,
                         thresholds.astype(np.float32), self.k, provenance)


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
    # The text search embeds (`normalize_query`), so the examples sit where questions land.
    vectors = np.asarray(encoder.encode([normalize_query(q.q) for q in questions]),
                         dtype=np.float32)
    trainer = SignTrainer()
    provenance = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trainer": {"k": trainer.k, "quantile": trainer.quantile, "margin": trainer.margin},
        "questions": {batch: len(rows) for batch, rows in by_batch.items()},
        "with_sign": dict(Counter(s for q in questions for s in q.signs)),
    }
    model = trainer.train(questions, vectors, encoder.identity.key, json.dumps(provenance))
    tmp = args.out.with_name(args.out.name + ".tmp")
    model.save(tmp)
    tmp.replace(args.out)
    print(json.dumps({"out": str(args.out), **model.describe()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
