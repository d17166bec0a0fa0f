"""The benchmark's generator and measuring code keep working (small sizes; no timing asserted)."""

from __future__ import annotations

from bench import search as bench_search


def test_bench_search_runs_on_a_small_directory(tmp_path):
    result = bench_search.measure(f"sqlite:///{tmp_path / 'bench.db'}", n=300, queries=20)
    assert result["listings"] == 300 and result["queries"] == 20
    assert result["median_results"] > 0
    assert set(result) >= {"median_ms", "p95_ms", "snapshot_load_s", "reload_after_edit_s", "entities_build_s"}
