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
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
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

# --- families with stable rules: class weights, focal loss, label smoothing ------------------


def _decimal(sp: Any, value: float) -> Any:
    """A setting as the exact decimal it prints as (0.25 → 1/4), for SymPy."""
    return sp.Rational(repr(float(value)))


def bce(pos_weight: float | Sequence[float] = 1.0) -> Loss:
    """ℓ = −[w·y·log a + (1 − y)·log(1 − a)], w > 0 one weight or one per output unit.

    As ``torch.nn.BCEWithLogitsLoss(pos_weight=w)``: w > 1 weighs the positive
    class up (w = #negatives/#positives balances it). w = 1 is bce itself, the
    natural pair with sigmoid; any other w takes the stable route, whose dZ is
    (1 − y)·σ(z) − w·y·σ(−z). A vector w enters the formulas as ``pos_weight``.
    """
    weights = np.asarray(pos_weight, dtype=float)
    if weights.ndim > 1 or weights.size == 0 or not np.all(np.isfinite(weights) & (weights > 0)):
        raise ValueError(
            f"bce: pos_weight must be > 0, one value or one per unit, got {pos_weight!r}"
        )
    if weights.ndim == 0 and float(weights) == 1.0:
        return BCE
    vector = weights.ndim == 1
    setting: float | tuple[float, ...] = (
        tuple(float(w) for w in weights) if vector else float(weights)
    )
    column = weights.reshape(-1, 1)

    def value(A: Array, Y: Array) -> Array:
        w = column.astype(A.dtype)
        return -(w * special.xlogy(Y, A) + special.xlog1py(1 - Y, -A))

    def gradient(A: Array, Y: Array) -> Array:
        return -column.astype(A.dtype) * Y / A + (1 - Y) / (1 - A)

    def expression(sp: Any, a: Any, y: Any) -> Any:
        w = sp.Symbol("pos_weight", real=True) if vector else _decimal(sp, float(weights))
        return -(w * y * sp.log(a) + (1 - y) * sp.log(1 - a))

    def targets(Y: Array, n_units: int) -> Array:
        if vector and weights.size != n_units:
            raise ValueError(
                f"bce: pos_weight has {weights.size} weights but the output layer has "
                f"{n_units} units; give one weight, or one per unit"
            )
        return _probabilities(Y, n_units)

    return replace(
        BCE,
        elementwise=value,
        gradient=gradient,
        sympy_builder=expression,
        targets=targets,
        params={"pos_weight": setting},
    )


def focal(gamma: float = 2.0, alpha: float | None = 0.25) -> Loss:
    """The binary focal loss of Lin et al. (2017) on probabilities a, as torchvision's
    ``sigmoid_focal_loss``::

        ℓ = α_t·(1 − p_t)^γ·ce,   ce = −[y·log a + (1 − y)·log(1 − a)],
        1 − p_t = a·(1 − y) + (1 − a)·y,   α_t = α·y + (1 − α)·(1 − y)

    (α_t = 1 when ``alpha`` is None). γ = 0 with alpha None is bce. With sigmoid
    it takes the stable route: 1 − p_t becomes σ(z)(1 − y) + σ(−z)·y.
    """
    g = float(gamma)
    if not math.isfinite(g) or g < 0:
        raise ValueError(f"focal: gamma must be finite and ≥ 0, got {gamma!r}")
    if alpha is not None and not 0 <= float(alpha) <= 1:
        raise ValueError(f"focal: alpha must be in [0, 1] or None, got {alpha!r}")
    weight = None if alpha is None else float(alpha)

    def class_weight(Y: Array) -> Any:
        return 1 if weight is None else weight * Y + (1 - weight) * (1 - Y)

    def value(A: Array, Y: Array) -> Array:
        miss = A * (1 - Y) + (1 - A) * Y
        return class_weight(Y) * miss**g * _bce(A, Y)

    def gradient(A: Array, Y: Array) -> Array:
        miss = A * (1 - Y) + (1 - A) * Y
        slope = g * miss ** (g - 1) * (1 - 2 * Y) * _bce(A, Y) if g else 0
        return class_weight(Y) * (miss**g * _bce_gradient(A, Y) + slope)

    def expression(sp: Any, a: Any, y: Any) -> Any:
        miss = a * (1 - y) + (1 - a) * y
        alpha_t = (
            1 if weight is None else _decimal(sp, weight) * y + (1 - _decimal(sp, weight)) * (1 - y)
        )
        return alpha_t * miss ** _decimal(sp, g) * -(y * sp.log(a) + (1 - y) * sp.log(1 - a))

    return replace(
        BCE,
        name="focal",
        elementwise=value,
        gradient=gradient,
        sympy_builder=expression,
        params={"gamma": g, "alpha": weight},
    )


def cce(label_smoothing: float = 0.0) -> Loss:
    """cce on smoothed labels Y′ = (1 − ε)·Y + ε/K (K classes), as
    ``torch.nn.CrossEntropyLoss(label_smoothing=ε)``.

    Only the labels change, so it stays the natural pair with softmax:
    dZ[L] = A[L] − Y′. ε = 0 is cce itself.
    """
    eps = float(label_smoothing)
    if not 0 <= eps <= 1:
        raise ValueError(f"cce: label_smoothing must be in [0, 1], got {label_smoothing!r}")
    if eps == 0:
        return CCE

    def smoothed(Y: Array, n_units: int) -> Array:
        return (1 - eps) * _class_distribution(Y, n_units) + eps / n_units

    return replace(CCE, targets=smoothed, params={"label_smoothing": eps})


@lru_cache(maxsize=256)
def _formula(text: str) -> Loss:
    # Cached: the same formula is the same entry, as catalog names are.
    return Loss.from_expression(text, text)


CATALOG: Catalog[Loss] = Catalog(
    "loss",
    Loss,
    {f.name: f for f in (MSE, MAE, HINGE, POISSON)},
    {"huber": huber, "bce": bce, "cce": cce, "focal": focal},
    {"log_loss": "bce", "binary_crossentropy": "bce", "cross_entropy": "cce"},
    from_text=_formula,
)


def names() -> list[str]:
    """The catalog's loss names (aliases not included)."""
    return CATALOG.names()


def loss(name: str | Loss, **params: Any) -> Loss:
    """Look up a loss by name, e.g. ``loss("huber", delta=0.5)``, or by formula.

    A :class:`Loss` is returned unchanged. A string that is no name is parsed
    as a formula in a and y (``loss("(a - y)**4")``, the formula as its name);
    one that is neither raises a ValueError that says both and lists the names.

    Examples
    --------
    >>> loss("log_loss").name
    'bce'
    """
    return CATALOG.lookup(name, **params)
