"""Structure detection: from cleaned lines to a titled `Document` of sections.

Finds the title, headings (Markdown `#`, numbered headings, short title lines), several
articles published one after another on one page, and a forum thread's question and each of
its numbered answers. Everything here works from the shape of the text (line length, case,
punctuation, indentation, numbering), not from any one page's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from backqa.documents import Document, DroppedLine, RawSource, Section, SourceKind
from backqa.ingest.captions import looks_like_caption
from backqa.text.normalize import normalize_inline

# The closing #s need a space before them: `\s*#*$` after a lazy group backtracks
# quadratically on a long run of #.
MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?\s*$")
BULLET = re.compile(r"^([-*+•·‣▪◦●■□➢✓✔]|\d{1,3}[.)])\s+\S")
NUMBERED = re.compile(r"^(\s*)(\d{1,3})[.)]\s+(\S.*)$")
QUESTION_LABEL = re.compile(r"^(question|q)\s*:\s*(.*)$", re.IGNORECASE)
ANSWER_COUNT = re.compile(r"^\s*(\d{1,4})\s+answers?\s*$", re.IGNORECASE | re.MULTILINE)
MINOR_WORDS = frozenset([
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "if", "in", "into", "nor",
    "of", "on", "or", "per", "so", "the", "to", "up", "via", "vs", "with", "is", "are",
    "be", "your", "you", "our", "my", "do", "does"
])

MAX_HEADING_WORDS = 14
MAX_HEADING_CHARS = 100
LIST_RUN = 3  # this many heading-like lines in a row are a list of short items, not headings
PART_MIN_WORDS = 150
PART_MIN_PARAGRAPHS = 3


@dataclass
class Item:
    """One parsed line or paragraph: a heading (level > 0) or a body block (level 0)."""

    text: str
    level: int = 0
    is_list: bool = False
    raw: str = ""  # the text as written (with its number or colon), used if not a heading

    def __post_init__(self) -> None:
        self.raw = self.raw or self.text


def is_title_case(text: str) -> bool:
    """Most significant words start with a capital letter."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text) if w.lower() not in MINOR_WORDS]
    if not words:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.6


def is_heading_like(text: str) -> bool:
    """A short line without sentence punctuation at its end: a candidate heading."""
    text = text.strip()
    if not text or len(text) > MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS:
        return False
    if text[-1] in ".,;!…\"”)" or not (text[0].isupper() or text[0].isdigit()):
        return False
    return text.rstrip(":?").strip() != "" and is_title_case(text)


