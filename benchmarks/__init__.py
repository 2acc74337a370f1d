"""Reproducible benchmarks against named peers; results in benchmarks/RESULTS.md."""
