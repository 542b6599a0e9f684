"""Exports the bundled model to one ONNX graph (transformer + mean pooling + L2 norm) with
`torch.onnx.export`, checks it against PyTorch and caches it in the virtualenv: no download."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np

from backqa.encoders.identity import ModelIdentity, model_dir, model_identity
from backqa.encoders.onnx_encoder import OnnxEncoder, _batch_arrays, load_tokenizer

# Bump when the exported graph changes (inputs, pooling, opset), so caches are re-exported.
EXPORT_FORMAT = 1
OPSET = 17
MIN_COSINE = 0.999
CHECK_TEXTS = (
    "Why does my lower back hurt after running downhill?",
    "Core strength and hip mobility reduce the load on the lumbar spine during long runs.",
    "ok",
    "Sciatica: pain radiating from the buttock down the leg, sometimes with numbness " * 8,
)


class OnnxExportError(RuntimeError):
    """The ONNX graph could not be exported or does not match PyTorch."""


def default_cache_dir() -> Path:
    """Where exported graphs live: `BACKQA_ONNX_CACHE`, else inside the virtualenv."""
    configured = os.environ.get("BACKQA_ONNX_CACHE")
    return Path(configured) if configured else Path(sys.prefix) / "share" / "backqa" / "onnx"


def _export_tag(identity: ModelIdentity) -> str:
    import onnxruntime

    return (f"minilm-{identity.weights_sha256[:16]}-seq{identity.max_seq_length}"
            f"-f{EXPORT_FORMAT}-ort{onnxruntime.__version__}")


class OnnxExporter:
    """Exports the bundled model (transformer + mean pooling + L2 norm) to one ONNX file."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir or default_cache_dir()

    def path_for(self, identity: ModelIdentity) -> Path:
        return self.cache_dir / f"{_export_tag(identity)}.onnx"

    def export(self, identity: ModelIdentity | None = None, force: bool = False) -> Path:
        """The exported graph for the installed model, exporting it first when missing."""
        identity = identity or model_identity()
        target = self.path_for(identity)
        if target.is_file() and not force:
            return target
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=".onnx",
                                            dir=self.cache_dir)
        os.close(handle)
        tmp = Path(tmp_name)
        try:
            reference = self._export(tmp, identity)
            self._check(tmp, reference, identity)
            tmp.chmod(0o644)
            os.replace(tmp, target)  # atomic: readers never see a half-written graph
        finally:
            tmp.unlink(missing_ok=True)
        info = {"model": identity.to_dict(), "format": EXPORT_FORMAT, "opset": OPSET,
                "torch": metadata.version("torch")}
        target.with_suffix(".json").write_text(json.dumps(info, indent=2))
        return target

    def _export(self, path: Path, identity: ModelIdentity) -> np.ndarray:
        """Writes the graph to `path`; returns PyTorch's embeddings of CHECK_TEXTS."""
        import torch
        from transformers import AutoModel

        class Pooled(torch.nn.Module):
            def __init__(self, bert: torch.nn.Module) -> None:
                super().__init__()
                self.bert = bert

            def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                        token_type_ids: torch.Tensor) -> torch.Tensor:
                hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                                   token_type_ids=token_type_ids).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                summed = (hidden * mask).sum(dim=1)
                counts = mask.sum(dim=1).clamp(min=1e-9)
                return torch.nn.functional.normalize(summed / counts, p=2.0, dim=1)

        # Eager attention traces to plain ops with no data-dependent shortcuts (sdpa has some).
        bert = AutoModel.from_pretrained(str(model_dir()), local_files_only=True,
                                         attn_implementation="eager")
        module = Pooled(bert).eval()
        tokenizer = load_tokenizer(identity.max_seq_length)
        batch = _batch_arrays(tokenizer.encode_batch(list(CHECK_TEXTS)))
        tensors = tuple(torch.from_numpy(batch[name])
                        for name in ("input_ids", "attention_mask", "token_type_ids"))
        names = ["input_ids", "attention_mask", "token_type_ids"]
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer chatter about constants we rely on
            reference: np.ndarray = module(*tensors).numpy()
            torch.onnx.export(
                module, tensors, str(path), input_names=names, output_names=["embedding"],
                dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names},
                              "embedding": {0: "batch"}},
                opset_version=OPSET, dynamo=False, do_constant_folding=True)
        return reference

    @staticmethod
    def _check(path: Path, reference: np.ndarray, identity: ModelIdentity) -> None:
        encoder = OnnxEncoder(path, identity=identity)
        got = encoder.encode(list(CHECK_TEXTS))
        cosine = np.sum(got * reference, axis=1)
        if float(cosine.min()) < MIN_COSINE:
            raise OnnxExportError(f"exported graph differs from PyTorch (cosine "
                                  f"{float(cosine.min()):.5f} < {MIN_COSINE})")


def load_onnx_encoder(threads: int | None = None) -> OnnxEncoder:
    """The ONNX Runtime encoder for the installed model, exporting its graph first if needed."""
    identity = model_identity()
    return OnnxEncoder(OnnxExporter().export(identity), threads=threads, identity=identity)
