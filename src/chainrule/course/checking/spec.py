# ruff: noqa: NPY002  (the course draws from NumPy's global generator; the checker saves and restores it)
"""What the checker knows of one course function: its cases, its outputs, its mistakes.

A :class:`Spec` joins a course function's reference (chainrule's
implementation in :mod:`chainrule.course`) with:

* ``make``: a case of arguments, in the notebook's order, drawn with a NumPy
  generator; the same call with an edge name makes that edge case (m = 1, one
  hidden unit, Z exactly 0 under relu, keep_prob = 1);
* ``public``: the course's own public test inputs, where the spec has them;
* ``outputs``: names for the items of a tuple result (``("dA_prev", "dW", "db")``);
* ``mutants``: the function's typical mistakes, (tag, function) pairs: each function
  takes the case's arguments and returns what that mistake returns;
* ``constants``: the case's named constants a wrong factor may be (m, λ/m, …);
* ``formulas``: for an output name (digits dropped: ``dW`` for ``dW2``), the
  line of the course's formula that computes it, in the course's notation;
* ``seeded``: the function draws random numbers as the course seeds them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Case = dict[str, Any]
CaseMaker = Callable[[np.random.Generator, str | None], Case]


@dataclass(frozen=True)
class Spec:
    """One checkable course function (see the module docstring)."""

    name: str
    assignment: str
    reference: Callable[..., Any]
    make: CaseMaker
    outputs: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()
    public: Callable[[], list[Case]] | None = None
    mutants: tuple[tuple[str, Callable[..., Any]], ...] = ()
    constants: Callable[[Case], Mapping[str, float]] = lambda case: {}
    formulas: Mapping[str, str] = field(default_factory=dict)
    seeded: bool = False

    def formula_for(self, output: str) -> str | None:
        """The course's formula line for an output path (``dW2`` → the ``dW`` line)."""
        key = output.split("[")[0].strip("'\"")
        for candidate in (key, key.rstrip("0123456789")):
            if candidate in self.formulas:
                return self.formulas[candidate]
        return None


def randn(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Standard normal draws of ``shape`` (float64)."""
    return rng.standard_normal(shape)


def labels(rng: np.random.Generator, m: int) -> np.ndarray:
    """(1, m) labels in {0, 1} with both classes present when m > 1."""
    Y = (rng.random((1, m)) > 0.5).astype(float)
    if m > 1:
        Y[0, 0], Y[0, 1] = 0.0, 1.0
    return Y


def probabilities(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Values in (0.05, 0.95): outputs of a sigmoid away from saturation."""
    return 0.05 + 0.9 * rng.random(shape)


def sizes(rng: np.random.Generator, edge: str | None, count: int) -> list[int]:
    """``count`` layer sizes in 2 … 5 (1 for 'one hidden unit' in the hidden ones)."""
    drawn = [int(n) for n in rng.integers(2, 6, size=count)]
    if edge == "one hidden unit" and count > 2:
        drawn[1:-1] = [1] * (count - 2)
    return drawn


def examples(rng: np.random.Generator, edge: str | None) -> int:
    """m: 1 for the 'm = 1' edge, else 3 … 7."""
    return 1 if edge == "m = 1" else int(rng.integers(3, 8))


def seeded_public(seed: int, build: Callable[[], Case]) -> Callable[[], list[Case]]:
    """A public case built after ``np.random.seed(seed)``, as the course's tests build them."""

    def public() -> list[Case]:
        state = np.random.get_state()
        np.random.seed(seed)
        try:
            return [build()]
        finally:
            np.random.set_state(state)

    return public
