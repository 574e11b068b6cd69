"""The stable route's compiled rules: L and dZ[L] from the logits for any pair SymPy can rewrite.

:func:`stable_rule` derives ℓ(g(z), y) and dZ = ∂ℓ/∂z for an output
activation g and a loss ℓ, rewrites them in stable atoms
(:mod:`chainrule.symbolic.stable`: σ(±z), log σ(±z) = −softplus(∓z), log
softmax = z − logsumexp(z), e^{rz}), compiles them to NumPy, and checks the
compiled rule against the symbolic form at 40 digits (mpmath) and against
the entries' own NumPy functions at moderate logits before returning it.
Rules are cached per pair; None means the generic route (g is not logistic,
tanh, exp or softmax; the rewrite was too costly; or a check failed).

A :class:`StableRule` has the interface of a natural pair
(``cost_from_logits(Z, Y)``, ``dZ_from_logits(Z, Y)``), so the model calls
either without knowing which. Shapes: Z and Y are (n_L, m); a loss setting
with one value per output unit (bce's ``pos_weight``) enters as (n_L, 1).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.registry import reference
from chainrule.functions.activation_entry import Activation
from chainrule.functions.loss_entry import Loss
from chainrule.symbolic.budget import too_costly
from chainrule.symbolic.formulas import compile_numpy
from chainrule.symbolic.stable import StableForm, is_softmax, output_family, stable_form

Array = NDArray[np.floating[Any]]

#: Logits and labels at which a rule is checked before use.
_CHECK_Z = (-2.5, -0.7, 0.3, 1.9)
_CHECK_Y = (0.0, 1.0, 0.3, -1.0, 2.0)
_CHECK_RTOL = 1e-9


def logistic_atoms(Z: Array) -> tuple[Array, Array, Array, Array]:
    """(p, q, lp, lq) = (σ(z), σ(−z), −softplus(−z), −softplus(z)), stable for any z."""
    lp, lq = -np.logaddexp(0, -Z), -np.logaddexp(0, Z)
    with np.errstate(under="ignore"):
        return np.exp(lp), np.exp(lq), lp, lq


def _exclusive_logsumexp(Z: Array) -> Array:
    """log Σ_{j≠k} e^{Z[j]} for each row k, from prefix and suffix log-sum-exps (no subtraction)."""
    low = np.full_like(Z[:1], -np.inf)
    with np.errstate(invalid="ignore"):
        prefix = np.concatenate([low, np.logaddexp.accumulate(Z, axis=0)[:-1]])
        suffix = np.concatenate([np.logaddexp.accumulate(Z[::-1], axis=0)[:-1][::-1], low])
        return np.logaddexp(prefix, suffix)


def softmax_atoms(Z: Array) -> tuple[Array, Array, Array, Array]:
    """(p, q, lp, lq) per unit: pₖ = softmax(z)ₖ, qₖ = 1 − pₖ, their logs, stable.

    With dₖ = zₖ − log Σ_{j≠k} e^{zⱼ}: lpₖ = −softplus(−dₖ), lqₖ = −softplus(dₖ).
    """
    with np.errstate(over="ignore"):  # logits wider than the float range: d = ±inf is right
        d = Z - _exclusive_logsumexp(Z)
    return logistic_atoms(d)


@dataclass(frozen=True, eq=False)
class StableRule:
    """The stable route for one pair: ℓ and dZ[L] compiled from their rewritten forms.

    ``cost_from_logits(Z, Y)`` gives ℓ per unit and example, (n_L, m);
    ``dZ_from_logits(Z, Y)`` gives dZ[L] = ∂L/∂Z[L] per example, (n_L, m),
    both in Z's dtype.
    """

    activation: Activation
    loss: Loss
    form: StableForm
    cost_fn: Callable[..., Array]
    dZ_fn: Callable[..., Array]
    cross_fn: Callable[..., Array] | None
    #: True when a form divides by a power of p or q (focal with γ < 1: (1 − p_t)^(γ−1)):
    #: p and q are then floored at the smallest normal float, below which they keep no
    #: relative digits anyway, so that u^(γ−1)·q stays finite instead of inf·0 = NaN.
    floor: bool = False

    route = "stable"

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt (from the cache) rather than pickling compiled code.
        return (stable_rule, (self.activation, self.loss))

    def _arguments(self, Z: Array, Y: Array) -> list[Array]:
        dtype = Z.dtype
        if self.form.family == "exp":
            atoms: list[Array] = [Z]
        elif self.form.family == "softmax":
            atoms = list(softmax_atoms(Z))
        else:
            atoms = list(logistic_atoms(Z * dtype.type(self.form.scale)))
        if self.floor and self.form.family != "exp":
            tiny = np.finfo(dtype).tiny
            atoms[0], atoms[1] = np.maximum(atoms[0], tiny), np.maximum(atoms[1], tiny)
        settings = [
            np.asarray(self.loss.params[name], dtype=dtype).reshape(-1, 1)
            for name in self.form.parameters
        ]
        return [*atoms, Y.astype(dtype, copy=False), *settings]

    def cost_from_logits(self, Z: Array, Y: Array) -> Array:
        """ℓ for each unit and example, (n_L, m), from the logits."""
        with np.errstate(all="ignore"):
            return self.cost_fn(*self._arguments(Z, Y))

    def dZ_from_logits(self, Z: Array, Y: Array) -> Array:
        """dZ[L] = ∂L/∂Z[L] per example, (n_L, m), from the logits (no 1/m)."""
        arguments = self._arguments(Z, Y)
        with np.errstate(all="ignore"):
            dZ = self.dZ_fn(*arguments)
            if self.form.pairwise:
                return _pairwise(arguments[0], dZ)
            if self.cross_fn is None:
                return dZ
            # Softmax: dZᵢ = sᵢ − Σ_{k≠i} Nₖ·pᵢ/qₖⁿ, where for k ≠ i
            # pᵢ/qₖ = e^{zᵢ}/Σ_{j≠k} e^{zⱼ} = e^{zᵢ − log Σ_{j≠k} e^{zⱼ}} ≤ 1 never involves zₖ.
            cross = self.cross_fn(*arguments)
            lq = arguments[3]
            exponent = Z[:, None, :] - _exclusive_logsumexp(Z)[None, :, :]
            if self.form.power != 1:
                exponent = exponent - (self.form.power - 1) * lq[None, :, :]
            terms = np.exp(exponent) * cross[None, :, :]
            units = np.arange(Z.shape[0])
            terms[units, units, :] = 0
            return (dZ - terms.sum(axis=1)).astype(Z.dtype, copy=False)


def _pairwise(P: Array, D: Array) -> Array:
    """Softmax's dZᵢ = Σ_{k≠i} pᵢ·pₖ·(Dᵢ − Dₖ), D = ∂ℓ/∂a per unit, (n_L, m)."""
    terms = P[:, None, :] * P[None, :, :] * (D[:, None, :] - D[None, :, :])
    units = np.arange(P.shape[0])
    terms[units, units, :] = 0
    return terms.sum(axis=1).astype(P.dtype, copy=False)


