"""The same all-MiniLM-L6-v2 weights on ONNX Runtime: about 3x faster than PyTorch per question
on 2 cores. The ONNX graph is exported locally from the bundled model with `torch.onnx.export`
(no download) the first time it is needed, checked against PyTorch, and cached; vectors are
interchangeable with `TorchEncoder`'s, so both share one `ModelIdentity`."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np
from tokenizers import Encoding, Tokenizer

from backqa.encoder import ModelIdentity, model_dir, model_identity

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

    def run(self, identity: ModelIdentity | None = None, force: bool = False) -> Path:
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
            reference = module(*tensors).numpy()
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


class OnnxEncoder:
    """all-MiniLM-L6-v2 on ONNX Runtime, CPU; same vectors as `TorchEncoder` (cosine > 0.999).

    Texts are sorted by token length before batching so a batch pads to similar lengths; the
    output keeps the input order."""

    def __init__(self, model_path: Path | None = None, threads: int | None = None,
                 identity: ModelIdentity | None = None, max_batch: int = 16) -> None:
        import onnxruntime as ort

        self.identity = identity or model_identity()
        # Runs of at most 16 texts: on 2 cores, the 78 shipped passages embedded at 73/s in
        # runs of 16 against 67/s in runs of 32 and 55/s in 64 (less padding, cache-sized).
        self.max_batch = max_batch
        path = model_path or OnnxExporter().run(self.identity)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # No busy-waiting between ops: on 2 shared cores spinning workers doubled the CPU per
        # question (8.8-9.1 ms vs 4.7-5.2 ms measured) with no gain in latency, and that CPU
        # is what HTTP handling and ranking need under concurrent load.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), sess_options=options,
                                            providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.tokenizer = load_tokenizer(self.identity.max_seq_length)
        self.path = path

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
            out[rows] = self.session.run(None, feeds)[0]
            if bar is not None:
                bar.update(len(rows))
        if bar is not None:
            bar.close()
        return out
