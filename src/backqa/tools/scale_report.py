"""Reports of the scale benchmark (`backqa.tools.scale_bench`): the latency and memory plot,
the search table and the build-memory table, from its result rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [r["passages"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(n, [r["query_median_ms"] for r in rows], "o-", label="search median (full path)")
    left.plot(n, [r["query_p99_ms"] for r in rows], "o--", label="search p99")
    left.plot(n, [r["dense_median_ms"] for r in rows], "s-", label="dense (FAISS) median")
    left.plot(n, [r["lexical_median_ms"] for r in rows], "^-", label="lexical (BM25) median")
    left.plot(n, [r["exact_dense_ms"] for r in rows], "x:", label="exact dense scan")
    left.axhline(20, color="grey", lw=0.8, ls=":")
    left.set(xscale="log", yscale="log", xlabel="passages", ylabel="ms per question",
             title="Query latency (excl. question embedding)")
    left.legend(fontsize=7)
    right.plot(n, [r["rss_mb"] for r in rows], "o-", label="serving process RSS")
    right.plot(n, [r["build_peak_rss_mb"] for r in rows], "s--", label="build peak RSS")
    right.plot(n, [r["disk_mb"] for r in rows], "^:", label="index on disk")
    right.axhline(3072, color="grey", lw=0.8, ls=":")
    right.set(xscale="log", yscale="log", xlabel="passages", ylabel="MB",
              title="Memory and disk")
    right.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| passages | vector index | build s | load s | RSS MB (own / mapped files) | disk MB"
             " | search median ms | before issue 12 ms | p99 ms | dense ms | BM25 ms"
             " | exact scan ms | recall@10 |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        vi = r["vector_info"]
        kind = vi["type"] + (f" (nlist {vi['nlist']}, nprobe {vi['nprobe']})"
                             if vi.get("nprobe") else "")
        lines.append(f"| {r['passages']:,} | {kind} | {r['build_seconds']} | "
                     f"{r['load_seconds']} | {r['rss_mb']} ({r.get('rss_anon_mb', '-')} / "
                     f"{r.get('rss_file_mb', '-')}) | {r['disk_mb']} | "
                     f"{r['query_median_ms']} | {r.get('query_median_ms_before_issue_12', '-')} | "
                     f"{r['query_p99_ms']} | {r['dense_median_ms']} | "
                     f"{r['lexical_median_ms']} | {r['exact_dense_ms']} | "
                     f"{r['recall_at_10']} |")
    return "\n".join(lines) + "\n"


BUILD_STAGES = ("prepare", "store", "vectors", "lexical", "manifest")


def memory_table(rows: list[dict[str, Any]]) -> str:
    """Peak resident memory of each build stage, and of BM25 rebuilt alone from the store."""
    lines = ["| passages | build peak MB | " + " | ".join(f"{s} MB" for s in BUILD_STAGES)
             + " | BM25 from store: peak MB | added MB | s |",
             "|---:|---:|" + "---:|" * len(BUILD_STAGES) + "---:|---:|---:|"]
    for r in rows:
        stages = r.get("build_peak_rss_mb_by_stage", {})
        lines.append(f"| {r['passages']:,} | {r['build_peak_rss_mb']} | "
                     + " | ".join(str(stages.get(s, "")) for s in BUILD_STAGES)
                     + f" | {r.get('lexical_build_peak_rss_mb', '')} | "
                     f"{r.get('lexical_build_added_rss_mb', '')} | "
                     f"{r.get('lexical_build_seconds', '')} |")
    return "\n".join(lines) + "\n"
