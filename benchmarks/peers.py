"""The grid point, its data and weights, and the peers that train on it.

Every peer has the same three methods: ``reset()`` puts the initial weights
back (untimed), ``fit(epochs)`` trains (timed: everything the fit does is
counted, optimizer set-up included) and ``weights()`` gives the (W[l], b[l])
for the cost check. The peers:

* **chainrule** — ``Network.fit(X, Y, epochs, ...)`` on X in the course's
  layout, a C-contiguous (n_x, m) array (``layout="course"``), or on the
  transposed view of the row-major data (``layout="rows"``); Y is one-hot
  (n_L, m), C-contiguous. ``reset`` also drops the network's workspace, so
  each fit allocates its buffers as a first fit does.
* **lean** — a lean PyTorch loop: rows (m, n_x) as one tensor, a fresh
  ``torch.randperm`` each epoch, ``index_select`` per batch, ``torch.addmm``
  and ``torch.relu`` per layer, a functional loss, ``torch.optim.SGD`` or
  ``torch.optim.Adam`` made by the fit, no accuracy count. For the cost check
  only, it takes chainrule's permutations instead of its own (the loop is the
  same).
* **torch** — ``nn.Sequential`` of ``Linear`` and ``ReLU`` with a loss module,
  batches by indexing the row-major tensor with chainrule's first-epoch
  order, and a running accuracy count as chainrule's History has.
* **sklearn** — ``MLPClassifier.partial_fit`` per epoch (same architecture,
  solver, batch size, ``alpha=0``, ``shuffle=False``) on the examples in
  chainrule's first-epoch order (``X.take``), from the same weights.
* **gemm** and **update** (``benchmarks/floor.py``) — one epoch's matrix
  products alone and its optimizer updates alone: the floor an epoch sits on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

import chainrule as cr
from chainrule.training.batches import mini_batches

#: Small enough that float32 rounding stays rounding over an epoch (Adam's step
#: is ±α wherever a gradient is at rounding level).
LEARNING_RATES = {"sgd": 0.01, "adam": 1e-4}


@dataclass(frozen=True)
class Case:
    """One grid point, with the issue's goals for chainrule / lean torch and / floor."""

    dims: tuple[int, ...]
    m: int
    batch_size: int | None
    optimizer: str
    lean_goal: float | None = None
    floor_goal: float | None = None

    @property
    def binary(self) -> bool:
        return self.dims[-1] == 1

    @property
    def label(self) -> str:
        batch = "full" if self.batch_size is None else str(self.batch_size)
        return f"{'-'.join(map(str, self.dims))} m={self.m} b={batch} {self.optimizer}"

    @property
    def parameters(self) -> int:
        return sum(n * (n_prev + 1) for n_prev, n in zip(self.dims, self.dims[1:], strict=False))

    @property
    def batches(self) -> list[int]:
        step = self.m if self.batch_size is None else self.batch_size
        return [min(step, self.m - start) for start in range(0, self.m, step)]

    @classmethod
    def from_json(cls, fields: dict[str, Any]) -> Case:
        return cls(**{**fields, "dims": tuple(fields["dims"])})


@dataclass
class Problem:
    """Synthetic float32 data, row-major and in the course's layout, and the initial weights."""

    case: Case
    X_rows: np.ndarray  # (m, n_x), C-contiguous
    X_course: np.ndarray  # (n_x, m), C-contiguous: the same values
    labels: np.ndarray  # (m,) int64 class indices (0/1 for binary)
    Y: np.ndarray  # (n_L, m) float32, C-contiguous: 0/1 row or one-hot columns
    weights: list[tuple[np.ndarray, np.ndarray]]  # (W[l], b[l]) float32
    seed: int

    def orders(self, epochs: int) -> list[np.ndarray]:
        """The example order of each of chainrule's first ``epochs`` epochs."""
        rng = np.random.default_rng(self.seed)
        everyone = np.arange(self.case.m)
        return [
            np.concatenate(
                [everyone[batch] for batch in mini_batches(self.case.m, self.case.batch_size, rng)]
            )
            for _ in range(epochs)
        ]


