"""Ingest: source files -> documents -> sections -> passages -> vectors -> a published version.

One stage per module: `readers`, `cleaning` and `html`, `structure`, `chunking`, `dedup`,
`topics`, `embedding`, `writer`, and `pipeline`, which runs them in order.
"""
