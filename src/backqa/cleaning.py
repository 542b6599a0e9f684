"""Cleaning: from the text or HTML of a page to its content lines, without site chrome.

`HtmlCleaner` turns a saved web page into Markdown-like lines (headings as `#`, list items as
`- `) from its main content. `TextCleaner` normalises unicode and whitespace and drops the web
residue that copy-pasted pages carry (close buttons, reading-time stamps, like counters,
"Related Posts" and what follows it, calls to action). The rules describe kinds of residue,
never the sentences of one page.
"""

from __future__ import annotations

import re
import unicodedata

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

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

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalize_unicode(text: str) -> str:
    """NFKC, one kind of newline, no zero-width or control characters, tabs as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH)
    text = text.replace("\t", "    ")
    return CONTROL_CHARS.sub("", text)


def normalize_inline(text: str) -> str:
    """Collapse runs of whitespace inside a line to one space and trim it."""
    return " ".join(text.split())


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

    def run(self, text: str) -> list[str]:
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

DROP_TAGS = ["script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
             "canvas", "nav", "header", "footer", "aside", "form", "button", "input", "select",
             "textarea", "label", "dialog", "menu", "video", "audio", "picture", "img", "map"]
CHROME_HINTS = re.compile(
    r"(^|[\s_-])(cookie|consent|gdpr|banner|comments?|share|sharing|social|related|newsletter|"
    r"subscribe|breadcrumbs?|sidebar|menu|navbar|nav|footer|header|masthead|advert|ads?|promo|"
    r"popup|modal|widget|author-bio|byline|tags|pagination)([\s_-]|$)",
    re.IGNORECASE,
)
VOID_TAGS = {"embed", "img", "input"}  # hold nothing in HTML; their own attributes are dropped
PAGE_CONTENT = ["p", "h1", "h2", "h3", "article", "main"]
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
TEXT_BLOCKS = {"p", "blockquote", "pre", "figcaption", "dt", "dd", "td", "th", "summary",
               "caption", "address"}
CONTAINERS = {"div", "section", "article", "main", "body", "ul", "ol", "dl", "table", "tbody",
              "thead", "tr", "details", "figure", "center", "html", "li"}


LINE_BREAK = "\u2029"  # stands for <br> until block text is assembled
SITE_SUFFIX = re.compile(r"\s+[|\u2013\u2014-]\s+[^|\u2013\u2014-]{1,60}$")


class HtmlError(ValueError):
    """The page has no readable main content."""


class HtmlCleaner:
    """Extracts the main content of a saved web page as Markdown-like lines and its title."""

    def run(self, html: str) -> tuple[str | None, str]:
        """Return (page title or None, content text with `#` headings and `- ` list items)."""
        soup = BeautifulSoup(html, "lxml")
        title = self._title(soup)
        for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        for br in soup.find_all("br"):
            br.replace_with(LINE_BREAK)
        for tag in soup.find_all(DROP_TAGS):
            if tag.name in VOID_TAGS or (tag.name == "form" and tag.find(PAGE_CONTENT)):
                # lxml makes a container of `<embed>` (the rest of the page inside it), and
                # some sites wrap the whole page in one <form>: keep what they hold
                tag.unwrap()
            else:
                tag.decompose()
        for tag in soup.find_all(self._looks_like_chrome):
            tag.decompose()
        main = self._main_content(soup)
        if main is None:
            raise HtmlError("no <body> or main content found")
        lines: list[str] = []
        try:
            self._emit(main, lines)
        except RecursionError:  # pathologically deep nesting: keep the text, lose the markup
            lines = [normalize_inline(s) for s in main.get_text("\n").split("\n")]
        text = "\n\n".join(line for line in lines if line.strip())
        if not text.strip():
            raise HtmlError("the page has no readable text in its main content")
        return title, text

    @staticmethod
    def _title(soup: BeautifulSoup) -> str | None:
        """The article's own heading first; the page title (less its site name) last."""
        for candidate in (soup.find("h1"), soup.find("meta", property="og:title"),
                          soup.find("title")):
            if isinstance(candidate, Tag):
                value = candidate.get("content") if candidate.name == "meta" else \
                    candidate.get_text("")
                if isinstance(value, str) and normalize_inline(value):
                    title = normalize_inline(normalize_unicode(value))
                    if candidate.name == "title":
                        title = SITE_SUFFIX.sub("", title) or title
                    return title
        return None

    @staticmethod
    def _looks_like_chrome(tag: Tag) -> bool:
        if tag.name in ("html", "body", "main", "article") or tag.attrs is None:
            return False
        if tag.get("role") in ("navigation", "banner", "contentinfo", "complementary", "search",
                               "dialog", "alert"):
            return True
        if tag.get("aria-hidden") == "true" or tag.has_attr("hidden"):
            return True
        names = " ".join([*tag.get("class", []), str(tag.get("id", ""))])
        return bool(names.strip()) and bool(CHROME_HINTS.search(names))

    @staticmethod
    def _main_content(soup: BeautifulSoup) -> Tag | None:
        main = soup.find("main") or soup.find(attrs={"role": "main"})
        if isinstance(main, Tag):
            return main
        articles = soup.find_all("article")
        if len(articles) == 1:
            return articles[0]
        body = soup.find("body")
        return body if isinstance(body, Tag) else None

    def _emit(self, node: Tag, lines: list[str]) -> None:
        inline: list[str] = []

        def flush() -> None:
            text = _block_text("".join(inline))
            if text:
                lines.append(text)
            inline.clear()

        list_items = 0
        for child in node.children:
            if isinstance(child, NavigableString):
                inline.append(str(child))
            elif not isinstance(child, Tag):
                continue
            elif child.name in HEADINGS:
                flush()
                text = normalize_inline(child.get_text(""))
                if text:
                    lines.append("#" * HEADINGS[child.name] + " " + text)
            elif child.name == "li":
                flush()
                list_items += 1
                self._emit_list_item(child, node, lines, list_items)
            elif child.name in TEXT_BLOCKS:
                flush()
                text = _block_text(child.get_text(""))
                if text:
                    lines.append(text)
            elif child.name in CONTAINERS:
                flush()
                self._emit(child, lines)
            else:  # inline markup: a, span, em, strong, ...
                inline.append(child.get_text(""))
        flush()

    def _emit_list_item(self, item: Tag, parent: Tag, lines: list[str], position: int) -> None:
        nested = item.find(["ul", "ol", "p", "div"])
        marker = "- "
        if parent.name == "ol":
            marker = f"{position}. "
        if nested is None:
            text = normalize_inline(item.get_text(""))
            if text:
                lines.append(marker + text)
            return
        sub: list[str] = []
        self._emit(item, sub)
        if sub:
            lines.append(marker + sub[0])
            lines.extend(sub[1:])


