"""Ingest: source files -> documents -> passages -> vectors -> a new published index version.

Only what changed is embedded (vectors are cached by content hash and model); the new version
is built beside the live one and switched in with one rename. Stages, in order: read, compare
with the live version, structure, embed, group near-duplicates, label topics, write, publish.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from backqa.config import DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS
from backqa.documents import Document, Passage, RawSource
from backqa.encoders import load_encoder
from backqa.encoders.identity import MODEL_NAME, Encoder, ModelIdentity, model_identity
from backqa.index.calibration import (
    CalibrationError,
    NoMatchCalibration,
    find_calibration,
    read_calibration,
)
from backqa.index.checkpoints import checkpoint
from backqa.index.embed_cache import EmbeddingCache
from backqa.index.errors import IndexLoadError
from backqa.index.layout import VersionFiles
from backqa.index.manifest import (
    MANIFEST_FORMAT,
    ChunkingInfo,
    Manifest,
    read_manifest,
    verify_files,
)
from backqa.index.store import StoreReader
from backqa.index.versions import IndexDirectory
from backqa.ingest.builder import DocumentBuilder
from backqa.ingest.chunking import Chunker
from backqa.ingest.dedup import NearDuplicateGrouper
from backqa.ingest.embedding import CachedEmbedder
from backqa.ingest.html import HtmlError
from backqa.ingest.readers import Problem, SourceReader, discover
from backqa.ingest.summary import IngestSummary
from backqa.ingest.topics import PassageInfo, TopicLabeler
from backqa.ingest.views import claim_texts, sentence_texts
from backqa.ingest.writer import PIPELINE_VERSION, BuiltVersion, VersionWriter
from backqa.progress import Progress


class IngestError(RuntimeError):
    """A build failed (disk full, write error); it was removed and the live index is untouched."""


class IngestPipeline:
    """Builds and publishes a new index version from source files."""

    def __init__(self, index_dir: Path, root: Path, *, min_words: int = DEFAULT_MIN_WORDS,
                 max_words: int = DEFAULT_MAX_WORDS,
                 encoder_factory: Callable[[], Encoder] = load_encoder,
                 identity: ModelIdentity | None = None, progress: bool | None = None,
                 log: Callable[[str], None] | None = None,
                 enrich: bool | None = None) -> None:
        """`progress`: bars on a terminal and a line per stage in logs (None), or off (False).
        `enrich`: also embed each passage's sentences in context (the best-sentence signal),
        its text alone (claim vectors, for agreement across sources) and topic descriptions;
        None: when the model is the one they are calibrated for (all-MiniLM-L6-v2), so test
        encoders embed each passage exactly once."""
        self.index = IndexDirectory(index_dir)
        self.root = root
        self.chunker = Chunker(min_words, max_words)
        self.builder = DocumentBuilder()
        self.grouper = NearDuplicateGrouper()
        self.writer = VersionWriter()
        self.encoder_factory = encoder_factory
        self._identity = identity  # None: the installed model's, read from its weights
        self.progress = progress
        self.log = log or (lambda message: print(message, file=sys.stderr))
        self.on_progress: Callable[[str, int, int], None] | None = None
        self.enrich = enrich

    def ingest(self, paths: list[Path], rebuild: bool = False) -> IngestSummary:
        """Ingest exactly the sources found under `paths` (what is not there is removed)."""
        started = time.perf_counter()
        with self.index.lock():
            self.index.clean()
            summary = self._ingest_locked(paths, rebuild)
        summary.seconds = time.perf_counter() - started
        return summary

    # -- stages --------------------------------------------------------------------------

    def _ingest_locked(self, paths: list[Path], rebuild: bool) -> IngestSummary:
        summary = IngestSummary()
        reader = SourceReader(self.root)
        sources = self._read(paths, reader)
        summary.problems.extend(reader.problems)
        checkpoint("read")

        identity = self._identity or model_identity()
        no_match = self._calibration(paths, identity, summary)
        live = None if rebuild else self.index.current()
        live_manifest = self._live_manifest(live, identity)
        self._compare(sources, live_manifest, summary)
        if live_manifest is not None and not (summary.added or summary.changed or summary.removed
                                              or live_manifest.no_match != no_match):
            summary.passages = live_manifest.counts.passages
            summary.reused = summary.passages
            return summary

        documents, passages = self._structure(sources, summary)
        summary.passages = len(passages)
        progress = Progress(self.progress, on_update=self.on_progress, prefix="ingest: ")
        cache: EmbeddingCache | None = None
        build: Path | None = None
        try:
            cache = EmbeddingCache(self.index.layout.embed_cache, identity.key,
                                   identity.dimensions)
            if rebuild:
                cache.clear()
            embedder = CachedEmbedder(cache, identity, self.encoder_factory, progress)
            texts = [p.embed_text for p in passages]
            summary.reused = embedder.known_count(texts)
            enrich = self.enrich if self.enrich is not None else identity.name == MODEL_NAME
            claims = sentences = None
            vectors, summary.embedded = embedder.embed(texts)
            if enrich:
                sentence_list, offsets = sentence_texts(passages)
                sentences = (embedder.embed(sentence_list, "sentences")[0], offsets)
                claims = embedder.embed(claim_texts(passages), "claims")[0]
            scope = None
            if no_match is not None and no_match.scope is not None:  # the gate's questions
                scope = embedder.embed([q.text for q in no_match.scope.questions], "scope")[0]
            checkpoint("embedded")
            for passage, group in zip(passages, self.grouper.group([p.text for p in passages],
                                                                   vectors), strict=True):
                passage.group_id = group
            self._label_topics(passages, vectors, embedder if enrich else None)
            version_id, build = self.index.new_build()
            self.writer.write(build, BuiltVersion(
                version_id=version_id, identity=identity, documents=documents,
                passages=passages, vectors=vectors,
                ingested_at=self._ingested_at(live, documents, summary),
                chunking=self._chunking(), no_match=no_match, claims=claims,
                sentences=sentences, scope=scope))
            checkpoint("built")
            self.index.publish(version_id, build)
            build = None  # published: no longer a build of ours to remove
            checkpoint("published")
            summary.version = version_id
        except (OSError, sqlite3.Error) as exc:
            raise IngestError(f"the build failed and was removed; the live index is untouched "
                              f"({exc})") from exc
        finally:
            if build is not None:  # free the space a failed build took at once
                shutil.rmtree(build, ignore_errors=True)
            if cache is not None and summary.version is None:
                cache.close()
        assert cache is not None
        try:  # housekeeping after publish: a failure here must not fail the ingest
            self.index.clean()
            cache.retain(embedder.used)
        except (OSError, sqlite3.Error) as exc:
            self.log(f"warning: published {summary.version}, but could not tidy up ({exc})")
        finally:
            cache.close()
        return summary

    def _read(self, paths: list[Path], reader: SourceReader) -> list[RawSource]:
        sources: list[RawSource] = []
        seen: dict[str, str] = {}
        for path in discover(paths):
            for source in reader.read(path):
                if source.id in seen:
                    reader.problems.append(Problem(
                        source.path, f"skipped: source id {source.id!r} is already used by "
                                     f"{seen[source.id]}; rename one of them", line=source.line))
                    continue
                seen[source.id] = source.path + (f":{source.line}" if source.line else "")
                sources.append(source)
        for path in paths:
            if not path.exists():
                reader.problems.append(Problem(str(path), "skipped: no such file or folder"))
        return sources

    def _calibration(self, paths: list[Path], identity: ModelIdentity,
                     summary: IngestSummary) -> NoMatchCalibration | None:
        """The library's "no match" calibration (`no-match.json` beside it), if it has one made
        with this model; it goes into the manifest, so it belongs to this index only."""
        path = find_calibration(paths)
        if path is None:
            return None
        try:
            calibration = read_calibration(path)
        except CalibrationError as exc:
            summary.problems.append(Problem(str(path), f"ignored: {exc}", skipped=False))
            return None
        if calibration.model_key != identity.key:  # vectors of another model: not comparable
            self.log(f"note: {path} was calibrated with model {calibration.model_key}, not "
                     f"{identity.key}; not used (recalibrate: backqa eval --judged ... "
                     f"--calibrate)")
            return None
        return calibration

    def _live_manifest(self, live: Path | None, identity: ModelIdentity) -> Manifest | None:
        """The live version's manifest when it can be built upon; None forces a full build."""
        if live is None:
            return None
        try:
            manifest = read_manifest(live)
            if (manifest.format != MANIFEST_FORMAT or manifest.pipeline != PIPELINE_VERSION
                    or manifest.chunking != self._chunking()
                    or manifest.model.key != identity.key):
                return None
            verify_files(live, manifest.files)
            return manifest
        except IndexLoadError as exc:
            self.log(f"warning: the live index cannot be reused ({exc}); building in full")
            return None

    @staticmethod
    def _compare(sources: list[RawSource], live: Manifest | None,
                 summary: IngestSummary) -> None:
        """Sort the sources into added, changed and unchanged; name the removed ones."""
        live_hashes = {sid: entry.hash for sid, entry in live.sources.items()} if live else {}
        for source in sources:
            if source.id not in live_hashes:
                summary.added.append(source.id)
            elif live_hashes[source.id] != source.hash:
                summary.changed.append(source.id)
            else:
                summary.unchanged.append(source.id)
        current_ids = {s.id for s in sources}
        summary.removed = sorted(sid for sid in live_hashes if sid not in current_ids)

    def _chunking(self) -> ChunkingInfo:
        return ChunkingInfo(min_words=self.chunker.min_words, max_words=self.chunker.max_words)

    def _structure(self, sources: list[RawSource],
                   summary: IngestSummary) -> tuple[list[Document], list[Passage]]:
        documents: list[Document] = []
        passages: list[Passage] = []
        for source in sources:
            where = source.path
            try:
                document = self.builder.build(source)
                chunks = self.chunker.split(document)
            except HtmlError as exc:
                summary.problems.append(Problem(where, f"skipped: {exc}", line=source.line))
                summary.forget(source.id)
                continue
            if not chunks:
                summary.problems.append(Problem(where, "skipped: no text left after cleaning",
                                                line=source.line))
                summary.forget(source.id)
                continue
            for chunk in chunks:
                chunk.ordinal = len(passages)
                passages.append(chunk)
            documents.append(document)
        return documents, passages

    @staticmethod
    def _label_topics(passages: list[Passage], vectors: np.ndarray,
                      embedder: CachedEmbedder | None) -> None:
        """Topics per passage; topic descriptions are embedded once, then come from the cache."""

        class DescriptionEncoder:
            def encode(self, texts: Sequence[str]) -> np.ndarray:
                assert embedder is not None
                return embedder.embed(list(texts), "topics")[0]

        labeler = TopicLabeler(DescriptionEncoder() if embedder is not None else None)
        infos = [PassageInfo(p.text, p.heading_path, p.kind, p.part_title) for p in passages]
        for passage, topics in zip(passages, labeler.label(infos, vectors), strict=True):
            passage.topics = topics

    @staticmethod
    def _ingested_at(live: Path | None, documents: list[Document],
                     summary: IngestSummary) -> dict[str, str]:
        """When each source was first ingested in its current content."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        stamps = {d.source.id: now for d in documents}
        if live is not None and summary.unchanged:
            try:
                for source in StoreReader(VersionFiles(live).store).sources():
                    if source.id in summary.unchanged:
                        stamps[source.id] = source.ingested_at
            except Exception:  # an unreadable old store only costs the old dates
                pass
        return stamps
