"""The library watcher: files added, changed and removed reach the index once a burst of
changes settles; a file still being written is never ingested half."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import watchfiles

from backqa.index.loaded import load_current
from backqa.index.manifest import read_manifest
from backqa.index.versions import IndexDirectory
from backqa.ingest.watch import LibraryFilter, LibraryWatcher
from helpers import FakeEncoder, pipeline

SETTLE = 0.4
WAIT = 30.0  # seconds before a test gives up waiting (a failure, not a speed target)


def article(title: str, body: str) -> str:
    return f"# {title}\n\n{body}\n"


class Recorder:
    """Ingests the library on each reindex, and records what the file of interest held."""

    def __init__(self, library: Path, index: Path) -> None:
        self.library = library
        self.pipeline = pipeline(index, FakeEncoder())
        self.index = index
        self.seen: list[dict[str, str]] = []
        self.calls = 0

    def reindex(self) -> None:
        self.seen.append({p.name: p.read_text(encoding="utf-8")
                          for p in self.library.glob("*.md")})
        self.pipeline.ingest([self.library])
        self.calls += 1

    def sources(self) -> set[str]:
        current = IndexDirectory(self.index).current()
        return set(read_manifest(current).sources) if current is not None else set()


@contextmanager
def watching(folder: Path, reindex: Callable[[], object]) -> Iterator[LibraryWatcher]:
    watcher = LibraryWatcher(folder, reindex, settle=SETTLE)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.watch, args=(stop,), daemon=True)
    thread.start()
    assert watcher.ready.wait(WAIT), "the watcher did not start"
    try:
        yield watcher
    finally:
        stop.set()
        thread.join(WAIT)
        assert not thread.is_alive()


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the watcher did not reindex"
        time.sleep(0.05)


@pytest.fixture
def recorder(tmp_path: Path) -> Recorder:
    library = tmp_path / "ingest"
    library.mkdir()
    (library / "first.md").write_text(article("Hamstrings", "Tight hamstrings pull on the "
                                              "pelvis and the lower back during long runs."))
    recorder = Recorder(library, tmp_path / "index")
    recorder.pipeline.ingest([library])
    return recorder


def test_added_changed_and_removed_files_reach_the_index(recorder: Recorder) -> None:
    library = recorder.library
    with watching(library, recorder.reindex):
        (library / "second.md").write_text(article("Glutes", "Weak glutes let the pelvis "
                                                   "drop and the back works harder."))
        wait_for(lambda: recorder.sources() == {"first", "second"})

        (library / "second.md").write_text(article("Glutes", "Bridges rebuild the glutes."))
        wait_for(lambda: "Bridges" in (load_current(recorder.index).store
                                       .source_text("second") or ""))

        (library / "first.md").unlink()
        wait_for(lambda: recorder.sources() == {"second"})


def test_a_burst_of_changes_is_one_reindex(recorder: Recorder) -> None:
    library = recorder.library
    with watching(library, recorder.reindex):
        for n in range(5):
            (library / f"burst-{n}.md").write_text(article(f"Burst {n}", "Core work helps."))
        wait_for(lambda: len(recorder.sources()) == 6)
        time.sleep(SETTLE * 3)  # anything still pending would reindex again by now
    assert recorder.calls == 1
    assert len(recorder.seen[0]) == 6


def test_a_file_being_written_is_never_ingested_half(recorder: Recorder) -> None:
    library = recorder.library
    chunks = [f"Paragraph {n} on cadence, stride and the lower back.\n\n" for n in range(12)]
    with watching(library, recorder.reindex):
        with open(library / "slow.md", "w", encoding="utf-8") as handle:
            for chunk in chunks:  # each pause is shorter than the settle time
                handle.write(chunk)
                handle.flush()
                time.sleep(SETTLE / 4)
            handle.write("END\n")
        wait_for(lambda: "slow" in recorder.sources())
    snapshots = [seen["slow.md"] for seen in recorder.seen if "slow.md" in seen]
    assert snapshots and all(text.endswith("END\n") for text in snapshots)


def test_a_failed_reindex_is_tried_again(tmp_path: Path) -> None:
    attempts: list[float] = []

    def flaky() -> None:
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            raise RuntimeError("the index is locked by another ingest")

    errors: list[str] = []
    watcher = LibraryWatcher(tmp_path, flaky, settle=SETTLE, on_error=errors.append)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.watch, args=(stop,), daemon=True)
    thread.start()
    assert watcher.ready.wait(WAIT)
    (tmp_path / "a.md").write_text("# A\n\ntext\n")
    wait_for(lambda: len(attempts) >= 2)
    stop.set()
    thread.join(WAIT)
    assert "locked" in errors[0] and len(errors) == 1


@pytest.mark.parametrize(("name", "relevant"), [
    ("article.md", True), ("page.HTML", True), ("records.jsonl", True),
    ("article.meta.toml", True), ("no-match.json", True), (".article.md.1a2b.tmp", False),
    (".hidden.md", False), ("README.md", False), ("photo.jpg", False), ("notes.txt~", False),
])
def test_only_library_files_count(tmp_path: Path, name: str, relevant: bool) -> None:
    assert LibraryFilter()(watchfiles.Change.added, str(tmp_path / name)) is relevant