def _build(g: Activation, L: Loss) -> StableRule | None:
    import sympy as sp

    z, a, y = (sp.Symbol(name, real=True) for name in "zay")
    if g.elementwise:
        found = output_family(sp, g.sympy(z), z)
        if found is None:
            return None
        family, scale = found
    else:
        symbols = list(sp.symbols("z1 z2", real=True))
        if not is_softmax(sp, g.sympy(symbols), symbols):
            return None
        family, scale = "softmax", 1
    form = stable_form(sp, family, scale, L.sympy(a, y), a, y)
    if form is None:
        return None
    variables = list(form.variables)
    cross = None if form.cross is None else compile_numpy(form.cross, variables)
    atoms = set(variables[:2])
    divides = any(
        power.exp.is_negative and power.base.free_symbols & atoms
        for expression in (form.cost, form.dZ)
        for power in expression.atoms(sp.Pow)
    )
    return StableRule(
        g,
        L,
        form,
        compile_numpy(form.cost, variables),
        compile_numpy(form.dZ, variables),
        cross,
        divides,
    )


_RULES: dict[tuple[Any, Any], StableRule | None] = {}
_MAX_RULES = 256


def _key(entry: Activation | Loss) -> Any:
    """What identifies an entry's maths: a catalog entry's (kind, name, settings), so that
    ``loss("focal", gamma=2)`` asked twice shares one rule; else the object itself."""
    try:
        name, params = reference(entry)
    except ValueError:
        return entry
    return (type(entry).__name__, name, tuple(sorted(params.items())))


