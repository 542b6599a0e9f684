"""all-MiniLM-L6-v2 through sentence-transformers on PyTorch (CPU): the reference encoder."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from tokenizers import Tokenizer

from backqa.encoders.identity import model_dir, model_identity
from backqa.encoders.pooling import View, ViewVectors, mean_pool, pool_views


class TorchEncoder:
    """sentence-transformers on PyTorch, CPU."""

    def __init__(self, threads: int | None = None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads or min(2, os.cpu_count() or 1))
        self.model = SentenceTransformer(str(model_dir()), device="cpu")
        dims = self.model.get_embedding_dimension() or 384
        self.identity = model_identity(dims, int(self.model.max_seq_length or 256))
        self._tokenizer: Tokenizer | None = None  # for encode_views, loaded on first use

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.identity.dimensions), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=batch_size,
                                    show_progress_bar=progress, convert_to_numpy=True,
                                    normalize_embeddings=True)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_views(self, texts: Sequence[str], views: Sequence[Sequence[View]],
                     batch_size: int = 32) -> ViewVectors:
        """One forward pass per text: its own vector and its `views` pooled from the token
        states (`encoders.pooling`), as `OnnxEncoder.encode_views`."""
        import torch

        from backqa.encoders.onnx_encoder import _batch_arrays, load_tokenizer, token_states

        if self._tokenizer is None:
            self._tokenizer = load_tokenizer(self.identity.max_seq_length)
        encodings = self._tokenizer.encode_batch(list(texts))
        whole = np.empty((len(texts), self.identity.dimensions), dtype=np.float32)
        vectors: list[np.ndarray] = [whole[:0]] * len(texts)
        complete: list[np.ndarray] = [np.zeros(0, dtype=bool)] * len(texts)
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        bert: Any = self.model[0].auto_model
        for start in range(0, len(order), max(1, batch_size)):
            rows = order[start : start + max(1, batch_size)]
            feeds = _batch_arrays([encodings[i] for i in rows])
            with torch.inference_mode():
                states = bert(**{k: torch.from_numpy(v) for k, v in feeds.items()}
                              ).last_hidden_state.numpy()
            whole[rows] = mean_pool(states, feeds["attention_mask"])
            for at, row in enumerate(rows):
                vectors[row], complete[row] = pool_views(token_states(encodings[row], states[at]),
                                                         views[row])
        return ViewVectors(whole, vectors, complete)
