"""`backqa search`, `sources` and `stats`: ask the library, and see what is in it."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from backqa.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    index_dir,
    load_searcher,
)

if TYPE_CHECKING:
    from backqa.index.loaded import LoadedIndex
    from backqa.search.response import SearchResponse


def cmd_search(args: argparse.Namespace) -> int:
    from backqa.index.loaded import IndexLoadError

    try:
        searcher = load_searcher(args)
    except IndexLoadError as exc:
        print(f"backqa search: {exc}", file=sys.stderr)
        return EXIT_ERROR
    questions: Iterable[str]
    if args.question == "-":
        questions = (line.rstrip("\n") for line in sys.stdin)
    else:
        questions = [args.question]
    try:
        for question in questions:
            if not question.strip():
                continue
            response = searcher.search(question, k=args.k, kind=args.kind, topic=args.topic)
            if args.json:
                print(response.model_dump_json(), flush=True)
            else:
                print(render_response(response), flush=True)
    except BrokenPipeError:  # the reader went away (`backqa search ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def render_response(response: SearchResponse) -> str:
    """A search response as readable terminal text, wrapped to the terminal's width."""
    width = min(100, shutil.get_terminal_size((100, 24)).columns)
    lines = [f"Q: {response.query}"]
    if response.notice:
        lines.extend(textwrap.wrap(f"! {response.notice.message}", width,
                                   subsequent_indent="  "))
        lines.append(f"  (noticed: {'; '.join(response.notice.triggers)})")
        for p in response.notice.passages:
            lines.append(f"  - {' > '.join(filter(None, [p.source.title, p.section]))}")
    if response.topic_counts:
        lines.append("Topics: " + ", ".join(f"{t} {n}" for t, n in
                                             sorted(response.topic_counts.items())))
    if response.no_match:
        lines.append("No match: the library has nothing on this question. Try other words.")
        return "\n".join(lines)
    for r in response.results:
        kind = {"article": "article", "forum-question": "forum question",
                "forum-answer": f"forum answer #{r.answer_number}"}[r.kind]
        where = " > ".join(filter(None, [r.source.title, r.section]))
        similar = f", +{r.similar_count} similar" if r.similar_count else ""
        lines.append("")
        lines.append(f"{r.rank}. {where}  [{kind}{similar}; score {r.score:.4f}]")
        lines.append(f"   {r.source.path}")
        if r.topics:
            lines.append(f"   topics: {', '.join(r.topics)}")
        if r.agreeing_sources and len(r.agreeing_sources) > 1 and response.source_count:
            others = [response.source_titles.get(s, s) for s in r.agreeing_sources[1:]]
            lines.append(f"   said by {len(r.agreeing_sources)} of {response.source_count} "
                         f"sources (also: {'; '.join(others)})")
        if r.highlight:
            lines.extend(textwrap.wrap("» " + r.highlight, width, initial_indent="   ",
                                       subsequent_indent="     "))
        for paragraph in r.text.split("\n"):
            lines.extend(textwrap.wrap(paragraph, width, initial_indent="   ",
                                       subsequent_indent="   "))
    return "\n".join(lines)


def live_index(args: argparse.Namespace, command: str) -> LoadedIndex | None:
    """The live index, or None after saying on stderr why it cannot be loaded."""
    from backqa.index.loaded import IndexLoadError, load_current

    try:
        return load_current(index_dir(args))
    except IndexLoadError as exc:
        print(f"backqa {command}: {exc}", file=sys.stderr)
        return None


def cmd_sources(args: argparse.Namespace) -> int:
    index = live_index(args, "sources")
    if index is None:
        return EXIT_ERROR
    sources = index.store.sources()
    if args.json:
        print(json.dumps([s.__dict__ for s in sources], indent=2))
        return EXIT_OK
    for s in sources:
        print(f"{s.passage_count:5d} passages  {s.kind:12s}  {s.title}\n"
              f"{'':17s}{s.path}  (id {s.id}, ingested {s.ingested_at})")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    index = live_index(args, "stats")
    if index is None:
        return EXIT_ERROR
    m = index.manifest
    stats = {"index_version": index.version, "built_at": m.built_at, "path": str(index.path),
             "counts": m.counts.model_dump(), "model": m.model.model_dump(),
             "vector_index": m.vector_index.model_dump(exclude_none=True),
             "chunking": m.chunking.model_dump()}
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        c = m.counts
        print(f"index version  {index.version} (built {m.built_at})\n"
              f"path           {index.path}\n"
              f"sources        {c.sources}\n"
              f"passages       {c.passages} ({c.grouped_passages} in {c.groups} "
              f"near-duplicate groups)\n"
              f"model          {m.model.name} ({m.model.package}, "
              f"{m.dimensions} dimensions, weights {m.model.weights_sha256[:12]})\n"
              f"vector index   {m.vector_index.type}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser("search", help="ask the library a question")
    p.add_argument("question", help="the question, or - to read one question per line")
    p.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    p.add_argument("--kind", choices=["article", "forum-question", "forum-answer", "forum"])
    p.add_argument("--topic", choices=["cause", "treatment", "prevention",
                                       "when-to-see-a-doctor", "personal-experience"],
                   help="only passages on this topic")
    p.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.set_defaults(func=cmd_search)

    for name, func, text in (("sources", cmd_sources, "list what is in the index"),
                             ("stats", cmd_stats, "counts, model and version of the index")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--index", help="index folder (default: index/)")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)