def make_problem(case: Case, seed: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    n_x, K = case.dims[0], case.dims[-1]
    X_rows = rng.standard_normal((case.m, n_x), dtype=np.float32)
    labels = rng.integers(0, 2 if case.binary else K, size=case.m).astype(np.int64)
    if case.binary:
        Y = labels[None, :].astype(np.float32)
    else:
        Y = np.zeros((K, case.m), dtype=np.float32)
        Y[labels, np.arange(case.m)] = 1
    net = chainrule_network(case, seed)
    weights = [
        (net.params[f"W{l}"].copy(), net.params[f"b{l}"].copy()) for l in range(1, net.L + 1)
    ]
    return Problem(case, X_rows, np.ascontiguousarray(X_rows.T), labels, Y, weights, seed)


def chainrule_network(case: Case, seed: int) -> cr.Network:
    output, loss = ("sigmoid", "bce") if case.binary else ("softmax", "cce")
    return cr.Network(list(case.dims), "relu", output, loss, seed=seed, dtype=np.float32)


def full_cost(problem: Problem, weights: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """J on the whole training set in float64 from (W[l], b[l]): relu, then the output pair."""
    A = problem.X_course.astype(np.float64)
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


class ChainruleRun:
    def __init__(self, problem: Problem, layout: str = "course") -> None:
        self.problem = problem
        self.net = chainrule_network(problem.case, problem.seed)
        self.X = problem.X_course if layout == "course" else problem.X_rows.T

    def reset(self) -> None:
        for l, (W, b) in enumerate(self.problem.weights, start=1):
            self.net.params[f"W{l}"][...] = W
            self.net.params[f"b{l}"][...] = b
        self.net.workspace = None  # each fit allocates its buffers, as a first fit does

    def fit(self, epochs: int) -> None:
        case = self.problem.case
        self.net.fit(
            self.X,
            self.problem.Y,
            epochs=epochs,
            learning_rate=LEARNING_RATES[case.optimizer],
            optimizer=case.optimizer,
            batch_size=case.batch_size,
            verbose=0,
            seed=self.problem.seed,
        )

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        net = self.net
        return [(net.params[f"W{l}"], net.params[f"b{l}"]) for l in range(1, net.L + 1)]


def _torch_optimizer(torch: Any, params: Any, optimizer: str) -> Any:
    lr = LEARNING_RATES[optimizer]
    if optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr)
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)


class LeanTorchRun:
    def __init__(self, problem: Problem) -> None:
        import torch

        self.torch, self.problem = torch, problem
        self.X = torch.from_numpy(problem.X_rows)
        if problem.case.binary:
            self.y = torch.from_numpy(problem.labels.astype(np.float32)[:, None])
            self.loss: Any = torch.nn.functional.binary_cross_entropy_with_logits
        else:
            self.y = torch.from_numpy(problem.labels)
            self.loss = torch.nn.functional.cross_entropy
        self.params = [
            (torch.tensor(W, requires_grad=True), torch.tensor(b[:, 0], requires_grad=True))
            for W, b in problem.weights
        ]
        self.generator = torch.Generator().manual_seed(problem.seed)
        self.orders: list[Any] | None = None  # chainrule's permutations, for the cost check

    def reset(self) -> None:
        with self.torch.no_grad():
            for (W, b), (W0, b0) in zip(self.params, self.problem.weights, strict=True):
                W.copy_(self.torch.from_numpy(W0))
                b.copy_(self.torch.from_numpy(b0[:, 0]))

    def fit(self, epochs: int) -> None:
        torch, X, y, params = self.torch, self.X, self.y, self.params
        m, B, last = X.shape[0], self.problem.case.batch_size, len(self.params)
        optimizer = _torch_optimizer(
            torch, [p for pair in params for p in pair], self.problem.case.optimizer
        )
        for epoch in range(epochs):
            if B is None:
                batches: Any = [(X, y)]
            else:
                order = (
                    torch.randperm(m, generator=self.generator)
                    if self.orders is None
                    else self.orders[epoch]
                )
                batches = ((X.index_select(0, i), y.index_select(0, i)) for i in order.split(B))
            for X_batch, y_batch in batches:
                A = X_batch
                for l, (W, b) in enumerate(params, start=1):
                    A = torch.addmm(b, A, W.t())
                    if l < last:
                        A = torch.relu(A)
                optimizer.zero_grad(set_to_none=True)
                self.loss(A, y_batch).backward()
                optimizer.step()

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(W.detach().numpy(), b.detach().numpy()[:, None]) for W, b in self.params]


