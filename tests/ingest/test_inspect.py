"""The dry-run inspect report: what is dropped (and by which rule), the tree, passages with
their topics, near-duplicates by wording; nothing embedded or written."""

from pathlib import Path
from typing import Any

import pytest

from backqa.documents import RawSource
from backqa.ingest.builder import DocumentBuilder
from backqa.ingest.cleaning import TextCleaner
from backqa.ingest.html import HtmlCleaner
from backqa.ingest.inspect import Inspector, WordingDuplicateGrouper
from helpers import FIXTURES, LIBRARY, PROJECT

MESSY_PAGE = """<!DOCTYPE html>
<html><head><title>Glute Strength for Runners | Trail Blog</title></head>
<body>
<nav class="top"><a href="/">Home</a> <a href="/shoes">Shoe reviews</a></nav>
<div class="newsletter-popup">Get our training plans every week</div>
<main>
<h1>Glute Strength for Runners</h1>
<p>3 min read</p>
<p>Weak glutes let the pelvis drop on each stride, and the lower back muscles work overtime to
keep the trunk upright on long runs.</p>
<h2>How to Treat It</h2>
<p>Bridges, clamshells and single-leg deadlifts twice a week rebuild the glutes within a
month; start with two sets of ten and add load slowly.</p>
</main>
<aside><p>Popular: ten marathon tips</p></aside>
</body></html>
"""


def inspect_file(tmp_path: Path, name: str, text: str) -> dict[str, Any]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return Inspector(tmp_path).inspect(path).to_dict()


def test_every_piece_of_chrome_is_named_with_its_rule(tmp_path: Path) -> None:
    report = inspect_file(tmp_path, "glutes.html", MESSY_PAGE)
    [document] = report["documents"]
    assert document["title"] == "Glute Strength for Runners"
    assert document["kind"] == "article"
    dropped = {d["text"]: d for d in document["dropped"]}
    assert dropped["Home Shoe reviews"]["rule"] == "<nav> element"
    assert dropped["Home Shoe reviews"]["line"] == 4
    assert "newsletter-popup" in dropped["Get our training plans every week"]["rule"]
    assert dropped["Popular: ten marathon tips"]["rule"] == "<aside> element"
    assert dropped["3 min read"]["rule"] == "reading-time stamp"
    kept = " ".join(p["text"] for p in document["passages"])
    assert not any(text in kept for text in dropped)


def test_text_lines_dropped_carry_their_line_in_the_file(tmp_path: Path) -> None:
    text = ("Stiff Backs After Long Runs\n\n3 min read\n\nA stiff lower back after a long run "
            "usually means tired erector muscles rather than an injury.\n\nShare Tweet Pin\n")
    report = inspect_file(tmp_path, "stiff.txt", text)
    dropped = [(d["line"], d["rule"]) for d in report["documents"][0]["dropped"]]
    assert dropped == [(3, "reading-time stamp"), (7, "buttons and counters only")]


def test_the_footer_is_named_from_its_marker(tmp_path: Path) -> None:
    body = [f"Paragraph {i} about running form and the lower back." for i in range(6)]
    text = "\n\n".join([*body, "Related Posts", "Ten Tips For Marathon Day"])
    cleaned = TextCleaner().clean_reporting(text)
    assert cleaned.lines == TextCleaner().clean(text)
    assert [(d.text, d.rule) for d in cleaned.dropped] == [
        ("Related Posts", "page footer (from 'Related Posts' on)"),
        ("Ten Tips For Marathon Day", "page footer (from 'Related Posts' on)")]


