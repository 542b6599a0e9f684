"""The views of a passage embedded besides the passage: its sentences, in context."""

from __future__ import annotations

from backqa.documents import Passage
from backqa.ingest.views import sentence_views


def passage(text: str) -> Passage:
    return Passage(id="p", source_id="s", ordinal=0, section_ordinal=0, text=text,
                   embed_text=f"Title > Heading\n{text}", kind="article", heading_path=["Heading"])


def test_each_sentence_is_embedded_under_its_passages_title_and_headings() -> None:
    texts, offsets = sentence_views([
        passage("Rest for two days. Then run easy. Ok."),  # "Ok." is too short to stand alone
        passage("Stop."),
        passage("Ice helps the first day."),
    ])
    assert texts == ["Title > Heading\nRest for two days.", "Title > Heading\nThen run easy.",
                     "Title > Heading\nIce helps the first day."]
    assert offsets.tolist() == [0, 2, 2, 3]
