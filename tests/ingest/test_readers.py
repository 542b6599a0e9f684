import codecs
import json
from pathlib import Path

import pytest

from backqa.ingest.readers import ReadError, SourceReader, decode_bytes, discover, slugify


def read(tmp_path: Path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    reader = SourceReader(tmp_path)
    return reader.read(path), reader.problems


def test_text_file_with_sidecar_metadata(tmp_path: Path) -> None:
    (tmp_path / "hills.meta.toml").write_text('title = "Hills"\nkind = "article"\n'
                                              'url = "https://example.org/h"\n')
    sources, problems = read(tmp_path, "hills.txt", "Running up hills loads the back.\n")
    assert problems == []
    [source] = sources
    assert (source.id, source.title, source.kind, source.url, source.format, source.path) == (
        "hills", "Hills", "article", "https://example.org/h", "text", "hills.txt")


@pytest.mark.parametrize("name,fmt", [("a.md", "markdown"), ("a.html", "html"),
                                      ("a.htm", "html"), ("a.txt", "text")])
def test_formats_by_extension(tmp_path: Path, name: str, fmt: str) -> None:
    sources, _ = read(tmp_path, name, "Some text here.")
    assert sources[0].format == fmt


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (bytes(range(128, 256)) * 20 + b"\x01\x02\x03" * 50, "not text"),
])
def test_unreadable_files_are_skipped_with_their_name(tmp_path: Path, data: bytes,
                                                      message: str) -> None:
    sources, problems = read(tmp_path, "bad.txt", data)
    assert sources == []
    assert len(problems) == 1 and problems[0].skipped
    assert str(problems[0]).startswith("bad.txt: skipped")
    assert message in str(problems[0])


def test_unsupported_extension_is_reported(tmp_path: Path) -> None:
    sources, problems = read(tmp_path, "photo.jpg", b"\xff\xd8\xff")
    assert sources == [] and "unsupported file type" in str(problems[0])


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_LE + "Rücken tut weh".encode("utf-16-le")
    sources, problems = read(tmp_path, "u16.txt", data)
    assert problems == [] and sources[0].text == "Rücken tut weh"


def test_latin1_is_read_with_a_warning(tmp_path: Path) -> None:
    data = "Caf\xe9 runners and sciatica.".encode("latin-1")
    sources, problems = read(tmp_path, "latin.txt", data)
    assert sources[0].text == "Café runners and sciatica."
    assert len(problems) == 1 and not problems[0].skipped and "UTF-8" in problems[0].message


def test_bad_sidecar_names_the_sidecar_and_field(tmp_path: Path) -> None:
    (tmp_path / "a.meta.toml").write_text('kind = "blog"\n')
    sources, problems = read(tmp_path, "a.txt", "text")
    assert sources == []
    assert "a.meta.toml" in str(problems[0]) and "'kind'" in str(problems[0])
    (tmp_path / "a.meta.toml").write_text('titel = "typo"\n')
    sources, problems = read(tmp_path, "a.txt", "text")
    assert "unknown field" in str(problems[0]) and "titel" in str(problems[0])
    (tmp_path / "a.meta.toml").write_text('title = "unterminated\n')
    sources, problems = read(tmp_path, "a.txt", "text")
    assert "not valid TOML" in str(problems[0])


def test_jsonl_reports_each_bad_line_and_keeps_the_rest(tmp_path: Path) -> None:
    lines = [
        json.dumps({"_id": "d1", "title": "One", "text": "First abstract."}),
        "{not json",
        json.dumps({"_id": "d2", "text": ""}),
        json.dumps({"title": "no id", "text": "x"}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"_id": "d1", "text": "duplicate"}),
        json.dumps({"_id": 42, "text": "Numeric ids are fine."}),
        json.dumps({"_id": "../../etc", "text": "path-like ids are refused"}),
    ]
    sources, problems = read(tmp_path, "corpus.jsonl", "\n".join(lines))
    assert [s.id for s in sources] == ["d1", "42"]
    assert sources[0].title == "One" and sources[0].line == 1 and sources[0].path == "corpus.jsonl"
    assert [p.line for p in problems] == [2, 3, 4, 5, 7, 9]
    assert all(str(p).startswith(f"corpus.jsonl:{p.line}: line skipped") for p in problems)
    assert "invalid JSON" in problems[0].message
    assert "'text'" in problems[1].message and "'_id'" in problems[2].message
    assert "duplicate" in problems[4].message


def test_discover_skips_sidecars_readmes_and_hidden_files(tmp_path: Path) -> None:
    for name in ("a.txt", "a.meta.toml", "README.md", ".hidden.txt", "b.md", "c.pdf"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.html").write_text("x")
    assert [p.name for p in discover([tmp_path])] == ["a.txt", "b.md", "d.html"]


def test_decode_rejects_text_with_a_broken_bom() -> None:
    with pytest.raises(ReadError):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")  # a lone surrogate


def test_slugify() -> None:
    assert slugify("Why My Back Hurts (2025)!") == "why-my-back-hurts-2025"
    assert slugify("***") == "source"
