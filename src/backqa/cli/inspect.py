"""`backqa inspect PATH`: what ingest would make of one file, with nothing embedded or published."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from backqa.cli.common import EXIT_OK, EXIT_SKIPPED
from backqa.config import get_settings

if TYPE_CHECKING:
    from backqa.ingest.inspect import DocumentReport, InspectReport, TreeNode

PREVIEW_CHARS = 100


def cmd_inspect(args: argparse.Namespace) -> int:
    from backqa.ingest.inspect import Inspector

    settings = get_settings()
    inspector = Inspector(settings.root, settings.min_words, settings.max_words)
    report = inspector.inspect(Path(args.path))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif report.documents:
        print(render(report))
    for problem in report.problems:
        print(("error: " if problem.skipped else "warning: ") + str(problem), file=sys.stderr)
    return EXIT_SKIPPED if report.failed else EXIT_OK


def render(report: InspectReport) -> str:
    """The report as text for a terminal or a note."""
    out: list[str] = []
    for document in report.documents:
        out.extend(_document_lines(document))
    groups = report.duplicate_groups
    out.append(f"near-duplicate groups (by wording; no model): {len(groups) or 'none'}")
    out.extend("  passages " + ", ".join(map(str, group)) for group in groups)
    return "\n".join(out)


def _document_lines(document: DocumentReport) -> list[str]:
    where = f"{document.path}:{document.line}" if document.line else document.path
    out = [f"{where} ({document.format}) -> source {document.source_id!r}",
           f"title: {document.title}", f"kind: {document.kind}",
           f"dropped: {len(document.dropped)} line(s)"]
    for dropped in document.dropped:
        line = f"line {dropped.line}" if dropped.line else "line ?"
        out.append(f"  {line:>9}  [{dropped.rule}] {_preview(dropped.text)}")
    out.append("structure:")
    out.extend(_tree_lines(document.tree, depth=1))
    out.append(f"passages: {len(document.passages)}")
    for passage in document.passages:
        path = " > ".join(passage.heading_path) or "(no heading)"
        topics = ", ".join(passage.topics) or "no topic"
        group = f"; near-duplicate of {passage.duplicate_group}" \
            if passage.duplicate_group not in (None, passage.number) else ""
        out.append(f"  {passage.number:>3}. {path} ({passage.kind}; {passage.words} words; "
                   f"{topics}{group})")
        out.append(f"       {_preview(passage.text)}")
    out.append("")
    return out


def _tree_lines(nodes: list[TreeNode], depth: int) -> list[str]:
    out: list[str] = []
    for node in nodes:
        count = f" [{node.passages} passage{'s' if node.passages != 1 else ''}]" \
            if node.passages else ""
        out.append(f"{'  ' * depth}- {node.kind}: {node.label}{count}")
        out.extend(_tree_lines(node.children, depth + 1))
    return out


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[:PREVIEW_CHARS - 1] + "…"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser("inspect", help="dry-run ingest of one file: what is dropped, the "
                                       "structure, passages, topics, near-duplicates")
    p.add_argument("path", help="a source file (.txt, .md, .html, .jsonl), with its "
                                ".meta.toml sidecar if any")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_inspect)
