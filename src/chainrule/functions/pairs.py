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
the generic dA is ±inf or NaN. dZ is formed so that it keeps its relative
accuracy too: (1 − y)·σ(z) − y·σ(−z) for bce, not σ(z) − y (σ(30) − 1 would
keep three digits).

Every other pair whose output is logistic, tanh, exp or softmax takes the
*stable route* (:mod:`chainrule.functions.stable_rules`): L(g(z), y) and
∂L/∂z derived by SymPy and rewritten in stable primitives, compiled once per
pair. The route is chosen once per pair (:func:`output_route`): natural, else
stable, else generic. The generic route is still right for every pair, and
chainrule keeps it (``fused=False``) so that a learner can see it; when it
overflows it warns, naming the pair and the way out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from chainrule.base.user_warnings import warn_user
from chainrule.functions.activations import (
    EXP,
    IDENTITY,
    SIGMOID,
    SOFTMAX,
    Activation,
)
from chainrule.functions.activations import activation as lookup_activation
from chainrule.functions.losses import BCE, CCE, MSE, POISSON, Loss
from chainrule.functions.losses import loss as lookup_loss
from chainrule.functions.stable_rules import logistic_atoms, softmax_atoms, stable_rule

Array = NDArray[np.floating[Any]]


class OutputRule(Protocol):
    """What the model needs of an output rule, natural or stable: both from the logits Z.

    ``cost_from_logits(Z, Y)`` is ℓ per unit and example, (n_L, m);
    ``dZ_from_logits(Z, Y)`` is dZ[L] = ∂L/∂Z[L] per example, (n_L, m), no 1/m.
    ``route`` is "natural" or "stable".
    """

    @property
    def route(self) -> str: ...

    def cost_from_logits(self, Z: Array, Y: Array) -> Array: ...

    def dZ_from_logits(self, Z: Array, Y: Array) -> Array: ...


class NumericalWarning(RuntimeWarning):
    """A computation overflowed or divided by zero; the message names the way out."""


@dataclass(frozen=True)
class NaturalPair:
    """An output activation and a loss whose dZ[L] collapses to c·(A − Y).

    ``cost_from_logits(Z, Y)`` gives ℓ per unit and example, shape (n_L, m),
    computed stably from Z. ``dZ(A, Y)`` is c·(A − Y) from A;
    ``dZ_from_logits(Z, Y)`` is the same dZ[L] from Z, written to keep its
    relative accuracy ((1 − y)·σ(z) − y·σ(−z) for bce), which the model's
    reference path uses (the :class:`OutputRule` interface).
    """

    activation: Activation
    loss: Loss
    constant: float
    cost_from_logits: Callable[[Array, Array], Array]
    #: dZ[L] from Z written to keep its relative accuracy ((1 − y)·σ(z) − y·σ(−z));
    #: None: c·(g(Z) − Y).
    delta_from_logits: Callable[[Array, Array], Array] | None = None

    route = "natural"

    def dZ(self, A: Array, Y: Array, scale: float = 1.0, out: Array | None = None) -> Array:
        """dZ[L] = c·(A − Y) per example, with A = g(Z) computed stably from Z.

        ``scale`` multiplies the result (the fast path of fit folds 1/m, and α
        for plain sgd, into dZ[L] here); it is written into ``out`` when given,
        which may be A itself.
        """
        dZ = np.subtract(A, Y, out=out)
        factor = scale * self.constant
        if factor != 1:
            dZ *= factor
        return dZ

    def dZ_from_logits(self, Z: Array, Y: Array) -> Array:
        """dZ[L] = c·(A − Y) from Z, accurate relative to its size, not only to 1."""
        if self.delta_from_logits is not None:
            return self.delta_from_logits(Z, Y)
        return self.dZ(self.activation.forward(Z), Y)


def _bce_from_logits(Z: Array, Y: Array) -> Array:
    return np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))


def _cce_from_logits(Z: Array, Y: Array) -> Array:
    # 0·log 0 = 0: a class with yₖ = 0 adds nothing, even where log softmax is −inf
    # (logits that span more than the largest float). −log pₖ = softplus(−dₖ) with
    # dₖ = zₖ − log Σ_{j≠k} e^{zⱼ} (softmax_atoms): accurate even where pₖ ≈ 1.
    minus_log_p = np.negative(softmax_atoms(Z)[2])
    return np.multiply(Y, minus_log_p, out=np.zeros_like(minus_log_p), where=Y != 0)


