"""Developer tools: evaluation, benchmarks and load tests (`backqa eval`, `backqa bench`)."""
