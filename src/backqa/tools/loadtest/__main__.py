"""`python -m backqa.tools.loadtest`: the whole load test, its table, and optionally JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from backqa.config import get_settings
    from backqa.index.loaded import IndexLoadError
    from backqa.tools import loadtest
    from backqa.tools.loadtest.suite import LoadTest, format_report

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m backqa.tools.loadtest",
                                     description=loadtest.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=settings.index_path,
                        help="index to serve (default: index/; it is only read)")
    parser.add_argument("--library", type=Path, default=settings.ingest_path,
                        help="library for the reindex run (copied, never changed)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--max-requests", type=int, default=5000, help="requests per run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--rounds", type=int, default=3,
                        help="slices each run is cut into, taken in turn (default 3)")
    parser.add_argument("--no-reindex", action="store_true", help="skip the reindex run")
    parser.add_argument("--no-references", action="store_true",
                        help="skip the PyTorch encoder and the minimal reference app")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    try:
        report = LoadTest(args.index.resolve(), args.library.resolve(), args.duration,
                          args.max_requests, args.concurrency, reindex=not args.no_reindex,
                          rounds=args.rounds, references=not args.no_references).measure()
    except IndexLoadError as exc:
        print(f"loadtest: {exc} (make index builds index/)", file=sys.stderr)
        return 2
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0 if all(t["met"] for t in report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
