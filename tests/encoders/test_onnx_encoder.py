"""The ONNX Runtime backend: exported locally, same vectors and rankings as PyTorch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from backqa.encoders import load_encoder, onnx_export
from backqa.encoders.identity import model_identity
from backqa.encoders.onnx_encoder import OnnxEncoder
from backqa.encoders.onnx_export import OnnxExporter, OnnxExportError
from backqa.encoders.torch_encoder import TorchEncoder
from helpers import JUDGED, PROJECT

JUDGED_SET = JUDGED / "questions.jsonl"

SAMPLE = [
    "Why does my lower back ache after a long run?",
    "sciatica",
    "Naïve question about the piriformis — does it cause pain down the leg?",
    "   spaces   and\ttabs\n",
    "Hamstring tightness pulls on the pelvis and the lumbar spine. " * 40,  # > 256 tokens
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("onnx-cache")
    return OnnxExporter(cache).export()


@pytest.fixture(scope="module")
def onnx(exported: Path) -> OnnxEncoder:
    return OnnxEncoder(exported)


def library_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted((PROJECT / "ingest").glob("*.txt")):
        paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n")]
        texts.extend(p for p in paragraphs if len(p.split()) > 5)
    return texts[:120]


def test_identity_is_the_torch_models(onnx: OnnxEncoder, real_encoder: TorchEncoder) -> None:
    assert onnx.identity == real_encoder.identity == model_identity()


def test_vectors_match_pytorch(onnx: OnnxEncoder, real_encoder: TorchEncoder) -> None:
    texts = SAMPLE + library_texts()
    ours = onnx.encode(texts, batch_size=16)
    theirs = real_encoder.encode(texts)
    assert ours.dtype == np.float32 and ours.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosine = np.sum(ours * theirs, axis=1)
    assert cosine.min() > 0.999, texts[int(cosine.argmin())][:80]


def test_length_bucketing_keeps_input_order(onnx: OnnxEncoder) -> None:
    texts = [SAMPLE[4], "short", SAMPLE[0], "a" * 30, SAMPLE[2]]
    batched = onnx.encode(texts, batch_size=2)
    one_by_one = np.vstack([onnx.encode([t]) for t in texts])
    assert np.allclose(batched, one_by_one, atol=1e-5)
    assert onnx.encode([]).shape == (0, 384)


def test_same_rankings_on_the_judged_set(onnx: OnnxEncoder, shipped_searcher) -> None:
    from backqa.search.searcher import Searcher

    onnx_searcher = Searcher(shipped_searcher.index, onnx)
    questions = [json.loads(line)["question"] for line in JUDGED_SET.read_text().splitlines()
                 if line.strip()]
    assert len(questions) >= 50
    differ = []
    for question in questions:
        torch_ids = [r.passage_id for r in shipped_searcher.search(question, k=5).results]
        onnx_ids = [r.passage_id for r in onnx_searcher.search(question, k=5).results]
        if torch_ids != onnx_ids:
            differ.append(question)
    assert differ == []


def test_export_is_cached_and_atomic(exported: Path) -> None:
    before = exported.stat().st_mtime_ns
    again = OnnxExporter(exported.parent).export()
    assert again == exported and exported.stat().st_mtime_ns == before
    assert [p.name for p in exported.parent.iterdir() if p.name.startswith(".export-")] == []
    info = json.loads(exported.with_suffix(".json").read_text())
    assert info["model"]["weights_sha256"] == model_identity().weights_sha256


def test_export_that_disagrees_with_pytorch_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(onnx_export, "MIN_COSINE", 1.5)  # no graph can pass this check
    with pytest.raises(OnnxExportError, match="differs from PyTorch"):
        OnnxExporter(tmp_path).export()
    assert list(tmp_path.iterdir()) == []


def test_auto_falls_back_to_torch_when_onnx_fails(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated broken export")

    monkeypatch.setattr(onnx_export, "load_onnx_encoder", broken)
    encoder = load_encoder("auto")
    assert isinstance(encoder, TorchEncoder)
    assert "simulated broken export" in capsys.readouterr().err
    with pytest.raises(RuntimeError, match="simulated"):
        load_encoder("onnx")
    with pytest.raises(ValueError, match="unknown encoder backend"):
        load_encoder("tensorflow")
