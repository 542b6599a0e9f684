"""The benchmark's summary: ratios to the baselines, the targets, and the readable table."""

from __future__ import annotations

from typing import Any

from backqa.tools.bench.measures import ratio

# Targets from the performance issue; reported as met/not met, never asserted.
TARGETS = {
    "question_embed_ratio_max": 1.3,
    "search_median_ms_max": 5.0,
    "http_c1_median_ms_max": 6.0,
    "http_c8_rps_min": 250.0,
    "ingest_ratio_min": 0.9,
    "unchanged_ingest_s_max": 1.0,
}


def ratios(r: dict[str, Any]) -> dict[str, Any]:
    """Each figure against its baseline from the same run."""
    raw_q = r["model"]["raw_question"]["median_ms"]
    out = {
        "question_embed_vs_raw": ratio(r["model"]["encoder_question"]["median_ms"], raw_q),
        "search_vs_raw_question": ratio(r["search"]["search"]["median_ms"], raw_q),
        # texts embedded per second by ingest vs by the bare encoder (like for like)
        "ingest_vs_raw_passages": ratio(r["ingest"]["cold_texts_per_s"],
                                        r["model"]["passages_per_s"]),
        # what a user sees: passages indexed per second vs raw passage embedding
        "ingest_passages_vs_raw_passages": ratio(r["ingest"]["cold_passages_per_s"],
                                                 r["model"]["passages_per_s"]),
    }
    if "http" in r and "1" in r["http"]:
        out["http_c1_vs_search"] = ratio(r["http"]["1"]["median_ms"],
                                         r["search"]["search"]["median_ms"])
        out["http_c1_vs_raw_question"] = ratio(r["http"]["1"]["median_ms"], raw_q)
    if "http" in r and "8" in r["http"] and raw_q:
        # what one process could do if it only ran the model, one question per call
        out["http_c8_rps_vs_raw_model_rps"] = ratio(r["http"]["8"]["rps"], 1000 / raw_q)
    if "torch" in r:
        out["onnx_question_speedup_vs_torch"] = ratio(
            r["torch"]["question"]["median_ms"], r["model"]["encoder_question"]["median_ms"])
        out["onnx_passages_speedup_vs_torch"] = ratio(r["model"]["passages_per_s"],
                                                      r["torch"]["passages_per_s"])
    return out


def targets(r: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target with its value and whether it is met (reported, never asserted)."""
    t = TARGETS
    rt = r["ratios"]

    def check(value: float | None, limit: float, upper: bool) -> dict[str, Any]:
        met = None if value is None else (value <= limit if upper else value >= limit)
        return {"value": value, "target": f"{'<=' if upper else '>='} {limit}", "met": met}

    out = {
        "question_embed_ratio": check(rt["question_embed_vs_raw"],
                                      t["question_embed_ratio_max"], True),
        "search_median_ms": check(r["search"]["search"]["median_ms"],
                                  t["search_median_ms_max"], True),
        "ingest_ratio": check(rt["ingest_vs_raw_passages"], t["ingest_ratio_min"], False),
        "ingest_pipeline_share": check(r["ingest"]["pipeline_share"],
                                       round(1 - t["ingest_ratio_min"], 3), True),
        "unchanged_ingest_s": check(r["ingest"]["unchanged_seconds"],
                                    t["unchanged_ingest_s_max"], True),
    }
    http = r.get("http", {})
    if "1" in http:
        out["http_c1_median_ms"] = check(http["1"]["median_ms"],
                                         t["http_c1_median_ms_max"], True)
    if "8" in http:
        out["http_c8_rps"] = check(http["8"]["rps"], t["http_c8_rps_min"], False)
    if http:
        errors = sum(v["errors"] for k, v in http.items() if k.isdigit())
        out["http_errors"] = {"value": errors, "target": "== 0", "met": errors == 0}
    return out


def format_report(r: dict[str, Any]) -> str:
    """The report as a readable table."""
    m, s, ing, idx = r["model"], r["search"], r["ingest"], r["index"]
    lines = [f"backqa bench: {r['encoder']['backend']} ({r['encoder']['model']}), "
             f"{r['cpus']} CPUs, index {idx['passages']} passages ({idx['vector_index']})",
             "",
             f"{'measure':44s} {'median':>10s} {'p99':>10s}  ratio",
             f"{'raw model: one question (ms)':44s} {m['raw_question']['median_ms']:10.2f} "
             f"{m['raw_question']['p99_ms']:10.2f}  1.00",
             f"{'encoder: one question (ms)':44s} {m['encoder_question']['median_ms']:10.2f} "
             f"{m['encoder_question']['p99_ms']:10.2f}  "
             f"{r['ratios']['question_embed_vs_raw']} x raw",
             f"{'in-process search (ms)':44s} {s['search']['median_ms']:10.2f} "
             f"{s['search']['p99_ms']:10.2f}  {r['ratios']['search_vs_raw_question']} x raw",
             f"{'  of which ranking, no embedding (ms)':44s} "
             f"{s['without_embedding']['median_ms']:10.2f} "
             f"{s['without_embedding']['p99_ms']:10.2f}"]
    for c, h in r.get("http", {}).items():
        if c.isdigit():
            label = f"HTTP c={c} (ms; {h['rps']} req/s, {h['errors']} errors)"
            lines.append(f"{label:44s} {h['median_ms'] or 0:10.2f} {h['p99_ms'] or 0:10.2f}")
    lines += ["",
              f"raw passage embedding      {m['passages_per_s']} passages/s "
              f"({m['passages']} passages)",
              f"cold ingest                {ing['cold_seconds']} s: "
              f"{ing['cold_texts_per_s']} texts/s embedded "
              f"({r['ratios']['ingest_vs_raw_passages']} x raw; {ing['embedded_texts']} texts "
              f"for {ing['passages']} passages), {ing['cold_passages_per_s']} passages/s "
              f"({r['ratios']['ingest_passages_vs_raw_passages']} x raw)",
              f"  pipeline besides embedding {ing['pipeline_seconds']} s = "
              f"{ing['pipeline_share']} of the ingest",
              f"unchanged re-ingest        {ing['unchanged_seconds']} s in-process, "
              f"{ing['unchanged_cli_seconds']} s as `backqa ingest` (with start-up)",
              f"index load                 {idx['load_median_ms']} ms",
              f"resident memory            {r['rss_inprocess_mb']} MB bench process, "
              f"{r.get('http', {}).get('server_rss_mb')} MB server"]
    if "torch" in r:
        lines.append(f"PyTorch baseline           {r['torch']['question']['median_ms']} ms "
                     f"per question, {r['torch']['passages_per_s']} passages/s "
                     f"(ONNX is {r['ratios']['onnx_question_speedup_vs_torch']}x / "
                     f"{r['ratios']['onnx_passages_speedup_vs_torch']}x faster)")
    lines.append("")
    for name, t in r["targets"].items():
        mark = {True: "met", False: "NOT met", None: "n/a"}[t["met"]]
        lines.append(f"target {name:22s} {t['value']!s:>10s} {t['target']:>10s}  {mark}")
    return "\n".join(lines)
