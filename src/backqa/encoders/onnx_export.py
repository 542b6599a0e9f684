"""Exports the bundled model to one ONNX graph (transformer + mean pooling + L2 norm) with
`torch.onnx.export`, checks it against PyTorch and caches it in the virtualenv; quantises it to
int8 weights with ONNX Runtime's own dynamic quantiser, beside it. Nothing is downloaded. The
graph also outputs the token states ("tokens"), which neither search nor ingest uses."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import numpy as np

from backqa.encoders.identity import ModelIdentity, model_dir, model_identity
from backqa.encoders.onnx_encoder import OnnxEncoder, _batch_arrays, load_tokenizer

# Bump when the exported graph changes (inputs, outputs, pooling, opset), so caches are
# re-exported. 2: a second output, "tokens" (the last hidden state), now unused; kept so
# installed graphs are not re-exported.
EXPORT_FORMAT = 2
OPSET = 17
MIN_COSINE = 0.999
# Bump when the quantisation recipe changes. On CHECK_TEXTS the least cosine of int8 vectors to
# fp32 ones measured 0.954 (per channel, shipped) and 0.853 (per tensor, on "ok"); under
# MIN_INT8_COSINE a quantised graph is broken, not merely approximate.
QUANT_FORMAT = 1
MIN_INT8_COSINE = 0.8
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
        """Where the graph for `identity` (its `graph`: fp32 or int8) is cached."""
        if identity.graph == "int8":
            return self.cache_dir / f"{_export_tag(identity)}-int8q{QUANT_FORMAT}.onnx"
        return self.cache_dir / f"{_export_tag(identity)}.onnx"

    def graph(self, identity: ModelIdentity, force: bool = False) -> Path:
        """The cached graph that makes `identity`'s vectors, made first when missing."""
        return self.quantize(identity, force) if identity.graph == "int8" else \
            self.export(identity, force)

    def export(self, identity: ModelIdentity | None = None, force: bool = False) -> Path:
        """The exported fp32 graph for the installed model, exporting it first when missing."""
        identity = replace(identity or model_identity(), graph="fp32")
        target = self.path_for(identity)
        if target.is_file() and not force:
            return target
        tmp = self._temporary()
        try:
            reference = self._export(tmp, identity)
            self._check(tmp, reference, identity, MIN_COSINE)
            tmp.chmod(0o644)
            os.replace(tmp, target)  # atomic: readers never see a half-written graph
        finally:
            tmp.unlink(missing_ok=True)
        info = {"model": identity.to_dict(), "format": EXPORT_FORMAT, "opset": OPSET,
                "torch": metadata.version("torch")}
        target.with_suffix(".json").write_text(json.dumps(info, indent=2))
        return target

    def quantize(self, identity: ModelIdentity | None = None, force: bool = False,
                 per_channel: bool = True, preprocess: bool = False) -> Path:
        """The int8 graph (ORT dynamic quantisation, QInt8 weights) of the fp32 graph, made
        first when missing; the fp32 graph stays. The shipped recipe quantises weights per
        channel: cosine to fp32 0.95-0.995 on CHECK_TEXTS against 0.85-0.97 per tensor, at
        the same speed. `preprocess`: ORT's `quant_pre_process` first (its symbolic shape
        inference fails on this graph, so it runs without it). Other settings than the
        defaults are for measurements: give them their own `cache_dir`."""
        identity = replace(identity or model_identity(), graph="int8")
        target = self.path_for(identity)
        if target.is_file() and not force:
            return target
        source = self.export(identity)
        tmp = self._temporary()
        try:
            self._quantize(source, tmp, per_channel, preprocess)
            fp32 = OnnxEncoder(source, identity=replace(identity, graph="fp32"))
            self._check(tmp, fp32.encode(list(CHECK_TEXTS)), identity, MIN_INT8_COSINE)
            tmp.chmod(0o644)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        info = {"model": identity.to_dict(), "source": source.name, "format": QUANT_FORMAT,
                "weights": "QInt8", "per_channel": per_channel, "preprocess": preprocess,
                "method": "onnxruntime.quantization.quantize_dynamic"}
        target.with_suffix(".json").write_text(json.dumps(info, indent=2))
        return target

    def _temporary(self) -> Path:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".export-", suffix=".onnx", dir=self.cache_dir)
        os.close(handle)
        return Path(name)

    @staticmethod
    def _quantize(source: Path, target: Path, per_channel: bool, preprocess: bool) -> None:
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

        with tempfile.TemporaryDirectory(prefix=".quant-", dir=target.parent) as scratch:
            model_input = source
            if preprocess:
                from onnxruntime.quantization.shape_inference import quant_pre_process

                model_input = Path(scratch) / "preprocessed.onnx"
                quant_pre_process(str(source), str(model_input), skip_symbolic_shape=True)
            root = logging.getLogger()
            level = root.level
            root.setLevel(logging.ERROR)  # the quantiser's advice to pre-process, measured
            try:
                quantize_dynamic(model_input, target, weight_type=QuantType.QInt8,
                                 per_channel=per_channel)
            finally:
                root.setLevel(level)

    def _export(self, path: Path, identity: ModelIdentity) -> np.ndarray:
        """Writes the graph to `path`; returns PyTorch's embeddings of CHECK_TEXTS."""
        import torch
        from transformers import AutoModel

        class Pooled(torch.nn.Module):
            def __init__(self, bert: torch.nn.Module) -> None:
                super().__init__()
                self.bert = bert

            def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                        token_type_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
                hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                                   token_type_ids=token_type_ids).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                summed = (hidden * mask).sum(dim=1)
                counts = mask.sum(dim=1).clamp(min=1e-9)
                return torch.nn.functional.normalize(summed / counts, p=2.0, dim=1), hidden

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
            reference: np.ndarray = module(*tensors)[0].numpy()
            torch.onnx.export(
                module, tensors, str(path), input_names=names,
                output_names=["embedding", "tokens"],
                dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names},
                              "embedding": {0: "batch"}, "tokens": {0: "batch", 1: "tokens"}},
                opset_version=OPSET, dynamo=False, do_constant_folding=True)
        return reference

    @staticmethod
    def _check(path: Path, reference: np.ndarray, identity: ModelIdentity,
               min_cosine: float) -> None:
        """Raises unless `path`'s vectors of CHECK_TEXTS are within `min_cosine` of
        `reference` (PyTorch's for the fp32 graph, the fp32 graph's for int8)."""
        encoder = OnnxEncoder(path, identity=identity)
        got = encoder.encode(list(CHECK_TEXTS))
        cosine = float(np.sum(got * reference, axis=1).min())
        if cosine < min_cosine:
            against = "PyTorch" if identity.graph == "fp32" else "the fp32 graph"
            raise OnnxExportError(f"{identity.graph} graph {path.name} differs from {against} "
                                  f"(cosine {cosine:.5f} < {min_cosine})")


def load_onnx_encoder(threads: int | None = None, graph: str = "fp32") -> OnnxEncoder:
    """The ONNX Runtime encoder for the installed model's `graph` (fp32 or int8), exporting
    (and quantising) it first if needed."""
    identity = model_identity(graph=graph)
    return OnnxEncoder(OnnxExporter().graph(identity), threads=threads, identity=identity)


def main(argv: list[str] | None = None) -> int:
    """`python -m backqa.encoders.onnx_export [--force]`: export and quantise (make install)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m backqa.encoders.onnx_export",
                                     description=main.__doc__)
    parser.add_argument("--force", action="store_true", help="export again even if cached")
    args = parser.parse_args(argv)
    exporter = OnnxExporter()
    identity = model_identity()
    try:
        for graph in ("fp32", "int8"):
            print(exporter.graph(replace(identity, graph=graph), force=args.force))
    except Exception as exc:
        print(f"onnx export: failed ({type(exc).__name__}: {exc}); the encoders that need "
              f"it retry on first use", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
