"""`backqa bench`: one run measuring, side by side, the raw model and everything built on it.

Each figure that has a baseline is also given as a ratio to it, measured in the same run, so
the comparison survives a noisy machine:
- question embedding through the encoder vs the raw model call (ONNX Runtime `session.run` on
  pre-tokenised input; for PyTorch, `SentenceTransformer.encode`);
- cold ingest throughput vs raw passage embedding of the same passages;
- in-process search and the HTTP service (a real `backqa serve` on 127.0.0.1) at concurrency
  1, 8 and 32, against the raw question embedding;
- unchanged re-ingest, index load time and resident memory.

`measures`: timing and memory helpers; `suite`: the run (`Bench.measure`); `summary`: the
ratios, the targets and the table.
"""
