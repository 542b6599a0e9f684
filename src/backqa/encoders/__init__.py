"""Encoders: texts to L2-normalised all-MiniLM-L6-v2 vectors, on PyTorch or ONNX Runtime.

All backends load the bundled model offline. PyTorch and the fp32 ONNX graph share one
`ModelIdentity`, so their vectors are interchangeable; the int8-quantised ONNX graph
(`onnx-int8`) is faster but its vectors differ (cosine ~0.96), so its identity says "int8" and
its indexes and cached vectors are its own. `load_encoder` picks one.
"""

from __future__ import annotations

import sys

from backqa.encoders.identity import Encoder, ModelIdentity, model_identity

__all__ = ["BACKENDS", "Encoder", "ModelIdentity", "backend_identity", "load_encoder",
           "model_identity"]

# "auto": ONNX Runtime's fp32 graph, else PyTorch. Whether int8 may be the default is
# measured by `python -m backqa.tools.quantization`.
BACKENDS = ("auto", "torch", "onnx", "onnx-int8")


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"unknown encoder backend {backend!r}: use {', '.join(BACKENDS)}")


def backend_identity(backend: str = "auto") -> ModelIdentity:
    """The identity of the vectors `backend` makes, without loading it."""
    _check_backend(backend)
    return model_identity(graph="int8" if backend == "onnx-int8" else "fp32")


def load_encoder(backend: str = "auto") -> Encoder:
    """The encoder for `backend` (`BACKENDS`: "torch", "onnx" = fp32 graph, "onnx-int8", or
    "auto": ONNX Runtime fp32, else PyTorch).

    "auto" falls back to PyTorch (same vectors) with a warning on stderr when the ONNX graph
    cannot be exported or loaded for any reason; "onnx" and "onnx-int8" raise instead."""
    _check_backend(backend)
    if backend != "torch":
        try:
            from backqa.encoders.onnx_export import load_onnx_encoder

            return load_onnx_encoder(graph="int8" if backend == "onnx-int8" else "fp32")
        except Exception as exc:
            if backend != "auto":
                raise
            print(f"warning: ONNX Runtime encoder unavailable ({type(exc).__name__}: {exc}); "
                  f"using PyTorch", file=sys.stderr)
    from backqa.encoders.torch_encoder import TorchEncoder

    return TorchEncoder()
