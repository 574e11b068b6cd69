"""The floor under an epoch: its matrix products alone and its optimizer updates alone."""

from __future__ import annotations

import numpy as np
from peers import LEARNING_RATES, Problem, chainrule_network

import chainrule as cr
from chainrule.training.flat import FlatLayout


class GemmRun:
    """One epoch's matrix products alone, in chainrule's layout, into reused buffers.

    Per batch: Z[l] = W[l]·A[l−1], dW[l] = dZ[l]·A[l−1]ᵀ and dA[l−1] = W[l]ᵀ·dZ[l]
    (no dA[0]). The batches are read in order (no gather).
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        dims = problem.case.dims
        self.W = [W.copy() for W, _ in problem.weights]
        sizes = set(problem.case.batches)
        self.Z = {B: [np.full((n, B), 0.01, np.float32) for n in dims[1:]] for B in sizes}
        self.dA = {B: [np.empty((n, B), np.float32) for n in dims[1:-1]] for B in sizes}
        self.dW = [np.empty_like(W) for W in self.W]

    def reset(self) -> None:
        pass

    def fit(self, epochs: int) -> None:
        X_rows, start = self.problem.X_rows, 0
        for B in self.problem.case.batches * epochs:
            rows = X_rows[start : start + B]
            start = (start + B) % self.problem.case.m
            Z, dA = self.Z[B], self.dA[B]
            A_prev = [rows.T, *Z[:-1]]
            for W, A, Z_l in zip(self.W, A_prev, Z, strict=True):
                np.matmul(W, A, out=Z_l)
            for l in range(len(self.W) - 1, -1, -1):  # dZ = Z: the products only
                np.matmul(Z[l], A_prev[l].T, out=self.dW[l])
                if l > 0:
                    np.matmul(self.W[l].T, Z[l], out=dA[l - 1])

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return []


class UpdateRun:
    """One epoch's optimizer updates alone, one per batch, as the fast path makes them.

    θ lives in two flat vectors; each step writes θ − update from one into the
    other: sgd's one subtraction (the fast path writes α·dθ into the other
    vector during backward), ``step_flat`` for the others. The optimizer and
    its state are made once.
    """

    def __init__(self, problem: Problem) -> None:
        net = chainrule_network(problem.case, problem.seed)
        self.layout = FlatLayout.of(net.params)
        self.theta = (self.layout.packed(net.params), self.layout.packed(net.params))
        self.grad = np.random.default_rng(0).standard_normal(self.layout.size, np.float32) * 1e-3
        self.steps = len(problem.case.batches)
        self.optimizer = cr.training.optimizer(problem.case.optimizer)
        self.learning_rate = LEARNING_RATES[problem.case.optimizer]

    def reset(self) -> None:
        pass

    def fit(self, epochs: int) -> None:
        for step in range(self.steps * epochs):
            theta, updated = self.theta[step % 2], self.theta[1 - step % 2]
            if self.optimizer.name == "sgd":
                np.subtract(theta, updated, out=updated)
            else:
                self.optimizer.step_flat(theta, self.grad, self.learning_rate, updated, self.layout)

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return []
