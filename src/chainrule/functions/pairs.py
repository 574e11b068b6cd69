"""The output layer: where the last activation g meets the loss L.

Backprop starts from the output layer's dZ[L] = ∂L/∂Z[L]. In general that is
one step of the chain rule from the loss's own derivative (the *generic
route*)::

    dA[L] = ∂L/∂A[L]            (bce: −y/a + (1 − y)/(1 − a))
    dZ[L] = dA[L] ⊙ g'(Z[L])     (softmax: the vector–Jacobian product)

For a *natural pair*, the loss is the negative log-likelihood of the
exponential-family distribution whose canonical link is g, and the product
collapses to a constant times the residual (scikit-learn's comment in
``neural_network/_multilayer_perceptron.py`` states the same fact)::

    dZ[L] = c · (A[L] − Y)

=================  ==========  ====  ==========================================
activation g       loss L      c     cost from the logits z, per unit
=================  ==========  ====  ==========================================
sigmoid            bce         1     max(z, 0) − z·y + log1p(e^−|z|)
softmax            cce         1     −Σₖ yₖ·log_softmax(z)ₖ
identity           mse         2     (z − y)²
exp                poisson     1     e^z − y·z
=================  ==========  ====  ==========================================

The *fused route* computes both the cost and dZ from Z, never forming
log(a) or dividing by a or 1 − a, so it is exact where the generic route
breaks: once sigmoid saturates, a is exactly 0 or 1 in floating point and
the generic dA is ±inf or NaN. The generic route is still right for every
other pair, and chainrule keeps it (``fused=False``) so that a learner can
see both; when it overflows it warns, naming the pair and the way out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.user_warnings import warn_user
from chainrule.functions.activations import (
    EXP,
    IDENTITY,
    SIGMOID,
    SOFTMAX,
    Activation,
    activation,
    log_softmax,
)
from chainrule.functions.losses import BCE, CCE, HINGE, MSE, POISSON, Loss, loss

Array = NDArray[np.floating[Any]]


class NumericalWarning(RuntimeWarning):
    """A computation overflowed or divided by zero; the message names the way out."""


@dataclass(frozen=True)
class NaturalPair:
    """An output activation and a loss whose dZ[L] collapses to c·(A − Y).

    ``cost_from_logits(Z, Y)`` gives ℓ per unit and example, shape (n_L, m),
    computed stably from Z.
    """

    activation: Activation
    loss: Loss
    constant: float
    cost_from_logits: Callable[[Array, Array], Array]

    def dZ(self, A: Array, Y: Array) -> Array:
        """dZ[L] = c·(A − Y) per example, with A = g(Z) computed stably from Z."""
        return self.constant * (A - Y) if self.constant != 1 else A - Y


def _bce_from_logits(Z: Array, Y: Array) -> Array:
    return np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))


def _cce_from_logits(Z: Array, Y: Array) -> Array:
    # 0·log 0 = 0: a class with yₖ = 0 adds nothing, even where log softmax is −inf
    # (logits that span more than the largest float).
    minus_log_p = np.negative(log_softmax(Z))
    return np.multiply(Y, minus_log_p, out=np.zeros_like(minus_log_p), where=Y != 0)


def _mse_from_logits(Z: Array, Y: Array) -> Array:
    diff = Z - Y
    return diff * diff


def _poisson_from_logits(Z: Array, Y: Array) -> Array:
    return np.exp(Z) - Y * Z


NATURAL_PAIRS: tuple[NaturalPair, ...] = (
    NaturalPair(SIGMOID, BCE, 1.0, _bce_from_logits),
    NaturalPair(SOFTMAX, CCE, 1.0, _cce_from_logits),
    NaturalPair(IDENTITY, MSE, 2.0, _mse_from_logits),
    NaturalPair(EXP, POISSON, 1.0, _poisson_from_logits),
)


def natural_pair(activation_: str | Activation, loss_: str | Loss) -> NaturalPair | None:
    """The natural pair for this activation and loss, or None when they are not one."""
    g, L = activation(activation_), loss(loss_)
    for pair in NATURAL_PAIRS:
        if pair.activation is g and pair.loss is L:
            return pair
    return None


def domain_problem(activation_: str | Activation, loss_: str | Loss) -> str | None:
    """Why g's outputs can leave L's domain (tanh with bce), with the usual fix; else None."""
    g, L = activation(activation_), loss(loss_)
    if L is CCE and g is not SOFTMAX:
        return (
            f"cce needs a probability vector over the K classes (aₖ > 0, Σₖ aₖ = 1), and "
            f"{g.name} does not give one; use softmax at the output."
        )
    g_low, g_low_open = g.output_range[0], g.open_ends[0]
    if L is HINGE and (g_low > 0 or (g_low == 0 and g_low_open)):
        return (
            f"hinge reads the class off the sign of a (class 1 where a > 0), and {g.name} "
            f"gives only values > 0, so every prediction would be class 1; use identity or tanh."
        )
    (g_low, g_high), (g_low_open, g_high_open) = g.output_range, g.open_ends
    (L_low, L_high), (L_low_open, L_high_open) = L.domain, L.open_ends
    low_ok = g_low > L_low or (g_low == L_low and (g_low_open or not L_low_open))
    high_ok = g_high < L_high or (g_high == L_high and (g_high_open or not L_high_open))
    if low_ok and high_ok:
        return None
    left, right = "(" if L_low_open else "[", ")" if L_high_open else "]"
    g_left, g_right = "(" if g_low_open else "[", ")" if g_high_open else "]"
    fixes = {
        (0.0, 1.0): "use sigmoid, or rescale to (0, 1) as (tanh(z/2) + 1)/2",
        (0.0, math.inf): "use exp or softplus",
    }
    fix = fixes.get((L_low, L_high), "pick an activation whose range fits")
    return (
        f"{L.name} is defined for a in {left}{L_low:g}, {L_high:g}{right}, but {g.name} gives "
        f"values in {g_left}{g_low:g}, {g_high:g}{g_right}, where {L.name} takes the log of "
        f"a number ≤ 0 or is undefined; {fix}."
    )


def complete_pair(
    output: str | Activation | None, loss_: str | Loss | None, default: tuple[str, str]
) -> tuple[Activation, Loss]:
    """The output pair (g, L) from what is given: ``default`` when neither is, else the
    given one with its natural partner, or when it has none the default's half.

    Where that half cannot work with the given one (:func:`domain_problem`: hinge
    after a sigmoid default), identity takes its place for a given loss.

    >>> [f.name for f in complete_pair(None, "poisson", ("identity", "mse"))]
    ['exp', 'poisson']
    >>> [f.name for f in complete_pair(None, "hinge", ("sigmoid", "bce"))]
    ['identity', 'hinge']
    """
    if output is None and loss_ is None:
        return activation(default[0]), loss(default[1])
    if output is None:
        L = loss(loss_)  # type: ignore[arg-type]
        partners = [pair.activation for pair in NATURAL_PAIRS if pair.loss is L]
        g = partners[0] if partners else activation(default[0])
        return (g if domain_problem(g, L) is None else IDENTITY), L
    g = activation(output)
    if loss_ is None:
        losses = [pair.loss for pair in NATURAL_PAIRS if pair.activation is g]
        return g, losses[0] if losses else loss(default[1])
    return g, loss(loss_)


def choose_route(g: Activation, L: Loss, fused: bool | None) -> NaturalPair | None:
    """The natural pair to fuse through, or None for the generic chain rule.

    ``fused=None`` fuses whenever the pair is natural; True demands a natural
    pair (ValueError otherwise); False always takes the generic route.
    """
    pair = natural_pair(g, L)
    if fused and pair is None:
        naturals = ", ".join(f"{p.activation.name}+{p.loss.name}" for p in NATURAL_PAIRS)
        raise ValueError(
            f"fused=True needs a natural pair, and {g.name}+{L.name} is not one "
            f"(natural pairs: {naturals}); use fused=None or False for the generic chain rule"
        )
    return pair if fused is not False else None


def _fused_overflow_edge(pair: NaturalPair, dtype: np.dtype[Any]) -> float | None:
    """The smallest z ≥ 0 where the pair's fused cost or dZ is not finite in ``dtype``
    (e^z − y·z: 709.78 in float64, 88.72 in float32), or None when they are finite for
    every finite z. Found by bisecting the bit patterns of the floats ≥ 0 (ordered as
    the floats are); the second unit of Z stays at 0, so softmax sees two classes."""
    bits = np.dtype(f"int{dtype.itemsize * 8}")

    def finite(code: int) -> bool:
        z = np.array([code], dtype=bits).view(dtype)[0]
        Z, Y = np.array([[z], [0]], dtype=dtype), np.array([[1], [0]], dtype=dtype)
        with np.errstate(all="ignore"):
            A = pair.activation.forward(Z)
            return bool(
                np.isfinite(pair.cost_from_logits(Z, Y)).all() and np.isfinite(pair.dZ(A, Y)).all()
            )

    low = 0
    high = int(np.array([np.finfo(dtype).max], dtype=dtype).view(bits)[0])
    if finite(high):
        return None
    while high - low > 1:  # finite(low), not finite(high)
        middle = (low + high) // 2
        low, high = (middle, high) if finite(middle) else (low, middle)
    return float(np.array([high], dtype=bits).view(dtype)[0])


def warn_if_not_finite(result: Array, what: str, g: Activation, L: Loss) -> None:
    """A NumericalWarning naming the pair and the likely cause when ``result`` has NaN or inf.

    The way out is right for the pair: the fused route where it stays finite, and
    where it overflows too (exp + poisson at z ≥ 709.78 in float64), a smaller Z.
    """
    if np.isfinite(result).all():
        return
    pair = natural_pair(g, L)
    if all(math.isinf(end) for end in L.domain):
        # Defined for every a (mse, mae, huber, hinge): only overflow makes a NaN or inf.
        cause = (
            "Z or A overflowed the largest float, as when training diverges; lower the "
            "learning rate or the initial weights"
        )
    elif pair is not None:
        cause = (
            f"A saturated to the edge of {L.name}'s domain; use the fused route (fused=None "
            "or True), which computes it from the logits Z"
        )
        edge = _fused_overflow_edge(pair, result.dtype)
        if edge is not None:
            cause += (
                f", unless Z reaches {edge:.6g}, beyond which the fused cost overflows "
                f"{result.dtype} too: then lower the learning rate or the initial weights"
            )
    else:
        cause = (
            f"A saturated to the edge of {L.name}'s domain, where the generic route divides "
            "by a or 1 − a: keep Z away from saturation (smaller weights or learning rate) "
            "or choose a natural pair"
        )
    warn_user(
        f"generic route for {g.name}+{L.name}: {what} has {int((~np.isfinite(result)).sum())} "
        f"NaN or inf entries because {cause}",
        NumericalWarning,
    )


def generic_output_delta(
    Z: Array, A: Array, Y: Array, g: Activation, L: Loss
) -> tuple[Array, Array]:
    """The generic chain rule, unvalidated: returns (dA[L], dZ[L] = dA[L] ⊙ g'(Z[L]))."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        dA = L.gradient(A, Y)
        dZ = g.backward(dA, Z, A)
    warn_if_not_finite(dZ, "dZ[L]", g, L)
    return dA, dZ


def per_example_cost(Z: Array, Y: Array, g: Activation, L: Loss, fused: bool | None) -> Array:
    """L for each example, shape (1, m), from the logits; unvalidated (inputs prepared)."""
    pair = choose_route(g, L, fused)
    if pair is not None:
        return pair.cost_from_logits(Z, Y).sum(axis=0, keepdims=True)
    A = g.forward(Z)
    L.check_outputs(A)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        losses = L.elementwise(A, Y).sum(axis=0, keepdims=True)
    warn_if_not_finite(losses, "the cost", g, L)
    return losses


def mean_cost(losses: Array) -> float:
    """J = (1/m) Σᵢ Lᵢ over the per-example losses, summed in float64.

    Finite losses give a finite J: where their float64 sum overflows (losses
    near 1e308, or float32 ones near their maximum), the mean is taken as
    s·(1/m) Σᵢ (Lᵢ/s) with s = maxᵢ |Lᵢ|, so every term is at most 1 and J at
    most s. That second pass runs only when the first overflows.
    """
    with np.errstate(over="ignore"):
        total = losses.sum(dtype=np.float64)
    if np.isfinite(total) or not np.isfinite(losses).all():
        return float(total) / losses.size
    scale = np.abs(losses).max().astype(np.float64)
    scaled = np.divide(losses, scale, dtype=np.float64)
    return float(scaled.sum() / losses.size * scale)
