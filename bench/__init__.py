"""Benchmarks: `python -m bench.NAME` from the repo root inside the project's environment."""
