"""Benchmarks for the symbolic queries: generated policy pairs and real corpora."""
