import threading
from pathlib import Path

from backqa.documents import Document, RawSource, Section
from backqa.index.store import StoreReader, write_store
from backqa.ingest.chunking import Chunker


def test_write_and_read_back(tmp_path: Path) -> None:
    source = RawSource("thread", "ingest/t.txt", "raw", "text", title="T", kind="forum-thread")
    document = Document(source, "T", "forum-thread", [
        Section([], ["What helps a sore back?"], kind="forum-question"),
        Section(["Stretching"], ["Stretch daily.", "Rest too."], kind="forum-answer",
                answer_number=2)])
    passages = Chunker().split(document)
    passages[0].group_id = passages[1].group_id = 0
    write_store(tmp_path / "s.sqlite", [document], passages, {"thread": "2025-01-01T00:00:00"})
    store = StoreReader(tmp_path / "s.sqlite")
    assert store.count() == 2
    by_row = store.passages_by_rows([1, 0])
    assert by_row[1].answer_number == 2 and by_row[1].section == "Stretching"
    assert by_row[1].heading_path == ["Stretching"] and by_row[0].group_size == 2
    assert store.passage(passages[1].id) == by_row[1]
    assert [p.row for p in store.passages_of_source("thread")] == [0, 1]
    assert [p.row for p in store.group_members(0)] == [0, 1]
    [src] = store.sources()
    assert (src.title, src.kind, src.passage_count, src.path) == ("T", "forum-thread", 2,
                                                                  "ingest/t.txt")
    assert store.source("thread") == src and store.source("nope") is None
    assert "Answer 2: Stretching" in (store.source_text("thread") or "")
    assert [s["answer_number"] for s in store.sections_of_source("thread")] == [None, 2]


def test_store_stays_readable_after_its_file_is_removed(tmp_path: Path) -> None:
    source = RawSource("a", "a.txt", "raw", "text", title="A")
    document = Document(source, "A", "article", [Section([], ["Some text to keep."])])
    write_store(tmp_path / "s.sqlite", [document], Chunker().split(document), {"a": "now"})
    store = StoreReader(tmp_path / "s.sqlite")
    (tmp_path / "s.sqlite").unlink()  # a newer ingest cleaned this version away
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(store.count())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [1, 1, 1, 1] and store.source_text("a")
