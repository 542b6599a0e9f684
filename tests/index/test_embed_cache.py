from pathlib import Path

import numpy as np

from backqa.index.embed_cache import EmbeddingCache


def test_put_get_retain(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite", "model-a", 3)
    cache.put_many([("h1", np.array([1, 0, 0], dtype=np.float32)),
                    ("h2", np.array([0, 1, 0], dtype=np.float32))])
    found = cache.get_many(["h1", "h2", "h3"])
    assert set(found) == {"h1", "h2"} and found["h2"].tolist() == [0, 1, 0]
    other = EmbeddingCache(tmp_path / "c.sqlite", "model-b", 3)
    assert other.get_many(["h1"]) == {}  # vectors of another model are never reused
    assert cache.retain({"h2"}) == 1
    assert set(cache.get_many(["h1", "h2"])) == {"h2"}
    cache.clear()
    assert cache.get_many(["h2"]) == {}


def test_wrong_dimension_vectors_are_ignored(tmp_path: Path) -> None:
    EmbeddingCache(tmp_path / "c.sqlite", "m", 4).put_many([("h", np.ones(4, np.float32))])
    assert EmbeddingCache(tmp_path / "c.sqlite", "m", 3).get_many(["h"]) == {}


def test_a_damaged_cache_starts_again(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = EmbeddingCache(path, "m", 2)
    cache.put_many([("h", np.ones(2, np.float32))])
    assert set(cache.get_many(["h"])) == {"h"}
