"""The views of a passage embedded besides the passage: its sentences in context and its
text alone, each a text of its own."""

from __future__ import annotations

from backqa.documents import Passage
from backqa.ingest.views import claim_texts, passage_views, sentence_texts


def passage(text: str, context: str = "Title > Heading") -> Passage:
    return Passage(id="p", source_id="s", ordinal=0, section_ordinal=0, text=text,
                   embed_text=f"{context}\n{text}", kind="article", heading_path=["Heading"])


def test_sentences_are_located_in_the_embed_text() -> None:
    item = passage_views(passage("Rest for two days. Then run easy. Ok."))  # "Ok." too short
    assert item.text[slice(*item.context)] == "Title > Heading"
    assert [item.text[a:b] for a, b in item.sentences] == ["Rest for two days.",
                                                           "Then run easy."]
    assert passage_views(passage("Stop.")).sentences == ()
    assert claim_texts([passage("Ice helps.")]) == ["Ice helps."]


def test_sentences_as_texts_of_their_own() -> None:
    texts, offsets = sentence_texts([
        passage("Rest for two days. Then run easy. Ok."),  # "Ok." is too short to stand alone
        passage("Stop."),
        passage("Ice helps the first day."),
    ])
    assert texts == ["Title > Heading\nRest for two days.", "Title > Heading\nThen run easy.",
                     "Title > Heading\nIce helps the first day."]
    assert offsets.tolist() == [0, 2, 2, 3]
