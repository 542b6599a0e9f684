"""Unicode and whitespace normalisation shared by cleaning, search and the notice."""

from __future__ import annotations

import re
import unicodedata

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
