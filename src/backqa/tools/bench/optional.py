"""The bench's slow rows, behind flags: the scale build's peak memory (`--scale`) and the int8
graph's retrieval quality against fp32 (`--quality`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SCALE_BUDGET_MB = 4096  # issue 15: a million passages built in under 4 GB


def scale_peak(size: int, work: Path, timeout_s: float = 4 * 3600) -> dict[str, Any]:
    """Build `size` passages with the scale benchmark in a child process (`--build-only`) and
    return its peak resident memory, overall and per build stage."""
    from backqa.config import project_root

    out = work / "scale"
    command = [sys.executable, "-m", "backqa.tools.scale_bench", "--sizes", str(size),
               "--build-only", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s,
                          env={**os.environ, "PYTHONPATH": str(project_root() / "src")})
    if done.returncode != 0:
        raise RuntimeError(f"the scale build failed:\n{done.stderr[-2000:]}")
    [row] = json.loads((out / "results.json").read_text())
    return {"passages": row["passages"], "peak_rss_mb": row["build_peak_rss_mb"],
            "by_stage": row["build_peak_rss_mb_by_stage"],
            "build_seconds": row["build_seconds"], "budget_mb": SCALE_BUDGET_MB}


def int8_quality(library: Path, work: Path) -> dict[str, dict[str, dict[str, float]]] | None:
    """nDCG@10 and R@100 of the final search on the judged tune and holdout splits, for the
    fp32 and the int8 graph, each with its own index of `library` (built in `work`, as
    `tools/quantization.py` builds them); None when the int8 graph does not exist."""
    from backqa.config import get_settings
    from backqa.tools.bench.references import int8_graph_exists
    from backqa.tools.evaluation.datasets import read_judged_files, split_files
    from backqa.tools.quantization import GRAPHS, IndexBuilder, quality

    if not int8_graph_exists():
        return None
    judged = get_settings().root / "tests" / "judged"
    splits = {split: [q for f in read_judged_files(split_files(judged, split))
                      for q in f.questions] for split in ("tune", "holdout")}
    builder = IndexBuilder(work / "quality", log=False)
    figures: dict[str, dict[str, dict[str, float]]] = {split: {} for split in splits}
    for graph in GRAPHS:
        searcher = IndexBuilder.searcher(builder.library(graph, library), graph)
        for split, questions in splits.items():
            figures[split][graph] = quality(searcher, questions=questions)
    return figures
