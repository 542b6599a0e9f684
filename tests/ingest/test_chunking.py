import pytest

from backqa.documents import Document, RawSource, Section
from backqa.ingest.chunking import Chunker
from backqa.text.sentences import split_sentences


def doc(*sections: Section) -> Document:
    return Document(source=RawSource("d", "d.txt", "", "text"), title="Title", kind="article",
                    sections=list(sections))


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * (n - 1)) + " end."


def test_split_sentences_keeps_abbreviations_and_list_lines() -> None:
    text = "See Dr. Smith, e.g. on Monday. Then rest! Is it 3.5 km? Yes.\n• one\n• two"
    assert split_sentences(text) == ["See Dr. Smith, e.g. on Monday.", "Then rest!",
                                     "Is it 3.5 km?", "Yes.", "• one", "• two"]


def test_passages_never_cross_sections() -> None:
    a = Section(["A"], ["Short one."])
    b = Section(["B"], ["Short two."])
    passages = Chunker(40, 180).split(doc(a, b))
    assert [p.text for p in passages] == ["Short one.", "Short two."]
    assert [p.heading_path for p in passages] == [["A"], ["B"]]


def test_short_blocks_merge_within_a_section() -> None:
    section = Section(["S"], ["Lead in:", words(40), words(60), words(10)])
    texts = Chunker(40, 180).chunk_section(section)
    assert texts == ["Lead in:\n" + words(40), words(60) + "\n" + words(10)]


def test_long_block_is_cut_at_sentence_boundaries_into_even_pieces() -> None:
    sentences = [f"Sentence number {i} has exactly eight words here." for i in range(50)]
    texts = Chunker(40, 180).chunk_section(Section([], [" ".join(sentences)]))
    assert len(texts) == 3
    assert all(t.endswith("here.") and t.startswith("Sentence") for t in texts)
    sizes = [len(t.split()) for t in texts]
    assert max(sizes) <= 180 and min(sizes) >= 100
    assert " ".join(texts) == " ".join(sentences)


def test_one_endless_sentence_is_cut_at_words_as_a_last_resort() -> None:
    texts = Chunker(40, 180).chunk_section(Section([], [words(1000)]))
    assert all(len(t.split()) <= 180 for t in texts)
    assert sum(len(t.split()) for t in texts) == 1000


def test_short_forum_answer_is_one_passage() -> None:
    answer = Section([], ["Try not to run uphill."], kind="forum-answer", answer_number=2)
    [passage] = Chunker().split(doc(answer))
    assert passage.kind == "forum-answer" and passage.answer_number == 2
    assert passage.text == "Try not to run uphill."


def test_embed_text_carries_title_and_headings_shown_text_does_not() -> None:
    [passage] = Chunker().split(doc(Section(["Causes", "Weak Core"], ["A weak core hurts."])))
    assert passage.text == "A weak core hurts."
    assert passage.embed_text == "Title > Causes > Weak Core\nA weak core hurts."


def test_ids_are_stable_and_unique() -> None:
    sections = (Section(["A"], ["Same text."]), Section(["A"], ["Same text."]))
    first = [p.id for p in Chunker().split(doc(*sections))]
    second = [p.id for p in Chunker().split(doc(*sections))]
    assert first == second and len(set(first)) == 2
    changed = Chunker().split(doc(Section(["A"], ["Other text."]), sections[1]))
    assert changed[1].id == first[0]  # unaffected by a change elsewhere in the document


def test_invalid_limits() -> None:
    with pytest.raises(ValueError):
        Chunker(100, 50)
