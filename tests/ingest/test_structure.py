"""Structure: titles, headings, captions, multi-article pages and forum threads."""

from __future__ import annotations

import pytest

from backqa.documents import RawSource
from backqa.ingest.builder import DocumentBuilder
from backqa.ingest.cleaning import TextCleaner
from backqa.ingest.structure import StructureDetector, is_heading_like, is_title_case
from helpers import FIXTURES, LIBRARY


def build(text: str, fmt: str = "text", **meta: str):
    source = RawSource(id="doc", path="doc.txt", text=text, format=fmt, **meta)  # type: ignore[arg-type]
    return DocumentBuilder().build(source)


def fixture(name: str, **meta: str):
    fmt = {"html": "html", "md": "markdown"}.get(name.rsplit(".", 1)[-1], "text")
    return build((FIXTURES / name).read_text(), fmt, **meta)


def test_heading_heuristics() -> None:
    assert is_heading_like("Common Causes of Back Pain After Running")
    assert is_heading_like("What Are the Causes of Back Pain After Running?")
    assert is_heading_like("Treatment for Lower Back Pain:")
    assert not is_heading_like("Rest is crucial.")
    assert not is_heading_like("Try not to run uphill, my mom had the same problem for awhile to")
    assert not is_heading_like("consult a doctor if")
    assert is_title_case("Running into Trouble: Unraveling the Causes")
    assert not is_title_case("a sentence in lower case letters here")


def test_forum_thread_question_and_numbered_answers() -> None:
    doc = fixture("forum-thread.txt")  # no sidecar: the kind is detected
    assert doc.kind == "forum-thread"
    assert doc.title == "Sharp pain in my lower back on long runs, should I stop?"
    question = doc.sections[0]
    assert question.kind == "forum-question"
    assert question.blocks[0] == doc.title and "30 km a week" in question.blocks[1]
    answers = [(s.answer_number, s.heading) for s in doc.sections[1:]]
    assert answers == [(1, None), (1, "Stretching Plan"), (2, None), (3, None)]
    # The numbered list inside answer 1 stays inside it.
    assert "1. Knee to chest" in doc.sections[2].blocks[-1]
    assert "3. Cat and camel" in doc.sections[2].blocks[-1]
    text = doc.text
    for residue in ("LIKES", "Report", "Tags", "ANSWERS", "Question Stats", "GUIDE", "by  |"):
        assert residue not in text


def test_forum_answer_numbers_without_count_hint() -> None:
    text = ("Question:\nHow long should I rest?\n\n  1. A week at least.\n\n"
            "  2. Until it stops hurting.\n    1. Then start with walks.\n    2. Then jog.\n\n"
            "  3. Ask a physio.")
    doc = build(text, kind="forum-thread")
    assert [s.answer_number for s in doc.sections[1:]] == [1, 2, 3]
    assert "1. Then start with walks." in doc.sections[2].blocks[-1]


def test_multi_article_page_is_split_into_titled_parts() -> None:
    doc = fixture("collection-page.txt")
    assert doc.title == "Cross-Training for Injured Runners"
    assert [s.part_title for s in doc.sections] == [
        "Cross-Training for Injured Runners", "Sleep and Recovery for Distance Runners"]
    assert all(len(s.blocks) == 4 for s in doc.sections)


def test_shipped_multi_article_page_has_five_parts() -> None:
    doc = build((LIBRARY / "back-pain-in-runners-five-articles.txt").read_text())
    assert len(doc.sections) == 5
    assert all(s.part_title and s.heading_path == [s.part_title] for s in doc.sections)
    assert "Leave a Comment" not in doc.text


def test_article_headings_numbered_and_title_lines() -> None:
    text = """Why Backs Ache

Why Backs Ache

Understanding The Problem

Back pain after running is common among runners of every level.

Common Causes

Several factors contribute:

1. Weak Core Muscles

A weak core leaves the spine without support.

2. Tight Hip Flexors

Tight hip flexors tilt the pelvis forward.

When to See a Doctor

See a doctor if:

• Your pain is severe.
• Your legs feel numb.
"""
    doc = build(text)
    assert doc.title == "Why Backs Ache"  # repeated title lines dropped
    paths = [s.heading_path for s in doc.sections]
    assert paths == [["Understanding The Problem"], ["Common Causes"],
                     ["Common Causes", "Weak Core Muscles"],
                     ["Common Causes", "Tight Hip Flexors"], ["When to See a Doctor"]]
    assert doc.sections[-1].blocks == ["See a doctor if:\n• Your pain is severe.\n"
                                       "• Your legs feel numb."]


