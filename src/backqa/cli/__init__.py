"""The `backqa` command line: ingest, search, sources, stats, serve, eval, bench, export-onnx.

Each module registers its subcommands and imports what a command needs inside the command, so
that every command starts fast and `backqa search` loads nothing of ingest.
"""

from __future__ import annotations

import argparse
import os
import sys

from backqa.cli import gaps, ingest, inspect, publish, search, serve, tools
from backqa.cli.common import EXIT_ERROR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backqa", description="Semantic question-and-answer search for runners with back "
        "pain: ingest a library, ask it questions, serve it.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (ingest, inspect, search, serve, tools, publish, gaps):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    if getattr(args, "k", None) is not None and args.k < 1:
        print("backqa: -k must be at least 1", file=sys.stderr)
        return EXIT_ERROR
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
