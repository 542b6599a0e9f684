"""Cleaning: from the text or HTML of a page to its content lines, without site chrome.

`HtmlCleaner` turns a saved web page into Markdown-like lines (headings as `#`, list items as
`- `) from its main content. `TextCleaner` normalises unicode and whitespace and drops the web
residue that copy-pasted pages carry (close buttons, reading-time stamps, like counters,
"Related Posts" and what follows it, calls to action). The rules describe kinds of residue,
never the sentences of one page.
"""

from __future__ import annotations

import re

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

RESIDUE_LINE_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    r"^\d+\s*(min|mins|minute|minutes)\s+read\b.*$",  # "3 min read 16-04-2025"
    r"^meta description\s*:.*$",
    r"^(reading time|est\. reading time)\s*:.*$",
    # "12 answers", "1.2k views"; not a numbered list item ("1. Answers vary...")
    r"^\d[\d,]*(\.\d+)?k?\s+(answers?|comments?|replies|responses|likes?|shares?|views?|votes?)"
    r"\b.{0,20}$",
    r"^(by|posted by|written by|author\s*:)\s[^.!?]{0,60}\|[^.!?]{0,60}$",  # "by Name | date"
    r"^(by|posted by|written by)\s*\|.*$",
    r"^(read more|see also|also read|related|recommended|read next|further reading)\s*:.*$",
    r"^\((include|insert|add|place|image|photo|video)\b[^)]*\)$",  # editorial placeholders
    r"^\[(image|photo|video|ad|advertisement)\b[^\]]*\]$",
    r"^(https?://|www\.)\S+$",  # a bare link on its own line
    r"^(question stats|latest activity\b.*|this question has \d+ answers?\.?)$",
    r"^(become an? (guide|member|contributor|expert)|sign up( now)?|log ?in|register( now)?|"
    r"subscribe( now| to our newsletter)?|join (us|now|the community)\b.*|"
    r"share your knowledge\b.*|unanswered questions)$",
    r"^(leave a (comment|reply)|post a comment|add a comment|comments?( \(\d+\))?|"
    r"related (posts?|articles|stories)|you (may|might) also like|"
    r"more (posts|articles) like this)$",
    r"^tags?\s*:.*$",
    r"^(accept( all)?( cookies)?|we use cookies\b.*|cookie (settings|policy|preferences))$",
)]

# Once one of these appears in the second half of a page, the rest is page chrome.
FOOTER_MARKERS = re.compile(
    r"^(related (posts?|articles|stories)|leave a (comment|reply)|post a comment|"
    r"question stats|you (may|might) also like|unanswered questions|more (posts|articles) like "
    r"this|comments?( \(\d+\))?)$",
    re.IGNORECASE,
)


def is_residue_line(line: str) -> bool:
    """True for a line that is web chrome rather than content."""
    stripped = normalize_inline(line)
    if not stripped:
        return False
    if any(p.match(stripped) for p in RESIDUE_LINE_PATTERNS):
        return True
    words = re.findall(r"[^\W\d_]+|\d+|×", stripped.lower())
    return bool(words) and len(words) <= 6 and all(w in UI_WORDS or w.isdigit() for w in words)


class TextCleaner:
    """Normalises text and removes residue lines; keeps indentation (structure uses it)."""

    def __init__(self, drop_footer: bool = True) -> None:
        self.drop_footer = drop_footer

    def clean(self, text: str) -> list[str]:
        """The text's lines, normalised, without residue lines or the footer."""
        lines = [line.rstrip() for line in normalize_unicode(text).split("\n")]
        lines = [self._collapse_inner_space(line) for line in lines]
        if self.drop_footer:
            lines = self._cut_footer(lines)
        kept = ["" if is_residue_line(line) else line for line in lines]
        return self._squeeze_blank_lines(kept)

    @staticmethod
    def _collapse_inner_space(line: str) -> str:
        indent = len(line) - len(line.lstrip(" "))
        return " " * indent + normalize_inline(line)

    @staticmethod
    def _cut_footer(lines: list[str]) -> list[str]:
        content = [i for i, line in enumerate(lines) if line.strip()]
        if not content:
            return lines
        halfway = content[len(content) // 2]
        for i in content:
            if i >= halfway and FOOTER_MARKERS.match(lines[i].strip()):
                return lines[:i]
        return lines

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


# --- HTML -----------------------------------------------------------------------------------


# --- raw HTML inside Markdown ------------------------------------------------------------------

