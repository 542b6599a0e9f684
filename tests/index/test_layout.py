"""The index folder's names, in one place."""

from __future__ import annotations

from pathlib import Path

from backqa.index.layout import IndexLayout, VersionFiles


def test_version_files_sit_in_their_version_folder(tmp_path: Path) -> None:
    layout = IndexLayout(tmp_path)
    files = layout.version("v1")
    assert files == VersionFiles(tmp_path / "versions" / "v1")
    assert {p.name for p in (files.manifest, files.store, files.vectors, files.lexical,
                             files.claims)} == {"manifest.json", "store.sqlite",
                                                "vectors.faiss", "bm25", "claims.npy"}
    assert layout.build("v1").parent == layout.versions
    assert layout.build("v1").name.startswith(".")  # hidden until published
    assert {layout.lock.name, layout.embed_cache.name} == {".lock", "embed-cache.sqlite"}
