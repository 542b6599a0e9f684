"""Rankings (one mode's answer to one query) and TREC run files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class Ranking:
    """One mode's answer to one query: ranked keys (document or passage ids), their scores,
    and for passages their texts, stored vectors (for the near-duplicate count) and highlight
    offsets (the final mode only). `ms`: how long the ranking took."""

    keys: list[str]
    scores: list[float]
    texts: list[str] = field(default_factory=list)
    vectors: np.ndarray | None = None
    highlights: list[tuple[int, int] | None] = field(default_factory=list)
    no_match: bool = False
    ms: float = 0.0


def write_trec_run(path: Path, runs: dict[str, Ranking], tag: str) -> None:
    """A run in TREC format: `query-id Q0 doc-id rank score tag`, one line per document."""
    with open(path, "w", encoding="utf-8") as out:
        for qid, ranking in runs.items():
            for rank, (key, score) in enumerate(zip(ranking.keys, ranking.scores,
                                                    strict=True), 1):
                out.write(f"{qid} Q0 {key} {rank} {score:.6f} {tag}\n")


def run_path(path: Path, mode: str, several: bool) -> Path:
    """Where one mode's run goes: `path` itself, or `<stem>.<mode><suffix>` for several."""
    return path.with_name(f"{path.stem}.{mode}{path.suffix}") if several else path
