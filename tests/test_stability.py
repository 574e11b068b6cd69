"""The fused routes are exact where the generic chain rule breaks; mpmath is the oracle.

At the points below the output activation saturates in floating point
(sigmoid(800) == 1.0, softmax of logits 1e4 apart is one-hot, exp(−800) == 0),
so the generic route divides by zero. The fused route computes the cost and dZ
from the logits Z and must match mpmath at 50 digits: the cost to a relative
1e-12 (float64) or 1e-5 (float32), or absolutely where the true cost underflows,
and dZ within 4 ulps of 1 (|dZ| ≤ 1, so the error is absolute), without any
warning or floating-point exception.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import mpmath
import numpy as np
import pytest

import chainrule as cr

#: The working precision of every reference value, in decimal digits.
DIGITS = 50
COST_RTOL = {np.float64: 1e-12, np.float32: 1e-5}
#: Where the true cost is below the dtype's smallest normal number it underflows;
#: then the cost must be within this absolute distance of it.
UNDERFLOW_ATOL = {np.float64: 1e-300, np.float32: float(np.finfo(np.float32).tiny)}


@contextlib.contextmanager
def strict_numerics() -> Iterator[None]:
    """Any warning is an error, and so is any overflow, divide-by-zero or invalid operation."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            yield


@mpmath.workdps(DIGITS)
def assert_cost_matches(actual: float, true: mpmath.mpf, dtype: type) -> None:
    if abs(true) < np.finfo(dtype).tiny:
        assert abs(actual - float(true)) <= UNDERFLOW_ATOL[dtype], (actual, true)
    else:
        assert abs(mpmath.mpf(actual) - true) <= COST_RTOL[dtype] * abs(true), (actual, true)


@mpmath.workdps(DIGITS)
def assert_delta_matches(actual: np.ndarray, true: list[mpmath.mpf], dtype: type) -> None:
    assert actual.dtype == dtype
    errors = [abs(mpmath.mpf(float(a)) - t) for a, t in zip(actual.ravel(), true, strict=True)]
    assert max(errors) <= 4 * np.finfo(dtype).eps, (actual.ravel(), [float(t) for t in true])


@mpmath.workdps(DIGITS)
def _sigmoid(z: float) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-mpmath.mpf(z)))


@mpmath.workdps(DIGITS)
def bce_truth(z: float, y: float) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(ℓ, dZ) for sigmoid + bce at 50 digits: −[y log σ + (1 − y) log(1 − σ)], σ − y."""
    s = _sigmoid(z)
    one_minus_s = mpmath.exp(-mpmath.mpf(z)) * s  # 1 − σ(z) = e^−z σ(z), with no cancellation
    return -(y * mpmath.log(s) + (1 - y) * mpmath.log(one_minus_s)), s - y


@mpmath.workdps(DIGITS)
def cce_truth(z: list[float], k: int) -> tuple[mpmath.mpf, list[mpmath.mpf]]:
    """(ℓ, dZ) for softmax + cce with class k: log Σ e^z − z_k, softmax(z) − y."""
    zs = [mpmath.mpf(v) for v in z]
    log_total = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs))
    softmax = [mpmath.exp(v - log_total) for v in zs]
    return log_total - zs[k], [s - (1 if i == k else 0) for i, s in enumerate(softmax)]


@mpmath.workdps(DIGITS)
def poisson_truth(z: float, y: float) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(ℓ, dZ) for exp + poisson: e^z − y·z (the log y! term dropped, as the loss does), e^z − y."""
    e = mpmath.exp(mpmath.mpf(z))
    return e - y * mpmath.mpf(z), e - y


SIGMOID_POINTS = [
    *[pytest.param(z, np.float64, id=f"float64-z={z:g}") for z in (30.0, -30.0, 800.0, -800.0)],
    *[pytest.param(z, np.float32, id=f"float32-z={z:g}") for z in (100.0, -100.0)],
]


@pytest.mark.parametrize(("z", "dtype"), SIGMOID_POINTS)
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_sigmoid_bce_fused_is_exact(z: float, dtype: type, y: float) -> None:
    Z = np.array([[z]], dtype=dtype)
    Y = np.array([[y]], dtype=dtype)
    true_cost, true_dZ = bce_truth(z, y)
    with strict_numerics():
        cost = cr.output_cost(Z, Y, "sigmoid", "bce")
        dZ = cr.output_delta(Z, Y, "sigmoid", "bce")
    assert_cost_matches(cost, true_cost, dtype)
    assert_delta_matches(dZ, [true_dZ], dtype)