def same_text(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return re.sub(r"[\W_]+", " ", s).strip().lower()

    return key(a) == key(b)


class StructureDetector:
    """Turns a source and its cleaned lines into a `Document` with sections."""

    def detect(self, source: RawSource, lines: list[str], markdown: bool = False,
            title: str | None = None) -> Document:
        """Structure `lines` of `source`; `title` (else the source's) overrides detection."""
        self._dropped: list[DroppedLine] = []
        lines = list(lines)
        kind: SourceKind = source.kind or ("forum-thread" if self._looks_like_forum(lines)
                                           else "article")
        if kind == "forum-thread":
            lines = self._strip_question_label(lines)
        title = title or source.title or self._title_from_lines(lines, markdown) or \
            _title_from_id(source.id)
        if kind == "article":  # a thread's title is its question: keep it in the question
            lines = self._drop_title_repeats(lines, title)
        if kind == "forum-thread":
            sections = self._forum_sections(lines, source.text, markdown)
        else:
            sections = self._article_sections(lines, markdown, title)
        return Document(source=source, title=title, kind=kind,
                        sections=[s for s in sections if s.blocks], dropped=self._dropped)

    # -- title ---------------------------------------------------------------------------

    @staticmethod
    def _title_from_lines(lines: list[str], markdown: bool) -> str | None:
        for line in lines:
            text = line.strip()
            if not text:
                continue
            match = MD_HEADING.match(text) if markdown else None
            if match:
                return normalize_inline(match.group(2))
            words = text.split()
            short = len(words) <= MAX_HEADING_WORDS
            if short and text[-1] not in ".,;!" and not BULLET.match(text):
                return text
            return None
        return None

    @staticmethod
    def _drop_title_repeats(lines: list[str], title: str) -> list[str]:
        """Remove lines near the top that only repeat the title (pages often print it 2-4x)."""
        out: list[str] = []
        content_seen = 0
        for line in lines:
            text = line.strip()
            heading = MD_HEADING.match(text)
            bare = heading.group(2) if heading else text
            if text and content_seen < 12 and same_text(bare, title):
                continue
            if text:
                content_seen += 1
            out.append(line)
        return out

    # -- forum threads -------------------------------------------------------------------

    @staticmethod
    def _looks_like_forum(lines: list[str]) -> bool:
        first = next((line.strip() for line in lines if line.strip()), "")
        return bool(QUESTION_LABEL.match(first))

    def _forum_sections(self, lines: list[str], raw_text: str, markdown: bool) -> list[Section]:
        hint_match = ANSWER_COUNT.search(raw_text)
        hint = int(hint_match.group(1)) if hint_match else None
        starts = self._answer_starts(lines, hint)
        question_lines = lines[: starts[0][0]] if starts else lines
        question_lines = self._strip_question_label(question_lines)
        sections = [Section(heading_path=[], blocks=self._blocks_only(question_lines, markdown),
                            kind="forum-question")]
        for i, (line_no, number) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
            first = NUMBERED.match(lines[line_no])
            assert first is not None
            body = [first.group(3), *lines[line_no + 1 : end]]
            for sub in self._sections_from_items(self._parse(_dedent(body), markdown)):
                sub.kind = "forum-answer"
                sub.answer_number = number
                sections.append(sub)
        return sections

    @staticmethod
    def _answer_starts(lines: list[str], hint: int | None) -> list[tuple[int, int]]:
        """(line index, answer number) of each answer: a 1, 2, 3... run at one indentation."""
        candidates: list[list[tuple[int, int]]] = []
        for i, line in enumerate(lines):
            match = NUMBERED.match(line)
            if not match or match.group(2) != "1":
                continue
            indent = len(match.group(1))
            run = [(i, 1)]
            for j in range(i + 1, len(lines)):
                nxt = NUMBERED.match(lines[j])
                if not lines[j].strip():
                    continue
                line_indent = len(lines[j]) - len(lines[j].lstrip())
                if line_indent < indent:
                    break  # the list ended: text continues at a shallower level
                if nxt and len(nxt.group(1)) == indent and int(nxt.group(2)) == run[-1][1] + 1:
                    run.append((j, run[-1][1] + 1))
            candidates.append(run)
        if not candidates:
            return []
        if hint is not None:
            exact = [run for run in candidates if len(run) == hint]
            if exact:
                return exact[0]
        # Otherwise the answers are the run that carries on to the end of the page at the
        # shallowest indentation; among equals, the one that starts last (after the question).
        def reaches_end(run: list[tuple[int, int]]) -> bool:
            indent = len(lines[run[0][0]]) - len(lines[run[0][0]].lstrip())
            return all(len(line) - len(line.lstrip()) >= indent
                       for line in lines[run[-1][0]:] if line.strip())

        ending = [run for run in candidates if reaches_end(run)] or candidates
        shallowest = min(len(lines[r[0][0]]) - len(lines[r[0][0]].lstrip()) for r in ending)
        return [r for r in ending
                if len(lines[r[0][0]]) - len(lines[r[0][0]].lstrip()) == shallowest][-1]

    @staticmethod
    def _strip_question_label(lines: list[str]) -> list[str]:
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            match = QUESTION_LABEL.match(line.strip())
            if match:
                rest = match.group(2).strip()
                return ([rest] if rest else []) + lines[i + 1 :]
            return lines
        return lines

    def _blocks_only(self, lines: list[str], markdown: bool) -> list[str]:
        """The question's text as blocks: a heading-like line in it is text, not a section."""
        return [item.text if item.level == 0 else item.raw
                for item in self._parse(_dedent(lines), markdown)]

    # -- articles ------------------------------------------------------------------------

    def _article_sections(self, lines: list[str], markdown: bool, title: str) -> list[Section]:
        items = self._parse(lines, markdown)
        if self._is_collection(items):
            return self._collection_sections(items, title)
        return self._sections_from_items(items)

    @staticmethod
    def _is_collection(items: list[Item]) -> bool:
        """Several complete articles one after another: flat, long, titled parts."""
        if any(item.level >= 3 for item in items):
            return False
        parts: list[list[Item]] = [[]]
        for item in items:
            if item.level:
                parts.append([])
            else:
                parts[-1].append(item)
        if len(parts) < 2:
            return False
        return all(len(part) >= PART_MIN_PARAGRAPHS
                   and sum(len(b.text.split()) for b in part) >= PART_MIN_WORDS for part in parts)

    @staticmethod
    def _collection_sections(items: list[Item], title: str) -> list[Section]:
        sections = [Section(heading_path=[title], blocks=[], part_title=title)]
        for item in items:
            if item.level:
                sections.append(Section(heading_path=[item.text], blocks=[],
                                        part_title=item.text))
            else:
                sections[-1].blocks.append(item.text)
        return sections

    @staticmethod
    def _sections_from_items(items: list[Item]) -> list[Section]:
        sections = [Section(heading_path=[], blocks=[])]
        path: list[tuple[int, str]] = []
        for item in items:
            if item.level:
                path = [(lvl, text) for lvl, text in path if lvl < item.level]
                path.append((item.level, item.text))
                sections.append(Section(heading_path=[t for _, t in path], blocks=[]))
            else:
                sections[-1].blocks.append(item.text)
        return sections

    # -- lines to items ------------------------------------------------------------------

    def _parse(self, lines: list[str], markdown: bool) -> list[Item]:
        """Group lines into paragraphs, list blocks and headings."""
        paragraphs = self._paragraphs(lines)
        items: list[Item] = []
        for para in paragraphs:
            items.extend(self._classify(para, markdown))
        items = self._demote_heading_runs(items)
        items = self._drop_captions(items)
        return self._attach_lists(items)

    @staticmethod
    def _paragraphs(lines: list[str]) -> list[list[str]]:
        """Blank lines separate paragraphs; in text with almost none, every line is one."""
        content = [line for line in lines if line.strip()]
        blank = len(lines) - len(content)
        one_per_line = blank < 0.2 * len(content)
        paragraphs: list[list[str]] = []
        current: list[str] = []
        for line in lines:
            text = line.strip()
            starts_new = one_per_line or BULLET.match(text) or MD_HEADING.match(text)
            if not text:
                if current:
                    paragraphs.append(current)
                current = []
            elif starts_new:
                if current:
                    paragraphs.append(current)
                current = [text]
            else:
                if current and (BULLET.match(current[0]) or MD_HEADING.match(current[0])
                                or is_heading_like(current[-1])):
                    paragraphs.append(current)
                    current = []
                current.append(text)
        if current:
            paragraphs.append(current)
        return paragraphs

    @staticmethod
    def _classify(para: list[str], markdown: bool) -> list[Item]:
        text = normalize_inline(" ".join(para))
        heading = MD_HEADING.match(text) if markdown else None
        if heading:
            return [Item(normalize_inline(heading.group(2)), level=len(heading.group(1)) + 0)]
        numbered = NUMBERED.match(text)
        if numbered and is_heading_like(numbered.group(3)) and not numbered.group(3).endswith(":"):
            return [Item(numbered.group(3), level=3, is_list=True, raw=text)]
        if BULLET.match(text):
            return [Item(text, is_list=True)]
        if is_heading_like(text):
            return [Item(text.rstrip(":").strip(), level=2, raw=text)]
        return [Item(text)]

    @staticmethod
    def _demote_heading_runs(items: list[Item]) -> list[Item]:
        """A heading must introduce body text. Runs of short lines are a list of items, as
        are two or more numbered headings in a row; a title line ending in ':' that leads
        into a list is that list's lead-in; a heading with nothing after it (or only a heading
        no deeper than itself) is body text."""
        out: list[Item] = []
        i = 0
        while i < len(items):
            if not items[i].level:
                out.append(items[i])
                i += 1
                continue
            j = i
            while j < len(items) and items[j].level:
                j += 1
            run, following = items[i:j], (items[j] if j < len(items) else None)
            numbered = sum(1 for it in run if it.is_list)
            if (len(run) >= LIST_RUN and all(it.level == 2 for it in run)) or numbered >= 2:
                out.extend(Item(it.raw, is_list=it.is_list) for it in run)
            else:
                # A heading followed by one no deeper heads an empty section: it is text.
                out.extend(it if nxt.level > it.level else Item(it.raw, is_list=it.is_list)
                           for it, nxt in pairwise(run))
                last = run[-1]
                lead_in = last.raw.endswith(":") and following is not None and following.is_list
                if following is None or lead_in:
                    out.append(Item(last.raw, is_list=last.is_list))
                else:
                    out.append(last)
            i = j
        return out

    def _drop_captions(self, items: list[Item]) -> list[Item]:
        """A photo caption or alt text is not a heading: drop it (see `looks_like_caption`)."""
        out: list[Item] = []
        for i, item in enumerate(items):
            following = items[i + 1] if i + 1 < len(items) else None
            if item.level and following is not None and not following.level \
                    and looks_like_caption(item.text, following.text):
                self._dropped.append(DroppedLine(item.raw, "caption: a picture's description, "
                                                 "not a heading of the text after it"))
                continue
            out.append(item)
        return out

    @staticmethod
    def _attach_lists(items: list[Item]) -> list[Item]:
        """Consecutive list items, with the line that introduces them, form one block."""
        out: list[Item] = []
        parts: list[list[str]] = []  # the lines of each out item, joined once at the end
        for item in items:
            prev = out[-1] if out else None
            if (item.level == 0 and item.is_list and prev is not None and prev.level == 0
                    and (prev.is_list or prev.text.endswith(":"))):
                parts[-1].append(item.text)
                prev.is_list = True
            else:
                out.append(Item(item.text, item.level, item.is_list, item.raw))
                parts.append([item.text])
        for item, lines in zip(out, parts, strict=True):
            if len(lines) > 1:
                item.text = "\n".join(lines)
        return out


def _dedent(lines: list[str]) -> list[str]:
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return [line[cut:] if line.strip() else "" for line in lines]


def _title_from_id(source_id: str) -> str:
    return source_id.replace("-", " ").replace("_", " ").strip().capitalize() or "Untitled"
