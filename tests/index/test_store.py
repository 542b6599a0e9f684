import sqlite3
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


def test_streamed_inputs_write_the_same_rows_and_report_the_counts(tmp_path: Path) -> None:
    documents = [Document(RawSource(f"s{n}", f"s{n}.txt", "raw", "text", title=f"S{n}"),
                          f"S{n}", "article",
                          [Section([f"H{k}"], ["Some words to keep here."] * (n + 1))
                           for k in range(2)]) for n in range(5)]
    passages = [p for d in documents for p in Chunker(min_words=2, max_words=6).split(d)]
    for row, passage in enumerate(passages):
        passage.group_id = row % 4 if row % 5 else None
    stamps = {d.source.id: "now" for d in documents}
    listed = write_store(tmp_path / "a.sqlite", documents, passages, stamps)
    streamed = write_store(tmp_path / "b.sqlite", iter(documents), iter(passages), stamps,
                           batch_size=2)
    assert listed == streamed
    assert streamed.passages == len(passages) and streamed.documents == 5
    assert streamed.per_source == {f"s{n}": sum(p.source_id == f"s{n}" for p in passages)
                                   for n in range(5)}
    assert streamed.groups == 4
    assert streamed.grouped_passages == sum(p.group_id is not None for p in passages)
    assert streamed.sources["s2"] == (documents[2].source.hash, "s2.txt")
    rows = {}
    for name in ("a", "b"):
        conn = sqlite3.connect(tmp_path / f"{name}.sqlite")
        rows[name] = [conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                      for t in ("sources", "sections", "passages")]
        conn.close()
    assert rows["a"] == rows["b"]
    store = StoreReader(tmp_path / "b.sqlite")
    by_row = store.passages_by_rows(list(range(len(passages))))
    for row, passage in enumerate(passages):
        expected = sum(p.group_id == passage.group_id for p in passages) \
            if passage.group_id is not None else 1
        assert by_row[row].group_size == expected
    assert [s.passage_count for s in store.sources()] == [streamed.per_source[f"s{n}"]
                                                          for n in range(5)]
