"""Highlighting: the best sentence of a passage for a question, with offsets into the text."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from backqa.index.sentences import embedded_spans
from backqa.search.highlight import Highlighter, sentence_spans

TEXT = ("Rest is crucial. Avoid running until the pain subsides.\n"
        "Apply ice packs to the affected area for 15-20 minutes at a time, several times a "
        "day. This helps reduce inflammation.")


def test_picks_the_sentence_with_the_question_terms() -> None:
    found = Highlighter().highlight("should I put ice packs on it?", TEXT)
    assert found is not None
    assert found.text.startswith("Apply ice packs")
    assert TEXT[found.start:found.end] == found.text


def test_rare_terms_count_more() -> None:
    idf = {"rest": 0.1, "inflamm": 5.0}.get
    found = Highlighter(lambda t: idf(t) or 0.0).highlight("rest inflammation", TEXT)
    assert found is not None and found.text == "This helps reduce inflammation."


def test_no_shared_term_gives_no_highlight() -> None:
    assert Highlighter().highlight("sourdough bread", TEXT) is None
    assert Highlighter().highlight("the and of", TEXT) is None  # stopwords only


def test_a_short_exclamation_does_not_beat_the_informative_sentence() -> None:
    text = "Prevention is key! Prevention of back pain starts with a warm-up before each run."
    found = Highlighter().highlight("how do I prevent back pain when I run", text)
    assert found is not None and found.text.startswith("Prevention of back pain")


def test_sentence_spans_split_on_ends_and_lines() -> None:
    spans = sentence_spans("One. Two!\n- three\n  ")
    assert [("One. Two!\n- three\n  ")[a:b] for a, b in spans] == ["One.", "Two!", "- three"]


@given(st.text(max_size=300), st.text(max_size=40))
def test_offsets_always_point_into_the_text(text: str, query: str) -> None:
    found = Highlighter().highlight(query, text)
    if found is not None:
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start:found.end] == found.text


def test_highlight_all_answers_as_one_at_a_time_and_its_cache_stays_bounded() -> None:
    texts = [TEXT, "Prevention is key! Prevention of back pain starts with a warm-up.",
             "Sourdough needs time.", TEXT]
    one_at_a_time = [Highlighter().highlight("ice packs and back pain prevention", t)
                     for t in texts]
    small = Highlighter(cached_texts=2)
    for _ in range(3):  # the same answers whether a text's sentences are cached or not
        assert small.highlight_all("ice packs and back pain prevention", texts) == one_at_a_time
        assert len(small._sentences) <= 2
    assert small.highlight_all("the and of", texts) == [None] * len(texts)


def test_with_sentence_cosines_the_sentence_closest_in_meaning_wins() -> None:
    # TEXT's sentences with a vector: "Rest is crucial.", "Avoid running ...", "Apply ice ...",
    # "This helps reduce inflammation."
    assert len(embedded_spans(TEXT)) == 4
    cosines = np.array([0.1, 0.8, 0.2, 0.1], dtype=np.float32)  # 0.8 > 0.2 + 0.5 x 1
    found = Highlighter().highlight("should I put ice packs on it?", TEXT, cosines)
    assert found is not None and found.text.startswith("Avoid running")
    assert TEXT[found.start:found.end] == found.text
    # no shared term at all: still the closest sentence, not None
    found = Highlighter().highlight("sourdough bread", TEXT, cosines)
    assert found is not None and found.text.startswith("Avoid running")


def test_shared_terms_tip_a_near_tie_in_meaning() -> None:
    cosines = np.array([0.1, 0.42, 0.4, 0.1], dtype=np.float32)
    found = Highlighter().highlight("should I put ice packs on it?", TEXT, cosines)
    assert found is not None and found.text.startswith("Apply ice packs")


def test_cosines_that_do_not_fit_the_sentences_fall_back_to_terms() -> None:
    found = Highlighter().highlight("should I put ice packs on it?", TEXT,
                                    np.array([0.9, 0.1], dtype=np.float32))
    assert found is not None and found.text.startswith("Apply ice packs")
    assert Highlighter().highlight_all("ice packs", [TEXT, TEXT], [None, None]) == \
        Highlighter().highlight_all("ice packs", [TEXT, TEXT])
