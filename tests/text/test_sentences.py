"""The one sentence splitter: sentences and list lines with exact offsets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from backqa.text.sentences import sentence_spans, split_sentences


def test_sentences_end_at_punctuation_before_a_capital() -> None:
    text = "Rest for a day. Then run easy! Does it hurt? Stop."
    assert split_sentences(text) == ["Rest for a day.", "Then run easy!", "Does it hurt?",
                                     "Stop."]


def test_abbreviations_initials_and_lower_case_do_not_end_a_sentence() -> None:
    text = "See Dr. Smith, e.g. on Monday. J. R. R. Tolkien ran. it was fine. Next."
    assert split_sentences(text) == ["See Dr. Smith, e.g. on Monday.",
                                     "J. R. R. Tolkien ran. it was fine.", "Next."]


def test_each_line_stands_alone() -> None:
    text = "Try these:\n- planks\n- bridges\n\n  bird dogs  "
    assert split_sentences(text) == ["Try these:", "- planks", "- bridges", "bird dogs"]


@given(st.text(alphabet="ab. C!?\n “”e.g", max_size=60))
def test_spans_point_at_their_sentences(text: str) -> None:
    for start, end in sentence_spans(text):
        piece = text[start:end]
        assert piece and piece == piece.strip() and "\n" not in piece
    assert [text[s:e] for s, e in sentence_spans(text)] == split_sentences(text)
