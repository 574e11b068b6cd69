"""The catalog is one source of truth: each hand-written derivative is its SymPy expression's.

Every activation's ``derivative(Z, A)`` and every loss's ``gradient(A, Y)`` is
compared with ``sympy.diff`` of the same entry's SymPy expression, evaluated
at 30 digits, on a grid inside the function's domain (away from kinks).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from chainrule.functions import activations, losses

z, a, y = sp.symbols("z a y", real=True)
# −3 … 3 without 0 (the kink of relu, elu, …). Further out, 1 + tanh(…) in gelu_tanh's
# derivative cancels and the hand-written form keeps only about 11 digits (z = −4: 1.6e-12).
Z_GRID = np.array([v for v in np.linspace(-3, 3, 31) if abs(v) > 1e-9])


def exact(expr: sp.Expr, points: list[dict]) -> np.ndarray:
    """expr at each point, substituted exactly (each float as its exact rational), to 30 digits."""
    return np.array(
        [
            float(expr.subs({s: sp.Rational(float(v)) for s, v in point.items()}).evalf(30))
            for point in points
        ]
    )


@pytest.mark.parametrize("name", [n for n in activations.names() if n != "softmax"])
def test_activation_derivative_is_the_sympy_derivative(name: str) -> None:
    g = activations.activation(name)
    derivative = sp.diff(g.sympy(z), z)
    Z = Z_GRID.reshape(1, -1)
    np.testing.assert_allclose(
        g.derivative(Z).ravel(), exact(derivative, [{z: v} for v in Z_GRID]), rtol=1e-12, atol=0
    )
    np.testing.assert_allclose(
        g.forward(Z).ravel(), exact(g.sympy(z), [{z: v} for v in Z_GRID]), rtol=1e-12, atol=0
    )


def test_softmax_vjp_is_the_sympy_jacobian() -> None:
    K = 3
    zs = sp.symbols(f"z1:{K + 1}", real=True)
    A_sym = sp.Matrix(activations.SOFTMAX.sympy(list(zs)))
    jacobian = A_sym.jacobian(sp.Matrix(zs))
    rng = np.random.default_rng(0)
    Z, dA = rng.normal(size=(K, 5)), rng.normal(size=(K, 5))
    dZ = activations.SOFTMAX.backward(dA, Z)
    for column in range(5):
        point = dict(zip(zs, Z[:, column], strict=True))
        J = np.array(jacobian.evalf(30, subs=point), dtype=float)
        np.testing.assert_allclose(dZ[:, column], J.T @ dA[:, column], rtol=1e-12)


GRIDS = {
    # y off the a grid: where a = y, dA = 0 and its rounding error is all there is.
    "bce": (np.linspace(0.02, 0.98, 25), [0.0, 0.35, 1.0]),
    "focal": (np.linspace(0.02, 0.98, 25), [0.0, 0.35, 1.0]),
    "cce": (np.linspace(0.02, 1.0, 25), [0.0, 0.4, 1.0]),
    "mse": (np.linspace(-3, 3, 25), [-1.0, 0.5, 2.0]),
    "mae": (np.linspace(-3, 3, 24), [-1.01, 0.37, 2.03]),
    "huber": (np.linspace(-3, 3, 24), [-1.01, 0.37, 2.03]),
    "hinge": (np.linspace(-3, 3, 24) + 0.013, [-1.0, 1.0]),
    "poisson": (np.linspace(0.05, 5, 25), [0.0, 1.0, 3.0]),
}


def test_every_loss_has_a_grid() -> None:
    assert sorted(GRIDS) == losses.names()


@pytest.mark.parametrize("name", sorted(GRIDS))
def test_loss_gradient_is_the_sympy_derivative(name: str) -> None:
    L = losses.loss(name)
    dA = sp.diff(L.sympy(a, y), a)
    a_values, y_values = GRIDS[name]
    A, Y = np.meshgrid(a_values, y_values)
    points = [{a: av, y: yv} for av, yv in zip(A.ravel(), Y.ravel(), strict=True)]
    np.testing.assert_allclose(L.gradient(A, Y).ravel(), exact(dA, points), rtol=1e-12, atol=0)
    with np.errstate(divide="ignore"):
        values = L.elementwise(A, Y).ravel()
    np.testing.assert_allclose(values, exact(L.sympy(a, y), points), rtol=1e-12, atol=1e-300)
