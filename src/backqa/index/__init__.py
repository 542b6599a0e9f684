"""The index: versions of a library's passages, vectors and BM25 on disk, and loading them.

Written by ingest, read by search and the server; nothing here imports either.
"""
