"""Saved web pages: the main content as Markdown-like lines, without site chrome; and raw HTML
inside Markdown, reduced to its text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, NavigableString, PageElement, Tag

from backqa.documents import DroppedLine
from backqa.ingest.cleaning import locate_line
from backqa.text.normalize import normalize_inline, normalize_unicode

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


CODE_TAGS = {"script", "style", "template"}  # their text is code, never a line of the page


class HtmlError(ValueError):
    """The page has no readable main content."""


@dataclass
class CleanedPage:
    """A page's title, its content text, and the page text left out with the rule for each."""

    title: str | None
    text: str
    dropped: list[DroppedLine] = field(default_factory=list)


class HtmlCleaner:
    """Extracts the main content of a saved web page as Markdown-like lines and its title."""

    def clean(self, html: str) -> tuple[str | None, str]:
        """Return (page title or None, content text with `#` headings and `- ` list items)."""
        page = self.clean_reporting(html)
        return page.title, page.text

    def clean_reporting(self, html: str) -> CleanedPage:
        """As `clean`, with the text of every element left out and the rule that left it."""
        soup = BeautifulSoup(html, "lxml")
        title = self._title(soup)
        dropped: list[DroppedLine] = []

        def drop(element: PageElement, rule: str) -> None:
            if isinstance(element, Tag) and (element.decomposed or element.name in CODE_TAGS):
                return
            text = normalize_inline(element.get_text(" ").replace(LINE_BREAK, " "))
            if text:
                pieces = list(element.stripped_strings) if isinstance(element, Tag) else [text]
                # the line of its first piece of text found only once in the page
                line = next((n for t in pieces[:8] if (n := locate_line(html, t))), None)
                dropped.append(DroppedLine(text, rule, line))

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
                drop(tag, f"<{tag.name}> element")
                tag.decompose()
        for tag in soup.find_all(self._looks_like_chrome):
            drop(tag, f"chrome: {self._chrome_reason(tag)}")
            tag.decompose()
        main = self._main_content(soup)
        if main is None:
            raise HtmlError("no <body> or main content found")
        for outside in self._outside(main):
            drop(outside, f"outside the main content (<{main.name}>)")
        lines: list[str] = []
        try:
            self._emit(main, lines)
        except RecursionError:  # pathologically deep nesting: keep the text, lose the markup
            lines = [normalize_inline(s) for s in main.get_text("\n").split("\n")]
        text = "\n\n".join(line for line in lines if line.strip())
        if not text.strip():
            raise HtmlError("the page has no readable text in its main content")
        return CleanedPage(title, text, dropped)

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

    @classmethod
    def _looks_like_chrome(cls, tag: Tag) -> bool:
        return cls._chrome_reason(tag) is not None

    @staticmethod
    def _chrome_reason(tag: Tag) -> str | None:
        """Why an element is site chrome (its role, hidden, or a class or id that says so)."""
        if tag.name in ("html", "body", "main", "article") or tag.attrs is None:
            return None
        role = tag.get("role")
        if role in ("navigation", "banner", "contentinfo", "complementary", "search", "dialog",
                    "alert"):
            return f'role="{role}"'
        if tag.get("aria-hidden") == "true" or tag.has_attr("hidden"):
            return "hidden"
        classes: list[str] = list(tag.get("class") or [])
        names = " ".join([*classes, str(tag.get("id", ""))])
        if names.strip() and CHROME_HINTS.search(names):
            return f'class or id "{names.strip()}"'
        return None

    @staticmethod
    def _outside(main: Tag) -> list[PageElement]:
        """What the page body holds beside the main content: the siblings of `main` and of
        each of its ancestors inside <body>."""
        out: list[PageElement] = []
        node: Tag = main
        while node.parent is not None and node.name != "body":
            out.extend(sibling for sibling in node.parent.children if sibling is not node)
            if node.parent.name in ("body", "html", "[document]"):
                break
            node = node.parent
        return out

    @staticmethod
    def _main_content(soup: BeautifulSoup) -> Tag | None:
        main = soup.find("main") or soup.find(role="main")
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
