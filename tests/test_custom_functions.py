"""Activations and losses from formulas work wherever the catalog's do."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
import torch

import chainrule as cr
from chainrule.functions.pairs import domain_problem

SOFTSIGN = "z/(1 + Abs(z))"


def softsign() -> cr.Activation:
    return cr.Activation.from_expression("softsign", SOFTSIGN)


def quartic() -> cr.Loss:
    return cr.Loss.from_expression("quartic", "(a - y)**4")


def test_activation_value_and_derivative_match_torch() -> None:
    g = softsign()
    Z = np.linspace(-4, 4, 24).reshape(4, 6)
    Zt = torch.tensor(Z, requires_grad=True)
    At = torch.nn.functional.softsign(Zt)
    At.sum().backward()
    np.testing.assert_allclose(g.forward(Z), At.detach().numpy(), rtol=1e-14)
    np.testing.assert_allclose(g.derivative(Z), Zt.grad.numpy(), rtol=1e-14)


def test_loss_value_and_gradient_match_torch() -> None:
    L = quartic()
    rng = np.random.default_rng(0)
    A, Y = rng.normal(size=(2, 5)), rng.normal(size=(2, 5))
    At = torch.tensor(A, requires_grad=True)
    ell = (At - torch.tensor(Y)) ** 4
    ell.sum().backward()
    np.testing.assert_allclose(L.per_example(A, Y), ell.detach().numpy().sum(0, keepdims=True))
    np.testing.assert_allclose(L.backward(A, Y), At.grad.numpy(), rtol=1e-14)


def test_float32_stays_float32() -> None:
    g, L = softsign(), quartic()
    Z = np.linspace(-2, 2, 6, dtype=np.float32).reshape(2, 3)
    assert g.forward(Z).dtype == g.derivative(Z).dtype == np.float32
    assert L.gradient(Z, Z * 0.5).dtype == L.elementwise(Z, Z * 0.5).dtype == np.float32
    linear = cr.Activation.from_expression("double", "2*z")
    assert linear.derivative(Z).dtype == np.float32 and linear.derivative(Z).shape == Z.shape


def test_output_delta_is_the_chain_rule_written_out() -> None:
    rng = np.random.default_rng(1)
    Z, Y = rng.normal(size=(3, 7)), rng.normal(size=(3, 7))
    A = Z / (1 + np.abs(Z))
    expected = 4 * (A - Y) ** 3 * (1 / (1 + np.abs(Z)) ** 2)
    np.testing.assert_allclose(cr.output_delta(Z, Y, softsign(), quartic()), expected, rtol=1e-12)


def test_derive_works_with_custom_functions() -> None:
    d = cr.derive(quartic(), softsign())
    a, y, z = sp.symbols("a y z", real=True)
    g = z / (1 + sp.Abs(z))
    oracle = sp.diff((g - y) ** 4, z)
    point = {z: sp.Rational(-7, 10), y: sp.Rational(1, 3)}
    assert abs(d.dZ.subs(a, g).evalf(30, subs=point) - oracle.evalf(30, subs=point)) < 1e-25
    assert not d.natural and d.domain_problem is None


def test_unknown_range_is_reported_with_bce_and_can_be_given() -> None:
    squashed = cr.Activation.from_expression("squash", "(tanh(z/2) + 1)/2")
    assert squashed.output_range == (-math.inf, math.inf)
    problem = domain_problem(squashed, "bce")
    assert problem is not None and "(0, 1)" in problem
    with pytest.raises(ValueError, match="bce"):
        cr.Network([2, 3, 1], output=squashed, loss="bce")
    bounded = cr.Activation.from_expression("squash", "(tanh(z/2) + 1)/2", output_range=(0, 1))
    assert domain_problem(bounded, "bce") is None
    assert cr.derive("bce", bounded).natural  # it is sigmoid, written another way


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="non-empty name"):
        cr.Activation.from_expression("", "z")
    with pytest.raises(ValueError, match="output_range"):
        cr.Activation.from_expression("g", "z", output_range=(1, 0))
    with pytest.raises(ValueError, match="domain"):
        cr.Loss.from_expression("L", "a", domain=(math.nan, 1))
    with pytest.raises(ValueError, match="unknown name 'x'"):
        cr.Loss.from_expression("L", "(a - x)**2")


def test_network_with_custom_hidden_activation_and_loss_trains_on_breast_cancer() -> None:
    data = cr.datasets.load("breast_cancer", seed=0)
    log_loss = cr.Loss.from_expression(
        "my_log_loss", "-(y*log(a) + (1 - y)*log(1 - a))", domain=(0, 1)
    )
    net = cr.Network([data.n_x, 8, 1], hidden=softsign(), output="sigmoid", loss=log_loss, seed=0)
    assert net.output_pair is None  # a custom loss takes the generic chain rule

    check = cr.gradcheck(net, data.X_train[:, :40], data.Y_train[:, :40])
    assert float(check) < 1e-7

    history = net.fit(data.X_train, data.Y_train, epochs=300, learning_rate=0.5)
    assert history[-1] < 0.2 * history[0]
    # A custom loss predicts A itself; the class is A > 0.5.
    accuracy = float(np.mean((net.predict(data.X_test) > 0.5) == data.Y_test))
    assert accuracy > 0.93

    quartic_net = cr.Network(
        [data.n_x, 5, 1], hidden=softsign(), output="sigmoid", loss=quartic(), seed=1
    )
    assert float(cr.gradcheck(quartic_net, data.X_train[:, :30], data.Y_train[:, :30])) < 1e-7


def test_custom_output_activation_in_a_network_passes_gradcheck() -> None:
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(3, 12)), rng.normal(size=(2, 12))
    net = cr.Network([3, 4, 2], hidden="tanh", output=softsign(), loss="mse", seed=3)
    assert float(cr.gradcheck(net, X, Y)) < 1e-7


@pytest.mark.parametrize(
    ("formula", "torch_g"),
    [("z*Heaviside(z)", torch.relu), ("sign(z)*z", torch.abs), ("Heaviside(z) + z", None)],
)
def test_sign_and_heaviside_differentiate_to_zero_where_sympy_says_dirac_delta(formula, torch_g):
    # SymPy's derivative holds DiracDelta; away from 0 it is 0, as autograd's.
    g = cr.Activation.from_expression("custom", formula)
    Z = np.array([[-2.0, -0.5, 0.5, 3.0]])
    expected = np.ones_like(Z)
    if torch_g is not None:
        z = torch.tensor(Z, requires_grad=True)
        torch_g(z).sum().backward()
        expected = z.grad.numpy()
    np.testing.assert_array_equal(g.derivative(Z, g.forward(Z)), expected)
    net = cr.Network([2, 3, 1], hidden=g, output="sigmoid", loss="bce", seed=0)
    X, Y = np.array([[0.5, -1.0], [2.0, 0.3]]), np.array([[1.0, 0.0]])
    assert cr.gradcheck(net, X, Y).passed()


@pytest.mark.parametrize("formula", ["1/(1 + exp(-z))", "exp(z)/(1 + exp(z))", "(tanh(z/2) + 1)/2"])
def test_a_custom_sigmoid_differentiates_through_a_as_the_catalogs(formula: str) -> None:
    # g' = a(1 − a) from A: finite where e^−z/(1 + e^−z)², as differentiated, is inf/inf.
    g, sigmoid = cr.Activation.from_expression("s", formula), cr.activation("sigmoid")
    Z = np.array([[-800.0, -30.0, -1.0, 0.0, 2.5, 30.0]])
    A = sigmoid.forward(Z)
    with np.errstate(all="raise"):
        np.testing.assert_allclose(g.derivative(Z, A), sigmoid.derivative(Z, A), rtol=0, atol=0)
    z = torch.tensor(Z[:, 1:], requires_grad=True)  # autograd of the catalog-free sigmoid
    torch.sigmoid(z).sum().backward()
    np.testing.assert_allclose(g.derivative(Z, A)[:, 1:], z.grad.numpy(), rtol=1e-12, atol=1e-300)
