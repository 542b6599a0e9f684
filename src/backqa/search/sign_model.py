"""The notice's semantic layer: warning signs read from the question's own embedding.

One logistic model per sign over the question vector that search already computed (no model
call), trained by `backqa.tools.notice_train` on judged warning questions, ordinary back-pain
questions and general questions, each with its own threshold. The weights are package data
(`notice_model.json`) and record the encoder they were trained with: for any other encoder
`bundled` returns None and the notice uses its word patterns alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

MODEL_FILE = "notice_model.json"


class SignModelError(ValueError):
    """A weights file cannot be read; the message names the file and the field."""


@dataclass(frozen=True)
class SignModel:
    """Per-sign logistic weights over a question embedding, with calibrated thresholds."""

    model_key: str
    sign_ids: tuple[str, ...]
    weights: np.ndarray  # (signs, dimensions), float32
    bias: np.ndarray  # (signs,)
    thresholds: np.ndarray  # (signs,): a sign fires when its probability reaches this

    def probabilities(self, vector: np.ndarray) -> np.ndarray:
        """Each sign's probability for one question vector."""
        logits = self.weights @ np.asarray(vector, dtype=np.float32) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)

    def signs(self, vector: np.ndarray) -> list[str]:
        """The signs whose probability reaches their threshold, most probable first."""
        probabilities = self.probabilities(vector)
        fired = np.flatnonzero(probabilities >= self.thresholds)
        return [self.sign_ids[i] for i in fired[np.argsort(-probabilities[fired])]]

    def to_dict(self, **provenance: object) -> dict[str, object]:
        """The JSON form `read` accepts, with how it was trained."""
        return {"model_key": self.model_key, "signs": list(self.sign_ids),
                "weights": np.round(self.weights, 6).tolist(),
                "bias": np.round(self.bias, 6).tolist(),
                "thresholds": np.round(self.thresholds, 6).tolist(), **provenance}

    @classmethod
    def read(cls, path: Path | str, text: str | None = None) -> SignModel:
        """A weights file (or its `text`); SignModelError names the file and what is wrong."""
        try:
            raw = json.loads(text if text is not None else Path(path).read_text(encoding="utf-8"))
            sign_ids = tuple(str(s) for s in raw["signs"])
            weights = np.asarray(raw["weights"], dtype=np.float32)
            bias = np.asarray(raw["bias"], dtype=np.float32)
            thresholds = np.asarray(raw["thresholds"], dtype=np.float32)
            model_key = str(raw["model_key"])
        except (OSError, ValueError, TypeError) as exc:
            raise SignModelError(f"{path}: cannot read the notice model ({exc})") from exc
        except KeyError as exc:
            raise SignModelError(f"{path}: missing field {exc.args[0]!r}") from exc
        n = len(sign_ids)
        if weights.ndim != 2 or weights.shape[0] != n or bias.shape != (n,) \
                or thresholds.shape != (n,):
            raise SignModelError(f"{path}: 'weights', 'bias' and 'thresholds' must have one row "
                                 f"per sign ({n}); got {weights.shape}, {bias.shape}, "
                                 f"{thresholds.shape}")
        return cls(model_key, sign_ids, weights, bias, thresholds)

    @classmethod
    def bundled(cls, model_key: str) -> SignModel | None:
        """The packaged model if it was trained with the encoder `model_key`, else None."""
        resource = resources.files("backqa.search").joinpath(MODEL_FILE)
        if not resource.is_file():
            return None
        model = cls.read(str(resource), resource.read_text(encoding="utf-8"))
        return model if model.model_key == model_key else None
