"""`backqa ingest`: build or update the index from the library."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from backqa.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_SKIPPED,
    encoder_factory,
    index_dir,
)
from backqa.config import get_settings

if TYPE_CHECKING:
    from backqa.ingest.pipeline import IngestPipeline
    from backqa.ingest.summary import IngestSummary


def cmd_ingest(args: argparse.Namespace) -> int:
    from backqa.encoders import backend_identity
    from backqa.index.versions import IndexLocked
    from backqa.ingest.pipeline import IngestError, IngestPipeline

    settings = get_settings()
    paths = [Path(p) for p in args.paths] or [settings.ingest_path]
    pipeline = IngestPipeline(index_dir(args), settings.root, min_words=settings.min_words,
                              max_words=settings.max_words,
                              encoder_factory=encoder_factory(),
                              identity=backend_identity(settings.encoder))
    try:
        summary = pipeline.ingest(paths, rebuild=args.rebuild)
    except (IndexLocked, IngestError) as exc:
        print(f"backqa ingest: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"backqa ingest: failed, the live index is untouched: {exc}", file=sys.stderr)
        return EXIT_ERROR
    report(summary, args.json)
    if args.watch:
        return watch(pipeline, paths, settings.watch_settle, args.json)
    return EXIT_SKIPPED if summary.skipped else EXIT_OK


def report(summary: IngestSummary, as_json: bool) -> None:
    """Print an ingest's problems (stderr) and its summary (stdout)."""
    for problem in summary.problems:
        print(("skipped " if problem.skipped else "warning ") + str(problem), file=sys.stderr)
    print(json.dumps(summary.to_dict()) if as_json else summary.line(), flush=True)


def watch(pipeline: IngestPipeline, paths: list[Path], settle: float, as_json: bool) -> int:
    """Reindex each time the library folders change, until interrupted."""
    from backqa.ingest.watch import LibraryWatcher

    folders = [p for p in paths if p.is_dir()]
    if len(folders) != 1 or len(paths) != 1:
        print("backqa ingest --watch: give one library folder to watch", file=sys.stderr)
        return EXIT_ERROR
    print(f"backqa ingest: watching {folders[0]} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    watcher = LibraryWatcher(folders[0], lambda: report(pipeline.ingest(paths), as_json),
                             settle=settle,
                             on_error=lambda message: print(f"backqa ingest: {message}",
                                                            file=sys.stderr, flush=True))
    watcher.watch()
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser("ingest", help="build or update the index from source documents")
    p.add_argument("paths", nargs="*", help="files or folders (default: the ingest/ folder)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.add_argument("--rebuild", action="store_true", help="ignore the live index and cache")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--watch", action="store_true", help="then keep watching the library folder "
                   "and reindex when files are added, changed or removed (BACKQA_WATCH_SETTLE "
                   "seconds after the last change)")
    p.set_defaults(func=cmd_ingest)
