"""Cleaning: unicode, residue lines, footers and saved web pages."""

from __future__ import annotations

import pytest

from backqa.ingest.cleaning import TextCleaner, is_residue_line
from backqa.ingest.html import HtmlCleaner, HtmlError
from backqa.text.normalize import normalize_unicode
from helpers import FIXTURES


@pytest.mark.parametrize("line", [
    "close", "  Close  ", "×", "0 LIKES UnLike", "12 likes", "Report", "Tags:",
    "Tags: running, pain",
    "3 min read 16-04-2025", "5 minute read", "Meta Description: A guide to things.",
    "Related Posts", "Leave a Comment", "Leave a reply", "Read more:  Muscular Back Pain? Relief!",
    "See also: Knee pain", "6 ANSWERS", "1,204 views", "Question Stats",
    "Latest activity: earlier.", "This question has 6 answers.", "BECOME A GUIDE",
    "Unanswered Questions", "Share your knowledge and help people by answering questions.",
    "by  |  earlier", "by Jane Doe | 3 March 2024", "(Include images of stretches here)",
    "[Image: runner stretching]", "http://www.example.com/path", "Share Tweet Pin Email",
    "Accept all cookies",
])
def test_residue_lines(line: str) -> None:
    assert is_residue_line(line)


@pytest.mark.parametrize("line", [
    "Tight hamstrings can pull on your pelvis.",
    "Close your eyes and breathe slowly during the stretch.",
    "Report any numbness to your doctor.",
    "Related muscles such as the glutes also matter.",
    "3 minutes of walking between intervals helps.",
    "By the way, rest days matter.",
    "Treatment for Lower Back Pain:",
    "1. Poor Running Form",
])
def test_content_lines_are_kept(line: str) -> None:
    assert not is_residue_line(line)


def test_footer_after_marker_is_dropped_only_late_in_the_page() -> None:
    body = [f"Paragraph {i} about running form and the lower back." for i in range(6)]
    text = "\n\n".join([*body, "Related Posts", "Ten Tips For Marathon Day", "Shoe Reviews"])
    lines = TextCleaner().clean(text)
    assert "Ten Tips For Marathon Day" not in lines and lines[-1] == body[-1]
    early = "\n\n".join(["Comments", *body])  # a marker near the top cuts nothing
    assert TextCleaner().clean(early)[-1] == body[-1]


def test_unicode_and_whitespace_are_normalised_indentation_kept() -> None:
    text = "\ufeffOne\u00a0two\u200b  three\r\n\tIndented\u2028ﬁnal"
    lines = TextCleaner().clean(text)
    assert lines == ["One two three", "    Indented", "final"]
    assert normalize_unicode("a\x07b") == "ab"


def test_blank_lines_squeezed() -> None:
    assert TextCleaner().clean("a\n\n\n\nb\n\n") == ["a", "", "b"]


def test_html_keeps_main_content_and_headings_drops_chrome() -> None:
    title, text = HtmlCleaner().clean((FIXTURES / "saved-page.html").read_text())
    assert title == "Hamstring Tightness and Your Lower Back"
    assert "## Why It Happens" in text and "### Signs to Watch For" in text
    assert "- A pulling feeling behind the knee when you bend forward." in text
    assert "plus slow eccentric exercises, restore length" in text
    assert "Foam rolling the back of the thigh" in text
    for chrome in ("trackVisitor", "injected script", "handler text", "cookies", "Accept all",
                   "Shoes", "Great post", "Popular posts", "Copyright", "Tweet", "color: red",
                   "meta description", "javascript:"):
        assert chrome not in text, chrome


def test_html_title_falls_back_to_page_title_without_site_name() -> None:
    html = "<html><head><title>Hip Flexors | Some Site</title></head><body><p>Body text.</p>"
    assert HtmlCleaner().clean(html) == ("Hip Flexors", "Body text.")


def test_html_line_breaks_and_lists() -> None:
    html = "<body><p>one<br>two</p><ol><li>first</li><li>second</li></ol></body>"
    assert HtmlCleaner().clean(html)[1] == "one\ntwo\n\n1. first\n\n2. second"


@pytest.mark.parametrize("html", ["<html><body><script>x()</script></body></html>",
                                  "<nav>menu only</nav>", "   "])
def test_html_without_content_is_an_error(html: str) -> None:
    with pytest.raises(HtmlError):
        HtmlCleaner().clean(html)


def test_malformed_html_is_still_read() -> None:
    _, text = HtmlCleaner().clean("<body><p>Unclosed <b>bold <p>Second para</div></td>")
    assert "Unclosed bold" in text and "Second para" in text
