"""The notice's semantic layer: warning signs read from the question's own embedding.

Nearest labelled examples: the embeddings of the judged questions (warning, ordinary and
general) are package data (`notice_model.npz`), with the signs each one names. A sign's score
for a question is the mean cosine of its `k` nearest examples of that sign, less the mean
cosine of its `k` nearest ordinary examples; the sign fires above its threshold. No model call:
the question vector is the one search already computed.

Measured against a linear model per sign on the same vectors, each fresh batch left out of the
training in turn: recall 0.902 against 0.759, precision 0.967 against 0.996 (docs/notice.md). A
phrasing close to any one written example counts, where a linear model needed the direction
shared by all of a sign's examples.

`backqa.tools.notice_train` writes the file and calibrates the thresholds; it records the
encoder, and for any other encoder `bundled` returns None (the notice then uses its words).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from backqa.search.nearest import top_k_mean

MODEL_FILE = "notice_model.npz"


class SignModelError(ValueError):
    """A model file cannot be read; the message names the file and the field."""


@dataclass(frozen=True)
class SignModel:
    """Labelled example vectors, each sign's threshold, and how many neighbours count."""

    model_key: str
    sign_ids: tuple[str, ...]
    examples: np.ndarray  # (examples, dimensions), L2-normalised float32
    labels: np.ndarray  # (examples, signs) bool: the signs each example names
    ordinary: np.ndarray  # (examples,) bool: examples that name no sign
    thresholds: np.ndarray  # (signs,): a sign fires when its score exceeds this
    k: int = 3
    provenance: str = "{}"  # JSON: how and on what it was trained

    def scores(self, vector: np.ndarray) -> np.ndarray:
        """Each sign's score for one question vector (see the module docstring)."""
        rows, padding = self._groups
        grouped = (self.examples @ np.asarray(vector, dtype=np.float32))[rows]
        grouped[padding] = -2.0  # below any cosine
        grouped.sort(axis=1)  # a full sort of these short rows beats np.partition here
        top = grouped[:, -self.k:].sum(axis=1) / self.k
        return np.asarray(top[1:] - top[0], dtype=np.float32)

    @cached_property
    def _groups(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the ordinary examples, then of each sign's, as one padded matrix (and
        where the padding is): one gather and one sort score every sign."""
        groups = [np.flatnonzero(self.ordinary),
                  *(np.flatnonzero(self.labels[:, i]) for i in range(len(self.sign_ids)))]
        rows = np.zeros((len(groups), max(len(g) for g in groups)), dtype=np.int64)
        padding = np.ones(rows.shape, dtype=bool)
        for i, group in enumerate(groups):
            rows[i, :len(group)] = group
            padding[i, :len(group)] = False
        return rows, padding

    def scores_from(self, similarities: np.ndarray) -> np.ndarray:
        """`scores` given the cosines to every example (rows: questions, or one question);
        the trainer passes them with each question's own cosine masked out."""
        sims = np.atleast_2d(similarities)
        baseline = top_k_mean(sims[:, self.ordinary], self.k)
        out = np.stack([top_k_mean(sims[:, self.labels[:, i]], self.k) - baseline
                        for i in range(len(self.sign_ids))], axis=1)
        return out if similarities.ndim == 2 else out[0]

    def signs(self, vector: np.ndarray) -> list[str]:
        """The signs whose score exceeds their threshold, highest first."""
        scores = self.scores(vector)
        fired = np.flatnonzero(scores > self.thresholds)
        return [self.sign_ids[i] for i in fired[np.argsort(-scores[fired])]]

    def save(self, path: Path) -> None:
        """Write the file `read` accepts (the vectors as float16: half the size, same signs)."""
        with path.open("wb") as handle:
            np.savez_compressed(
                handle, model_key=np.array(self.model_key), sign_ids=np.array(self.sign_ids),
                examples=self.examples.astype(np.float16), labels=self.labels,
                ordinary=self.ordinary, thresholds=self.thresholds.astype(np.float32),
                k=np.array(self.k), provenance=np.array(self.provenance))

    @classmethod
    def read(cls, path: Path | str, data: bytes | None = None) -> SignModel:
        """A model file (or its bytes); SignModelError names the file and what is wrong."""
        try:
            with np.load(io.BytesIO(data) if data is not None else Path(path),
                         allow_pickle=False) as raw:
                sign_ids = tuple(str(s) for s in raw["sign_ids"])
                examples = np.asarray(raw["examples"], dtype=np.float32)
                labels = np.asarray(raw["labels"], dtype=bool)
                ordinary = np.asarray(raw["ordinary"], dtype=bool)
                thresholds = np.asarray(raw["thresholds"], dtype=np.float32)
                model_key, k = str(raw["model_key"]), int(raw["k"])
                provenance = str(raw["provenance"])
        except KeyError as exc:
            missing = str(exc.args[0]).split()[0].strip("'")
            raise SignModelError(f"{path}: missing field {missing!r}") from exc
        except (OSError, ValueError, TypeError) as exc:
            raise SignModelError(f"{path}: cannot read the notice model ({exc})") from exc
        n = len(sign_ids)
        if examples.ndim != 2 or labels.shape != (len(examples), n) \
                or ordinary.shape != (len(examples),) or thresholds.shape != (n,):
            raise SignModelError(f"{path}: 'examples', 'labels' and 'ordinary' need one row per "
                                 f"example and 'labels', 'thresholds' one column per sign ({n}); "
                                 f"got {examples.shape}, {labels.shape}, {ordinary.shape}, "
                                 f"{thresholds.shape}")
        if k < 1 or ordinary.sum() < k or (labels.sum(axis=0) < k).any():
            raise SignModelError(f"{path}: every sign and the ordinary questions need at least "
                                 f"k examples, and k must be at least 1 (k = {k})")
        return cls(model_key, sign_ids, examples, labels, ordinary, thresholds, k, provenance)

    @classmethod
    def bundled(cls, model_key: str) -> SignModel | None:
        """The packaged model if it was trained with the encoder `model_key`, else None."""
        resource = resources.files("backqa.search").joinpath(MODEL_FILE)
        if not resource.is_file():
            return None
        model = cls.read(str(resource), resource.read_bytes())
        return model if model.model_key == model_key else None

    def describe(self) -> dict[str, object]:
        """What the file says about its training, with the thresholds per sign."""
        info: dict[str, object] = json.loads(self.provenance)
        info["thresholds"] = {s: round(float(t), 4)
                              for s, t in zip(self.sign_ids, self.thresholds, strict=True)}
        return info

