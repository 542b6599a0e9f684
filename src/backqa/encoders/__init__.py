"""Encoders: texts to L2-normalised all-MiniLM-L6-v2 vectors, on PyTorch or ONNX Runtime.

Both backends load the bundled model offline and share one `ModelIdentity`, so their vectors
are interchangeable. `load_encoder` picks one.
"""

from __future__ import annotations

import sys

from backqa.encoders.identity import Encoder, ModelIdentity, model_identity

__all__ = ["Encoder", "ModelIdentity", "load_encoder", "model_identity"]


def load_encoder(backend: str = "auto") -> Encoder:
    """The encoder for `backend` ("torch", "onnx" or "auto": ONNX Runtime, else PyTorch).

    "auto" falls back to PyTorch with a warning on stderr when the ONNX graph cannot be
    exported or loaded for any reason; "onnx" raises instead."""
    if backend not in ("auto", "torch", "onnx"):
        raise ValueError(f"unknown encoder backend {backend!r}: use auto, torch or onnx")
    if backend in ("onnx", "auto"):
        try:
            from backqa.encoders.onnx_export import load_onnx_encoder

            return load_onnx_encoder()
        except Exception as exc:
            if backend == "onnx":
                raise
            print(f"warning: ONNX Runtime encoder unavailable ({type(exc).__name__}: {exc}); "
                  f"using PyTorch", file=sys.stderr)
    from backqa.encoders.torch_encoder import TorchEncoder

    return TorchEncoder()
