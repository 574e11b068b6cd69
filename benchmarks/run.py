"""chainrule against a lean PyTorch loop, nn.Sequential PyTorch and scikit-learn; compare.

Every grid point trains one network, float32, from the same initial weights,
on the same synthetic data, with the same optimizer and batch size; the peers
are described in ``benchmarks/peers.py``. chainrule is given X as the course
holds it, a C-contiguous (n_x, m) array, and (to show what the layout costs)
the transposed view of the row-major data.

What is timed: whole fits of 1 and 5 epochs, everything the fit does counted
(its checks, its buffers, the optimizer's set-up), for chainrule (both
layouts) and the lean torch loop; 1-epoch fits for nn.Sequential torch and
MLPClassifier; and, alone, one epoch's matrix products (gemm) and one epoch's
optimizer updates (update), whose sum is the floor under an epoch. A single
epoch of chainrule or lean torch is (5-epoch fit − 1-epoch fit) / 4.

The runs are interleaved (every timed fit of every peer, then again, …) with a
pause between runs, because OpenBLAS threads keep spinning ~0.1 s after a call
and would otherwise steal the next run's cores; the table gives medians.
Before timing, each peer trains one epoch from the same weights, on
chainrule's example order, and the cost J on the whole training set is
computed from each one's resulting weights (in float64, by one function):
they must agree within float32 rounding, so no one is timed doing less work.

Peak memory: each peer makes a 1-epoch fit in its own subprocess; the peak
resident set size (VmHWM) is reset through /proc/self/clear_refs once the data
and the model exist, and the figure is VmHWM after the fit minus VmRSS before
it: the memory the fit added, the median of a few such processes.

Run (``make bench`` does)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=src python benchmarks/run.py

``--quick`` runs a tiny grid once (the smoke test in tests/ uses it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import Case, Problem, full_cost, make_problem, runner
from report import (
    LEGEND,
    blas_threads,
    chart,
    environment,
    headline,
    table,
)

RESULTS = Path(__file__).resolve().parent / "results"
#: The timed runs, in their interleaved order: (peer, epochs of the fit).
TIMED = (
    ("chainrule", 1),
    ("lean", 1),
    ("chainrule", 5),
    ("lean", 5),
    ("chainrule_rows", 5),
    ("torch", 1),
    ("sklearn", 1),
    ("gemm", 1),
    ("update", 1),
)
#: The peers whose weights after one epoch are checked against torch's cost.
TRAINERS = ("chainrule", "chainrule_rows", "lean", "torch", "sklearn")
#: Agreement with lean torch's cost J after one epoch: within ROUNDING_FACTOR times
#: how far rounding alone moves chainrule's own J (see _rounding_scale), or within
#: these relative floors. sklearn's is wider: its Adam adds ε to √s rather than to √ŝ.
ROUNDING_FACTOR = 10
COST_RTOL = {"chainrule": 1e-6, "chainrule_rows": 1e-6, "lean": 0.0, "torch": 1e-6, "sklearn": 1e-4}
#: Fresh processes per peer for the memory figure, whose median is reported.
MEMORY_RUNS = 3
MEMORY_PEERS = ("chainrule", "chainrule_rows", "lean")


def grid(quick: bool) -> list[Case]:
    """The issue's grid with its goals for chainrule / lean torch and / floor, or a tiny one."""
    if quick:
        return [Case((16, 8, 1), 256, 32, "sgd"), Case((20, 16, 4), 256, None, "adam")]
    small, medium, large = (64, 32, 32, 1), (784, 256, 128, 10), (784, 1024, 1024, 10)
    return [
        Case(small, 8192, 32, "sgd", lean_goal=0.2),
        Case(small, 8192, 256, "sgd", lean_goal=0.4),
        Case(medium, 8192, 64, "sgd", lean_goal=0.95),
        Case(medium, 8192, 256, "sgd", lean_goal=0.95, floor_goal=1.10),
        Case(medium, 8192, 256, "adam", lean_goal=0.95, floor_goal=1.10),
        Case(medium, 8192, None, "sgd", lean_goal=0.95, floor_goal=1.10),
        Case(large, 4096, 256, "sgd", lean_goal=0.95, floor_goal=1.10),
        Case(large, 4096, 256, "adam", lean_goal=0.95, floor_goal=1.10),
    ]


