"""`backqa bench`: one run, one table; each figure beside a reference measured in the same run.

Rows: question embedding vs the bare PyTorch model; the raw int8 ONNX graph vs fp32;
in-process search; a real `backqa serve` at concurrency 1, 8 and 32, c8 against the minimal
reference app under the same load generator; cold ingest vs bare PyTorch embedding of the same
passages; re-ingest, load time and memory; and, behind flags, the 1M build's peak memory vs the
4 GB budget and int8 vs fp32 retrieval quality.

`suite`: the run (`Bench.measure`); `references`: the bare PyTorch model and raw ONNX calls;
`http`: the HTTP runs; `optional`: the slow rows; `measures`: timing and memory helpers;
`summary`: the table (rows, ratios, targets, met or not).
"""
