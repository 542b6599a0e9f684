"""Adding and removing library sources: atomic writes, metadata sidecars, every refusal."""

import os
import tomllib
from pathlib import Path

import pytest

from backqa.ingest.library import Library, Refused, sidecar_toml
from backqa.ingest.readers import SourceReader

ARTICLE = b"# Hip Flexors and the Lower Back\n\nTight hip flexors tilt the pelvis forward.\n"


@pytest.fixture
def library(tmp_path: Path) -> Library:
    folder = tmp_path / "ingest"
    folder.mkdir()
    return Library(folder, max_bytes=1000)


def test_add_writes_the_file_and_its_metadata(library: Library) -> None:
    stored = library.add("Hip Flexors.md", ARTICLE, {"title": "Hip flexors", "kind": "article",
                                                     "url": "https://example.org/hips",
                                                     "published": "2025-04-01", })
    assert stored.id == "hip-flexors" and not stored.replaced
    assert stored.path.read_bytes() == ARTICLE
    [source] = SourceReader(library.folder).read(stored.path)
    assert (source.id, source.title, source.kind, source.url, source.published) == (
        "hip-flexors", "Hip flexors", "article", "https://example.org/hips", "2025-04-01")


def test_add_leaves_no_temporary_files(library: Library) -> None:
    library.add("a.md", ARTICLE, {"title": 'Quotes " and \\ backslashes é'})
    assert sorted(os.listdir(library.folder)) == ["a.md", "a.meta.toml"]
    meta = tomllib.loads((library.folder / "a.meta.toml").read_text(encoding="utf-8"))
    assert meta == {"title": 'Quotes " and \\ backslashes é'}


@pytest.mark.parametrize("name", ["../escape.md", "sub/inner.md", "/etc/passwd.md",
                                  "..\\win.md", ".hidden.md", "..", "", "bad\nname.md"])
def test_names_that_would_escape_the_library_are_refused(library: Library, name: str) -> None:
    with pytest.raises(Refused) as refused:
        library.add(name, ARTICLE, {})
    assert refused.value.status == 400
    assert list(library.folder.parent.rglob("*.md")) == []


@pytest.mark.parametrize("name", ["notes.pdf", "page.docx", "noext", "set.jsonl", "x.meta.toml"])
def test_unsupported_types_are_refused(library: Library, name: str) -> None:
    with pytest.raises(Refused) as refused:
        library.add(name, ARTICLE, {})
    assert refused.value.status == 415 and "unsupported file type" in str(refused.value)
    assert os.listdir(library.folder) == []


def test_a_file_over_the_limit_is_refused(library: Library) -> None:
    library.add("fits.md", b"x" * 1000, {})
    with pytest.raises(Refused) as refused:
        library.add("big.md", b"x" * 1001, {})
    assert refused.value.status == 413 and "1001 bytes" in str(refused.value)
    assert not (library.folder / "big.md").exists()


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01binary"])
def test_a_file_that_is_not_text_is_refused(library: Library, data: bytes) -> None:
    with pytest.raises(Refused) as refused:
        library.add("a.md", data, {})
    assert refused.value.status == 400


@pytest.mark.parametrize(("meta", "field"), [
    ({"author": "me"}, "author"), ({"kind": "blog"}, "kind"),
    ({"url": "javascript:alert(1)"}, "url"), ({"title": "two\nlines"}, "title"),
])
def test_bad_metadata_is_refused(library: Library, meta: dict[str, str], field: str) -> None:
    with pytest.raises(Refused) as refused:
        library.add("a.md", ARTICLE, meta)
    assert refused.value.status == 400 and field in str(refused.value)
    assert os.listdir(library.folder) == []


def test_an_existing_id_is_refused_unless_replace(library: Library) -> None:
    library.add("hips.md", ARTICLE, {"title": "Old title"})
    with pytest.raises(Refused) as refused:
        library.add("Hips.html", b"<p>new</p>", {})
    assert refused.value.status == 409 and "replace=true" in str(refused.value)
    assert (library.folder / "hips.md").read_bytes() == ARTICLE

    stored = library.add("Hips.html", b"<p>new</p>", {}, replace=True)
    assert stored.replaced and stored.id == "hips"
    # the old file and its (now stale) metadata are gone; only the new file is left
    assert sorted(os.listdir(library.folder)) == ["Hips.html"]


def test_replacing_with_new_metadata_keeps_it(library: Library) -> None:
    library.add("hips.md", ARTICLE, {"title": "Old"})
    library.add("hips.md", ARTICLE, {"title": "New"}, replace=True)
    assert tomllib.loads((library.folder / "hips.meta.toml").read_text()) == {"title": "New"}
    library.add("hips.md", ARTICLE, {}, replace=True)
    assert not (library.folder / "hips.meta.toml").exists()


def test_remove_deletes_the_file_and_its_sidecar(library: Library) -> None:
    library.add("hips.md", ARTICLE, {"title": "Hips"})
    library.add("knees.md", ARTICLE, {})
    removed = library.remove("hips")
    assert removed.path.name == "hips.md"
    assert sorted(os.listdir(library.folder)) == ["knees.md"]


def test_removing_an_unknown_id_is_refused(library: Library) -> None:
    with pytest.raises(Refused) as refused:
        library.remove("nothing-here")
    assert refused.value.status == 404


def test_a_failed_write_leaves_the_library_as_it_was(library: Library,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    library.add("hips.md", ARTICLE, {"title": "Old"})

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        library.add("hips.md", b"# New text\n\nNew body.\n", {"title": "New"}, replace=True)
    assert (library.folder / "hips.md").read_bytes() == ARTICLE
    assert tomllib.loads((library.folder / "hips.meta.toml").read_text()) == {"title": "Old"}
    assert sorted(os.listdir(library.folder)) == ["hips.md", "hips.meta.toml"]


def test_preview_inspects_without_touching_the_library(library: Library) -> None:
    library.add("hips.md", ARTICLE, {})
    report = library.preview("hips.md", b"# Hips Again\n\n3 min read\n\nBody text here.\n",
                             {"title": "Preview title"})
    assert report.documents[0].title == "Preview title"
    assert [d.rule for d in report.documents[0].dropped] == ["reading-time stamp"]
    assert report.path == "hips.md"
    assert (library.folder / "hips.md").read_bytes() == ARTICLE
    [taken] = report.problems  # a warning: the upload itself is usable
    assert not taken.skipped and not report.failed
    assert "'hips' is taken by hips.md" in taken.message and "replace=true" in taken.message
    assert library.preview("knees.md", ARTICLE, {}).problems == []


def test_preview_refuses_what_add_refuses(library: Library) -> None:
    with pytest.raises(Refused):
        library.preview("../x.md", ARTICLE, {})


def test_sidecar_of_no_fields_is_empty() -> None:
    assert sidecar_toml({"title": "  ", "url": ""}) == ""
