"""Search: a question to ranked, source-attributed passages (`searcher.Searcher`).

Reads a loaded index version; imports nothing from ingest.
"""
