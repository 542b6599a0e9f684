"""The same all-MiniLM-L6-v2 weights on ONNX Runtime: about 3x faster than PyTorch per question
on 2 cores. The graph comes from `onnx_export` (exported locally, no download): the fp32 graph's
vectors are interchangeable with `TorchEncoder`'s, so both share one `ModelIdentity`; the
int8-quantised graph has its own."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tokenizers import Encoding, Tokenizer

from backqa.encoders.identity import ModelIdentity, model_dir, model_identity

if TYPE_CHECKING:
    import onnxruntime as ort


def load_tokenizer(max_length: int) -> Tokenizer:
    """The bundled fast tokenizer, truncating to the model's sequence length."""
    tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()  # we pad per batch, to the longest text in it
    return tokenizer


def _batch_arrays(encodings: Sequence[Encoding]) -> dict[str, np.ndarray]:
    """Right-padded int64 arrays for a batch of `tokenizers.Encoding`s."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, enc in enumerate(encodings):
        n = len(enc.ids)
        ids[row, :n] = enc.ids
        mask[row, :n] = enc.attention_mask
        types[row, :n] = enc.type_ids
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


OPTIMIZATION_LEVELS = ("disable", "basic", "extended", "all")


def session_options(threads: int | None = None, optimization: str = "all",
                    single: bool = False) -> ort.SessionOptions:
    """ONNX Runtime session options for one encoder: `threads` intra-op threads (default: up
    to 2), graph `optimization` (`OPTIMIZATION_LEVELS`), and with `single` the batch
    dimension fixed to 1 (one question at a time), so ORT can plan that shape ahead."""
    import onnxruntime as ort

    levels = {"disable": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
              "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
              "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
              "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}
    if optimization not in levels:
        raise ValueError(f"unknown graph optimisation {optimization!r}: use "
                         f"{', '.join(OPTIMIZATION_LEVELS)}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = levels[optimization]
    options.log_severity_level = 3
    # No busy-waiting between ops: on 2 shared cores spinning workers doubled the CPU per
    # question (8.8-9.1 ms vs 4.7-5.2 ms measured) with no gain in latency, and that CPU
    # is what HTTP handling and ranking need under concurrent load.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if single:
        options.add_free_dimension_override_by_name("batch", 1)
    return options


class OnnxEncoder:
    """all-MiniLM-L6-v2 on ONNX Runtime, CPU. The fp32 graph gives `TorchEncoder`'s vectors
    (cosine > 0.999); the int8 graph's differ (~0.96), and its `identity` says so.

    Texts are sorted by token length before batching so a batch pads to similar lengths; the
    output keeps the input order."""

    def __init__(self, model_path: Path, threads: int | None = None,
                 identity: ModelIdentity | None = None, max_batch: int = 16,
                 optimization: str = "all", single: bool = False) -> None:
        import onnxruntime as ort

        self.identity = identity or model_identity()
        # Runs of at most 16 texts: on 2 cores, the 78 shipped passages embedded at 73/s in
        # runs of 16 against 67/s in runs of 32 and 55/s in 64 (less padding, cache-sized).
        self.max_batch = 1 if single else max_batch
        options = session_options(threads, optimization, single)
        self.session = ort.InferenceSession(str(model_path), sess_options=options,
                                            providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.tokenizer = load_tokenizer(self.identity.max_seq_length)
        self.path = model_path

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        dims = self.identity.dimensions
        if not texts:
            return np.zeros((0, dims), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), dims), dtype=np.float32)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc="embedding", unit="text", file=sys.stderr)
        step = max(1, min(batch_size, self.max_batch))
        for start in range(0, len(order), step):
            rows = order[start : start + step]
            feeds = _batch_arrays([encodings[i] for i in rows])
            feeds = {k: v for k, v in feeds.items() if k in self.input_names}
            out[rows] = self.session.run(self.output_names[:1], feeds)[0]
            if bar is not None:
                bar.update(len(rows))
        if bar is not None:
            bar.close()
        return out
