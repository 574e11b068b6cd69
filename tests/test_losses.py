"""Every loss against PyTorch autograd: J = mean over examples of Σ_units ℓ, dA per example."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.functions import losses
from checks import one_hot, relative_error
from torch_reference import loss_reference

K, M = 3, 8


def _bce_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(0.02, 0.98, (K, M)), rng.integers(0, 2, (K, M)).astype(float)


def _bce_soft_labels(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(0.02, 0.98, (K, M)), rng.uniform(0, 1, (K, M))


def _probability_columns(rng: np.random.Generator) -> np.ndarray:
    E = rng.uniform(0.1, 1.0, (K, M))
    return E / E.sum(axis=0, keepdims=True)


def _cce_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return _probability_columns(rng), one_hot(rng.integers(0, K, M), K)


def _regression_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    A = rng.standard_normal((K, M)) * 2
    # |a − y| ≥ 0.05 and away from huber's delta (1 and 0.5): no kink is hit.
    residual = rng.choice([0.1, 0.3, 0.7, 1.4, 2.5], (K, M)) * rng.choice([-1.0, 1.0], (K, M))
    return A, A - residual


def _hinge_01(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # t·a ∈ {…} keeps 1 − t·a away from 0, on both sides of the hinge.
    Y = rng.integers(0, 2, (K, M)).astype(float)
    margin = rng.choice([-1.5, -0.3, 0.4, 0.9, 1.2, 2.0], (K, M))
    return np.where(Y == 1, 1.0, -1.0) * margin, Y


def _hinge_pm1(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    A, Y01 = _hinge_01(rng)
    return A, 2 * Y01 - 1


def _poisson_case(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(0.1, 5.0, (K, M)), rng.poisson(2.0, (K, M)).astype(float)


CASES = [
    pytest.param("bce", {}, _bce_case, id="bce"),
    pytest.param("bce", {}, _bce_soft_labels, id="bce-probability-labels"),
    pytest.param("cce", {}, _cce_case, id="cce-one-hot"),
    pytest.param("mse", {}, _regression_case, id="mse"),
    pytest.param("mae", {}, _regression_case, id="mae"),
    pytest.param("huber", {}, _regression_case, id="huber"),
    pytest.param("huber", {"delta": 0.5}, _regression_case, id="huber-delta=0.5"),
    pytest.param("hinge", {}, _hinge_01, id="hinge-labels-0-1"),
    pytest.param("hinge", {}, _hinge_pm1, id="hinge-labels-pm1"),
    pytest.param("poisson", {}, _poisson_case, id="poisson"),
]


def test_catalog_has_every_loss_of_the_issue() -> None:
    expected = {"bce", "cce", "mse", "mae", "huber", "hinge", "poisson", "focal"}
    assert set(losses.names()) == expected


@pytest.mark.parametrize(("name", "params", "case"), CASES)
def test_forward_and_backward_match_torch(
    name: str, params: dict[str, float], case, rng: np.random.Generator
) -> None:
    A, Y = case(rng)
    J_torch, dA_torch = loss_reference(name, A, Y, **params)
    L = cr.loss(name, **params)
    J = L.forward(A, Y)
    assert isinstance(J, float)
    assert J == pytest.approx(J_torch, rel=1e-10)
    assert relative_error(L.backward(A, Y), dA_torch) <= 1e-10
    per_example = L.per_example(A, Y)
    assert per_example.shape == (1, M)
    assert np.mean(per_example) == pytest.approx(J_torch, rel=1e-10)


def test_cce_integer_labels_equal_one_hot(rng: np.random.Generator) -> None:
    A = _probability_columns(rng)
    labels = rng.integers(0, K, M)
    J_torch, dA_torch = loss_reference("cce", A, one_hot(labels, K))
    cce = cr.loss("cce")
    assert cce.forward(A, labels[None, :]) == pytest.approx(J_torch, rel=1e-10)
    assert relative_error(cce.backward(A, labels[None, :]), dA_torch) <= 1e-10


def test_hinge_label_conventions_agree(rng: np.random.Generator) -> None:
    A, Y01 = _hinge_01(rng)
    hinge = cr.loss("hinge")
    assert hinge.forward(A, Y01) == hinge.forward(A, 2 * Y01 - 1)
    np.testing.assert_array_equal(hinge.backward(A, Y01), hinge.backward(A, 2 * Y01 - 1))


@pytest.mark.parametrize(("name", "params", "case"), CASES)
def test_float32_stays_float32(
    name: str, params: dict[str, float], case, rng: np.random.Generator
) -> None:
    A, Y = case(rng)
    dA = cr.loss(name, **params).backward(A.astype(np.float32), Y.astype(np.float32))
    assert dA.dtype == np.float32
    assert relative_error(dA, loss_reference(name, A.astype(np.float32), Y, **params)[1]) <= 1e-5


@pytest.mark.parametrize(
    ("alias", "name"),
    [("log_loss", "bce"), ("binary_crossentropy", "bce"), ("cross_entropy", "cce")],
)
def test_aliases(alias: str, name: str) -> None:
    assert cr.loss(alias) is cr.loss(name)


@pytest.mark.parametrize("name", losses.names())
def test_sympy_expression_is_the_loss_that_runs(name: str, rng: np.random.Generator) -> None:
    """ℓ's SymPy form (used by derive) and ∂ℓ/∂a agree with elementwise and gradient."""
    import sympy as sp

    cases = {
        "bce": _bce_case,
        "focal": _bce_case,
        "cce": _cce_case,
        "hinge": _hinge_pm1,
        "poisson": _poisson_case,
    }
    A, Y = cases.get(name, _regression_case)(rng)
    L = cr.loss(name)
    a, y = sp.symbols("a y", real=True)
    expression = L.sympy(a, y)
    value = sp.lambdify((a, y), expression, "numpy")
    slope = sp.lambdify((a, y), sp.diff(expression, a), "numpy")
    pairs = list(zip(A.ravel(), Y.ravel(), strict=True))
    expected = np.array([float(value(ai, yi)) for ai, yi in pairs]).reshape(A.shape)
    expected_dA = np.array([float(slope(ai, yi)) for ai, yi in pairs]).reshape(A.shape)
    assert relative_error(L.elementwise(A, Y), expected) <= 1e-12
    assert relative_error(L.gradient(A, Y), expected_dA) <= 1e-12
