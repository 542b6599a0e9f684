"""Text handling shared by ingest and search: normalisation, sentences and terms."""
