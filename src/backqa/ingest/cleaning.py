"""Cleaning: from the text or HTML of a page to its content lines, without site chrome.

`HtmlCleaner` turns a saved web page into Markdown-like lines (headings as `#`, list items as
`- `) from its main content. `TextCleaner` normalises unicode and whitespace and drops the web
residue that copy-pasted pages carry (close buttons, reading-time stamps, like counters,
"Related Posts" and what follows it, calls to action). The rules describe kinds of residue,
never the sentences of one page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backqa.documents import DroppedLine
from backqa.text.normalize import normalize_inline, normalize_unicode

# Words that only ever appear on buttons, counters and widgets. A line made of nothing else
# (and numbers) is chrome: "close", "0 LIKES UnLike", "Share Tweet Pin", "Report".
UI_WORDS = frozenset([
    "close", "menu", "search", "share", "shares", "tweet", "pin", "pinterest", "facebook",
    "twitter", "linkedin", "whatsapp", "email", "print", "report", "reply", "replies",
    "like", "likes", "unlike", "follow", "unfollow", "subscribe", "save", "saved",
    "bookmark", "flag", "copy", "link", "tags", "tag", "skip", "content", "back", "top",
    "home", "next", "previous", "prev", "loading", "advertisement", "sponsored", "ad",
    "ads", "comment", "comments", "view", "views", "upvote", "downvote", "vote", "votes",
    "helpful", "unhelpful", "x", "×"
])

# Each rule is named for the kind of residue it drops; inspect reports a dropped line by it.
RESIDUE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE)) for name, pattern in (
        ("reading-time stamp", r"^\d+\s*(min|mins|minute|minutes)\s+read\b.*$"),  # "3 min read"
        ("meta description", r"^meta description\s*:.*$"),
        ("reading-time stamp", r"^(reading time|est\. reading time)\s*:.*$"),
        # "12 answers", "1.2k views"; not a numbered list item ("1. Answers vary...")
        ("counter", r"^\d[\d,]*(\.\d+)?k?\s+(answers?|comments?|replies|responses|likes?|"
                    r"shares?|views?|votes?)\b.{0,20}$"),
        ("byline", r"^(by|posted by|written by|author\s*:)\s[^.!?]{0,60}\|[^.!?]{0,60}$"),
        ("byline", r"^(by|posted by|written by)\s*\|.*$"),
        ("see-also link", r"^(read more|see also|also read|related|recommended|read next|"
                          r"further reading)\s*:.*$"),
        ("editorial placeholder", r"^\((include|insert|add|place|image|photo|video)\b[^)]*\)$"),
        ("media placeholder", r"^\[(image|photo|video|ad|advertisement)\b[^\]]*\]$"),
        ("bare link", r"^(https?://|www\.)\S+$"),
        ("forum statistics", r"^(question stats|latest activity\b.*|"
                             r"this question has \d+ answers?\.?)$"),
        ("call to action", r"^(become an? (guide|member|contributor|expert)|sign up( now)?|"
                           r"log ?in|register( now)?|subscribe( now| to our newsletter)?|"
                           r"join (us|now|the community)\b.*|share your knowledge\b.*|"
                           r"unanswered questions)$"),
        ("comments or related-posts heading",
         r"^(leave a (comment|reply)|post a comment|add a comment|comments?( \(\d+\))?|"
         r"related (posts?|articles|stories)|you (may|might) also like|"
         r"more (posts|articles) like this)$"),
        ("tag list", r"^tags?\s*:.*$"),
        ("cookie banner", r"^(accept( all)?( cookies)?|we use cookies\b.*|"
                          r"cookie (settings|policy|preferences))$"),
    ))
UI_WORDS_RULE = "buttons and counters only"

# Once one of these appears in the second half of a page, the rest is page chrome.
FOOTER_MARKERS = re.compile(
    r"^(related (posts?|articles|stories)|leave a (comment|reply)|post a comment|"
    r"question stats|you (may|might) also like|unanswered questions|more (posts|articles) like "
    r"this|comments?( \(\d+\))?)$",
    re.IGNORECASE,
)


def residue_rule(line: str) -> str | None:
    """The name of the rule that makes a line web chrome rather than content; None: content."""
    stripped = normalize_inline(line)
    if not stripped:
        return None
    for name, pattern in RESIDUE_RULES:
        if pattern.match(stripped):
            return name
    words = re.findall(r"[^\W\d_]+|\d+|×", stripped.lower())
    if words and len(words) <= 6 and all(w in UI_WORDS or w.isdigit() for w in words):
        return UI_WORDS_RULE
    return None


def is_residue_line(line: str) -> bool:
    """True for a line that is web chrome rather than content."""
    return residue_rule(line) is not None


def locate_line(source_text: str, fragment: str) -> int | None:
    """The 1-based line of `source_text` holding `fragment`, when it occurs there exactly once
    (a fragment found twice or not at all cannot be placed)."""
    fragment = fragment.strip()
    at = source_text.find(fragment) if fragment else -1
    if at < 0 or source_text.find(fragment, at + 1) >= 0:
        return None
    return source_text.count("\n", 0, at) + 1


@dataclass
class CleanedText:
    """A cleaner's output lines and what it dropped (lines numbered in its input)."""

    lines: list[str]
    dropped: list[DroppedLine] = field(default_factory=list)


class TextCleaner:
    """Normalises text and removes residue lines; keeps indentation (structure uses it)."""

    def __init__(self, drop_footer: bool = True) -> None:
        self.drop_footer = drop_footer

    def clean(self, text: str) -> list[str]:
        """The text's lines, normalised, without residue lines or the footer."""
        return self.clean_reporting(text).lines

    def clean_reporting(self, text: str) -> CleanedText:
        """As `clean`, with every dropped line and the rule that dropped it."""
        lines = [line.rstrip() for line in normalize_unicode(text).split("\n")]
        lines = [self._collapse_inner_space(line) for line in lines]
        footer: list[DroppedLine] = []
        start = self._footer_start(lines) if self.drop_footer else None
        if start is not None:
            rule = f"page footer (from {lines[start].strip()!r} on)"
            footer = [DroppedLine(line.strip(), rule, number)
                      for number, line in enumerate(lines[start:], start=start + 1)
                      if line.strip()]
            lines = lines[:start]
        dropped: list[DroppedLine] = []
        kept: list[str] = []
        for number, line in enumerate(lines, start=1):
            residue = residue_rule(line)
            if residue is not None:
                dropped.append(DroppedLine(line.strip(), residue, number))
            kept.append("" if residue is not None else line)
        return CleanedText(self._squeeze_blank_lines(kept), dropped + footer)

    @staticmethod
    def _collapse_inner_space(line: str) -> str:
        indent = len(line) - len(line.lstrip(" "))
        return " " * indent + normalize_inline(line)

    @staticmethod
    def _footer_start(lines: list[str]) -> int | None:
        """Where the page footer starts: a footer marker in the second half of the content."""
        content = [i for i, line in enumerate(lines) if line.strip()]
        if not content:
            return None
        halfway = content[len(content) // 2]
        for i in content:
            if i >= halfway and FOOTER_MARKERS.match(lines[i].strip()):
                return i
        return None

    @staticmethod
    def _squeeze_blank_lines(lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            if not line.strip() and (not out or not out[-1].strip()):
                continue
            out.append(line)
        while out and not out[-1].strip():
            out.pop()
        return out


