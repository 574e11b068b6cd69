"""Every activation against PyTorch autograd: forward values and backward dZ = dA ⊙ g'(Z)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.functions import activations
from checks import away_from_zero, relative_error
from torch_reference import activation_vjp

#: Every catalog member with its default settings, plus two other members of the families.
MEMBERS: list[tuple[str, dict[str, float]]] = [
    *[(name, {}) for name in activations.names()],
    ("leaky_relu", {"negative_slope": 0.2}),
    ("elu", {"alpha": 0.5}),
]


def _cases(members: list[tuple[str, dict[str, float]]]) -> list[object]:
    return [
        pytest.param(name, params, id=name + "".join(f"-{k}={v}" for k, v in params.items()))
        for name, params in members
    ]


def test_catalog_has_every_activation_of_the_issue() -> None:
    assert set(activations.names()) == {
        "identity",
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "elu",
        "selu",
        "softplus",
        "gelu",
        "gelu_tanh",
        "silu",
        "softsign",
        "exp",
        "softmax",
    }


@pytest.mark.parametrize(("name", "params"), _cases(MEMBERS))
def test_forward_and_backward_match_torch(
    name: str, params: dict[str, float], rng: np.random.Generator
) -> None:
    g = cr.activation(name, **params)
    Z = away_from_zero(rng, (4, 7))  # |z| in [0.05, 4]: off every kink, softplus below 20
    dA = rng.standard_normal(Z.shape)
    A_torch, dZ_torch = activation_vjp(name, Z, dA, **params)

    A = g.forward(Z)
    assert relative_error(A, A_torch) <= 1e-12
    assert relative_error(g.backward(dA, Z, A), dZ_torch) <= 1e-10
    assert relative_error(g.backward(dA, Z), dZ_torch) <= 1e-10  # A recomputed


@pytest.mark.parametrize(("name", "params"), _cases(MEMBERS))
def test_float32_stays_float32(
    name: str, params: dict[str, float], rng: np.random.Generator
) -> None:
    g = cr.activation(name, **params)
    Z = away_from_zero(rng, (3, 5)).astype(np.float32)
    dA = rng.standard_normal(Z.shape).astype(np.float32)
    A = g.forward(Z)
    dZ = g.backward(dA, Z, A)
    assert A.dtype == np.float32
    assert dZ.dtype == np.float32
    _, dZ_torch = activation_vjp(name, Z, dA, **params)
    assert relative_error(dZ, dZ_torch) <= 1e-5


def test_kink_conventions_are_pytorchs() -> None:
    """At z = 0: relu' = 0, leaky_relu' = slope, elu' = alpha, selu' = scale·alpha (as torch)."""
    Z = np.zeros((1, 1))
    dA = np.ones((1, 1))
    for name, params in [
        ("relu", {}),
        ("leaky_relu", {"negative_slope": 0.2}),
        ("elu", {"alpha": 0.5}),
        ("selu", {}),
    ]:
        _, dZ_torch = activation_vjp(name, Z, dA, **params)
        assert cr.activation(name, **params).backward(dA, Z) == pytest.approx(dZ_torch, abs=0)


def test_softmax_runs_along_axis_0_and_is_stable() -> None:
    Z = np.array([[0.0, 1000.0], [1000.0, -1000.0], [-1000.0, 0.0]])
    A = cr.activation("softmax").forward(Z)
    np.testing.assert_array_equal(A, [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])


def test_derivative_of_softmax_points_to_backward() -> None:
    with pytest.raises(TypeError, match="backward"):
        cr.activation("softmax").derivative(np.zeros((2, 1)))


@pytest.mark.parametrize(("alias", "name"), [("linear", "identity"), ("swish", "silu")])
def test_aliases(alias: str, name: str) -> None:
    assert cr.activation(alias) is cr.activation(name)


def test_family_defaults_and_settings() -> None:
    assert cr.activation("leaky_relu").params == {"negative_slope": 0.01}
    assert cr.activation("elu").params == {"alpha": 1.0}
    assert cr.activation("leaky_relu", negative_slope=0.2).params == {"negative_slope": 0.2}


ELEMENTWISE = [(name, params) for name, params in MEMBERS if name != "softmax"]


@pytest.mark.parametrize(("name", "params"), _cases(ELEMENTWISE))
def test_sympy_expression_is_the_function_that_runs(
    name: str, params: dict[str, float], rng: np.random.Generator
) -> None:
    """The SymPy form (used by derive) and its derivative agree with forward and derivative."""
    import sympy as sp

    g = cr.activation(name, **params)
    z = sp.Symbol("z", real=True)
    expression = g.sympy(z)
    value = sp.lambdify(z, expression, modules=["scipy", "numpy"])
    slope = sp.lambdify(z, sp.diff(expression, z), modules=["scipy", "numpy"])
    Z = away_from_zero(rng, (1, 9))
    expected_A = np.array([float(value(zi)) for zi in Z.ravel()]).reshape(Z.shape)
    expected_slope = np.array([float(slope(zi)) for zi in Z.ravel()]).reshape(Z.shape)
    assert relative_error(g.forward(Z), expected_A) <= 1e-12
    assert relative_error(g.derivative(Z), expected_slope) <= 1e-12
