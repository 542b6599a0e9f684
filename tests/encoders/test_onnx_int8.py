"""The int8-quantised ONNX graph: made beside the fp32 one, checked, and kept apart by identity."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from backqa.encoders import backend_identity, load_encoder, onnx_export
from backqa.encoders.identity import model_identity
from backqa.encoders.onnx_encoder import OnnxEncoder, session_options
from backqa.encoders.onnx_export import OnnxExporter, OnnxExportError, default_cache_dir
from backqa.index.embed_cache import EmbeddingCache
from helpers import JUDGED

QUESTIONS = [json.loads(line)["question"]
             for line in (JUDGED / "questions.jsonl").read_text().splitlines() if line.strip()]


def exporter_with_fp32(cache: Path) -> OnnxExporter:
    """An exporter over `cache` holding the fp32 graph: the installed one copied when there is
    one (its export is tested in test_onnx_encoder), else exported."""
    exporter = OnnxExporter(cache)
    installed = OnnxExporter(default_cache_dir()).path_for(model_identity())
    if installed.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        for path in (installed, installed.with_suffix(".json")):
            shutil.copy(path, cache / path.name)
    exporter.export()
    return exporter


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    exporter = exporter_with_fp32(tmp_path_factory.mktemp("onnx-cache"))
    return exporter.export(), exporter.quantize()


def test_int8_graph_is_made_beside_the_fp32_one(graphs: tuple[Path, Path]) -> None:
    fp32, int8 = graphs
    assert fp32.is_file() and int8.is_file() and fp32 != int8
    assert int8.stat().st_size < fp32.stat().st_size / 3  # int8 weights, not float32
    info = json.loads(int8.with_suffix(".json").read_text())
    assert info["model"]["key"] == model_identity(graph="int8").key
    assert info["source"] == fp32.name and info["weights"] == "QInt8"
    assert [p.name for p in int8.parent.iterdir() if p.name.startswith(".")] == []
    before = int8.stat().st_mtime_ns
    assert OnnxExporter(int8.parent).quantize() == int8  # cached: not made again
    assert int8.stat().st_mtime_ns == before


def test_int8_vectors_are_close_to_fp32_but_not_the_same(graphs: tuple[Path, Path]) -> None:
    fp32, int8 = graphs
    full = OnnxEncoder(fp32).encode(QUESTIONS)
    quantised = OnnxEncoder(int8, identity=model_identity(graph="int8")).encode(QUESTIONS)
    assert quantised.dtype == np.float32 and quantised.shape == full.shape
    assert np.allclose(np.linalg.norm(quantised, axis=1), 1.0, atol=1e-5)
    cosine = np.sum(full * quantised, axis=1)
    assert cosine.mean() > 0.95 and cosine.min() > onnx_export.MIN_INT8_COSINE
    assert cosine.max() < 0.9999  # a different graph: vectors must not be mixed with fp32's
    # Each question still finds its own fp32 vector first among all questions' vectors.
    assert (np.argmax(quantised @ full.T, axis=1) == np.arange(len(QUESTIONS))).all()


def test_a_quantised_graph_that_breaks_vectors_is_refused(
        graphs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    fp32 = graphs[0]
    for path in (fp32, fp32.with_suffix(".json")):
        shutil.copy(path, cache / path.name)
    monkeypatch.setattr(onnx_export, "MIN_INT8_COSINE", 1.5)  # no graph can pass this check
    with pytest.raises(OnnxExportError, match=r"int8 graph .* differs from the fp32 graph"):
        OnnxExporter(cache).quantize()
    assert sorted(p.name for p in cache.iterdir()) == sorted([fp32.name,
                                                              fp32.with_suffix(".json").name])


def test_identity_says_which_graph_made_the_vectors() -> None:
    fp32, int8 = model_identity(), model_identity(graph="int8")
    assert fp32.graph == "fp32" and int8.graph == "int8"
    assert fp32.weights_sha256 == int8.weights_sha256
    assert int8.key == fp32.key + "/int8"
    assert fp32.key.endswith("@" + fp32.weights_sha256[:16] + "/384/256")  # as it always was
    assert backend_identity("onnx-int8") == int8
    assert backend_identity("onnx") == backend_identity("torch") == backend_identity() == fp32
    with pytest.raises(ValueError, match="unknown model graph 'int4'"):
        model_identity(graph="int4")
    with pytest.raises(ValueError, match="unknown encoder backend 'onnx-int4'"):
        backend_identity("onnx-int4")


def test_embed_cache_keeps_each_graphs_vectors_apart(tmp_path: Path) -> None:
    path = tmp_path / "embed-cache.sqlite"
    fp32 = EmbeddingCache(path, model_identity().key, 384)
    fp32.put_many([("hash-a", np.ones(384, dtype=np.float32))])
    int8 = EmbeddingCache(path, model_identity(graph="int8").key, 384)
    assert int8.get_many(["hash-a"]) == {}
    assert list(fp32.get_many(["hash-a"])) == ["hash-a"]
    fp32.close()
    int8.close()


def test_load_encoder_onnx_int8(graphs: tuple[Path, Path],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKQA_ONNX_CACHE", str(graphs[1].parent))
    encoder = load_encoder("onnx-int8")
    assert isinstance(encoder, OnnxEncoder)
    assert encoder.path == graphs[1] and encoder.identity == model_identity(graph="int8")
    assert load_encoder("onnx").identity == model_identity()


def test_graph_options(graphs: tuple[Path, Path]) -> None:
    fp32 = graphs[0]
    reference = OnnxEncoder(fp32).encode(QUESTIONS[:6])
    for level in ("disable", "basic", "extended"):
        vectors = OnnxEncoder(fp32, optimization=level).encode(QUESTIONS[:6])
        assert np.allclose(vectors, reference, atol=1e-4), level
    single = OnnxEncoder(fp32, single=True)  # batch fixed to 1: batches go one by one
    assert np.allclose(single.encode(QUESTIONS[:6], batch_size=4), reference, atol=1e-4)
    with pytest.raises(ValueError, match="unknown graph optimisation 'max'"):
        session_options(optimization="max")