SOFTMAX_COLUMNS = [[0.0, 1e4, -1e4], [1e4, -1e4, 0.0], [-1e4, 0.0, 1e4], [5e3, -5e3, 5e3]]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("column", SOFTMAX_COLUMNS, ids=str)
@pytest.mark.parametrize("k", [0, 1, 2])
def test_softmax_cce_fused_is_exact(dtype: type, column: list[float], k: int) -> None:
    Z = np.array(column, dtype=dtype)[:, None]
    Y = np.eye(3, dtype=dtype)[:, [k]]
    true_cost, true_dZ = cce_truth(column, k)
    with strict_numerics():
        cost = cr.output_cost(Z, Y, "softmax", "cce")
        dZ = cr.output_delta(Z, Y, "softmax", "cce")
        cost_from_labels = cr.output_cost(Z, np.array([[k]]), "softmax", "cce")
    assert_cost_matches(cost, true_cost, dtype)
    assert_cost_matches(cost_from_labels, true_cost, dtype)
    assert_delta_matches(dZ, true_dZ, dtype)


#: Columns wider than the dtype's range: Z − max overflows to −inf for the smallest logit.
#: The classes tested are those whose true cost is itself representable.
WIDER_THAN_THE_RANGE = [
    pytest.param(np.float64, [1e308, -1e308, 0.0], id="float64"),
    pytest.param(np.float32, [2e38, -2e38, 0.0], id="float32"),
]


@pytest.mark.parametrize(("dtype", "column"), WIDER_THAN_THE_RANGE)
@pytest.mark.parametrize("k", [0, 2])
def test_softmax_cce_fused_is_exact_for_logits_wider_than_the_float_range(
    dtype: type, column: list[float], k: int
) -> None:
    Z = np.array(column, dtype=dtype)[:, None]
    Y = np.eye(3, dtype=dtype)[:, [k]]
    true_cost, true_dZ = cce_truth([float(z) for z in Z.ravel()], k)
    with strict_numerics():  # 0·log 0 = 0 for the classes with y = 0, not 0·(−inf)
        cost = cr.output_cost(Z, Y, "softmax", "cce")
        dZ = cr.output_delta(Z, Y, "softmax", "cce")
    assert_cost_matches(cost, true_cost, dtype)
    assert_delta_matches(dZ, true_dZ, dtype)


def test_a_float32_cost_near_the_float32_maximum_does_not_overflow_in_the_mean() -> None:
    z = -2e38  # each example costs about 2e38, and two of them 4e38 > float32's 3.4e38
    Z = np.full((1, 2), z, np.float32)
    Y = np.ones((1, 2), np.float32)
    true_cost, _ = bce_truth(float(Z[0, 0]), 1.0)
    net = cr.Network([1, 1], output="sigmoid", loss="bce", dtype=np.float32)
    net.params["W1"][...] = 0
    net.params["b1"][...] = z
    with strict_numerics():
        costs = [cr.output_cost(Z, Y, "sigmoid", "bce"), net.cost(np.zeros((1, 2), np.float32), Y)]
    for cost in costs:
        assert_cost_matches(cost, true_cost, np.float32)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("y", [0.0, 1.0, 3.0])
def test_exp_poisson_fused_is_exact(dtype: type, y: float) -> None:
    Z = np.array([[-800.0]], dtype=dtype)
    Y = np.array([[y]], dtype=dtype)
    true_cost, true_dZ = poisson_truth(-800.0, y)
    with strict_numerics():
        cost = cr.output_cost(Z, Y, "exp", "poisson")
        dZ = cr.output_delta(Z, Y, "exp", "poisson")
    assert_cost_matches(cost, true_cost, dtype)
    assert_delta_matches(dZ, [true_dZ], dtype)


def test_fused_network_cost_and_gradients_stay_finite_when_saturated() -> None:
    """A network driven to |Z[L]| = 800 still has an exact cost and finite gradients."""
    net = cr.Network([2, 3, 1], hidden="tanh", output="sigmoid", loss="bce", seed=0)
    net.params["W2"][:] = 0
    net.params["b2"][:] = 800.0
    X = np.array([[0.5, -1.0], [1.0, 2.0]])
    Y = np.array([[0.0, 1.0]])
    with strict_numerics():
        cost = net.cost(X, Y)
        grads = net.gradients(X, Y)
    true = (bce_truth(800.0, 0.0)[0] + bce_truth(800.0, 1.0)[0]) / 2
    assert_cost_matches(cost, true, np.float64)
    assert all(np.isfinite(value).all() for value in grads.values())


# --- the generic route at the same points ---------------------------------


