"""`backqa eval`, `bench` and `export-onnx`: measure quality and speed, prepare the model."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from backqa.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    load_searcher,
)
from backqa.config import get_settings


def cmd_bench(args: argparse.Namespace) -> int:
    from backqa.tools.bench import Bench, BenchConfig, format_report

    settings = get_settings()
    library = Path(args.library).resolve() if args.library else settings.ingest_path
    config = BenchConfig(library=library,
                         index_dir=Path(args.index).resolve() if args.index else None,
                         backend=settings.encoder, repeat=args.repeat,
                         http_duration_s=args.duration, http_max_requests=args.max_requests,
                         http=not args.no_http, torch_baseline=not args.no_torch)
    report = Bench(config).measure()
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


def cmd_export_onnx(args: argparse.Namespace) -> int:
    from backqa.encoders.onnx_export import OnnxExporter

    try:
        path = OnnxExporter().export(force=args.force)
    except Exception as exc:
        print(f"backqa export-onnx: failed ({type(exc).__name__}: {exc}); searches will use "
              f"PyTorch", file=sys.stderr)
        return EXIT_ERROR
    print(path)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from backqa.index.calibration import CALIBRATION_FILE, CalibrationError, write_calibration
    from backqa.index.loaded import IndexLoadError
    from backqa.tools.evaluation import (
        BEIR_MODES,
        JUDGED_MODES,
        EvalError,
        Evaluator,
        Ranking,
        format_table,
        read_judged,
        read_qrels,
        read_queries,
        run_path,
        write_trec_run,
    )

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
        searcher = load_searcher(args)
        evaluator = Evaluator(searcher)
        if args.judged:
            questions = read_judged(Path(args.judged))
            reports = evaluator.judged(questions, modes)
            runs: dict[str, dict[str, Ranking]] = {}
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


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
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
