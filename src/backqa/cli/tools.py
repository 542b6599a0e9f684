"""`backqa eval`, `bench` and `export-onnx`: measure quality and speed, prepare the model."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from backqa.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    load_searcher,
)
from backqa.config import get_settings

if TYPE_CHECKING:
    from backqa.tools.evaluation.datasets import JudgedQuestion
    from backqa.tools.evaluation.evaluator import Evaluator


def cmd_bench(args: argparse.Namespace) -> int:
    from backqa.tools.bench.suite import Bench, BenchConfig
    from backqa.tools.bench.summary import format_report

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
    from backqa.encoders.onnx_export import main as export_graphs

    code = export_graphs(["--force"] if args.force else [])  # fp32, then its int8 quantisation
    return EXIT_OK if code == 0 else EXIT_ERROR


def cmd_eval(args: argparse.Namespace) -> int:
    from backqa.index.loaded import IndexLoadError
    from backqa.progress import Progress
    from backqa.tools.evaluation.datasets import (
        EvalError,
        judged_set_name,
        read_judged_files,
        read_qrels,
        read_queries,
        split_files,
    )
    from backqa.tools.evaluation.evaluator import BEIR_MODES, JUDGED_MODES, Evaluator
    from backqa.tools.evaluation.report import SetReport
    from backqa.tools.evaluation.runs import run_path, write_trec_run

    judged = bool(args.judged or args.split)
    problem = ("--queries needs --qrels" if args.queries and not args.qrels else
               "--calibrate needs --judged or --split" if args.calibrate and not judged else
               "--run-out needs --queries and --qrels" if args.run_out and judged else
               "the windows baseline needs --judged or --split"
               if args.mode == "windows" and not judged else None)
    if problem:
        print(f"backqa eval: {problem}", file=sys.stderr)
        return EXIT_ERROR
    modes = list(JUDGED_MODES if judged else BEIR_MODES) if args.mode == "all" else [args.mode]
    try:
        if judged:
            paths = [Path(p) for p in args.judged] if args.judged else \
                split_files(get_settings().root / "tests" / "judged", args.split)
            files = read_judged_files(paths)
            tuning = [f for f in files if not f.held_out]
            if args.calibrate and not tuning:
                raise EvalError("--calibrate uses the tuning files only, and every file given "
                                "is held out")
        else:
            queries, qrels = read_queries(Path(args.queries)), read_qrels(Path(args.qrels))
        searcher = load_searcher(args)
        evaluator = Evaluator(searcher, progress=Progress())
        runs = {}
        if judged:
            sets = [evaluator.judged(f.questions, modes, name=f.path.name) for f in files]
        else:
            beir = evaluator.beir(queries, qrels, modes, name=Path(args.qrels).name)
            sets, runs = [beir.report], beir.runs
    except (IndexLoadError, EvalError) as exc:
        print(f"backqa eval: {exc}", file=sys.stderr)
        return EXIT_ERROR
    pooled = SetReport.pooled("pooled", sets) if len(sets) > 1 else None
    index = {"path": str(searcher.index.path), "version": searcher.index.version,
             "passages": searcher.index.passage_count}
    if args.json:
        print(json.dumps({"index": index, "sets": [s.to_dict() for s in sets],
                          "pooled": pooled.to_dict() if pooled else None}, indent=2))
    else:
        print(f"index {index['version']} ({index['passages']} passages)")
        for table in [s.table() for s in sets] + ([pooled.table()] if pooled else []):
            print(f"\n{table}")
    for mode, run in runs.items():
        path = run_path(Path(args.run_out), mode, len(runs) > 1)
        write_trec_run(path, run, f"backqa-{mode}")
        print(f"wrote {path}", file=sys.stderr)
    if args.calibrate:
        return calibrate_no_match(evaluator, [q for f in tuning for q in f.questions],
                                  judged_set_name(tuning), args.calibration_out)
    return EXIT_OK


def calibrate_no_match(evaluator: Evaluator, questions: list[JudgedQuestion], judged_set: str,
                       out: str | None) -> int:
    """Write the library's no-match thresholds, measured on `questions`."""
    from backqa.index.calibration import CALIBRATION_FILE, CalibrationError, write_calibration

    path = Path(out) if out else get_settings().ingest_path / CALIBRATION_FILE
    try:
        calibration = evaluator.calibrate(questions, judged_set)
    except CalibrationError as exc:
        print(f"backqa eval: {exc}", file=sys.stderr)
        return EXIT_ERROR
    write_calibration(path, calibration)
    print(f"wrote {path} from {judged_set}: no match below cosine {calibration.dense} and "
          f"term coverage {calibration.lexical} (margin {calibration.margin_dense}); run "
          f"`backqa ingest` to apply it", file=sys.stderr)
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
    what.add_argument("--judged", nargs="+", metavar="FILE", help="judged question file(s), "
                      "e.g. tests/judged/questions.jsonl; several: a table each and pooled")
    what.add_argument("--split", choices=["tune", "holdout", "all"], help="the judged files "
                      "of tests/judged/: tune (questions, batch2, batch3), holdout, or all")
    p.add_argument("--qrels", help="BEIR qrels TSV: query-id, corpus-id, score (header line)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.add_argument("--mode", default="all",
                   choices=["bm25", "dense", "windows", "fusion", "final", "all"],
                   help="ranking to measure (default all): each ranker alone, the fixed-window "
                   "baseline (judged set only), the fusion stage, or the final search output")
    p.add_argument("--run-out", help="write the run(s) in TREC format (BEIR; one file a mode: "
                   "RUN.<mode>.txt when several)")
    p.add_argument("--calibrate", action="store_true", help="with --judged or --split: write "
                   "the library's no-match thresholds from the tuning files given (never the "
                   "held-out one); the next `backqa ingest` applies them")
    p.add_argument("--calibration-out", help="where --calibrate writes (default: "
                   "<library>/no-match.json)")
    p.add_argument("--json", action="store_true", help="print every figure as JSON")
    p.set_defaults(func=cmd_eval)
