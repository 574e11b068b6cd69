"""Train the same network with chainrule, PyTorch eager and scikit-learn; compare.

Every grid point trains one network, float32, from the same initial weights, on
the same synthetic data, with the same optimizer, taking the same mini-batches
in the same order:

* **chainrule**: ``Network.fit(X, Y, epochs=1, ...)`` with X (n_x, m) passed as
  the transposed view of the row-major data;
* **torch**: ``nn.Sequential`` of ``Linear`` and ``ReLU`` with
  ``BCEWithLogitsLoss``/``CrossEntropyLoss`` and ``torch.optim.SGD``/``Adam``,
  batches taken by indexing the row-major tensor, threads set to NumPy's BLAS
  threads;
* **sklearn**: ``MLPClassifier.partial_fit`` (same architecture, solver, batch
  size, ``alpha=0``), its ``coefs_``/``intercepts_`` set to the same initial
  weights, given the examples in the epoch's order (``shuffle=False``); the
  epoch takes them in that order from the row-major data first (``X.take``),
  as ``MLPClassifier.fit`` shuffles each epoch and as chainrule and torch
  gather each batch, so all three do the same work (a full batch is used in
  order, uncopied, by all three);
* **gemm**: the matrix products of one epoch alone (Z = W·A forward,
  dW = dZ·A[l−1]ᵀ and dA[l−1] = Wᵀ·dZ backward, no dA[0]), in chainrule's
  layout, into preallocated outputs: the floor the training loop sits on;
* **update**: the optimizer's parameter updates of one epoch alone, as the
  fast path makes them (θ − update from one flat vector into the other: one
  subtraction for sgd, ``Optimizer.step_flat`` otherwise). GEMMs plus updates
  are the work no implementation of the step can skip (the "floor" column).

The runs are interleaved (chainrule, torch, sklearn, gemm, update, chainrule, …) with
a pause between runs, because OpenBLAS threads keep spinning ~0.1 s after a
call and would otherwise steal the next run's cores; each run is one epoch
from the initial weights, and the table gives the median. Before timing, each
library trains one epoch from the same weights and the cost J on the whole
training set is computed from each one's resulting weights (in float64, by one
function): they must agree within float32 rounding, so no one is timed doing
less work.

Peak memory: each library trains one epoch in its own subprocess; the peak
resident set size (VmHWM) is reset through /proc/self/clear_refs once the
data and the model exist, and the reported figure is VmHWM after the epoch
minus VmRSS before it: the memory the training itself added, the median of
seven such processes per library. For chainrule, the tracemalloc peak of the
same epoch (NumPy's allocations) is given too.

Run::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=src python benchmarks/run.py

``--quick`` runs a tiny grid once (the smoke test in tests/ uses it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

import chainrule as cr
from chainrule.training.batches import mini_batches
from chainrule.training.flat import FlatLayout

RESULTS = Path(__file__).resolve().parent / "results"
LIBRARIES = ("chainrule", "torch", "sklearn", "gemm", "update")
#: What the chart draws: the three libraries and the matrix products alone.
CHARTED = ("chainrule", "torch", "sklearn", "gemm")
#: The timing does not depend on them; they are small enough that float32
#: rounding stays rounding over a whole epoch. (Adam's step v̂/(√ŝ + ε) is ±α
#: wherever a gradient is at rounding level, so at α = 1e-3 rounding grows into
#: differences of 1e-3 in J after a few hundred steps, in any two libraries.)
LEARNING_RATES = {"sgd": 0.01, "adam": 1e-4}
#: Agreement with torch's cost J after one epoch: within ROUNDING_FACTOR times
#: how far rounding alone moves chainrule's own J (see _rounding_scale), or
#: within these relative floors. sklearn's floor is wider: its Adam adds ε to √s rather than
#: to √ŝ (the "ε-hat" form), a real if tiny difference.
ROUNDING_FACTOR = 10
COST_RTOL = {"chainrule": 1e-6, "torch": 0.0, "sklearn": 1e-4}


@dataclass(frozen=True)
class Case:
    """One grid point: the network, the data size, the batch size and the optimizer."""

    dims: tuple[int, ...]
    m: int
    batch_size: int | None
    optimizer: str

    @property
    def binary(self) -> bool:
        return self.dims[-1] == 1

    @property
    def label(self) -> str:
        batch = "full" if self.batch_size is None else str(self.batch_size)
        dims = "-".join(map(str, self.dims))
        return f"{dims} m={self.m} b={batch} {self.optimizer}"

    @property
    def parameters(self) -> int:
        return sum(n * (n_prev + 1) for n_prev, n in zip(self.dims, self.dims[1:], strict=False))

    @property
    def batches(self) -> list[int]:
        step = self.m if self.batch_size is None else self.batch_size
        return [min(step, self.m - start) for start in range(0, self.m, step)]


def grid(quick: bool) -> list[Case]:
    """The issue's grid, or a tiny one for the smoke test."""
    if quick:
        return [Case((16, 8, 1), 256, 32, "sgd"), Case((20, 16, 4), 256, None, "adam")]
    shapes: list[tuple[tuple[int, ...], int, int | None]] = [
        ((64, 32, 32, 1), 16_384, 32),
        ((64, 32, 32, 1), 16_384, 256),
        ((784, 256, 128, 10), 16_384, 64),
        ((784, 256, 128, 10), 16_384, 256),
        ((784, 256, 128, 10), 16_384, None),
        ((784, 1024, 1024, 10), 8_192, 256),
    ]
    return [Case(dims, m, batch, opt) for dims, m, batch in shapes for opt in ("sgd", "adam")]


