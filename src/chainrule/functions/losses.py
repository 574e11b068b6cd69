"""The loss catalog: every loss L is defined once, here.

The per-example loss L(a, y) sums over the output units (rows), and the cost
is its mean over the examples (columns):

    J = (1/m) Σᵢ L(A[:, i], Y[:, i]),   L(a, y) = Σₖ ℓ(aₖ, yₖ).

Each entry holds:

* ``elementwise(A, Y)``: ℓ for every unit and example, shape (n_L, m);
* ``gradient(A, Y)``: dA = ∂L/∂A per example, shape (n_L, m), *no* 1/m;
* ``sympy(a, y)``: the SymPy expression of ℓ(a, y);
* the domain of a and the labels it accepts (``prepare_targets``);
* the task its labels describe (``task``: binary, multiclass or regression),
  which picks the prediction read off A and the metric, and the label values
  a binary task is coded with (``class_labels``: hinge's ±1).

The formulas here are the *generic* ones, written in probability space
(bce divides by a and 1 − a). They are exact mathematics and are what the
chain rule starts from, but they break where the output activation
saturates; :mod:`chainrule.functions.pairs` holds the fused, stable forms
computed from the logits Z for natural pairs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from chainrule.base.registry import Catalog
from chainrule.functions.loss_entry import Loss

Array = NDArray[np.floating[Any]]

# --- label rules -----------------------------------------------------------


def _out_of_domain(name: str, rule: str, Y: Array, bad: NDArray[np.bool_]) -> ValueError:
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return ValueError(
        f"{name}: labels must be {rule}; Y{list(first)} = {Y[first]:g} "
        f"({int(bad.sum())} of {Y.size} labels are outside)"
    )


def _probabilities(Y: Array, n_units: int) -> Array:
    bad = (Y < 0) | (Y > 1)
    if bad.any():
        raise _out_of_domain("bce", "in [0, 1] (0/1 classes or probabilities)", Y, bad)
    return Y


def _class_distribution(Y: Array, n_units: int) -> Array:
    rule = "one-hot columns (K, m), probability columns, or integer labels (1, m)"
    if Y.shape[0] == 1 and n_units > 1:
        labels = Y[0]
        bad = (labels < 0) | (labels >= n_units) | (labels != np.round(labels))
        if bad.any():
            raise _out_of_domain(
                "cce", f"integers 0 … {n_units - 1} when given as (1, m)", Y, bad[None, :]
            )
        one_hot = np.zeros((n_units, Y.shape[1]), dtype=Y.dtype)
        one_hot[labels.astype(np.intp), np.arange(Y.shape[1])] = 1
        return one_hot
    bad = (Y < 0) | (Y > 1)
    if bad.any():
        raise _out_of_domain("cce", rule, Y, bad)
    sums = Y.sum(axis=0)
    tolerance = 16 * Y.shape[0] * np.finfo(Y.dtype).eps
    off = np.abs(sums - 1) > tolerance
    if off.any():
        column = int(np.argmax(off))
        raise ValueError(
            f"cce: each column of Y must sum to 1 ({rule}); column {column} sums to "
            f"{sums[column]:g}"
        )
    return Y


def _nonnegative(Y: Array, n_units: int) -> Array:
    bad = Y < 0
    if bad.any():
        raise _out_of_domain("poisson", "counts or rates ≥ 0", Y, bad)
    return Y


def _signs(Y: Array, n_units: int) -> Array:
    bad = (Y != 0) & (Y != 1) & (Y != -1)
    if bad.any() or ((Y == 0).any() and (Y == -1).any()):
        raise _out_of_domain(
            "hinge", "classes in {0, 1} or in {−1, 1}", Y, bad if bad.any() else Y == -1
        )
    return Y


# --- the formulas ----------------------------------------------------------


def _bce(A: Array, Y: Array) -> Array:
    # xlogy and xlog1py give 0·log 0 = 0, and log1p(−a) keeps log(1 − a) accurate for small a.
    return -(special.xlogy(Y, A) + special.xlog1py(1 - Y, -A))


def _bce_gradient(A: Array, Y: Array) -> Array:
    return -Y / A + (1 - Y) / (1 - A)


def _cce(A: Array, Y: Array) -> Array:
    return -special.xlogy(Y, A)


def _cce_gradient(A: Array, Y: Array) -> Array:
    return -Y / A


def _mse(A: Array, Y: Array) -> Array:
    diff = A - Y
    return diff * diff


def _mse_gradient(A: Array, Y: Array) -> Array:
    return 2 * (A - Y)


def _mae(A: Array, Y: Array) -> Array:
    return np.abs(A - Y)


def _mae_gradient(A: Array, Y: Array) -> Array:
    return np.sign(A - Y)


def _hinge_targets(Y: Array) -> Array:
    """t = ±1 from labels in {0, 1} or {−1, 1}."""
    return np.where(Y == 0, -1, Y).astype(Y.dtype, copy=False)


def _hinge(A: Array, Y: Array) -> Array:
    return np.maximum(0, 1 - _hinge_targets(Y) * A)


def _hinge_gradient(A: Array, Y: Array) -> Array:
    t = _hinge_targets(Y)
    # The kink 1 − t·a = 0 gets derivative 0, as relu'(0) = 0.
    return np.where(1 - t * A > 0, -t, 0).astype(A.dtype, copy=False)


def _poisson(A: Array, Y: Array) -> Array:
    return A - special.xlogy(Y, A)


def _poisson_gradient(A: Array, Y: Array) -> Array:
    return 1 - Y / A


def huber(delta: float = 1.0) -> Loss:
    """ℓ = ½(a − y)² where |a − y| ≤ delta, delta·(|a − y| − ½delta) beyond (torch's HuberLoss)."""
    d = float(delta)
    if not math.isfinite(d) or d <= 0:
        raise ValueError(f"huber: delta must be finite and > 0, got {delta!r}")

    def value(A: Array, Y: Array) -> Array:
        diff = np.abs(A - Y)
        return np.where(diff <= d, 0.5 * diff * diff, d * (diff - 0.5 * d))

    def gradient(A: Array, Y: Array) -> Array:
        return np.clip(A - Y, -d, d)

    def expression(sp: Any, a: Any, y: Any) -> Any:
        r = a - y
        half = sp.Rational(1, 2)
        delta_ = sp.Float(d) if d != 1 else sp.Integer(1)
        return sp.Piecewise(
            (half * r**2, sp.Abs(r) <= delta_), (delta_ * (sp.Abs(r) - half * delta_), True)
        )

    return Loss("huber", value, gradient, expression, params={"delta": d})


BCE = Loss(
    "bce",
    _bce,
    _bce_gradient,
    lambda sp, a, y: -(y * sp.log(a) + (1 - y) * sp.log(1 - a)),
    domain=(0.0, 1.0),
    targets=_probabilities,
    label_rule="0/1 classes or probabilities in [0, 1], shaped like A",
    task="binary",
)
CCE = Loss(
    "cce",
    _cce,
    _cce_gradient,
    lambda sp, a, y: -y * sp.log(a),
    domain=(0.0, 1.0),
    open_ends=(True, False),
    targets=_class_distribution,
    label_rule="one-hot (K, m) or integer labels (1, m)",
    task="multiclass",
    needs_distribution=True,
)
MSE = Loss("mse", _mse, _mse_gradient, lambda sp, a, y: (a - y) ** 2)
MAE = Loss("mae", _mae, _mae_gradient, lambda sp, a, y: sp.Abs(a - y))
HINGE = Loss(
    "hinge",
    _hinge,
    _hinge_gradient,
    # With t = ±1 the label; derive shows it in terms of t.
    lambda sp, a, y: sp.Max(0, 1 - y * a),
    targets=_signs,
    label_rule="classes in {0, 1} or {−1, 1}, shaped like A",
    task="binary",
    class_labels=(-1.0, 1.0),
)
POISSON = Loss(
    "poisson",
    _poisson,
    _poisson_gradient,
    lambda sp, a, y: a - y * sp.log(a),
    domain=(0.0, math.inf),
    targets=_nonnegative,
    label_rule="counts or rates ≥ 0, shaped like A",
)

CATALOG: Catalog[Loss] = Catalog(
    "loss",
    Loss,
    {f.name: f for f in (BCE, CCE, MSE, MAE, HINGE, POISSON)},
    {"huber": huber},
    {"log_loss": "bce", "binary_crossentropy": "bce", "cross_entropy": "cce"},
)


def names() -> list[str]:
    """The catalog's loss names (aliases not included)."""
    return CATALOG.names()


def loss(name: str | Loss, **params: float) -> Loss:
    """Look up a loss by name, e.g. ``loss("huber", delta=0.5)``.

    A :class:`Loss` is returned unchanged. Unknown names raise a ValueError
    that lists the known ones.

    Examples
    --------
    >>> loss("log_loss").name
    'bce'
    """
    return CATALOG.lookup(name, **params)
