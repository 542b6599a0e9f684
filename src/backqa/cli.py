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
    from backqa.ingest import IngestError, IngestPipeline
    from backqa.versions import IndexLocked

    settings = get_settings()
    paths = [Path(p) for p in args.paths] or [settings.ingest_path]
    pipeline = IngestPipeline(_index_dir(args), settings.root, min_words=settings.min_words,
                              max_words=settings.max_words,
                              encoder_factory=_encoder_factory())
    try:
        summary = pipeline.run(paths, rebuild=args.rebuild)
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


def _encoder_factory() -> Callable[[], object]:
    from backqa.encoder import load_encoder

    backend = get_settings().encoder
    return lambda: load_encoder(backend)


def _load_searcher(args: argparse.Namespace):
    from backqa.encoder import load_encoder
    from backqa.index import IndexLoadError, load_current
    from backqa.search import Searcher

    index = load_current(_index_dir(args))
    encoder = load_encoder(get_settings().encoder)
    if encoder.identity.key != index.model_key:  # vectors of two models do not compare
        raise IndexLoadError(f"{index.path / 'manifest.json'}: built with model "
                             f"{index.model_key}, but questions would be embedded with "
                             f"{encoder.identity.key}; run `backqa ingest --rebuild`")
    return Searcher(index, encoder)


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
        response = searcher.search(question, k=args.k, kind=args.kind, topic=args.topic)
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


def cmd_serve(args: argparse.Namespace) -> int:
    import logging
    import socket

    import uvicorn

    from backqa.api import create_app

    settings = get_settings()
    if args.index:
        settings = settings.model_copy(update={"index_dir": Path(args.index).resolve()})
    host = args.host or settings.host
    port = args.port or settings.port
    try:  # fail at once, before the model loads, when the address is taken
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        socket.create_server((host, port), family=family).close()
    except OSError as exc:
        print(f"backqa serve: cannot listen on {host}:{port} ({exc.strerror or exc}); is "
              f"another server running there? Choose another with --port", file=sys.stderr)
        return EXIT_ERROR
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(f"backqa: serving {settings.index_path} on http://{host}:{port}/ "
          f"(API docs at /docs)", file=sys.stderr, flush=True)
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False,
                log_level="info", timeout_graceful_shutdown=5)
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from backqa.bench import Bench, BenchConfig, format_report

    settings = get_settings()
    library = Path(args.library).resolve() if args.library else settings.ingest_path
    config = BenchConfig(library=library,
                         index_dir=Path(args.index).resolve() if args.index else None,
                         backend=settings.encoder, repeat=args.repeat,
                         http_duration_s=args.duration, http_max_requests=args.max_requests,
                         http=not args.no_http, torch_baseline=not args.no_torch)
    report = Bench(config).run()
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