def _rounding_scale(problem: Problem, J: float) -> float:
    """How far float32 rounding alone moves J after one chainrule epoch.

    The larger |ΔJ| of two runs that differ in rounding only: every initial
    weight one ulp higher, and the other BLAS thread count (1 ↔ 2), which
    splits the matrix products, and so rounds them, differently.
    """
    from threadpoolctl import threadpool_limits

    nudged = replace(
        problem,
        weights=[(np.nextafter(W, np.inf), np.nextafter(b, np.inf)) for W, b in problem.weights],
    )
    other_threads = 2 if blas_threads()[0] == 1 else 1
    moved = []
    for variant, threads in ((nudged, None), (problem, other_threads)):
        run = runner("chainrule", variant)
        run.reset()
        with threadpool_limits(threads, user_api="blas"):
            run.fit(1)
        moved.append(abs(full_cost(variant, run.weights()) - J))
    return max(moved)


def check_costs(problem: Problem, runs: dict[str, Any]) -> dict[str, Any]:
    """Each peer's J after one epoch on chainrule's order; whether it agrees with lean torch's."""
    lean = runs["lean"]
    lean.orders = [lean.torch.from_numpy(order) for order in problem.orders(1)]
    costs = {}
    for name in TRAINERS:
        runs[name].reset()
        runs[name].fit(1)
        costs[name] = full_cost(problem, runs[name].weights())
    lean.orders = None
    rounding = _rounding_scale(problem, costs["chainrule"])
    reference = costs["lean"]
    agree = {
        name: abs(J - reference)
        <= max(ROUNDING_FACTOR * rounding, COST_RTOL[name] * max(1.0, abs(reference)))
        for name, J in costs.items()
    }
    return {"cost_after": costs, "cost_agrees": agree, "rounding_scale": rounding}


def measure(case: Case, repeats: int, pause: float, seed: int) -> dict[str, Any]:
    """The cost check, then the interleaved timed runs; medians and the ratios."""
    problem = make_problem(case, seed)
    runs = {name: runner(name, problem) for name in dict.fromkeys(n for n, _ in TIMED)}
    result: dict[str, Any] = {"case": asdict(case), "label": case.label}
    result["cost_before"] = full_cost(problem, problem.weights)
    result.update(check_costs(problem, runs))  # doubles as the warm-up
    times: dict[str, list[float]] = {f"{name}/{epochs}": [] for name, epochs in TIMED}
    for _ in range(repeats):
        for name, epochs in TIMED:
            runs[name].reset()
            time.sleep(pause)
            start = time.perf_counter()
            runs[name].fit(epochs)
            times[f"{name}/{epochs}"].append(time.perf_counter() - start)
    median = {key: statistics.median(t) for key, t in times.items()}
    epoch = {
        name: statistics.median(
            (t5 - t1) / 4 for t1, t5 in zip(times[f"{name}/1"], times[f"{name}/5"], strict=True)
        )
        for name in ("chainrule", "lean")
    }
    floor = median["gemm/1"] + median["update/1"]
    result.update(times=times, median=median, epoch=epoch, floor=floor)
    result["goals"] = {"lean": case.lean_goal, "floor": case.floor_goal}
    result["ratio"] = {
        "lean": median["chainrule/5"] / median["lean/5"],
        "lean_1": median["chainrule/1"] / median["lean/1"],
        "layout": median["chainrule/5"] / median["chainrule_rows/5"],
        "torch": median["chainrule/1"] / median["torch/1"],
        "sklearn": median["chainrule/1"] / median["sklearn/1"],
        "floor": epoch["chainrule"] / floor,
        "lean_floor": epoch["lean"] / floor,
    }
    return result


