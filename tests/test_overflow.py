"""Numbers that cannot overflow where the answer is representable.

The mean cost of finite per-example costs is finite (checked against the exact
mean in rationals); exp + poisson's documented range is where e^z is
representable (log of the largest float); and the generic route's warning
recommends the fused route only where the fused route is itself finite.
"""

from __future__ import annotations

import math
import re
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.functions.pairs import NumericalWarning, mean_cost
from chainrule.training.weights import normalized_weights


def _exact_mean(values: np.ndarray) -> float:
    return float(sum(Fraction(float(v)) for v in values.ravel()) / values.size)


@pytest.mark.parametrize(
    "losses",
    [
        np.full((1, 10), 1e308),
        np.array([[1.7e308, 1.7e308, -1e308, 5.0]]),
        np.array([[np.finfo(np.float64).max] * 3 + [0.0]]),
        np.full((1, 7), 3e38, dtype=np.float32),
    ],
    ids=["1e308 x 10", "mixed signs", "the largest float", "float32 near its max"],
)
def test_finite_costs_have_a_finite_mean(losses):
    J = mean_cost(losses)
    assert math.isfinite(J)
    assert J == pytest.approx(_exact_mean(losses), rel=1e-15)


def test_the_common_case_is_the_plain_mean():
    losses = np.random.default_rng(0).standard_normal((1, 1000)) ** 2
    assert mean_cost(losses) == pytest.approx(_exact_mean(losses), rel=1e-15)
    assert mean_cost(np.array([[1.0, np.inf]])) == math.inf  # a non-finite term stays so


def test_the_cost_of_a_network_output_near_the_largest_float_is_finite():
    # mae per example: |a − y| = 1e308, finite; their float64 sum is not.
    Z = np.full((1, 8), 1e308)
    J = cr.output_cost(Z, np.zeros((1, 8)), "identity", "mae")
    assert J == pytest.approx(1e308, rel=1e-15)


def _edge(dtype: type) -> float:
    """Where e^z stops being representable: log of the largest float (the oracle)."""
    return math.log(float(np.finfo(dtype).max))


def test_the_readme_states_where_exp_poisson_stops_being_finite():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    sentence = readme[readme.index("exp with Poisson") :][:200]
    found = [float(x) for x in re.findall(r"z < (\d+\.\d+)", sentence)]
    assert found == [
        math.floor(_edge(np.float64) * 100) / 100,
        math.floor(_edge(np.float32) * 100) / 100,
    ]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_fused_poisson_route_is_finite_below_the_edge_and_not_beyond(dtype):
    edge = _edge(dtype)
    below = np.array([[np.nextafter(dtype(edge), dtype(0))]], dtype=dtype)
    beyond = np.array([[edge * 1.001]], dtype=dtype)
    y = np.ones((1, 1), dtype=dtype)
    with np.errstate(over="ignore"):
        assert math.isfinite(cr.output_cost(below, y, "exp", "poisson", fused=True))
        assert not math.isfinite(cr.output_cost(beyond, y, "exp", "poisson", fused=True))


def _generic_warning(Z, Y, activation, loss) -> str:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cr.output_delta(Z, Y, activation, loss, fused=False)
    messages = [str(w.message) for w in caught if issubclass(w.category, NumericalWarning)]
    assert len(messages) == 1
    return messages[0]


def test_the_poisson_warning_says_where_the_fused_route_overflows_too():
    message = _generic_warning(np.array([[800.0]]), np.array([[1.0]]), "exp", "poisson")
    assert "fused route" in message and "709.783" in message and "learning rate" in message
    # And what it says is true: the fused dZ at z = 800 is not finite, at z = −800 it is.
    with np.errstate(over="ignore"):
        assert not np.isfinite(cr.output_delta([[800.0]], [[1.0]], "exp", "poisson")).all()
    assert np.isfinite(cr.output_delta([[-800.0]], [[1.0]], "exp", "poisson")).all()


def test_the_sigmoid_bce_warning_recommends_the_fused_route_without_a_limit():
    message = _generic_warning(np.array([[-800.0]]), np.array([[1.0]]), "sigmoid", "bce")
    assert "use the fused route" in message and "unless" not in message
    z = np.array([[-800.0, 800.0, -1e308, 1e308]])
    assert np.isfinite(cr.output_delta(z, np.ones_like(z), "sigmoid", "bce")).all()
    assert math.isfinite(cr.output_cost(z, np.ones_like(z), "sigmoid", "bce"))


def _exact_scale(weights: list[float]) -> list[float]:
    total = sum(Fraction(w) for w in weights)
    return [float(Fraction(w) * len(weights) / total) for w in weights]


@pytest.mark.parametrize(
    "weights",
    [[1e308] * 5, [1e308, 1e-300, 0.0, 5e307], [1.0, 2.0, 3.0, 4.0], [5e-324, 5e-324]],
    ids=["1e308 x 5", "from 1e308 to 0", "plain", "subnormal"],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sample_weights_are_normalised_without_overflow(weights, dtype):
    scale = normalized_weights(weights, len(weights), dtype)
    assert scale.dtype == dtype and np.isfinite(scale).all()
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    np.testing.assert_allclose(scale, _exact_scale(weights), rtol=rtol)


@pytest.mark.parametrize(
    "weights, m, match",
    [
        ([1.0, -1.0], 2, "≥ 0"),
        ([0.0, 0.0], 2, "positive sum"),
        ([1.0, 2.0], 3, "2 weights for 3 examples"),
        ([1.0, np.nan], 2, "NaN"),
        ([1.0, np.inf], 2, "inf"),
    ],
)
def test_bad_sample_weights_are_refused(weights, m, match):
    with pytest.raises(ValueError, match=match):
        normalized_weights(weights, m, np.float64)


def test_fit_with_weights_near_the_float_maximum_trains_as_with_equal_weights() -> None:
    """Issue 14: weights of 1e308 overflowed their sum, and every cost became 0."""
    X = np.random.default_rng(0).standard_normal((3, 8))
    Y = (X[:1] > 0).astype(float)
    runs = []
    for weights in (np.full(8, 1e308), None):
        net = cr.Network([3, 4, 1], seed=0, dtype=np.float32)
        history = net.fit(X, Y, epochs=3, learning_rate=0.1, sample_weight=weights, verbose=0)
        runs.append((history.cost, net.params["W1"]))
    (huge_cost, huge_W), (plain_cost, plain_W) = runs
    assert all(np.isfinite(huge_cost)) and huge_cost[-1] > 0
    np.testing.assert_allclose(huge_cost, plain_cost, rtol=1e-6)
    np.testing.assert_allclose(huge_W, plain_W, rtol=1e-5)
