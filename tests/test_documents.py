from backqa.documents import Document, Passage, RawSource, Section, content_hash


def test_raw_source_hash_covers_text_and_metadata() -> None:
    a = RawSource("a", "a.txt", "text", "text", title="T")
    assert a.hash == RawSource("a", "a.txt", "text", "text", title="T").hash
    assert a.hash != RawSource("a", "a.txt", "text!", "text", title="T").hash
    assert a.hash != RawSource("a", "a.txt", "text", "text", title="Other").hash
    assert content_hash("x") == content_hash("x") != content_hash("y")


def test_document_text_shows_headings_and_answers() -> None:
    doc = Document(RawSource("t", "t.txt", "", "text"), "Thread", "forum-thread", [
        Section([], ["Why?"], kind="forum-question"),
        Section([], ["Because."], kind="forum-answer", answer_number=1),
        Section(["Tips"], ["Rest."], kind="forum-answer", answer_number=1)])
    assert doc.text == ("Thread\n\nQuestion\n\nWhy?\n\nAnswer 1\n\nBecause.\n\n"
                        "Answer 1: Tips\n\nRest.\n")


def test_passage_properties() -> None:
    p = Passage("id", "s", 0, 0, "one two three", "T\none two three", "article", ["A", "B"])
    assert p.section == "B" and p.word_count == 3 and p.embed_hash == content_hash(p.embed_text)