def _mse_from_logits(Z: Array, Y: Array) -> Array:
    diff = Z - Y
    return diff * diff


def _poisson_from_logits(Z: Array, Y: Array) -> Array:
    return np.exp(Z) - Y * Z


def _residual(p: Array, q: Array, Y: Array) -> Array:
    """p − y written as (1 − y)·p − y·q with q = 1 − p: exact where y = 1 and p ≈ 1."""
    return (1 - Y) * p - Y * q


def _bce_delta(Z: Array, Y: Array) -> Array:
    p, q, _, _ = logistic_atoms(Z)
    return _residual(p, q, Y)


def _cce_delta(Z: Array, Y: Array) -> Array:
    # qₖ = 1 − pₖ from the other classes' exponentials (softmax_atoms), never 1 − pₖ.
    p, q, _, _ = softmax_atoms(Z)
    return _residual(p, q, Y)


NATURAL_PAIRS: tuple[NaturalPair, ...] = (
    NaturalPair(SIGMOID, BCE, 1.0, _bce_from_logits, _bce_delta),
    NaturalPair(SOFTMAX, CCE, 1.0, _cce_from_logits, _cce_delta),
    NaturalPair(IDENTITY, MSE, 2.0, _mse_from_logits),
    NaturalPair(EXP, POISSON, 1.0, _poisson_from_logits),
)


def same_loss(first: Loss, second: Loss) -> bool:
    """True when the two entries are one function ℓ(a, y) with one gradient; they may
    differ in the labels they take (a label-smoothed cce is cce to the output layer)."""
    return first is second or (
        first.elementwise is second.elementwise
        and first.gradient is second.gradient
        and first.sympy_builder is second.sympy_builder
    )


def resolve_pair(activation_: Any, loss_: Any) -> tuple[Activation, Loss]:
    """(g, L) looked up (names, objects or formulas); when that fails and the two
    look swapped, the error says so."""
    try:
        return lookup_activation(activation_), lookup_loss(loss_)
    except (TypeError, ValueError) as error:
        try:
            lookup_activation(loss_), lookup_loss(activation_)
        except (TypeError, ValueError):
            raise error from None
        raise ValueError(
            f"did you swap the loss and the activation? {activation_!r} is a loss and "
            f"{loss_!r} an activation, not the other way round"
        ) from None


def natural_pair(activation: str | Activation, loss: str | Loss) -> NaturalPair | None:
    """The natural pair for this activation and loss, or None when they are not one."""
    g, L = resolve_pair(activation, loss)
    for pair in NATURAL_PAIRS:
        if pair.activation is g and same_loss(pair.loss, L):
            return pair
    return None


def domain_problem(activation: str | Activation, loss: str | Loss) -> str | None:
    """Why g's outputs can leave L's domain (tanh with bce), with the usual fix; else None.

    Read off the entries: a loss that needs a probability vector (cce) wants an
    activation that gives one (softmax); a binary loss wants outputs on both
    sides of its threshold (hinge's 0); every loss wants g's range inside its
    domain.
    """
    g, L = resolve_pair(activation, loss)
    if L.needs_distribution and not g.gives_distribution:
        return (
            f"{L.name} needs a probability vector over the K classes (aₖ > 0, Σₖ aₖ = 1), "
            f"and {g.name} does not give one; use softmax at the output."
        )
    one_class = _one_class(g, L)
    if one_class is not None:
        return one_class
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


#: The output pair each kind of task gets unless told otherwise (its natural pair:
#: dZ[L] = c·(A[L] − Y)); the estimators and the command line pick from this table.
TASK_PAIRS: dict[str, tuple[str, str]] = {
    "binary": ("sigmoid", "bce"),
    "multiclass": ("softmax", "cce"),
    "multilabel": ("sigmoid", "bce"),
    "regression": ("identity", "mse"),
}


