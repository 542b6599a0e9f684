"""The `backqa` command line: ingest, search, sources, stats, serve, eval and bench."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

from backqa.config import get_settings

EXIT_OK, EXIT_SKIPPED, EXIT_ERROR = 0, 1, 2


def _index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index).resolve() if args.index else get_settings().index_path


def cmd_ingest(args: argparse.Namespace) -> int:
    from backqa.ingest import IngestPipeline
    from backqa.versions import IndexLocked

    settings = get_settings()
    paths = [Path(p) for p in args.paths] or [settings.ingest_path]
    pipeline = IngestPipeline(_index_dir(args), settings.root, min_words=settings.min_words,
                              max_words=settings.max_words,
                              encoder_factory=_encoder_factory())
    try:
        summary = pipeline.run(paths, rebuild=args.rebuild)
    except IndexLocked as exc:
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


def _encoder_factory() -> Callable[[], object]:
    from backqa.encoder import load_encoder

    backend = get_settings().encoder
    return lambda: load_encoder(backend)


def _load_searcher(args: argparse.Namespace):
    from backqa.encoder import load_encoder
    from backqa.index import load_current
    from backqa.search import Searcher

    index = load_current(_index_dir(args))
    return Searcher(index, load_encoder(get_settings().encoder))


def cmd_search(args: argparse.Namespace) -> int:
    from backqa.index import IndexLoadError

    try:
        searcher = _load_searcher(args)
    except IndexLoadError as exc:
        print(f"backqa search: {exc}", file=sys.stderr)
        return EXIT_ERROR
    questions: Iterable[str]
    if args.question == "-":
        questions = (line.rstrip("\n") for line in sys.stdin)
    else:
        questions = [args.question]
    for question in questions:
        if not question.strip():
            continue
        response = searcher.search(question, k=args.k, kind=args.kind)
        if args.json:
            print(response.model_dump_json(), flush=True)
        else:
            print(render_response(response), flush=True)
    return EXIT_OK


def render_response(response) -> str:
    """A search response as readable terminal text, wrapped to the terminal's width."""
    width = min(100, shutil.get_terminal_size((100, 24)).columns)
    lines = [f"Q: {response.query}"]
    if response.notice:
        lines.append(f"! {response.notice.get('message', '')}")
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
        if r.highlight:
            lines.extend(textwrap.wrap("» " + r.highlight, width, initial_indent="   ",
                                       subsequent_indent="     "))
        for paragraph in r.text.split("\n"):
            lines.extend(textwrap.wrap(paragraph, width, initial_indent="   ",
                                       subsequent_indent="   "))
    return "\n".join(lines)


def cmd_sources(args: argparse.Namespace) -> int:
    from backqa.index import IndexLoadError, load_current

    try:
        index = load_current(_index_dir(args))
    except IndexLoadError as exc:
        print(f"backqa sources: {exc}", file=sys.stderr)
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
    from backqa.index import IndexLoadError, load_current

    try:
        index = load_current(_index_dir(args))
    except IndexLoadError as exc:
        print(f"backqa stats: {exc}", file=sys.stderr)
        return EXIT_ERROR
    m = index.manifest
    stats = {"index_version": index.version, "built_at": m["built_at"], "path": str(index.path),
             "counts": m["counts"], "model": m["model"], "vector_index": m["vector_index"],
             "chunking": m["chunking"]}
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        c = m["counts"]
        print(f"index version  {index.version} (built {m['built_at']})\n"
              f"path           {index.path}\n"
              f"sources        {c['sources']}\n"
              f"passages       {c['passages']} ({c['grouped_passages']} in {c['groups']} "
              f"near-duplicate groups)\n"
              f"model          {m['model']['name']} ({m['model']['package']}, "
              f"{m['dimensions']} dimensions, weights {m['model']['weights_sha256'][:12]})\n"
              f"vector index   {m['vector_index']['type']}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backqa", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build or update the index from source documents")
    p.add_argument("paths", nargs="*", help="files or folders (default: the ingest/ folder)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.add_argument("--rebuild", action="store_true", help="ignore the live index and cache")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="ask the library a question")
    p.add_argument("question", help="the question, or - to read one question per line")
    p.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    p.add_argument("--kind", choices=["article", "forum-question", "forum-answer", "forum"])
    p.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.set_defaults(func=cmd_search)

    for name, func, text in (("sources", cmd_sources, "list what is in the index"),
                             ("stats", cmd_stats, "counts, model and version of the index")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--index", help="index folder (default: index/)")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)

    # Later features add their subcommands here, importing their modules inside `func`
    # so that every command starts fast.
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
