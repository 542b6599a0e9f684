"""Ingest: source files -> documents -> passages -> vectors -> a new published index version.

Only what changed is embedded (vectors are cached by content hash and model); the new version
is built beside the live one and switched in with one rename.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from backqa.agreement import claim_vectors, save_claims
from backqa.chunking import Chunker
from backqa.cleaning import HtmlCleaner, HtmlError, TextCleaner, strip_markdown_html
from backqa.dedup import NearDuplicateGrouper
from backqa.documents import Document, Passage, RawSource, content_hash
from backqa.embed_cache import EmbeddingCache
from backqa.encoder import MODEL_NAME, Encoder, ModelIdentity, load_encoder, model_identity
from backqa.lexical import LexicalIndex
from backqa.readers import Problem, SourceReader, discover
from backqa.store import STORE_FILE, StoreReader, write_store
from backqa.structure import StructureDetector
from backqa.vector_index import VECTORS_FILE, build_vector_index, save_vector_index
from backqa.versions import MANIFEST, IndexDirectory, read_manifest, write_json_atomic

# Bump when cleaning, structure or chunking rules change, so existing indexes are rebuilt.
# 2: passages carry topics, and claim vectors are stored for agreement across sources.
PIPELINE_VERSION = 2
MANIFEST_FORMAT = 1
LEXICAL_DIR = "bm25"
EMBED_BATCH = 64


class IngestError(RuntimeError):
    """A build failed (disk full, write error); it was removed and the live index is untouched."""


def checkpoint(stage: str) -> None:
    """A named point in the build; `BACKQA_CRASH_AT=<stage>` kills the process there (tests)."""
    if os.environ.get("BACKQA_CRASH_AT") == stage:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    version: str | None = None  # the published version; None when nothing needed publishing
    problems: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)

    def line(self) -> str:
        published = f"published {self.version}" if self.version else "index unchanged"
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        return (f"sources: {len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.removed)} removed, {len(self.unchanged)} unchanged{skipped}; "
                f"{self.passages} passages ({self.embedded} embedded, {self.reused} cached); "
                f"{self.seconds:.1f}s; {published}")

    def to_dict(self) -> dict[str, object]:
        return {"added": self.added, "changed": self.changed, "removed": self.removed,
                "unchanged": self.unchanged, "passages": self.passages,
                "embedded": self.embedded, "reused": self.reused,
                "seconds": round(self.seconds, 3), "version": self.version,
                "problems": [str(p) for p in self.problems], "skipped": self.skipped}


class DocumentBuilder:
    """One source to one structured document: clean, then find its structure."""

    def __init__(self) -> None:
        self.html = HtmlCleaner()
        self.text = TextCleaner()
        self.structure = StructureDetector()

    def run(self, source: RawSource) -> Document:
        text, markdown, source_title = source.text, source.format == "markdown", source.title
        if markdown:
            text = strip_markdown_html(text)
        if source.format == "html":
            page_title, text = self.html.run(source.text)
            markdown = True
            source_title = source_title or page_title
        lines = self.text.run(text)
        return self.structure.run(source, lines, markdown=markdown, title=source_title)


class IngestPipeline:
    """Builds and publishes a new index version from source files."""

    def __init__(self, index_dir: Path, root: Path, *, min_words: int = 40,
                 max_words: int = 180, encoder_factory: Callable[[], Encoder] = load_encoder,
                 identity: ModelIdentity | None = None, progress: bool | None = None,
                 log: Callable[[str], None] | None = None,
                 enrich: bool | None = None) -> None:
        """`enrich`: also embed passage texts alone (claim vectors, for agreement across
        sources) and topic descriptions; None: when the model is the one they are calibrated
        for (all-MiniLM-L6-v2), so test encoders embed each passage exactly once."""
        self.index = IndexDirectory(index_dir)
        self.root = root
        self.chunker = Chunker(min_words, max_words)
        self.builder = DocumentBuilder()
        self.grouper = NearDuplicateGrouper()
        self.encoder_factory = encoder_factory
        self._encoder: Encoder | None = None
        self._identity = identity  # None: the installed model's, read from its weights
        self._no_match: dict[str, object] | None = None  # the library's calibration, per run
        self.progress = progress
        self.log = log or (lambda message: print(message, file=sys.stderr))
        self.on_progress: Callable[[str, int, int], None] | None = None
        self._extra_hashes: set[str] = set()  # cached texts besides passages (claims, topics)
        self.enrich = enrich

    def run(self, paths: list[Path], rebuild: bool = False) -> IngestSummary:
        """Ingest exactly the sources found under `paths` (what is not there is removed)."""
        started = time.perf_counter()
        with self.index.lock():
            self.index.clean()
            summary = self._run_locked(paths, rebuild)
        summary.seconds = time.perf_counter() - started
        return summary

    # -- stages --------------------------------------------------------------------------

    def _run_locked(self, paths: list[Path], rebuild: bool) -> IngestSummary:
        summary = IngestSummary()
        reader = SourceReader(self.root)
        sources = self._read(paths, reader)
        summary.problems.extend(reader.problems)
        checkpoint("read")

        identity = self._identity or model_identity()
        self._no_match = self._calibration(paths, identity, summary)
        live = None if rebuild else self.index.current()
        live_manifest = self._live_manifest(live, identity, summary)
        live_hashes: dict[str, str] = {}
        if live_manifest is not None:
            live_hashes = {sid: str(info["hash"])  # type: ignore[index]
                           for sid, info in dict(live_manifest["sources"]).items()}  # type: ignore[call-overload]

        for source in sources:
            if source.id not in live_hashes:
                summary.added.append(source.id)
            elif live_hashes[source.id] != source.hash:
                summary.changed.append(source.id)
            else:
                summary.unchanged.append(source.id)
        current_ids = {s.id for s in sources}
        summary.removed = sorted(sid for sid in live_hashes if sid not in current_ids)

        if live_manifest is not None and not (summary.added or summary.changed or summary.removed
                                              or live_manifest.get("no_match") != self._no_match):
            summary.passages = int(dict(live_manifest["counts"])["passages"])  # type: ignore[call-overload]
            summary.reused = summary.passages
            return summary

        documents, passages = self._structure(sources, summary)
        summary.passages = len(passages)
        cache: EmbeddingCache | None = None
        build: Path | None = None
        try:
            cache = EmbeddingCache(self.index.cache_path, identity.key, identity.dimensions)
            if rebuild:
                cache.clear()
            vectors = self._embed(passages, cache, identity, summary)
            enrich = self.enrich if self.enrich is not None else identity.name == MODEL_NAME
            claims = self._embed_texts([p.text for p in passages], cache, identity) \
                if enrich else None
            checkpoint("embedded")
            groups = self.grouper.run([p.text for p in passages], vectors)
            for passage, group in zip(passages, groups, strict=True):
                passage.group_id = group
            self._label_topics(passages, vectors, cache, identity, enrich)
            ingested_at = self._ingested_at(live, documents, summary)
            version_id, build = self.index.new_build()
            self._write_version(build, version_id, identity, documents, passages, vectors,
                                ingested_at, claims)
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
            cache.retain({p.embed_hash for p in passages} | self._extra_hashes)
        except (OSError, sqlite3.Error) as exc:
            self.log(f"warning: published {summary.version}, but could not tidy up ({exc})")
        finally:
            cache.close()
        return summary

    def _read(self, paths: list[Path], reader: SourceReader) -> list[RawSource]:
        sources: list[RawSource] = []
        seen: dict[str, str] = {}
        for path in discover(paths):
            for source in reader.run(path):
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
                     summary: IngestSummary) -> dict[str, object] | None:
        """The library's "no match" calibration (`no-match.json` beside it), if it has one made
        with this model; it goes into the manifest, so it belongs to this index only."""
        from backqa.calibration import CalibrationError, find_calibration, read_calibration

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
        return calibration.to_dict()

    def _live_manifest(self, live: Path | None, identity: ModelIdentity,
                       summary: IngestSummary) -> dict[str, object] | None:
        """The live version's manifest when it can be built upon; None forces a full build."""
        if live is None:
            return None
        try:
            manifest = read_manifest(live)
            model = dict(manifest["model"])  # type: ignore[call-overload]
            if (manifest.get("format") != MANIFEST_FORMAT
                    or manifest.get("pipeline") != PIPELINE_VERSION
                    or manifest.get("chunking") != self._chunking()
                    or model.get("key") != identity.key):
                return None
            dict(manifest["sources"])  # type: ignore[call-overload]
            from backqa.index import verify_files  # here: index.py imports this module

            verify_files(live, dict(manifest["files"]))  # type: ignore[call-overload]
            return manifest
        except (ValueError, KeyError, TypeError, RuntimeError) as exc:
            self.log(f"warning: the live index cannot be reused ({exc}); building in full")
            return None

    def _chunking(self) -> dict[str, int]:
        return {"min_words": self.chunker.min_words, "max_words": self.chunker.max_words}

    def _structure(self, sources: list[RawSource],
                   summary: IngestSummary) -> tuple[list[Document], list[Passage]]:
        documents: list[Document] = []
        passages: list[Passage] = []
        for source in sources:
            where = source.path
            try:
                document = self.builder.run(source)
                chunks = self.chunker.run(document)
            except HtmlError as exc:
                summary.problems.append(Problem(where, f"skipped: {exc}", line=source.line))
                self._forget(source.id, summary)
                continue
            if not chunks:
                summary.problems.append(Problem(where, "skipped: no text left after cleaning",
                                                line=source.line))
                self._forget(source.id, summary)
                continue
            for chunk in chunks:
                chunk.ordinal = len(passages)
                passages.append(chunk)
            documents.append(document)
        return documents, passages

    @staticmethod
    def _forget(source_id: str, summary: IngestSummary) -> None:
        for bucket in (summary.added, summary.changed, summary.unchanged):
            if source_id in bucket:
                bucket.remove(source_id)

    def _embed(self, passages: list[Passage], cache: EmbeddingCache, identity: ModelIdentity,
               summary: IngestSummary) -> np.ndarray:
        hashes = [p.embed_hash for p in passages]
        known = cache.get_many(hashes)
        missing: dict[str, str] = {}
        for passage in passages:
            if passage.embed_hash not in known:
                missing.setdefault(passage.embed_hash, passage.embed_text)
        summary.embedded = len(missing)
        summary.reused = len(passages) - sum(1 for h in hashes if h not in known)
        if missing:
            encoder = self._get_encoder()
            if encoder.identity.key != identity.key:
                raise RuntimeError(f"encoder model {encoder.identity.key} differs from the "
                                   f"installed model {identity.key}")
            # Similar lengths together: each batch pads to its longest text, and on the
            # shipped library this order cuts padded tokens from 15.3k to 10.6k (real: 6.9k).
            items = sorted(missing.items(), key=lambda item: len(item[1]))
            disable = None if self.progress is None else not self.progress  # None: if a TTY
            bar = tqdm(total=len(items), desc="embedding", unit="passage", disable=disable,
                       file=sys.stderr)
            try:
                for start in range(0, len(items), EMBED_BATCH):
                    batch = items[start : start + EMBED_BATCH]
                    vectors = encoder.encode([text for _, text in batch], batch_size=EMBED_BATCH)
                    cache.put_many(zip([h for h, _ in batch], vectors, strict=True))
                    known.update(zip([h for h, _ in batch], vectors, strict=True))
                    bar.update(len(batch))
                    if self.on_progress:
                        self.on_progress("embedding", start + len(batch), len(items))
                    checkpoint("embedding")
            finally:
                bar.close()
        dims = identity.dimensions
        if not passages:
            return np.zeros((0, dims), dtype=np.float32)
        return np.vstack([known[h] for h in hashes]).astype(np.float32)

    def _embed_texts(self, texts: list[str], cache: EmbeddingCache,
                     identity: ModelIdentity) -> np.ndarray:
        """Embeddings of plain texts (no title or headings) through the same cache; not counted
        in the summary, which counts passages."""
        views = [_PlainText(text) for text in texts]
        vectors = self._embed(views, cache, identity, IngestSummary())  # type: ignore[arg-type]
        self._extra_hashes.update(v.embed_hash for v in views)
        return vectors

    def _label_topics(self, passages: list[Passage], vectors: np.ndarray, cache: EmbeddingCache,
                      identity: ModelIdentity, enrich: bool) -> None:
        from backqa.topics import PassageInfo, TopicLabeler

        class CachedEncoder:  # topic descriptions are embedded once, then come from the cache
            def encode(self, texts: list[str]) -> np.ndarray:
                return pipeline._embed_texts(list(texts), cache, identity)

        pipeline = self
        labeler = TopicLabeler(CachedEncoder() if enrich else None)  # type: ignore[arg-type]
        infos = [PassageInfo(p.text, p.heading_path, p.kind, p.part_title) for p in passages]
        for passage, topics in zip(passages, labeler.run(infos, vectors), strict=True):
            passage.topics = topics

    def _get_encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = self.encoder_factory()
        return self._encoder

    def _ingested_at(self, live: Path | None, documents: list[Document],
                     summary: IngestSummary) -> dict[str, str]:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        stamps = {d.source.id: now for d in documents}
        if live is not None and summary.unchanged:
            try:
                for source in StoreReader(live / STORE_FILE).sources():
                    if source.id in summary.unchanged:
                        stamps[source.id] = source.ingested_at
            except Exception:
                pass
        return stamps

    def _write_version(self, build: Path, version_id: str, identity: ModelIdentity,
                       documents: list[Document], passages: list[Passage], vectors: np.ndarray,
                       ingested_at: dict[str, str], claims: np.ndarray | None = None) -> None:
        write_store(build / STORE_FILE, documents, passages, ingested_at)
        checkpoint("store")
        faiss_index, vector_info = build_vector_index(vectors)
        try:
            save_vector_index(faiss_index, build / VECTORS_FILE)
        except RuntimeError as exc:  # faiss reports write errors (disk full) as RuntimeError
            raise OSError(f"{build / VECTORS_FILE}: cannot write the FAISS index "
                          f"({str(exc).strip().splitlines()[0] if str(exc).strip() else exc})"
                          ) from exc
        checkpoint("vectors")
        lexical = LexicalIndex.build([p.embed_text for p in passages])
        lexical.save(build / LEXICAL_DIR)
        if claims is not None:
            save_claims(claim_vectors(claims), build)
        checkpoint("lexical")
        counts: dict[str, int] = {}
        for passage in passages:
            counts[passage.source_id] = counts.get(passage.source_id, 0) + 1
        manifest = {
            "format": MANIFEST_FORMAT,
            "pipeline": PIPELINE_VERSION,
            "version": version_id,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "model": identity.to_dict(),
            "dimensions": identity.dimensions,
            "chunking": self._chunking(),
            "vector_index": vector_info,
            "lexical": {"library": "bm25s", "k1": 1.2, "b": 0.75, "stemmer": "english"},
            "no_match": self._no_match,
            "counts": {"sources": len(documents), "passages": len(passages),
                       "groups": len({p.group_id for p in passages if p.group_id is not None}),
                       "grouped_passages": sum(1 for p in passages if p.group_id is not None)},
            "sources": {d.source.id: {"hash": d.source.hash, "path": d.source.path,
                                      "passages": counts.get(d.source.id, 0)}
                        for d in documents},
            "files": file_digests(build),
        }
        write_json_atomic(build / MANIFEST, manifest)
        checkpoint("manifest")


@dataclass(frozen=True)
class _PlainText:
    """A text embedded as it is, under the cache key of its own content."""

    embed_text: str

    @property
    def embed_hash(self) -> str:
        return content_hash(self.embed_text)


def file_digests(folder: Path) -> dict[str, dict[str, object]]:
    """Size and SHA-256 of every file in a version folder, for checks at load time."""
    digests: dict[str, dict[str, object]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(chunk)
            digests[path.relative_to(folder).as_posix()] = {
                "bytes": path.stat().st_size, "sha256": digest.hexdigest()}
    return digests