@pytest.mark.parametrize("path", [*sorted(LIBRARY.glob("*.txt")), FIXTURES / "saved-page.html"])
def test_reporting_does_not_change_what_is_cleaned(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        assert HtmlCleaner().clean_reporting(text).text == HtmlCleaner().clean(text)[1]
    else:
        assert TextCleaner().clean_reporting(text).lines == TextCleaner().clean(text)


def test_forum_thread_tree_has_the_question_and_each_answer() -> None:
    report = Inspector(PROJECT).inspect(LIBRARY / "forum-terrible-lower-back-pain-after-i-run.txt")
    [document] = report.documents
    assert document.kind == "forum-thread"
    kinds = [node.kind for node in document.tree]
    assert kinds[0] == "question" and kinds.count("answer") == 6
    assert [n.label for n in document.tree[1:]] == [f"Answer {i}" for i in range(1, 7)]
    first_answer = document.tree[1]
    assert [child.label for child in first_answer.children] == [
        "Treatment for Lower Back Pain", "Back Strengthening Exercises"]
    total = sum(node.passages + sum(c.passages for c in node.children) for node in document.tree)
    assert total == len(document.passages)


def test_collection_page_tree_has_its_parts() -> None:
    report = Inspector(PROJECT).inspect(LIBRARY / "back-pain-in-runners-five-articles.txt")
    [document] = report.documents
    assert [node.kind for node in document.tree] == ["part"] * 5


def test_passages_report_heading_path_words_and_topics(tmp_path: Path) -> None:
    report = inspect_file(tmp_path, "glutes.html", MESSY_PAGE)
    passages = report["documents"][0]["passages"]
    treat = next(p for p in passages if p["heading_path"] == ["How to Treat It"])
    assert treat["words"] == len(treat["text"].split())
    assert treat["topics"] == ["treatment"]
    assert [p["number"] for p in passages] == list(range(1, len(passages) + 1))


def test_near_duplicates_are_grouped_by_wording(tmp_path: Path) -> None:
    repeated = ("Shorten your stride on downhills and keep your trunk upright, so the lower back "
                "does not brake every step of the descent on a long trail run.")
    other = ("Sleep and easy days let the spinal muscles recover between hard sessions, which "
             "matters more as the weekly mileage climbs in a marathon block.")
    text = (f"# Downhills\n\n## Form\n\n{repeated}\n\n## Recovery\n\n{other}\n\n"
            f"## Again\n\n{repeated}\n")
    report = inspect_file(tmp_path, "downhill.md", text)
    passages = report["documents"][0]["passages"]
    assert report["duplicate_groups"] == [[1, 3]]
    assert [p["duplicate_group"] for p in passages] == [1, None, 1]


def test_wording_grouper_keeps_different_points_apart() -> None:
    grouper = WordingDuplicateGrouper()
    texts = ["core strength protects the lower back on long runs",
             "core strength protects the lower back on long runs and hills",
             "new shoes every 500 miles keep the cushioning working"]
    assert grouper.group_texts(texts) == [0, 0, None]


def test_nothing_is_embedded_or_written(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    (library / "a.md").write_text("# Title\n\nSome text about backs and running form.\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    Inspector(tmp_path).inspect(library / "a.md")
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_bad_input_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('{"_id": "a", "text": "Running form and the lower back, at length."}\n'
                    '{"_id": "b", "text": \n')
    report = Inspector(tmp_path).inspect(path)
    assert report.failed
    assert [(p.path, p.line) for p in report.problems] == [("records.jsonl", 2)]
    assert [d.source_id for d in report.documents] == ["a"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"  \n", "file is empty"),
    ("binary.md", b"\x00\x01\x02abc", "binary file"),
    ("notes.pdf", b"%PDF-1.4", "unsupported file type"),
    ("chrome.html", b"<html><body><nav>Home</nav></body></html>", "no readable text"),
])
def test_unusable_files_fail_with_a_reason(tmp_path: Path, name: str, data: bytes,
                                           message: str) -> None:
    (tmp_path / name).write_bytes(data)
    report = Inspector(tmp_path).inspect(tmp_path / name)
    assert report.failed and message in str(report.problems[0])
    assert str(report.problems[0]).startswith(name + ":")


def test_the_builder_fills_document_dropped() -> None:
    text = (FIXTURES / "forum-thread.txt").read_text(encoding="utf-8")
    document = DocumentBuilder().build(RawSource(id="t", path="t.txt", text=text, format="text"))
    rules = {d.rule for d in document.dropped}
    assert {"counter", "tag list"} <= rules
    lines = text.split("\n")
    for dropped in document.dropped:
        if dropped.line is not None and not dropped.rule.startswith("caption"):
            assert " ".join(lines[dropped.line - 1].split()) == dropped.text