def test_runs_of_short_lines_are_a_list_not_headings() -> None:
    text = ("Exercises\n\nBest exercises for this:\n\nAbdominal Crunch\n\nWall Squats\n\n"
            "Thoracic Extension\n\nBridging\n\nDo each one ten times.")
    doc = build(text, title="Exercises")
    assert [s.heading_path for s in doc.sections] == [[]]
    assert "Wall Squats" in doc.sections[0].blocks


def test_colon_line_before_a_list_is_its_lead_in() -> None:
    text = "Intro paragraph that is long enough.\nCommon Causes Include:\n- Strain\n- Overuse"
    doc = build(text, title="T")
    assert doc.sections[-1].heading_path == []
    assert doc.sections[-1].blocks[-1] == "Common Causes Include:\n- Strain\n- Overuse"


def test_markdown_and_html_headings() -> None:
    md = fixture("notes.md")
    assert md.title == "Core Stability for Runners"
    assert [s.heading for s in md.sections] == [None, "The Dead Bug", "Side Planks"]
    html = fixture("saved-page.html")
    assert html.title == "Hamstring Tightness and Your Lower Back"
    assert [s.heading_path for s in html.sections] == [
        [], ["Why It Happens"], ["Why It Happens", "Signs to Watch For"], ["What Helps"]]


def test_metadata_title_and_kind_win() -> None:
    doc = build("First line here\n\nBody text.", title="Given Title", kind="article")
    assert doc.title == "Given Title" and doc.kind == "article"


def test_every_line_a_paragraph_when_text_has_no_blank_lines() -> None:
    text = "Title Line Here\nFirst paragraph sentence.\nSecond paragraph sentence."
    lines = TextCleaner().clean(text)
    doc = StructureDetector().detect(RawSource("d", "d.txt", text, "text"), lines)
    assert doc.sections[0].blocks == ["First paragraph sentence.", "Second paragraph sentence."]


@pytest.mark.parametrize(("caption", "after"), [
    ("Woman Holding Her Lower Back In Pain",
     "As runners, we push our bodies to the limit and strive for faster times."),
    ("Runner Stretching On A Park Bench",
     "Most beginners build mileage too quickly. Here is a plan that avoids it."),
    ("Man Running Along The Beach At Sunset",
     "Sand is soft, and soft ground changes how your calves work."),
])
def test_a_photo_caption_is_dropped_not_made_a_heading(caption: str, after: str) -> None:
    text = f"# A guide for runners\n\n{caption}\n\n{after} " + "More body text here. " * 8
    doc = build(text, fmt="markdown")
    assert all(caption not in s.heading_path for s in doc.sections)
    assert caption not in doc.text
    assert [d.text for d in doc.dropped if d.rule.startswith("caption")] == [caption]


@pytest.mark.parametrize(("heading", "after"), [
    ("Proper Running Form", "Working with a running coach can help correct flaws in your form."),
    ("Back Strengthening Exercises", "Each exercise should be done 5 to 10 times a day."),
    ("Gradual Return to Running", "Once your pain subsides, gradually increase your distance."),
    ("Runner Stretching On A Track", "Stretching on a track after a session helps a runner."),
])
def test_headings_with_an_ing_word_stay_headings(heading: str, after: str) -> None:
    text = "# A guide for runners\n\nIntro text. " + "Intro words. " * 10 + \
        f"\n\n## {heading}\n\n{after} " + "More body text here. " * 8
    doc = build(text, fmt="markdown")
    assert any(s.heading_path and s.heading_path[-1] == heading for s in doc.sections)
    assert not [d for d in doc.dropped if d.rule.startswith("caption")]
