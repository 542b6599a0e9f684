"""The bench's one table: each figure, its reference measured in the same run, their ratio,
the target and whether it is met (reported, never asserted)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from backqa.tools.bench.measures import ratio

# Targets (issue 15), on the ratio to the reference unless `on_value`.
TARGETS: dict[str, tuple[str, float]] = {
    "question_encode": ("<=", 0.5),  # one question, p50, vs the bare PyTorch encode
    "http_c1": ("<=", 0.5),  # a whole request at concurrency 1, p50, vs the same
    "http_c8": (">=", 1.0),  # req/s vs the minimal reference app's, same load generator
    "cold_ingest": ("<=", 0.5),  # vs bare PyTorch embedding of the same passages
    "scale_peak": ("<=", 1.0),  # vs the memory budget
}
MAX_NDCG_LOSS = 0.005  # int8 vs fp32 (tools/quantization.py's rule)
MAX_RECALL_LOSS = 0.01


@dataclass(frozen=True)
class Row:
    """One line of the table; `met` is None when the figure has no target."""

    figure: str
    value: float | None
    unit: str
    reference: str = ""
    reference_value: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None


def _vs(figure: str, value: float | None, unit: str, reference: str,
        reference_value: float | None, target: str | None = None) -> Row:
    """A row whose target, if any, bounds value / reference_value."""
    r = ratio(value, reference_value)
    if target is None:
        return Row(figure, value, unit, reference, reference_value, r)
    op, limit = TARGETS[target]
    met = None if r is None else (r <= limit if op == "<=" else r >= limit)
    return Row(figure, value, unit, reference, reference_value, r, f"{op} {limit}x", met)


def _median(stats: dict[str, Any] | None) -> float | None:
    return None if not stats else stats.get("median_ms")


def table_rows(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The table of a bench report, one dict a row (see `Row`)."""
    q = r["question"]
    torch_ms = _median(q["bare_torch"])
    rows = [_vs("question encode p50", _median(q["encoder"]), "ms",
                "bare PyTorch encode p50", torch_ms, "question_encode")]
    if "raw_model" in q:
        rows.append(_vs("question encode p50", _median(q["encoder"]), "ms",
                        "raw session.run p50", _median(q["raw_model"])))
    graphs = r.get("graphs")
    if graphs:
        rows.append(_vs("raw ONNX int8 session.run p50", _median(graphs["int8"]), "ms",
                        "raw ONNX fp32 p50", _median(graphs["fp32"])))
    rows.append(_vs("in-process search p50", _median(r["search"]), "ms",
                    "bare PyTorch encode p50", torch_ms))
    http = r.get("http")
    if http:
        serve = http["serve"]
        if "1" in serve:
            rows.append(_vs("HTTP c1 p50", serve["1"]["median_ms"], "ms",
                            "bare PyTorch encode p50", torch_ms, "http_c1"))
        for c, run in serve.items():
            reference = http.get("reference", {}).get(c)
            rows.append(_vs(f"HTTP c{c} throughput", run["rps"], "req/s",
                            f"reference app c{c}" if reference else "",
                            reference["rps"] if reference else None,
                            "http_c8" if reference else None))
        errors = sum(run["errors"] for run in serve.values())
        rows.append(Row("HTTP errors (backqa serve)", errors, "", target="== 0",
                        met=errors == 0))
    ingest = r["ingest"]
    rows.append(_vs("cold ingest", ingest["cold_seconds"], "s",
                    "bare PyTorch encode, same passages", ingest["bare_torch_seconds"],
                    "cold_ingest"))
    rows.append(Row("unchanged re-ingest", ingest["unchanged_seconds"], "s"))
    rows.append(Row("index load p50", r["index"]["load_median_ms"], "ms"))
    rows.append(Row("resident memory, bench process", r["rss_inprocess_mb"], "MB"))
    if http:
        rows.append(Row("resident memory, server", http.get("server_rss_mb"), "MB"))
    if r.get("scale"):
        s = r["scale"]
        rows.append(_vs(f"build peak RSS, {s['passages']:,} passages", s["peak_rss_mb"], "MB",
                        "memory budget", s["budget_mb"], "scale_peak"))
    for split, graphs_ in (r.get("quality") or {}).items():
        for metric, name, loss in (("ndcg10", "nDCG@10", MAX_NDCG_LOSS),
                                   ("recall100", "R@100", MAX_RECALL_LOSS)):
            int8, fp32 = graphs_["int8"][metric], graphs_["fp32"][metric]
            rows.append(Row(f"int8 {name}, judged {split}", int8, "", f"fp32 {name}", fp32,
                            ratio(int8, fp32), f">= fp32 - {loss}", int8 >= fp32 - loss))
    return [asdict(row) for row in rows]


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"


def format_table(r: dict[str, Any]) -> str:
    """The report as one plain-text table (with a heading naming the run)."""
    idx = r["index"]
    head = (f"backqa bench: {r['encoder']['backend']} ({r['encoder']['model']}), {r['cpus']} "
            f"CPUs, load average {r['load_average'][0]}; index {idx['passages']} passages "
            f"({idx['vector_index']}); references measured in this run")
    header = ("figure", "value", "reference", "ref. value", "ratio", "target", "met")
    lines = [header]
    for row in r["table"]:
        unit = f" {row['unit']}" if row["unit"] else ""
        ref_unit = unit if row["reference_value"] is not None else ""
        met = {True: "met", False: "NOT met", None: ""}[row["met"]]
        lines.append((row["figure"], _number(row["value"]) + unit, row["reference"] or "-",
                      _number(row["reference_value"]) + ref_unit,
                      "-" if row["ratio"] is None else f"{row['ratio']}x",
                      row["target"] or "-", met))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [head, ""]
    for n, line in enumerate(lines):
        out.append("  ".join(cell.ljust(w) if i in (0, 2, 5, 6) else cell.rjust(w)
                             for i, (cell, w) in enumerate(zip(line, widths, strict=True)))
                   .rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