# -- peak memory, one subprocess per peer ----------------------------------------------


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def memory_child(name: str, case: Case, seed: int, traced: bool) -> dict[str, Any]:
    """In a fresh process: the peak memory a 1-epoch fit adds (KiB)."""
    # A tiny run first loads the library's code and thread pools, which are not
    # what the network needs.
    tiny = Case((8, 4, case.dims[-1]), 64, 32, case.optimizer)
    warm_up = runner(name, make_problem(tiny, seed))
    warm_up.reset()
    warm_up.fit(1)
    run = runner(name, make_problem(case, seed))
    run.reset()
    if traced:
        tracemalloc.start()
        try:
            run.fit(1)
            return {"tracemalloc_peak_kib": tracemalloc.get_traced_memory()[1] // 1024}
        finally:  # called in-process by the tests too: leave no tracer slowing what follows
            tracemalloc.stop()
    before = _rss_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    run.fit(1)
    return {"peak_added_kib": _rss_kib("VmHWM") - before}


def measure_memory(case: Case, seed: int) -> dict[str, Any]:
    memory: dict[str, Any] = {}
    for name in MEMORY_PEERS:
        memory[name] = statistics.median(
            _memory_run(name, case, seed, False) for _ in range(MEMORY_RUNS)
        )
    memory["ratio_lean"] = memory["chainrule"] / max(memory["lean"], 1)
    return memory


def _memory_run(name: str, case: Case, seed: int, traced: bool) -> int:
    """One fresh process's figure in KiB: the peak added to the resident set, or tracemalloc's."""
    command = [
        sys.executable,
        __file__,
        "--threads",
        str(blas_threads()[0]),
        "--memory-child",
        name,
        json.dumps(asdict(case)),
        "--seed",
        str(seed),
        *(["--traced"] if traced else []),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"memory run of {name} on {case.label} failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return int(next(iter(result.values())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="tiny grid, one repeat")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per peer (5)")
    parser.add_argument("--pause", type=float, default=None, help="seconds between runs (≥ 0.15)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for JSON and PNG")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    parser.add_argument("--only", default="", help="run the grid points whose label has this")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--threads", type=int, default=None, help="BLAS and torch threads (default: NumPy's)"
    )
    parser.add_argument("--memory-child", nargs=2, metavar=("PEER", "CASE"), help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    threads = args.threads or blas_threads()[0]
    if args.threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads, user_api="blas")
    if not args.memory_child or args.memory_child[0] not in ("chainrule", "chainrule_rows"):
        import torch

        torch.set_num_threads(threads)
    if args.memory_child:
        case = Case.from_json(json.loads(args.memory_child[1]))
        print(json.dumps(memory_child(args.memory_child[0], case, args.seed, args.traced)))
        return 0

    repeats = args.repeats or (1 if args.quick else 5)
    pause = args.pause if args.pause is not None else (0.0 if args.quick else 0.2)
    cases = [c for c in grid(args.quick) if args.only in c.label]
    env = environment()
    print(headline(env))
    print(f"medians of {repeats} interleaved runs, {pause} s apart\n")
    results = []
    for case in cases:
        started = time.perf_counter()
        result = measure(case, repeats, pause, args.seed)
        result["seconds_timing"] = time.perf_counter() - started
        if not args.no_memory:
            result["memory"] = measure_memory(case, args.seed)
        result["seconds"] = time.perf_counter() - started
        results.append(result)
        print(table([result]).splitlines()[-1], flush=True)
    env["load_average_after"] = environment()["load_average"]
    print()
    print(table(results))
    print()
    print(LEGEND)
    print(
        f"load average before {env['load_average'][0]:.2f}, "
        f"after {env['load_average_after'][0]:.2f}"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    report = {"environment": env, "repeats": repeats, "pause_s": pause, "results": results}
    (args.out / "bench.json").write_text(json.dumps(report, indent=2))
    chart(results, args.out / "bench.png")
    print(f"\nwrote {args.out / 'bench.json'} and {args.out / 'bench.png'}")
    disagree = [
        (r["label"], r["cost_after"]) for r in results if not all(r["cost_agrees"].values())
    ]
    for label, costs in disagree:
        print(f"COST MISMATCH after one epoch on {label}: {costs}", file=sys.stderr)
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
