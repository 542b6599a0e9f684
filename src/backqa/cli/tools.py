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
    from backqa.tools.evaluation.datasets import JudgedFile, ScopeQuestion
    from backqa.tools.evaluation.evaluator import Evaluator


def cmd_bench(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from backqa.tools.bench.http import HttpPlan
    from backqa.tools.bench.suite import Bench, BenchConfig
    from backqa.tools.bench.summary import format_table

    settings = get_settings()
    library = Path(args.library).resolve() if args.library else settings.ingest_path
    config = BenchConfig(library=library,
                         index_dir=Path(args.index).resolve() if args.index else None,
                         backend=settings.encoder, repeat=args.repeat, quality=args.quality,
                         scale_size=args.scale)
    http = HttpPlan(duration_s=args.duration, max_requests=args.max_requests)
    if args.quick:  # seconds, not minutes: few repetitions, short HTTP runs at c=1 and c=8
        config = BenchConfig.quick(library, index_dir=config.index_dir,
                                   backend=config.backend, quality=args.quality,
                                   scale_size=args.scale)
        http = replace(http, concurrencies=(1, 8), duration_s=2.0, max_requests=300,
                       rounds=1)
    config.http = None if args.no_http else http
    report = Bench(config).measure()
    print(json.dumps(report, indent=2) if args.json else format_table(report))
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
            scope = read_scope_files(args) if args.calibrate else []
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
        return calibrate_no_match(evaluator, tuning, scope, args.calibration_out)
    return EXIT_OK


def read_scope_files(args: argparse.Namespace) -> list[tuple[str, list[ScopeQuestion]]]:
    """The scope questions `--calibrate` fits the scope gate on: `--scope` and `--off-topic`
    files, by default those of tests/judged/ (`--no-scope`: none, thresholds only)."""
    from backqa.tools.evaluation.datasets import default_scope_files
    from backqa.tools.evaluation.datasets import read_scope_files as read_files

    if args.no_scope:
        return []
    labelled, off_topic = default_scope_files(get_settings().root / "tests" / "judged")
    labelled = [Path(p) for p in args.scope] if args.scope is not None else labelled
    off_topic = [Path(p) for p in args.off_topic] if args.off_topic is not None else off_topic
    return read_files(labelled, off_topic)


def calibrate_no_match(evaluator: Evaluator, tuning: list[JudgedFile],
                       scope: list[tuple[str, list[ScopeQuestion]]], out: str | None) -> int:
    """Write the library's no-match calibration, measured on the tuning files (and, for the
    scope gate, the scope files)."""
    from backqa.index.calibration import CALIBRATION_FILE, CalibrationError, write_calibration
    from backqa.tools.evaluation.datasets import judged_set_name

    path = Path(out) if out else get_settings().ingest_path / CALIBRATION_FILE
    questions = [q for f in tuning for q in f.questions]
    files = {q.id: f.path.name for f in tuning for q in f.questions}
    judged_set = judged_set_name(tuning)
    try:
        calibration = evaluator.calibrate(questions, judged_set, scope, files)
    except CalibrationError as exc:
        print(f"backqa eval: {exc}", file=sys.stderr)
        return EXIT_ERROR
    write_calibration(path, calibration)
    gate = calibration.scope
    how = (f"no match below cosine {calibration.dense} and term coverage "
           f"{calibration.lexical} (margin {calibration.margin_dense})") if gate is None else \
        (f"scope gate on {len(gate.training_files)} files; each left out once, it refused "
         f"{sum(f.off_topic_refused for f in gate.folds.values())}/"
         f"{sum(f.off_topic for f in gate.folds.values())} off-topic and "
         f"{sum(f.on_topic_refused for f in gate.folds.values())}/"
         f"{sum(f.on_topic for f in gate.folds.values())} on-topic questions")
    print(f"wrote {path} from {judged_set}: {how}; run `backqa ingest` to apply it",
          file=sys.stderr)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser("bench", help="one table: model, search, HTTP, ingest and memory, "
                       "each against a reference measured in the same run")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument("--library", help="library to ingest (default: ingest/; never changed)")
    p.add_argument("--index", help="index to search and serve (default: the library, "
                   "indexed into a temporary folder)")
    p.add_argument("--repeat", type=int, default=200, help="questions per timing (default 200)")
    p.add_argument("--duration", type=float, default=10.0,
                   help="seconds per HTTP concurrency level (default 10)")
    p.add_argument("--max-requests", type=int, default=3000,
                   help="requests per HTTP concurrency level (default 3000)")
    p.add_argument("--no-http", action="store_true", help="skip the HTTP runs")
    p.add_argument("--quick", action="store_true", help="a run of seconds: few repetitions, "
                   "one round, 2 s HTTP runs, no int8 graph")
    p.add_argument("--scale", type=int, nargs="?", const=1_000_000, metavar="PASSAGES",
                   help="also build PASSAGES (default 1,000,000) with the scale benchmark in a "
                   "child process and report its peak memory against the 4 GB budget (~1 h)")
    p.add_argument("--quality", action="store_true", help="also index the library with the "
                   "int8 graph and compare its nDCG@10 and R@100 with fp32's on the judged "
                   "tune and holdout splits")
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
    p.add_argument("--scope", nargs="*", metavar="FILE", help="with --calibrate: labelled "
                   "scope questions ({\"q\", \"on_topic\"} lines) for the scope gate "
                   "(default: tests/judged/scope_*.jsonl)")
    p.add_argument("--off-topic", nargs="*", metavar="FILE", help="with --calibrate: files "
                   "whose every question (\"q\") is off topic (default: "
                   "tests/judged/off_topic_*.jsonl)")
    p.add_argument("--no-scope", action="store_true", help="with --calibrate: thresholds "
                   "only, no scope gate")
    p.add_argument("--json", action="store_true", help="print every figure as JSON")
    p.set_defaults(func=cmd_eval)