# -- data, weights and the common cost ---------------------------------------------


@dataclass
class Problem:
    """Synthetic data (row-major, float32) and the initial weights in the course's layout."""

    case: Case
    X_rows: np.ndarray  # (m, n_x), C-contiguous
    labels: np.ndarray  # (m,) int64 class indices (0/1 for binary)
    Y: np.ndarray  # (n_L, m) float32: 0/1 row or one-hot columns
    weights: list[tuple[np.ndarray, np.ndarray]]  # (W[l], b[l]) float32
    order: np.ndarray  # the epoch's example order

    @property
    def X(self) -> np.ndarray:
        """X in the course's layout (n_x, m): a transposed view, no copy."""
        return self.X_rows.T


def make_problem(case: Case, seed: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    n_x, K = case.dims[0], case.dims[-1]
    X_rows = rng.standard_normal((case.m, n_x), dtype=np.float32)
    classes = 2 if case.binary else K
    labels = rng.integers(0, classes, size=case.m).astype(np.int64)
    if case.binary:
        Y = labels[None, :].astype(np.float32)
    else:
        Y = np.zeros((K, case.m), dtype=np.float32)
        Y[labels, np.arange(case.m)] = 1
    net = _chainrule_network(case, seed)
    weights = [
        (net.params[f"W{l}"].copy(), net.params[f"b{l}"].copy()) for l in range(1, net.L + 1)
    ]
    return Problem(case, X_rows, labels, Y, weights, _epoch_order(case, seed))


def _chainrule_network(case: Case, seed: int) -> cr.Network:
    output, loss = ("sigmoid", "bce") if case.binary else ("softmax", "cce")
    return cr.Network(list(case.dims), "relu", output, loss, seed=seed, dtype=np.float32)


def _epoch_order(case: Case, seed: int) -> np.ndarray:
    """The order in which chainrule's fit takes the examples in its first epoch."""
    batches = mini_batches(case.m, case.batch_size, np.random.default_rng(seed))
    everyone = np.arange(case.m)
    return np.concatenate([everyone[batch] for batch in batches])


def full_cost(problem: Problem, weights: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """J on the whole training set in float64 from (W[l], b[l]): relu, then the output pair."""
    A = problem.X.astype(np.float64)
    for l, (W, b) in enumerate(weights, start=1):
        Z = W.astype(np.float64) @ A + b.astype(np.float64)
        A = np.maximum(Z, 0) if l < len(weights) else Z
    Z = A
    if problem.case.binary:
        y = problem.Y.astype(np.float64)
        return float(np.mean(np.maximum(Z, 0) - Z * y + np.log1p(np.exp(-np.abs(Z)))))
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return float(-np.mean(log_probs[problem.labels, np.arange(problem.case.m)]))


# -- the runners: reset() untimed, epoch() timed, weights() for the cost check ---------


class ChainruleRun:
    def __init__(self, problem: Problem, seed: int) -> None:
        self.problem, self.seed = problem, seed
        self.net = _chainrule_network(problem.case, seed)

    def reset(self) -> None:
        for l, (W, b) in enumerate(self.problem.weights, start=1):
            self.net.params[f"W{l}"][...] = W
            self.net.params[f"b{l}"][...] = b

    def epoch(self) -> None:
        case = self.problem.case
        self.net.fit(
            self.problem.X,
            self.problem.Y,
            epochs=1,
            learning_rate=LEARNING_RATES[case.optimizer],
            optimizer=case.optimizer,
            batch_size=case.batch_size,
            verbose=0,
            seed=self.seed,
        )

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [
            (self.net.params[f"W{l}"], self.net.params[f"b{l}"]) for l in range(1, self.net.L + 1)
        ]


class TorchRun:
    def __init__(self, problem: Problem, seed: int) -> None:
        import torch

        self.torch, self.problem = torch, problem
        layers: list[Any] = []
        for l, (W, _) in enumerate(problem.weights, start=1):
            layers.append(torch.nn.Linear(W.shape[1], W.shape[0]))
            if l < len(problem.weights):
                layers.append(torch.nn.ReLU())
        self.model = torch.nn.Sequential(*layers)
        self.linears = [layer for layer in layers if isinstance(layer, torch.nn.Linear)]
        self.X = torch.from_numpy(problem.X_rows)
        if problem.case.binary:
            self.Y = torch.from_numpy(problem.labels.astype(np.float32)[:, None])
            self.loss_fn: Any = torch.nn.BCEWithLogitsLoss()
        else:
            self.Y = torch.from_numpy(problem.labels)
            self.loss_fn = torch.nn.CrossEntropyLoss()
        self.order = torch.from_numpy(problem.order)
        self.optimizer: Any = None

    def reset(self) -> None:
        with self.torch.no_grad():
            for linear, (W, b) in zip(self.linears, self.problem.weights, strict=True):
                linear.weight.copy_(self.torch.from_numpy(W))
                linear.bias.copy_(self.torch.from_numpy(b[:, 0]))
        lr = LEARNING_RATES[self.problem.case.optimizer]
        if self.problem.case.optimizer == "sgd":
            self.optimizer = self.torch.optim.SGD(self.model.parameters(), lr=lr)
        else:
            self.optimizer = self.torch.optim.Adam(
                self.model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8
            )

    def epoch(self) -> None:
        case, optimizer = self.problem.case, self.optimizer
        if case.batch_size is None:
            batches = [(self.X, self.Y)]
        else:
            batches = ((self.X[idx], self.Y[idx]) for idx in self.order.split(case.batch_size))
        hits = 0
        for X_batch, Y_batch in batches:
            optimizer.zero_grad(set_to_none=True)
            out = self.model(X_batch)
            self.loss_fn(out, Y_batch).backward()
            optimizer.step()
            with self.torch.no_grad():  # the running accuracy, as chainrule's History has it
                predicted = (out > 0).float() if case.binary else out.argmax(dim=1)
                hits += int((predicted == Y_batch).sum())
        self.accuracy = hits / self.problem.case.m

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [
            (linear.weight.detach().numpy(), linear.bias.detach().numpy()[:, None])
            for linear in self.linears
        ]


class SklearnRun:
    def __init__(self, problem: Problem, seed: int) -> None:
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        case = problem.case
        self.problem = problem
        self.X, self.y = problem.X_rows, problem.labels
        self.clf = MLPClassifier(
            hidden_layer_sizes=case.dims[1:-1],
            activation="relu",
            solver=case.optimizer,
            alpha=0.0,
            batch_size=case.m if case.batch_size is None else case.batch_size,
            learning_rate="constant",
            learning_rate_init=LEARNING_RATES[case.optimizer],
            momentum=0.0,
            nesterovs_momentum=False,
            beta_1=0.9,
            beta_2=0.999,
            epsilon=1e-8,
            shuffle=False,
            n_iter_no_change=10**9,
            random_state=seed,
        )
        classes = np.arange(2 if case.binary else case.dims[-1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", UserWarning)  # the one-step batch is clipped
            # One step on the classes' examples creates the fitted attributes;
            # reset() then replaces the weights and drops the optimizer state.
            first = np.concatenate([np.flatnonzero(self.y == k)[:1] for k in classes])
            self.clf.partial_fit(self.X[first], self.y[first], classes=classes)

    def reset(self) -> None:
        self.clf.coefs_ = [W.T.copy() for W, _ in self.problem.weights]
        self.clf.intercepts_ = [b[:, 0].copy() for _, b in self.problem.weights]
        if hasattr(self.clf, "_optimizer"):
            del self.clf._optimizer
        self.clf.t_ = 0

    def epoch(self) -> None:
        X, y = self.X, self.y
        if self.problem.case.batch_size is not None:
            X, y = X.take(self.problem.order, axis=0), y.take(self.problem.order)
        self.clf.partial_fit(X, y)

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [
            (W.T, b[:, None]) for W, b in zip(self.clf.coefs_, self.clf.intercepts_, strict=True)
        ]


class GemmRun:
    """The matrix products of one chainrule epoch, alone, in its layout, into reused buffers.

    Per batch: Z[l] = W[l]·A[l−1], dW[l] = dZ[l]·A[l−1]ᵀ and dA[l−1] = W[l]ᵀ·dZ[l]
    (no dA[0]). The batches are read in order (no gather).
    """

    def __init__(self, problem: Problem, seed: int) -> None:
        self.problem = problem
        dims = problem.case.dims
        self.W = [W.copy() for W, _ in problem.weights]
        sizes = set(problem.case.batches)
        self.Z = {B: [np.full((n, B), 0.01, np.float32) for n in dims[1:]] for B in sizes}
        self.dA = {B: [np.empty((n, B), np.float32) for n in dims[1:-1]] for B in sizes}
        self.dW = [np.empty_like(W) for W in self.W]

    def reset(self) -> None:
        pass

    def epoch(self) -> None:
        X_rows, start = self.problem.X_rows, 0
        for B in self.problem.case.batches:
            rows = X_rows[start : start + B]
            start += B
            Z, dA = self.Z[B], self.dA[B]
            A_prev = [rows.T, *Z[:-1]]
            for W, A, Z_l in zip(self.W, A_prev, Z, strict=True):
                np.matmul(W, A, out=Z_l)
            dZ = Z  # the products only: the values do not matter
            for l in range(len(self.W) - 1, -1, -1):
                np.matmul(dZ[l], A_prev[l].T, out=self.dW[l])
                if l > 0:
                    np.matmul(self.W[l].T, dZ[l], out=dA[l - 1])

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return []


class UpdateRun:
    """The optimizer's updates of one chainrule epoch alone, one per batch, as the fast path.

    θ lives in two flat vectors; each step writes θ − update from one into the
    other: sgd's one subtraction (the fast path writes α·dθ into the other
    vector first), or ``step_flat`` for the other optimizers. The gradient is
    a fixed vector: its values do not change the time. Like ``fit`` resuming,
    the optimizer and its state are made once (not per epoch).
    """

    def __init__(self, problem: Problem, seed: int) -> None:
        case = problem.case
        net = _chainrule_network(case, seed)
        self.layout = FlatLayout.of(net.params)
        self.theta = (self.layout.packed(net.params), self.layout.packed(net.params))
        self.grad = np.random.default_rng(seed).standard_normal(self.layout.size, np.float32)
        self.grad *= 1e-3
        self.steps = len(case.batches)
        self.optimizer = cr.training.optimizer(case.optimizer)
        self.learning_rate = LEARNING_RATES[case.optimizer]

    def reset(self) -> None:
        pass

    def epoch(self) -> None:
        for step in range(self.steps):
            theta, updated = self.theta[step % 2], self.theta[1 - step % 2]
            if self.optimizer.name == "sgd":
                np.subtract(theta, updated, out=updated)
            else:
                self.optimizer.step_flat(theta, self.grad, self.learning_rate, updated, self.layout)

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return []


RUNNERS: dict[str, Callable[[Problem, int], Any]] = {
    "chainrule": ChainruleRun,
    "torch": TorchRun,
    "sklearn": SklearnRun,
    "gemm": GemmRun,
    "update": UpdateRun,
}


# -- timing ---------------------------------------------------------------------------


def blas_threads() -> tuple[int, list[dict[str, Any]]]:
    """NumPy's BLAS thread count and threadpoolctl's description of the loaded pools."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.cpu_count() or 1, []
    info = threadpool_info()
    numpy_blas = [p for p in info if p["user_api"] == "blas" and "numpy" in p["filepath"]]
    threads = numpy_blas[0]["num_threads"] if numpy_blas else os.cpu_count() or 1
    return threads, info


def _rounding_scale(problem: Problem, seed: int, J: float) -> float:
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
        run = ChainruleRun(variant, seed)
        run.reset()
        with threadpool_limits(threads, user_api="blas"):
            run.epoch()
        moved.append(abs(full_cost(variant, run.weights()) - J))
    return max(moved)


def measure(case: Case, repeats: int, pause: float, seed: int) -> dict[str, Any]:
    """Costs after one epoch and the interleaved epoch times of the four runners."""
    problem = make_problem(case, seed)
    runs = {name: RUNNERS[name](problem, seed) for name in LIBRARIES}
    J0 = full_cost(problem, problem.weights)
    costs: dict[str, float] = {}
    for name, run in runs.items():  # the check, which doubles as the warm-up
        run.reset()
        run.epoch()
        if name not in ("gemm", "update"):
            costs[name] = full_cost(problem, run.weights())
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            run.reset()
            time.sleep(pause)
            start = time.perf_counter()
            run.epoch()
            times[name].append(time.perf_counter() - start)
    median = {name: statistics.median(t) for name, t in times.items()}
    best = {name: min(t) for name, t in times.items()}  # the least disturbed run of each
    rounding = _rounding_scale(problem, seed, costs["chainrule"])
    reference = costs["torch"]
    agree = {
        name: abs(J - reference)
        <= max(ROUNDING_FACTOR * rounding, COST_RTOL[name] * max(1.0, abs(reference)))
        for name, J in costs.items()
    }
    flops = 6 * case.parameters * case.m
    return {
        "case": asdict(case),
        "label": case.label,
        "parameters": case.parameters,
        "cost_before": J0,
        "cost_after": costs,
        "cost_agrees": agree,
        "rounding_scale": rounding,
        "times": times,
        "median": median,
        "best": best,
        "best_ratio_torch": best["chainrule"] / best["torch"],
        "best_ratio_sklearn": best["chainrule"] / best["sklearn"],
        "best_ratio_gemm": best["chainrule"] / best["gemm"],
        "gflops": {name: flops / t / 1e9 for name, t in median.items()},
        "ratio_torch": median["chainrule"] / median["torch"],
        "ratio_sklearn": median["chainrule"] / median["sklearn"],
        "ratio_gemm": median["chainrule"] / median["gemm"],
        "ratio_floor": median["chainrule"] / (median["gemm"] + median["update"]),
    }


# -- peak memory, one subprocess per library -------------------------------------------


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def memory_child(name: str, case: Case, seed: int, traced: bool) -> dict[str, Any]:
    """In a fresh process: the peak memory one epoch of training adds (KiB)."""
    # A tiny run first loads the library's code and thread pools, which are not
    # what the network needs.
    tiny = Case((8, 4, case.dims[-1]), 64, 32, case.optimizer)
    warm_up = RUNNERS[name](make_problem(tiny, seed), seed)
    warm_up.reset()
    warm_up.epoch()
    problem = make_problem(case, seed)
    run = RUNNERS[name](problem, seed)
    run.reset()
    if traced:
        tracemalloc.start()
        try:
            run.epoch()
            return {"tracemalloc_peak_kib": tracemalloc.get_traced_memory()[1] // 1024}
        finally:  # called in-process by the tests too: leave no tracer slowing what follows
            tracemalloc.stop()
    before = _rss_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    run.epoch()
    return {"peak_added_kib": _rss_kib("VmHWM") - before}


#: Fresh processes per library for the resident-set figure, whose median is reported:
#: at a few hundred KiB a single process's figure moves by a third with where its
#: allocator happens to find pages (chainrule's small-network epoch added 172-180 KiB
#: in most processes and 236-244 KiB in about a third), which three did not outvote.
MEMORY_RUNS = 7


def measure_memory(case: Case, seed: int) -> dict[str, Any]:
    memory: dict[str, Any] = {}
    jobs = [("chainrule", False), ("torch", False), ("sklearn", False), ("chainrule", True)]
    for name, traced in jobs:
        key = "chainrule_tracemalloc" if traced else name
        memory[key] = statistics.median(
            _memory_run(name, case, seed, traced) for _ in range(1 if traced else MEMORY_RUNS)
        )
    memory["ratio_torch"] = memory["chainrule"] / max(memory["torch"], 1)
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


# -- report -----------------------------------------------------------------------------


def environment() -> dict[str, Any]:
    import sklearn
    import torch

    threads, pools = blas_threads()
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    return {
        "machine": f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} "
        f"{platform.release()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "sklearn": sklearn.__version__,
        "chainrule": cr.__version__,
        "blas_threads": threads,
        "torch_threads": torch.get_num_threads(),
        "blas": [
            {
                k: p.get(k)
                for k in ("internal_api", "version", "architecture", "num_threads", "filepath")
            }
            # NumPy's first: the one chainrule's products run on
            for p in sorted(pools, key=lambda p: "numpy" not in p["filepath"])
            if p["user_api"] == "blas"
        ],
        "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")},
    }


def table(results: list[dict[str, Any]]) -> str:
    header = (
        f"{'grid point':<36} {'chainrule':>10} {'torch':>9} {'sklearn':>9} {'gemm':>9} "
        f"{'update':>9} {'cr/torch':>8} {'cr/skl':>7} {'cr/gemm':>7} {'cr/floor':>8} "
        f"{'GFLOP/s':>8} {'mem cr/torch':>13} {'ΔJ max':>8}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        t = r["median"]
        memory = r.get("memory")
        mem = (
            f"{memory['chainrule'] / 1024:.0f}/{memory['torch'] / 1024:.0f} MiB" if memory else "-"
        )
        J = r["cost_after"]
        spread = max(J.values()) - min(J.values())
        lines.append(
            f"{r['label']:<36} {t['chainrule'] * 1e3:>8.1f}ms {t['torch'] * 1e3:>7.1f}ms "
            f"{t['sklearn'] * 1e3:>7.1f}ms {t['gemm'] * 1e3:>7.1f}ms {t['update'] * 1e3:>7.1f}ms "
            f"{r['ratio_torch']:>8.2f} {r['ratio_sklearn']:>7.2f} {r['ratio_gemm']:>7.2f} "
            f"{r['ratio_floor']:>8.2f} {r['gflops']['chainrule']:>8.1f} {mem:>13} {spread:>8.1e}"
        )
    return "\n".join(lines)


def chart(results: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [r["label"] for r in results]
    x = np.arange(len(results))
    fig, ax = plt.subplots(figsize=(max(8, 0.9 * len(results) + 3), 5.5))
    width = 0.2
    colors = {
        "chainrule": "tab:green",
        "torch": "tab:orange",
        "sklearn": "tab:blue",
        "gemm": "tab:gray",
    }
    for i, name in enumerate(CHARTED):
        relative = [r["median"][name] / r["median"]["torch"] for r in results]
        ax.bar(x + (i - 1.5) * width, relative, width, label=name, color=colors[name])
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels(labels, rotation=35, ha="right", fontsize=8)
    ax.set_ylabel("epoch time / torch's epoch time (log scale, lower is faster)")
    ax.set_title("One epoch, float32, same weights and batches (median of interleaved runs)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="tiny grid, one repeat")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per library")
    parser.add_argument("--pause", type=float, default=None, help="seconds between runs (≥ 0.15)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for JSON and PNG")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    parser.add_argument("--only", default="", help="run the grid points whose label has this")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--threads", type=int, default=None, help="BLAS and torch threads (default: NumPy's)"
    )
    parser.add_argument(
        "--memory-child", nargs=2, metavar=("LIBRARY", "CASE"), help=argparse.SUPPRESS
    )
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    threads = args.threads or blas_threads()[0]
    if args.threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads, user_api="blas")
    if args.memory_child:
        if args.memory_child[0] == "torch":
            import torch

            torch.set_num_threads(threads)
        fields = json.loads(args.memory_child[1])
        case = Case(tuple(fields["dims"]), fields["m"], fields["batch_size"], fields["optimizer"])
        print(json.dumps(memory_child(args.memory_child[0], case, args.seed, args.traced)))
        return 0

    import torch

    torch.set_num_threads(threads)
    repeats = args.repeats or (1 if args.quick else 7)
    pause = args.pause if args.pause is not None else (0.0 if args.quick else 0.2)
    cases = [c for c in grid(args.quick) if args.only in c.label]
    env = environment()
    print(
        f"{env['machine']}; numpy {env['numpy']}, torch {env['torch']}, sklearn "
        f"{env['sklearn']}; BLAS threads {threads}, torch threads {env['torch_threads']}; "
        f"{env['blas'][0]['internal_api'] if env['blas'] else '?'} "
        f"{env['blas'][0]['architecture'] if env['blas'] else ''} kernel"
        + (f"; {env['openblas_env']}" if env["openblas_env"] else "")
    )
    results = []
    for case in cases:
        result = measure(case, repeats, pause, args.seed)
        if not args.no_memory:
            result["memory"] = measure_memory(case, args.seed)
        results.append(result)
        print(table([result]).splitlines()[-1], flush=True)
    print()
    print(table(results))
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
