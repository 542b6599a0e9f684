"""The judged figures for the notice, topic facets and agreement, printed as JSON.

    .venv/bin/python tests/beyond_eval.py [--index DIR]

- notice: precision and recall of the shipped detector on tests/judged/notice_questions.jsonl,
  per split; the same with the embedding classifier retrained without each split in turn
  (leave-one-split-out); and words alone.
- topics: exact-set and per-label accuracy of the stored topics on
  tests/judged/topic_labels.jsonl, with precision and recall per topic.
- agreement: on tests/judged/agreement_pairs.jsonl, ROC AUC of claim vectors (and of the indexed
  vectors, for comparison), precision and recall at the shipped threshold, and 5-fold
  cross-validated precision and recall of the calibration.
The index (default: the live one) must be built with the bundled model.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from backqa.encoders.identity import Encoder
    from backqa.index.loaded import LoadedIndex

PROJECT = Path(__file__).resolve().parents[1]
JUDGED = PROJECT / "tests" / "judged"


def _pr(tp: int, fp: int, fn: int) -> dict[str, float]:
    return {"precision": round(tp / max(1, tp + fp), 3), "recall": round(tp / max(1, tp + fn), 3),
            "tp": tp, "fp": fp, "fn": fn}


def notice_figures(encoder: Encoder) -> dict[str, object]:
    from backqa.search.notice import WarningClassifier, WarningSignDetector, read_judged

    rows = read_judged(JUDGED / "notice_questions.jsonl")
    vectors = encoder.encode([str(r["q"]) for r in rows])
    labels = np.array([bool(r["warning"]) for r in rows])
    splits = sorted({str(r["split"]) for r in rows})
    shipped = WarningSignDetector()  # search uses the words alone (see search.py)
    with_classifier = WarningSignDetector(model_key=encoder.identity.key)
    held_out = {s: WarningSignDetector(classifier=WarningClassifier.train(
        vectors[[r["split"] != s for r in rows]],
        labels[[r["split"] != s for r in rows]], encoder.identity.key)) for s in splits}
    out: dict[str, object] = {"questions": len(rows), "with_signs": int(labels.sum())}
    for name, pick in (("shipped", lambda s: shipped), ("leave_one_split_out", held_out.get),
                       ("words_and_classifier", lambda s: with_classifier)):
        counts: dict[str, list[int]] = {s: [0, 0, 0] for s in [*splits, "all"]}
        for row, vector in zip(rows, vectors, strict=True):
            fired = pick(row["split"]).detect(str(row["q"]), vector) is not None
            for key in (row["split"], "all"):
                c = counts[key]
                c[0] += fired and row["warning"]
                c[1] += fired and not row["warning"]
                c[2] += (not fired) and row["warning"]
        out[name] = {k: _pr(*v) for k, v in counts.items()}
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def topic_figures(index: LoadedIndex) -> dict[str, object]:
    from backqa.documents import TOPICS

    n = index.passage_count
    passages = index.store.passages_by_rows(list(range(n)))
    gold = [json.loads(line) for line in
            (JUDGED / "topic_labels.jsonl").read_text(encoding="utf-8").splitlines()]
    exact = agree = found = 0
    per = {t: [0, 0, 0] for t in TOPICS}
    for g in gold:
        rows = [r for r in range(n) if _norm(g["snippet"]) in _norm(passages[r].text)]
        if not rows:
            continue
        found += 1
        want, got = set(g["topics"]), set(passages[rows[0]].topics)
        exact += want == got
        for t in TOPICS:
            agree += (t in want) == (t in got)
            per[t][0] += t in want and t in got
            per[t][1] += t in got and t not in want
            per[t][2] += t in want and t not in got
    return {"labelled": len(gold), "found": found,
            "exact_set_accuracy": round(exact / max(1, found), 3),
            "per_label_accuracy": round(agree / max(1, found * len(TOPICS)), 3),
            "per_topic": {t: _pr(*v) for t, v in per.items()}}


def agreement_figures(index: LoadedIndex) -> dict[str, object]:
    from backqa.index.claims import load_claims
    from backqa.search.agreement import DEFAULT_THRESHOLD, calibrate, precision_recall

    n = index.passage_count
    passages = index.store.passages_by_rows(list(range(n)))
    claims = load_claims(index.path)
    if claims is None:
        return {"error": "this index has no claim vectors (built without the bundled model)"}
    indexed = index.vectors.reconstruct_n(0, n)

    def row(snippet: str) -> int:
        return next(r for r in range(n) if _norm(snippet) in _norm(passages[r].text))

    pairs = [json.loads(line) for line in
             (JUDGED / "agreement_pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    ab = [(row(p["a"]), row(p["b"])) for p in pairs]
    y = np.array([bool(p["same"]) for p in pairs])
    sims = np.array([float(claims[a] @ claims[b]) for a, b in ab])
    raw = np.array([float(indexed[a] @ indexed[b]) for a, b in ab])

    def auc(s: np.ndarray) -> float:
        return round(float(np.mean([p > q for p in s[y] for q in s[~y]])), 3)

    folds = np.random.default_rng(0).permutation(len(sims)) % 5
    tp = fp = fn = 0
    for f in range(5):
        train = folds != f
        predicted = sims[~train] >= calibrate(sims[train], y[train])
        tp += int((predicted & y[~train]).sum())
        fp += int((predicted & ~y[~train]).sum())
        fn += int((~predicted & y[~train]).sum())
    precision, recall = precision_recall(sims, y, DEFAULT_THRESHOLD)
    return {"pairs": len(pairs), "same": int(y.sum()), "auc_claim_vectors": auc(sims),
            "auc_indexed_vectors": auc(raw), "threshold": DEFAULT_THRESHOLD,
            "at_threshold": {"precision": round(precision, 3), "recall": round(recall, 3)},
            "calibrated_here": round(calibrate(sims, y), 4),
            "cross_validated_5_fold": _pr(tp, fp, fn)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=PROJECT / "index")
    args = parser.parse_args(argv)

    from backqa.encoders.torch_encoder import TorchEncoder
    from backqa.index.loaded import load_current

    index = load_current(args.index)
    report = {"index": str(index.path), "notice": notice_figures(TorchEncoder()),
              "topics": topic_figures(index), "agreement": agreement_figures(index)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())


def read_judged(path: Path) -> list[dict[str, object]]:
    """The judged questions: one JSON object per line with `q` and `warning`."""
    rows: list[dict[str, object]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row.get("q"), str) or not isinstance(row.get("warning"), bool):
                raise ValueError("needs a string `q` and a boolean `warning`")
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from exc
        rows.append(row)
    return rows