def _block_text(text: str) -> str:
    """Whitespace collapsed; only the line breaks of <br> are kept."""
    return "\n".join(filter(None, (normalize_inline(line) for line in text.split(LINE_BREAK))))


# --- raw HTML inside Markdown ------------------------------------------------------------------

SCRIPT_LIKE = re.compile(r"<(script|style|noscript|template|iframe|object|embed|svg|math)\b",
                         re.IGNORECASE)
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
UNSAFE_LINK = re.compile(r"\[([^\]\n]{0,500})\]\(\s*(?:javascript|vbscript|data):"
                         r"(?:[^()\n]|\([^()\n]{0,200}\)){0,2000}\)", re.IGNORECASE)


def strip_markdown_html(text: str) -> str:
    """Markdown may carry raw HTML: drop comments and script-like elements with all they hold,
    then the remaining tags (their text stays); a `javascript:` link keeps only its text.
    Written with bounded patterns and `str.find`, so it is linear on any input."""
    if "<" not in text and "](" not in text:
        return text
    out: list[str] = []
    lower = text.lower()
    pos = 0
    while pos < len(text):
        comment = lower.find("<!--", pos)
        script = SCRIPT_LIKE.search(text, pos)
        starts = [at for at in (comment, script.start() if script else -1) if at >= 0]
        if not starts:
            out.append(text[pos:])
            break
        start = min(starts)
        out.append(text[pos:start])
        if start == comment:
            end = lower.find("-->", start + 4)
            pos = len(text) if end < 0 else end + 3
        else:
            assert script is not None
            close = lower.find(f"</{script.group(1).lower()}", script.end())
            end = -1 if close < 0 else lower.find(">", close)
            pos = len(text) if end < 0 else end + 1  # unclosed: it runs to the end, as in HTML
    cleaned = HTML_TAG.sub("", "".join(out))
    return UNSAFE_LINK.sub(r"\1", cleaned)