class SequentialTorchRun:
    def __init__(self, problem: Problem) -> None:
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
        self.order = torch.from_numpy(problem.orders(1)[0])

    def reset(self) -> None:
        with self.torch.no_grad():
            for linear, (W, b) in zip(self.linears, self.problem.weights, strict=True):
                linear.weight.copy_(self.torch.from_numpy(W))
                linear.bias.copy_(self.torch.from_numpy(b[:, 0]))

    def fit(self, epochs: int) -> None:
        case = self.problem.case
        optimizer = _torch_optimizer(self.torch, self.model.parameters(), case.optimizer)
        for _ in range(epochs):
            if case.batch_size is None:
                batches: Any = [(self.X, self.Y)]
            else:
                batches = ((self.X[i], self.Y[i]) for i in self.order.split(case.batch_size))
            hits = 0
            for X_batch, Y_batch in batches:
                optimizer.zero_grad(set_to_none=True)
                out = self.model(X_batch)
                self.loss_fn(out, Y_batch).backward()
                optimizer.step()
                with self.torch.no_grad():  # the running accuracy, as chainrule's History has it
                    predicted = (out > 0).float() if case.binary else out.argmax(dim=1)
                    hits += int((predicted == Y_batch).sum())
            self.accuracy = hits / case.m

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [
            (lin.weight.detach().numpy(), lin.bias.detach().numpy()[:, None])
            for lin in self.linears
        ]


class SklearnRun:
    def __init__(self, problem: Problem) -> None:
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        case = self.case = problem.case
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
            random_state=problem.seed,
        )
        classes = np.arange(2 if case.binary else case.dims[-1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", UserWarning)  # the one-step batch is clipped
            # One step on the classes' examples creates the fitted attributes;
            # reset() then replaces the weights and drops the optimizer state.
            first = np.concatenate([np.flatnonzero(self.y == k)[:1] for k in classes])
            self.clf.partial_fit(self.X[first], self.y[first], classes=classes)
        self.order = problem.orders(1)[0]

    def reset(self) -> None:
        self.clf.coefs_ = [W.T.copy() for W, _ in self.problem.weights]
        self.clf.intercepts_ = [b[:, 0].copy() for _, b in self.problem.weights]
        if hasattr(self.clf, "_optimizer"):
            del self.clf._optimizer
        self.clf.t_ = 0

    def fit(self, epochs: int) -> None:
        for _ in range(epochs):
            X, y = self.X, self.y
            if self.case.batch_size is not None:
                X, y = X.take(self.order, axis=0), y.take(self.order)
            self.clf.partial_fit(X, y)

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [
            (W.T, b[:, None]) for W, b in zip(self.clf.coefs_, self.clf.intercepts_, strict=True)
        ]


def runner(name: str, problem: Problem) -> Any:
    """The peer called ``name`` on ``problem``."""
    makers: dict[str, Any] = {
        "chainrule": lambda: ChainruleRun(problem, "course"),
        "chainrule_rows": lambda: ChainruleRun(problem, "rows"),
        "lean": lambda: LeanTorchRun(problem),
        "torch": lambda: SequentialTorchRun(problem),
        "sklearn": lambda: SklearnRun(problem),
    }
    if name in ("gemm", "update"):
        from floor import GemmRun, UpdateRun

        return (GemmRun if name == "gemm" else UpdateRun)(problem)
    return makers[name]()