def _one_class(g: Activation, L: Loss) -> str | None:
    """For a binary loss, why every prediction would be one class: all of g's outputs
    fall on one side of L's threshold t (hinge's 0 with exp); else None."""
    if L.task != "binary":
        return None
    t = L.threshold
    (g_low, g_high), (g_low_open, _) = g.output_range, g.open_ends
    if g_low > t or (g_low == t and g_low_open):
        values, predicted = f"> {t:g}", 1
    elif g_high <= t:
        values, predicted = f"≤ {t:g}", 0
    else:
        return None
    fix = "identity or tanh" if t == 0 else f"an activation whose outputs reach both sides of {t:g}"
    return (
        f"{L.name} reads the class off the sign of {'a' if t == 0 else f'a − {t:g}'} (class 1 "
        f"where a > {t:g}), and {g.name} gives only values {values}, so every prediction "
        f"would be class {predicted}; use {fix}."
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
        return lookup_activation(default[0]), lookup_loss(default[1])
    if output is None:
        L = lookup_loss(loss_)  # type: ignore[arg-type]
        partners = [pair.activation for pair in NATURAL_PAIRS if same_loss(pair.loss, L)]
        g = partners[0] if partners else lookup_activation(default[0])
        return (g if domain_problem(g, L) is None else IDENTITY), L
    g = lookup_activation(output)
    if loss_ is None:
        losses = [pair.loss for pair in NATURAL_PAIRS if pair.activation is g]
        return g, losses[0] if losses else lookup_loss(default[1])
    return g, lookup_loss(loss_)


def output_rule(g: Activation, L: Loss, fused: bool | None) -> OutputRule | None:
    """The rule to compute the output layer from the logits, or None for the generic route.

    ``fused=None`` takes the natural pair where there is one, else the stable
    rule where SymPy's rewrite succeeds (cached per pair), else the generic
    chain rule; True demands natural or stable (ValueError otherwise); False
    always takes the generic route.
    """
    if fused is False:
        return None
    rule: OutputRule | None = natural_pair(g, L)
    if rule is None:
        rule = stable_rule(g, L)
    if fused and rule is None:
        naturals = ", ".join(f"{p.activation.name}+{p.loss.name}" for p in NATURAL_PAIRS)
        raise ValueError(
            f"fused=True needs a natural pair or a stable rule, and {g.name}+{L.name} has "
            f"neither (natural pairs: {naturals}; stable rules exist for logistic, tanh, exp "
            "and softmax outputs); use fused=None or False for the generic chain rule"
        )
    return rule


def output_route(activation: str | Activation, loss: str | Loss, fused: bool | None = None) -> str:
    """ "natural", "stable" or "generic": the route the output layer takes for this pair.

    >>> output_route("sigmoid", "bce"), output_route("relu", "mse")
    ('natural', 'generic')
    """
    g, L = resolve_pair(activation, loss)
    rule = output_rule(g, L, fused)
    return "generic" if rule is None else rule.route


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


def warn_if_not_finite(
    result: Array, what: str, g: Activation, L: Loss, route: str = "generic"
) -> None:
    """A NumericalWarning naming the pair and the likely cause when ``result`` has NaN or inf.

    The way out is right for the pair: a route from the logits (natural or
    stable) where the generic one breaks, and where the fused route overflows
    too (exp + poisson at z ≥ 709.78 in float64), a smaller Z.
    """
    if np.isfinite(result).all():
        return
    rule = output_rule(g, L, None) if route == "generic" else None
    if all(math.isinf(end) for end in L.domain) or route != "generic":
        # Defined for every a (mse, mae, huber, hinge): only overflow makes a NaN or inf.
        cause = (
            "Z or A overflowed the largest float, as when training diverges; lower the "
            "learning rate or the initial weights"
        )
    elif rule is not None:
        cause = (
            f"A saturated to the edge of {L.name}'s domain; use the "
            f"{'fused' if rule.route == 'natural' else 'stable'} route (fused=None or True), "
            "which computes it from the logits Z"
        )
        edge = _fused_overflow_edge(rule, result.dtype) if isinstance(rule, NaturalPair) else None
        if edge is not None:
            cause += (
                f", unless Z reaches {edge:.6g}, beyond which the fused cost overflows "
                f"{result.dtype} too: then lower the learning rate or the initial weights"
            )
    else:
        cause = (
            f"A saturated to the edge of {L.name}'s domain, where the generic route divides "
            "by a or 1 − a: keep Z away from saturation (smaller weights or learning rate) "
            "or choose a pair with a natural or stable rule (output_route says which)"
        )
    warn_user(
        f"{route} route for {g.name}+{L.name}: {what} has {int((~np.isfinite(result)).sum())} "
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
    rule = output_rule(g, L, fused)
    if rule is not None:
        losses = rule.cost_from_logits(Z, Y).sum(axis=0, keepdims=True)
        if rule.route == "stable":
            warn_if_not_finite(losses, "the cost", g, L, rule.route)
        return losses
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
