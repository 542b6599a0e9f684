"""`backqa gaps`: what the library fails to answer, from the opt-in query log."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from backqa.cli.common import EXIT_ERROR, EXIT_OK, index_dir
from backqa.config import get_settings

if TYPE_CHECKING:
    from backqa.index.query_log import GapsReport, QuestionCount


def cmd_gaps(args: argparse.Namespace) -> int:
    import sqlite3

    from backqa.index.layout import IndexLayout
    from backqa.index.query_log import QueryLog

    if args.limit < 1:
        print("backqa gaps: --limit must be at least 1", file=sys.stderr)
        return EXIT_ERROR
    path = IndexLayout(index_dir(args)).query_log
    if not path.is_file():
        print(f"backqa gaps: {path} does not exist: no question was logged (the log is on "
              f"only with BACKQA_QUERY_LOG=true)", file=sys.stderr)
        return EXIT_ERROR
    try:
        log = QueryLog(path, retention_days=get_settings().query_log_days)
        try:
            report = log.gaps(limit=args.limit, weak_below=args.weak_below)
        finally:
            log.close()
    except sqlite3.Error as exc:
        print(f"backqa gaps: {path}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    describe_from_live_index(report, index_dir(args))
    print(report.model_dump_json(indent=2) if args.json else render_gaps(report))
    return EXIT_OK


def describe_from_live_index(report: GapsReport, folder: Path) -> None:
    """Name the unhelpful passages' sources and text, when the index has a live version."""
    import sqlite3

    from backqa.index.layout import VersionFiles
    from backqa.index.store import StoreReader
    from backqa.index.versions import IndexDirectory

    current = IndexDirectory(folder).current()
    if current is None or not report.unhelpful_passages:
        return
    try:
        report.describe_passages(StoreReader(VersionFiles(current).store))
    except sqlite3.Error as exc:  # the report stands without the passages' text
        print(f"backqa gaps: {current}: passages not described ({exc})", file=sys.stderr)


def render_gaps(report: GapsReport) -> str:
    """The report as readable terminal text."""
    lines = [f"{report.searches} searches logged"
             + (f" since {report.since}" if report.since else "")
             + f" (kept {report.retention_days} days)"]

    def table(title: str, rows: list[QuestionCount], failed: bool) -> None:
        lines.extend(["", title])
        if not rows:
            lines.append("  (none)")
        for r in rows:
            best = "-   " if r.best_score is None else f"{r.best_score:.2f}"
            count = f"{r.count:4d} of {r.searches:<4d} failed" if failed else \
                f"{r.searches:4d} asked"
            lines.append(f"  {count}  {r.no_match:4d} no match  best {best}  "
                         f"last {r.last_seen}  {r.question}")

    table(f"Content gaps (no match, nothing, or best cosine below {report.weak_below:.2f}):",
          report.gaps, failed=True)
    table("Most frequent questions:", report.top_questions, failed=False)
    lines.extend(["", "Passages most often marked unhelpful:"])
    if not report.unhelpful_passages:
        lines.append("  (none)")
    for p in report.unhelpful_passages:
        lines.append(f"  {p.unhelpful:5d} no  {p.helpful:5d} yes  last {p.last_seen}  "
                     f"{p.passage_id}  (for: {'; '.join(p.questions)})")
        if p.text is not None:
            flat = " ".join(p.text.split())
            excerpt = flat if len(flat) <= 90 else flat[:89] + "…"
            lines.append(f"{'':8s}{p.source_title}: {excerpt}")
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    from backqa.index.query_log import WEAK_BELOW

    p = sub.add_parser("gaps", help="questions the library fails to answer (from the query "
                                    "log, BACKQA_QUERY_LOG=true)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--limit", type=int, default=20, help="rows per list (default 20)")
    p.add_argument("--weak-below", type=float, default=WEAK_BELOW,
                   help=f"a best cosine below this is a weak answer (default {WEAK_BELOW})")
    p.set_defaults(func=cmd_gaps)
