"""Benchmarks for `make bench`: each module has `run() -> dict` and prints a table."""