def stable_rule(g: Activation, L: Loss) -> StableRule | None:
    """The checked stable rule for output g with loss L, or None (generic route).

    Cached per pair (family members with equal settings are one pair).
    """
    key = (_key(g), _key(L))
    if key not in _RULES:
        if len(_RULES) >= _MAX_RULES:
            _RULES.pop(next(iter(_RULES)))
        _RULES[key] = _checked_rule(g, L)
    return _RULES[key]


#: A loss with more branches (Max, Min, Piecewise, Abs, Heaviside) than this, or with a
#: Max or Min inside another, is left to the generic route: SymPy turns each into a
#: Piecewise whose conditions multiply when it is printed for the check.
_MAX_BRANCHES = 2


def _within_budget(L: Loss) -> bool:
    """True when ℓ(a, y) is small enough for the rewrite and its check to stay quick."""
    import sympy as sp

    ell = L.sympy()
    kinds = (sp.Max, sp.Min, sp.Piecewise, sp.Abs, sp.Heaviside)
    branches = ell.atoms(*kinds)
    nested = any(arg.has(sp.Max, sp.Min) for b in ell.atoms(sp.Max, sp.Min) for arg in b.args)
    return len(branches) <= _MAX_BRANCHES and not nested and not too_costly(sp, ell)


def _checked_rule(g: Activation, L: Loss) -> StableRule | None:
    from sympy.polys.polyerrors import BasePolynomialError

    # A rewrite SymPy cannot finish (a polynomial it cannot form, a function with no
    # rule) leaves the pair to the generic route, which is always right.
    cannot = (TypeError, ValueError, NotImplementedError, ArithmeticError, AttributeError)
    if not _within_budget(L):
        return None
    try:
        rule = _build(g, L)
    except (*cannot, BasePolynomialError):
        return None
    if rule is None:
        return None
    try:
        with warnings.catch_warnings():
            # A rule that warns at moderate logits (complex values cast to real) is not used.
            warnings.simplefilter("error")
            return rule if _agrees(rule) else None
    except (*cannot, BasePolynomialError, Warning):
        return None


def _check_settings(L: Loss, parameters: tuple[str, ...]) -> tuple[int, list[dict[str, float]]]:
    """The number of units to check with, and each unit's settings (one value per unit)."""
    values = {name: np.ravel(np.asarray(L.params[name], dtype=float)) for name in parameters}
    units = max([len(v) for v in values.values()], default=1)
    return units, [
        {name: float(v[min(i, len(v) - 1)]) for name, v in values.items()} for i in range(units)
    ]


