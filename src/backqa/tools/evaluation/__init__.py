"""Retrieval evaluation (`backqa eval`): every ranking mode of one index scored side by side.

Modes: `bm25` and `dense` (each ranker alone, on the question as typed), `windows` (a plain
hybrid over fixed 1000-character windows: the baseline), `fusion` (the fusion stage,
`Searcher.rank`: fused candidates before near-duplicate folding and MMR) and `final` (exactly
what a user gets: `Searcher.search` on the raw question, as `backqa search` and the API call it).

- `datasets`: BEIR queries and qrels, the judged question files and their splits.
- `metrics`: nDCG, MRR, recall and success@1 per query, and their means.
- `judges`: scoring a ranking against qrels (`QrelsJudge`) or evidence phrases
  (`EvidenceJudge`).
- `baseline`: the fixed-window baseline.
- `modes`: one question's ranking under each mode; `runs`: rankings and TREC run files.
- `evaluator`: the modes over a question set; `report`: per-mode figures and the table.
- `no_match`: gathering the evidence that calibrates the no-match thresholds.
"""
