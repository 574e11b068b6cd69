"""The benchmark harness runs end to end on its tiny grid (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("chainrule_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_quick_benchmark_writes_its_table_json_and_chart(tmp_path, capsys):
    bench = _load_bench()
    assert bench.main(["--quick", "--no-memory", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "bench.json").read_text())
    assert (tmp_path / "bench.png").stat().st_size > 0
    results = report["results"]
    assert len(results) == len(bench.grid(quick=True))
    for result in results:
        # the three libraries trained to the same cost, and it went down
        assert all(result["cost_agrees"].values())
        assert max(result["cost_after"].values()) < result["cost_before"]
        assert {"chainrule/5", "lean/5", "chainrule_rows/5", "gemm/1", "update/1"} <= set(
            result["median"]
        )
        assert {"lean", "layout", "torch", "sklearn", "floor"} <= set(result["ratio"])
    out = capsys.readouterr().out
    assert "cr/lean" in out and "cr/floor" in out


def test_memory_is_measured_with_tracemalloc_for_chainrule():
    bench = _load_bench()
    case = bench.grid(quick=True)[0]
    peak = bench.memory_child("chainrule", case, seed=0, traced=True)["tracemalloc_peak_kib"]
    assert peak > 0
