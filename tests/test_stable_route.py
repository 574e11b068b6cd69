"""The stable route: every pair from the logits, checked against mpmath at 50 digits.

For sigmoid, softmax and exp outputs with every catalog loss whose domain fits,
the new families, and formula losses, the route is natural or stable and L
and dZ agree with an mpmath evaluation of ℓ(g(z), y) and ℓ'(g(z), y)·g'(z)
(the activation written here in mpmath, not taken from chainrule) at enough
digits that 50 of them survive saturation, at z ∈ {0, ±1, ±30, ±40, ±800,
±1e4}, wherever the true value is a normal float.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp

import chainrule as cr
from chainrule.functions import losses
from chainrule.functions.pairs import domain_problem, output_route, output_rule

ZS = (0.0, 1.0, -1.0, 30.0, -30.0, 40.0, -40.0, 800.0, -800.0, 1e4, -1e4)
RTOL = {np.float64: 1e-12, np.float32: 1e-5}

# mpmath outputs and their derivatives, written independently of chainrule.
OUTPUTS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "sigmoid": (lambda z: 1 / (1 + mpmath.exp(-z)), lambda z: 1 / (2 + 2 * mpmath.cosh(z))),
    "tanh": (mpmath.tanh, lambda z: mpmath.sech(z) ** 2),
    "exp": (mpmath.exp, mpmath.exp),
}
MP_FUNCTIONS = {
    "Heaviside": lambda x, h=0.5: mpmath.mpf(1) if x > 0 else mpmath.mpf(0) if x < 0 else h,
    "Max": lambda *args: max(args),
    "Min": lambda *args: min(args),
}

FORMULAS = [
    ("sigmoid", "-(3*y*log(a) + (1-y)*log(1-a))", (0.0, 1.0, 0.25)),
    ("sigmoid", "-(y*(1-a)**2*log(a) + (1-y)*a**2*log(1-a))", (0.0, 1.0, 0.25)),
    ("tanh", "Max(0, 1 - y*a)**2", (-1.0, 1.0)),
    ("tanh", "exp(-y*a)", (-1.0, 1.0)),
    ("sigmoid", "log(cosh(a - y))", (0.0, 1.0, 0.25)),
    ("exp", "2*(2*y/sqrt(a) + 2*sqrt(a) - 4*sqrt(y))", (0.5, 7.0)),
    ("exp", "2*(y/a - log(y/a) - 1)", (0.5, 7.0)),
    ("exp", "a - y*log(a)", (0.0, 2.5)),
    ("sigmoid", "log(1 + (a - y)**2)", (0.0, 1.0, 0.25)),
    ("sigmoid", "(a - y)**4", (0.0, 1.0, 0.25)),
    ("sigmoid", "Abs(a - y)**3", (0.0, 1.0, 0.25)),
    ("sigmoid", "-y*log(a)", (1.0, 0.25)),
]

LABELS = {"sigmoid": (0.0, 1.0, 0.25), "exp": (0.0, 2.5)}
FAMILIES = [
    ("sigmoid", cr.loss("bce", pos_weight=3.0)),
    ("sigmoid", cr.loss("focal", gamma=2.0, alpha=0.25)),
    ("sigmoid", cr.loss("focal", gamma=1.5, alpha=None)),
]


def catalog_cases() -> list[tuple[str, Any]]:
    return [
        (g, cr.loss(name))
        for g in ("sigmoid", "exp")
        for name in losses.names()
        if domain_problem(g, name) is None
    ]


def _mp_functions(L: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    a, y = sp.Symbol("a", real=True), sp.Symbol("y", real=True)
    ell = L.sympy(a, y)
    modules = [MP_FUNCTIONS, "mpmath"]
    return (
        sp.lambdify([a, y], ell, modules),
        sp.lambdify([a, y], sp.diff(ell, a), modules),
    )


def _digits(z: float) -> int:
    # 50 significant digits of 1 − σ(z) need |z|/ln 10 more in the working precision.
    return 50 + int(abs(z) / 2.3)


def _check(actual: float, true: Any, dtype: type, what: str) -> None:
    info = np.finfo(dtype)
    true_f = float(true)
    if not abs(true_f) <= float(info.max):
        return  # not representable: nothing to compare
    tolerance = RTOL[dtype] * abs(true_f) + (float(info.tiny) if abs(true_f) < info.tiny else 0)
    assert np.isfinite(actual), f"{what}: {actual} where the true value is {true_f:g}"
    assert abs(actual - true_f) <= tolerance, f"{what}: {actual!r} vs {true_f!r}"


def _elementwise_case(g: str, L: Any, labels: tuple[float, ...], dtype: type) -> None:
    assert output_route(g, L) in ("natural", "stable"), (g, L)
    value, slope = _mp_functions(L)
    forward, derivative = OUTPUTS[g]
    for y in labels:
        Z = np.array([ZS], dtype=dtype)
        Y = np.full_like(Z, y)
        with np.errstate(over="ignore"), warnings.catch_warnings():
            # e^800 overflows, as its true value does (and says so: a NumericalWarning)
            warnings.simplefilter("ignore", cr.NumericalWarning)
            dZ = cr.output_delta(Z, Y, g, L)
            rule = output_rule(cr.activation(g), L, None)
            cost = rule.cost_from_logits(Z, Y)
        assert dZ.dtype == dtype
        assert cost.dtype == dtype
        for j, z in enumerate(Z[0].tolist()):
            with mpmath.workdps(_digits(z)):
                a = forward(mpmath.mpf(z))
                true_cost = value(a, mpmath.mpf(y))
                true_dZ = slope(a, mpmath.mpf(y)) * derivative(mpmath.mpf(z))
            where = f"{g}+{L.name} {dtype.__name__} z={z:g} y={y:g}"
            _check(float(cost[0, j]), true_cost, dtype, f"L for {where}")
            _check(float(dZ[0, j]), true_dZ, dtype, f"dZ for {where}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("g", "L"), catalog_cases() + FAMILIES, ids=str)
def test_catalog_and_family_losses_match_mpmath(g: str, L: Any, dtype: type) -> None:
    _elementwise_case(g, L, LABELS[g], dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("g", "formula", "labels"), FORMULAS, ids=str)
def test_formula_losses_match_mpmath(g: str, formula: str, labels: Any, dtype: type) -> None:
    _elementwise_case(g, cr.loss(formula), labels, dtype)


def _softmax_truth(L: Any, z: list[float], y: list[float]) -> tuple[Any, list[Any]]:
    value, slope = _mp_functions(L)
    with mpmath.workdps(_digits(max(z) - min(z))):
        exps = [mpmath.exp(mpmath.mpf(zk)) for zk in z]
        a = [e / sum(exps) for e in exps]
        cost = sum(value(ak, mpmath.mpf(yk)) for ak, yk in zip(a, y, strict=True))
        dA = [slope(ak, mpmath.mpf(yk)) for ak, yk in zip(a, y, strict=True)]
        dZ = [
            sum(dA[k] * a[k] * ((1 if i == k else 0) - a[i]) for k in range(len(z)))
            for i in range(len(z))
        ]
        return +cost, [+d for d in dZ]


SOFTMAX_LOSSES = [
    name
    for name in losses.names()
    if domain_problem("softmax", name) is None and name != "focal"  # focal is binary
] + [cr.loss("cce", label_smoothing=0.0), cr.loss("(a - y)**4")]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", SOFTMAX_LOSSES, ids=str)
def test_softmax_losses_match_mpmath(loss: Any, dtype: type) -> None:
    L = cr.loss(loss)
    assert output_route("softmax", L) in ("natural", "stable")
    rule = output_rule(cr.activation("softmax"), L, None)
    # Columns (z, 0) and (z, 0.5, −1.5): two and three classes, one of them swept.
    cases = [
        ([0.0], [[1.0, 0.0], [0.0, 1.0], [0.25, 0.75]]),
        ([0.5, -1.5], [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.25, 0.5, 0.25]]),
    ]
    for others, label_sets in cases:
        for labels in label_sets:
            Z = np.array([list(ZS)] + [[o] * len(ZS) for o in others], dtype=dtype)
            Y = np.array([[label] * len(ZS) for label in labels], dtype=dtype)
            dZ = cr.output_delta(Z, Y, "softmax", L)
            cost = rule.cost_from_logits(Z, Y).sum(axis=0)
            for j in range(len(ZS)):
                true_cost, true_dZ = _softmax_truth(L, Z[:, j].tolist(), labels)
                where = f"softmax+{L.name} {dtype.__name__} z={ZS[j]:g} y={labels}"
                _check(float(cost[j]), true_cost, dtype, f"L for {where}")
                for i in range(len(labels)):
                    _check(float(dZ[i, j]), true_dZ[i], dtype, f"dZ{i} for {where}")


def test_natural_routes_keep_all_digits_of_sigmoid_minus_one() -> None:
    # σ(30) − 1 = −σ(−30): the old A − Y kept three digits; σ(40) − 1 rounded to 0.
    dZ = cr.output_delta([[30.0, 40.0]], [[1, 1]], "sigmoid", "bce")
    with mpmath.workdps(60):
        true = [-1 / (1 + mpmath.exp(z)) for z in (30, 40)]
    np.testing.assert_allclose(dZ[0], [float(t) for t in true], rtol=1e-14)


def test_routes_and_fused() -> None:
    assert cr.output_route("sigmoid", "bce") == "natural"
    assert cr.output_route("sigmoid", "mse") == "stable"
    assert cr.output_route("relu", "mse") == "generic"
    assert cr.output_route("sigmoid", "mse", fused=False) == "generic"
    assert cr.output_route(activation="tanh", loss="mse") == "stable"
    with pytest.raises(ValueError, match="fused=True"):
        cr.output_route("relu", "mse", fused=True)
    # fused=False forces the generic route, which breaks at saturation where stable does not
    with pytest.warns(cr.NumericalWarning):
        generic = cr.output_delta(
            [[-800.0]], [[1.0]], "sigmoid", "-(3*y*log(a) + (1-y)*log(1-a))", fused=False
        )
    assert not np.isfinite(generic).all()
    assert (
        cr.output_delta([[-800.0]], [[1.0]], "sigmoid", "-(3*y*log(a) + (1-y)*log(1-a))")[0, 0]
        == -3.0
    )


def test_too_costly_rewrites_fall_back_to_generic() -> None:
    huge = " + ".join(f"(a - y)**{k}" for k in range(2, 40))
    started = time.perf_counter()
    assert cr.output_route("sigmoid", huge) == "generic"
    assert time.perf_counter() - started < 5


def test_a_formula_sigmoid_is_recognised() -> None:
    assert cr.output_route("1/(1 + exp(-z))", "mse") == "stable"