@contextlib.contextmanager
def expect_numerical_warning() -> Iterator[list[warnings.WarningMessage]]:
    """Collects warnings and checks that there was one and all were NumericalWarnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    assert caught, "expected a NumericalWarning"
    assert all(issubclass(w.category, cr.NumericalWarning) for w in caught), [
        (w.category.__name__, str(w.message)) for w in caught
    ]
    assert all("fused" in str(w.message) for w in caught)


@pytest.mark.parametrize(
    ("z", "dtype"),
    [(800.0, np.float64), (-800.0, np.float64), (100.0, np.float32), (-100.0, np.float32)],
)
def test_sigmoid_bce_generic_breaks_when_sigmoid_saturates(z: float, dtype: type) -> None:
    Z = np.array([[z, z]], dtype=dtype)
    Y = np.array([[0.0, 1.0]], dtype=dtype)
    with expect_numerical_warning():
        dZ = cr.output_delta(Z, Y, "sigmoid", "bce", fused=False)
    assert np.isnan(dZ).all()  # dA = ±inf or 0/0, then times g' = a(1 − a) = 0
    with expect_numerical_warning():
        cost = cr.output_cost(Z, Y, "sigmoid", "bce", fused=False)
    assert cost == np.inf  # −log(0) for the example whose label disagrees with the saturated a


def test_sigmoid_bce_generic_loses_digits_at_30() -> None:
    """At z = 30, 1 − σ(z) ≈ 9.4e-14 keeps only 3 digits in float64: the generic cost is off."""
    Z, Y = np.array([[30.0]]), np.array([[0.0]])
    true_cost = bce_truth(30.0, 0.0)[0]
    generic = cr.output_cost(Z, Y, "sigmoid", "bce", fused=False)
    fused = cr.output_cost(Z, Y, "sigmoid", "bce")
    assert abs(mpmath.mpf(generic) - true_cost) > 1e-7 * true_cost
    assert abs(mpmath.mpf(fused) - true_cost) <= 1e-12 * true_cost


def test_softmax_cce_generic_breaks_with_logits_far_apart() -> None:
    Z = np.array(SOFTMAX_COLUMNS[:3]).T
    Y = np.eye(3)
    with expect_numerical_warning():
        dZ = cr.output_delta(Z, Y, "softmax", "cce", fused=False)
    assert not np.isfinite(dZ).all()
    with expect_numerical_warning():
        assert cr.output_cost(Z, Y, "softmax", "cce", fused=False) == np.inf


def test_exp_poisson_generic_breaks_at_minus_800() -> None:
    Z = np.full((1, 3), -800.0)
    Y = np.array([[0.0, 1.0, 3.0]])
    with expect_numerical_warning():
        dZ = cr.output_delta(Z, Y, "exp", "poisson", fused=False)
    assert np.isnan(dZ).all()  # 1 − y/a with a = 0, times g' = a = 0
    with expect_numerical_warning():
        assert cr.output_cost(Z, Y, "exp", "poisson", fused=False) == np.inf


def _fit_expecting_divergence(net: cr.Network, X: np.ndarray, Y: np.ndarray) -> None:
    # The generic route's cost is inf from the first epoch, so fit's divergence guard stops it.
    with pytest.raises(cr.TrainingDiverged):
        net.fit(X, Y, epochs=1, learning_rate=0.1, verbose=0)


def test_the_warning_names_the_callers_line() -> None:
    Z, Y = np.array([[800.0]]), np.array([[0.0]])
    net = cr.Network([1, 1], hidden=[], output="sigmoid", loss="bce", fused=False)
    net.params["b1"][:] = 800.0
    for call in (
        lambda: cr.output_delta(Z, Y, "sigmoid", "bce", fused=False),
        lambda: cr.output_cost(Z, Y, "sigmoid", "bce", fused=False),
        lambda: net.gradients(np.zeros((1, 1)), Y),
        lambda: net.cost(np.zeros((1, 1)), Y),
        lambda: _fit_expecting_divergence(net, np.zeros((1, 1)), Y),
    ):
        with pytest.warns(cr.NumericalWarning) as record:
            call()
        assert {w.filename for w in record} == {__file__}


def test_the_warning_blames_overflow_for_a_loss_defined_everywhere() -> None:
    # mse is defined for every a: its NaN or inf can only come from overflow, not from
    # a saturating at a domain's edge, and the advice must say so.
    with pytest.warns(cr.NumericalWarning, match="overflowed the largest float") as caught:
        with np.errstate(over="ignore"):
            cr.output_delta(np.array([[1e200]]), [[1.0]], "exp", "mse")
    assert "domain" not in str(caught[0].message)
    with pytest.warns(cr.NumericalWarning, match="saturated to the edge of bce's domain"):
        cr.output_delta(np.array([[-800.0]]), [[1.0]], "sigmoid", "bce", fused=False)
