"""`backqa ingest`: build or update the index from the library."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from backqa.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_SKIPPED,
    encoder_factory,
    index_dir,
)
from backqa.config import get_settings


def cmd_ingest(args: argparse.Namespace) -> int:
    from backqa.index.versions import IndexLocked
    from backqa.ingest.pipeline import IngestError, IngestPipeline

    settings = get_settings()
    paths = [Path(p) for p in args.paths] or [settings.ingest_path]
    pipeline = IngestPipeline(index_dir(args), settings.root, min_words=settings.min_words,
                              max_words=settings.max_words,
                              encoder_factory=encoder_factory())
    try:
        summary = pipeline.ingest(paths, rebuild=args.rebuild)
    except (IndexLocked, IngestError) as exc:
        print(f"backqa ingest: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"backqa ingest: failed, the live index is untouched: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for problem in summary.problems:
        print(("skipped " if problem.skipped else "warning ") + str(problem), file=sys.stderr)
    if args.json:
        print(json.dumps(summary.to_dict()))
    else:
        print(summary.line())
    return EXIT_SKIPPED if summary.skipped else EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser("ingest", help="build or update the index from source documents")
    p.add_argument("paths", nargs="*", help="files or folders (default: the ingest/ folder)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.add_argument("--rebuild", action="store_true", help="ignore the live index and cache")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_ingest)