def cmd_export_onnx(args: argparse.Namespace) -> int:
    from backqa.onnx_encoder import OnnxExporter

    try:
        path = OnnxExporter().run(force=args.force)
    except Exception as exc:
        print(f"backqa export-onnx: failed ({type(exc).__name__}: {exc}); searches will use "
              f"PyTorch", file=sys.stderr)
        return EXIT_ERROR
    print(path)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from backqa.calibration import CALIBRATION_FILE, CalibrationError, write_calibration
    from backqa.evaluation import (
        BEIR_MODES,
        JUDGED_MODES,
        EvalError,
        Evaluator,
        format_table,
        read_judged,
        read_qrels,
        read_queries,
        run_path,
        write_trec_run,
    )
    from backqa.index import IndexLoadError

    if args.queries and not args.qrels:
        print("backqa eval: --queries needs --qrels", file=sys.stderr)
        return EXIT_ERROR
    if args.calibrate and not args.judged:
        print("backqa eval: --calibrate needs --judged", file=sys.stderr)
        return EXIT_ERROR
    all_modes = JUDGED_MODES if args.judged else BEIR_MODES
    if args.mode == "windows" and not args.judged:
        print("backqa eval: the windows baseline needs --judged", file=sys.stderr)
        return EXIT_ERROR
    modes = list(all_modes) if args.mode == "all" else [args.mode]
    try:
        searcher = _load_searcher(args)
        evaluator = Evaluator(searcher)
        if args.judged:
            questions = read_judged(Path(args.judged))
            reports = evaluator.judged(questions, modes)
            runs = {}
        else:
            queries, qrels = read_queries(Path(args.queries)), read_qrels(Path(args.qrels))
            from tqdm import tqdm

            bars: dict[str, tqdm] = {}

            def progress(mode: str, done: int, total: int) -> None:
                bar = bars.setdefault(mode, tqdm(total=total, desc=f"eval {mode}",
                                                 unit="query", file=sys.stderr, leave=False))
                bar.update(done - bar.n)
                if done == total:
                    bar.close()

            reports, runs = evaluator.beir(queries, qrels, modes, progress=progress)
    except (IndexLoadError, EvalError) as exc:
        print(f"backqa eval: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=2))
    else:
        print(f"index {searcher.index.version} ({searcher.index.passage_count} passages); "
              f"{reports[0].queries} judged questions"
              + (f", {reports[0].off_topic} off-topic" if args.judged else ""))
        print(format_table(reports, judged=bool(args.judged)))
    if args.run_out:
        for mode, run in runs.items():
            path = run_path(Path(args.run_out), mode, len(runs) > 1)
            write_trec_run(path, run, f"backqa-{mode}")
            print(f"wrote {path}", file=sys.stderr)
    if args.calibrate:
        out = Path(args.calibration_out) if args.calibration_out else \
            get_settings().ingest_path / CALIBRATION_FILE
        try:
            calibration = evaluator.calibrate(questions, Path(args.judged).name)
        except CalibrationError as exc:
            print(f"backqa eval: {exc}", file=sys.stderr)
            return EXIT_ERROR
        write_calibration(out, calibration)
        print(f"wrote {out}: no match below cosine {calibration.dense} and term coverage "
              f"{calibration.lexical} (margin {calibration.margin_dense}); run `backqa ingest` "
              f"to apply it", file=sys.stderr)
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

    p = sub.add_parser("serve", help="answer questions over HTTP (API, page, docs)")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1, BACKQA_HOST)")
    p.add_argument("--port", type=int, help="port (default 8000, BACKQA_PORT)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("bench", help="measure model, search, HTTP, ingest, load and memory")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument("--library", help="library to ingest (default: ingest/; never changed)")
    p.add_argument("--index", help="index to search and serve (default: the library, "
                   "indexed into a temporary folder)")
    p.add_argument("--repeat", type=int, default=200, help="questions per timing (default 200)")
    p.add_argument("--duration", type=float, default=10.0,
                   help="seconds per HTTP concurrency level (default 10)")
    p.add_argument("--max-requests", type=int, default=3000,
                   help="requests per HTTP concurrency level (default 3000)")
    p.add_argument("--no-http", action="store_true", help="skip the HTTP service runs")
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch baseline")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("export-onnx", help="export the bundled model to ONNX (done on first "
                       "use otherwise; `make install` runs it)")
    p.add_argument("--force", action="store_true", help="export again even if cached")
    p.set_defaults(func=cmd_export_onnx)

    p = sub.add_parser("eval", help="measure retrieval quality (BEIR qrels or the judged set)")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--queries", help="BEIR queries.jsonl (with --qrels)")
    what.add_argument("--judged", help="judged question set, e.g. tests/judged/questions.jsonl")
    p.add_argument("--qrels", help="BEIR qrels TSV: query-id, corpus-id, score (header line)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.add_argument("--mode", default="all",
                   choices=["bm25", "dense", "hybrid", "windows", "all"],
                   help="ranking to measure (default all; windows: judged set only)")
    p.add_argument("--run-out", help="write the run(s) in TREC format (BEIR; one file a mode: "
                   "RUN.<mode>.txt when several)")
    p.add_argument("--calibrate", action="store_true", help="with --judged: write the "
                   "library's no-match thresholds (applied by the next `backqa ingest`)")
    p.add_argument("--calibration-out", help="where --calibrate writes (default: "
                   "<library>/no-match.json)")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.set_defaults(func=cmd_eval)

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
