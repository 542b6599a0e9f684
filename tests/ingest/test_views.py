"""The views of a passage embedded besides the passage: its sentences, pooled from the
passage's own forward pass, with a further window for the sentences a window cut."""

from __future__ import annotations

import numpy as np

from backqa.documents import Passage
from backqa.ingest.views import ViewEncoder, claim_texts, passage_views, sentence_texts
from helpers import FakeEncoder


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


def test_one_pass_gives_the_passage_vector_and_its_sentences() -> None:
    encoder = FakeEncoder()
    items = [passage_views(passage("Rest for two days. Then run easy.")),
             passage_views(passage("Stop."))]
    got = ViewEncoder(encoder).encode(items)
    assert encoder.calls == [item.text for item in items]  # one text per passage, no more
    assert np.allclose(got[0].vector, encoder.encode([items[0].text])[0])
    assert np.allclose(got[0].sentences, encoder.encode(["Rest for two days.",
                                                         "Then run easy."]))
    assert got[1].sentences.shape == (0, 384)


def test_sentences_past_the_window_get_a_window_of_their_own() -> None:
    encoder = FakeEncoder(window=9)  # the context line (2 words) and 7 words of text
    text = ("One two three four five. Six seven eight nine ten. "
            "Eleven twelve thirteen fourteen fifteen. Sixteen seventeen eighteen.")
    [got] = ViewEncoder(encoder).encode([passage_views(passage(text))])
    sentences = ["One two three four five.", "Six seven eight nine ten.",
                 "Eleven twelve thirteen fourteen fifteen.", "Sixteen seventeen eighteen."]
    # Windows: the passage (cuts sentence 2), then the context line and the text from the
    # first sentence cut on, each time; every sentence is pooled whole.
    assert encoder.calls[1:] == [f"Title > Heading\n{text[text.index(word):]}"
                                 for word in ("Six", "Eleven", "Sixteen")]
    assert np.allclose(got.sentences, FakeEncoder().encode(sentences))


def test_a_sentence_longer_than_a_window_keeps_what_fits() -> None:
    encoder = FakeEncoder(window=6)  # the context line (2 words) and 4 words of text
    long = "a1 a2 a3 a4 a5 a6 a7 a8."
    [got] = ViewEncoder(encoder).encode([passage_views(passage(f"{long} Then run easy."))])
    assert np.allclose(got.sentences[0], FakeEncoder().encode(["a1 a2 a3 a4"])[0])
    assert np.allclose(got.sentences[1], FakeEncoder().encode(["Then run easy."])[0])


def test_sentences_as_texts_of_their_own() -> None:
    texts, offsets = sentence_texts([
        passage("Rest for two days. Then run easy. Ok."),  # "Ok." is too short to stand alone
        passage("Stop."),
        passage("Ice helps the first day."),
    ])
    assert texts == ["Title > Heading\nRest for two days.", "Title > Heading\nThen run easy.",
                     "Title > Heading\nIce helps the first day."]
    assert offsets.tolist() == [0, 2, 2, 3]
