"""The references the bench measures its figures against, in the same run: the bare PyTorch
model (sentence-transformers' own `encode`, no backqa code around it) and the raw ONNX graphs
(`session.run` on pre-tokenised input, fp32 and int8)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from backqa.tools.bench.measures import stats_ms


class BareModel:
    """One model called as plainly as possible: `model.encode` of sentence-transformers when
    the object has one (a `TorchEncoder`'s `.model`), else the object's own `encode` (a fake
    model in tests)."""

    def __init__(self, holder: Any) -> None:
        inner = getattr(holder, "model", None)
        self.model = inner if inner is not None else holder
        # what TorchEncoder asks of sentence-transformers, minus backqa's own code around it
        self.options: dict[str, Any] = {"convert_to_numpy": True,
                                        "normalize_embeddings": True} if inner is not None else {}

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> None:
        self.model.encode(list(texts), batch_size=batch_size, **self.options)

    def time_one(self, text: str) -> float:
        t0 = time.perf_counter()
        self.encode([text])
        return time.perf_counter() - t0


def default_bare_model() -> BareModel:
    """The bare PyTorch model, the reference for question and passage embedding."""
    from backqa.encoders.torch_encoder import TorchEncoder

    return BareModel(TorchEncoder())


def raw_session_call(encoder: Any) -> Callable[[str], float] | None:
    """A function timing only `session.run` of an ONNX encoder on one question (tokenised
    beforehand); None when the encoder is not ONNX."""
    session = getattr(encoder, "session", None)
    if session is None:
        return None
    from backqa.encoders.onnx_encoder import _batch_arrays

    def call(question: str) -> float:
        feeds = _batch_arrays([encoder.tokenizer.encode(question)])
        feeds = {k: v for k, v in feeds.items() if k in encoder.input_names}
        outputs = encoder.output_names[:1]  # the pooled vector only, as `encode` asks
        t0 = time.perf_counter()
        session.run(outputs, feeds)
        return time.perf_counter() - t0

    return call


def int8_graph_exists() -> bool:
    """Whether the int8 graph has been made (`backqa export-onnx`); never made here."""
    from backqa.encoders.identity import model_identity
    from backqa.encoders.onnx_export import OnnxExporter

    return OnnxExporter().path_for(replace(model_identity(), graph="int8")).is_file()


def onnx_graphs(questions: Sequence[str], repeat: int) -> dict[str, Any] | None:
    """`session.run` per question of the fp32 and the int8 graph, alternated so both see the
    same machine; None when the int8 graph does not exist."""
    if not int8_graph_exists():
        return None
    from backqa.encoders import load_encoder

    calls = {graph: raw_session_call(load_encoder(backend))
             for graph, backend in (("fp32", "onnx"), ("int8", "onnx-int8"))}
    seconds: dict[str, list[float]] = {graph: [] for graph in calls}
    qs = [questions[i % len(questions)] for i in range(repeat + 10)]
    for i, q in enumerate(qs):
        for graph, call in calls.items():
            assert call is not None
            elapsed = call(q)
            if i >= 10:  # the first ten warm up
                seconds[graph].append(elapsed)
    return {graph: stats_ms(values) for graph, values in seconds.items()}
