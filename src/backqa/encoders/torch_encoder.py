"""all-MiniLM-L6-v2 through sentence-transformers on PyTorch (CPU): the reference encoder."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from backqa.encoders.identity import model_dir, model_identity


class TorchEncoder:
    """sentence-transformers on PyTorch, CPU."""

    def __init__(self, threads: int | None = None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads or min(2, os.cpu_count() or 1))
        self.model = SentenceTransformer(str(model_dir()), device="cpu")
        dims = self.model.get_embedding_dimension() or 384
        self.identity = model_identity(dims, int(self.model.max_seq_length or 256))

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.identity.dimensions), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=batch_size,
                                    show_progress_bar=progress, convert_to_numpy=True,
                                    normalize_embeddings=True)
        return np.ascontiguousarray(vectors, dtype=np.float32)