def _reference(rule: StableRule, units: int) -> tuple[Callable[..., Any], list[Callable[..., Any]]]:
    """mpmath functions of (z₁…, y₁…, settings₁…) for L and each ∂L/∂zᵢ, from SymPy."""
    import sympy as sp

    z = sp.symbols(f"z0:{units}", real=True)
    y = sp.symbols(f"y0:{units}", real=True)
    a = sp.Symbol("a", real=True)
    y_ = sp.Symbol("y", real=True)
    ell = rule.loss.sympy(a, y_)
    settings = [
        [sp.Symbol(f"{name}{i}", real=True) for name in rule.form.parameters] for i in range(units)
    ]
    names = [sp.Symbol(name, real=True) for name in rule.form.parameters]
    outputs = (
        rule.activation.sympy(list(z))
        if rule.form.family == "softmax"
        else [rule.activation.sympy(zi) for zi in z]
    )
    total = sum(
        ell.xreplace({a: outputs[i], y_: y[i], **dict(zip(names, settings[i], strict=True))})
        for i in range(units)
    )
    flat = [*z, *y, *(s for row in settings for s in row)]
    # DiracDelta (the derivative of sign or Heaviside) is 0 wherever it is evaluated here,
    # as compile_numpy takes it.
    modules = [{"DiracDelta": lambda *args: 0}, "mpmath"]
    cost = sp.lambdify(flat, total, modules)
    return cost, [sp.lambdify(flat, sp.diff(total, zi), modules) for zi in z]


def _close(computed: float, exact: Any, rtol: float) -> bool:
    return bool(abs(computed - float(exact)) <= rtol * abs(float(exact)) + 1e-12)


def _agrees_at(
    rule: StableRule,
    Z: Array,
    Y: Array,
    cost_ref: Callable[..., Any],
    dZ_refs: list[Callable[..., Any]],
    flat_settings: list[float],
) -> bool | None:
    """The rule against mpmath and the generic NumPy route at one (Z, Y); None where the
    label lies outside the loss's domain (a formula's log(y) at y = 0): nothing to check."""
    import mpmath

    with np.errstate(all="ignore"):
        A = rule.activation.forward(Z)
        generic_cost = float(rule.loss.elementwise(A, Y).sum())
        generic_dZ = rule.activation.backward(rule.loss.gradient(A, Y), Z, A)[:, 0]
    with mpmath.workdps(40):
        arguments = [*Z[:, 0].tolist(), *Y[:, 0].tolist(), *flat_settings]
        try:
            exact = [complex(cost_ref(*arguments)), *(complex(ref(*arguments)) for ref in dZ_refs)]
        except (ValueError, ZeroDivisionError, TypeError):
            return None
    if any(e.imag != 0 or not np.isfinite(e.real) for e in exact) or not (
        np.isfinite(generic_cost) and np.isfinite(generic_dZ).all()
    ):
        return None
    cost = float(rule.cost_from_logits(Z, Y).sum())
    dZ = rule.dZ_from_logits(Z, Y)[:, 0]
    values = [cost, *dZ.tolist()]
    generic = [generic_cost, *generic_dZ.tolist()]
    return all(
        _close(value, e.real, _CHECK_RTOL) and _close(value, g, 1e-7)
        for value, e, g in zip(values, exact, generic, strict=True)
    )


def _agrees(rule: StableRule) -> bool:
    """The compiled rule against mpmath at 40 digits and the entries' own NumPy functions,
    at moderate logits and each check label the loss accepts."""

    units, settings = _check_settings(rule.loss, rule.form.parameters)
    if rule.form.family == "softmax":
        units = max(units, 3)
        settings = settings * units if len(settings) == 1 else settings
    cost_ref, dZ_refs = _reference(rule, units)
    flat_settings = [v for row in settings for v in row.values()]
    checked = 0
    for y_value in _CHECK_Y:
        Y = np.full((units, 1), y_value)
        try:
            Y = rule.loss.prepare_targets(Y, units, 1)
        except ValueError:
            continue
        for z_value in _CHECK_Z:
            Z = np.full((units, 1), z_value)
            if rule.form.family == "softmax":
                Z = Z + (0.6 * np.arange(units) * (-1.0) ** np.arange(units))[:, None]
            verdict = _agrees_at(rule, Z, Y, cost_ref, dZ_refs, flat_settings)
            if verdict is False:
                return False
            checked += verdict is True
    return checked > 0
