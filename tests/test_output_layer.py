"""output_delta and output_cost for every activation × loss pair, against PyTorch autograd.

The oracle is autograd of L(g(Z), Y) summed over examples (dZ per example, no
1/m), with g and L transcribed independently in torch_reference.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import chainrule as cr
from chainrule.functions import activations, losses
from checks import away_from_zero, one_hot, relative_error
from torch_reference import as_tensor, output_reference, torch_activation

N_L, M = 3, 6

_IN_0_1 = {"sigmoid", "softmax"}
_POSITIVE = {"sigmoid", "softmax", "softplus", "exp"}
#: The pairs whose activation range leaves the loss's domain, written out by hand:
#: bce needs a in (0, 1), cce a probability vector (softmax only), poisson a > 0.
EXPECTED_UNDEFINED: dict[tuple[str, str], str] = {
    **{(g, "bce"): "bce needs a in (0, 1)" for g in activations.names() if g not in _IN_0_1},
    **{(g, "focal"): "focal needs a in (0, 1)" for g in activations.names() if g not in _IN_0_1},
    **{
        (g, "cce"): "cce needs softmax's probability vector"
        for g in activations.names()
        if g != "softmax"
    },
    **{(g, "poisson"): "poisson needs a > 0" for g in activations.names() if g not in _POSITIVE},
}
#: Defined, but useless for classifying: hinge reads the class off the sign of a, and
#: these activations give only a > 0. domain_problem flags them; the derivatives are
#: still checked below.
EXPECTED_ONE_CLASS = {(g, "hinge") for g in _POSITIVE}
NATURAL = {("sigmoid", "bce"), ("softmax", "cce"), ("identity", "mse"), ("exp", "poisson")}


def labels_for(loss: str, A: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Labels in the loss's domain, away from its kinks (a = y for mae, |a − y| = δ for huber)."""
    if loss in ("bce", "focal", "hinge"):
        return rng.integers(0, 2, A.shape).astype(float)
    if loss == "cce":
        return one_hot(rng.integers(0, A.shape[0], A.shape[1]), A.shape[0])
    if loss == "poisson":
        return rng.poisson(2.0, A.shape).astype(float)
    residual = rng.choice([0.1, 0.3, 0.7, 1.4, 2.5], A.shape) * rng.choice([-1.0, 1.0], A.shape)
    return A - residual


def test_undefined_pairs_are_exactly_the_expected_ones() -> None:
    undefined = {
        (g, L)
        for g, L in itertools.product(activations.names(), losses.names())
        if cr.domain_problem(g, L) is not None
    }
    assert undefined == set(EXPECTED_UNDEFINED) | EXPECTED_ONE_CLASS


def test_natural_pairs_are_the_four_of_the_issue() -> None:
    assert {(p.activation.name, p.loss.name) for p in cr.NATURAL_PAIRS} == NATURAL
    for g, L in itertools.product(activations.names(), losses.names()):
        assert (cr.natural_pair(g, L) is not None) == ((g, L) in NATURAL)


@pytest.mark.parametrize(
    ("g_name", "L_name"), list(itertools.product(activations.names(), losses.names()))
)
def test_output_delta_matches_autograd(g_name: str, L_name: str, rng: np.random.Generator) -> None:
    if (g_name, L_name) in EXPECTED_UNDEFINED:
        pytest.skip(f"{g_name}+{L_name} is undefined: {EXPECTED_UNDEFINED[g_name, L_name]}")

    Z = away_from_zero(rng, (N_L, M), high=3.0)  # off relu-like kinks at z = 0
    A = torch_activation(g_name)(as_tensor(Z)).numpy()
    Y = labels_for(L_name, A, rng)
    if L_name == "hinge":  # off the hinge's kink 1 − t·a = 0
        assert np.abs(1 - np.where(Y == 0, -1, 1) * A).min() > 1e-3
    J_torch, dZ_torch = output_reference(g_name, L_name, Z, Y)

    routes: list[bool | None] = [None, False] + ([True] if (g_name, L_name) in NATURAL else [])
    for fused in routes:
        dZ = cr.output_delta(Z, Y, g_name, L_name, fused=fused)
        assert dZ.shape == Z.shape
        assert relative_error(dZ, dZ_torch) <= 1e-10, f"fused={fused}"
        assert cr.output_cost(Z, Y, g_name, L_name, fused=fused) == pytest.approx(
            J_torch, rel=1e-10
        ), f"fused={fused}"


@pytest.mark.parametrize(
    ("g_name", "g_params", "L_name", "L_params"),
    [
        ("leaky_relu", {"negative_slope": 0.2}, "huber", {"delta": 0.5}),
        ("elu", {"alpha": 0.5}, "mae", {}),
        ("elu", {"alpha": 0.5}, "hinge", {}),
        ("softplus", {}, "huber", {"delta": 2.0}),
    ],
)
def test_family_members_given_as_objects(
    g_name: str,
    g_params: dict[str, float],
    L_name: str,
    L_params: dict[str, float],
    rng: np.random.Generator,
) -> None:
    Z = away_from_zero(rng, (N_L, M), high=3.0)
    A = torch_activation(g_name, **g_params)(as_tensor(Z)).numpy()
    Y = labels_for(L_name, A, rng)
    J_torch, dZ_torch = output_reference(g_name, L_name, Z, Y, g_params, L_params)
    g, L = cr.activation(g_name, **g_params), cr.loss(L_name, **L_params)
    assert relative_error(cr.output_delta(Z, Y, g, L), dZ_torch) <= 1e-10
    assert cr.output_cost(Z, Y, g, L) == pytest.approx(J_torch, rel=1e-10)


def test_softmax_cce_with_integer_labels(rng: np.random.Generator) -> None:
    Z = rng.standard_normal((4, M)) * 3
    labels = rng.integers(0, 4, M)
    J_torch, dZ_torch = output_reference("softmax", "cce", Z, one_hot(labels, 4))
    for fused in (None, True, False):
        assert (
            relative_error(cr.output_delta(Z, labels[None, :], "softmax", "cce", fused), dZ_torch)
            <= 1e-10
        )
        assert cr.output_cost(Z, labels[None, :], "softmax", "cce", fused) == pytest.approx(
            J_torch, rel=1e-10
        )


@pytest.mark.parametrize(("g_name", "L_name"), sorted(NATURAL))
def test_fused_route_is_c_times_residual(
    g_name: str, L_name: str, rng: np.random.Generator
) -> None:
    """dZ = c·(A − Y): c = 2 for identity + mse, 1 for the others (the README's table)."""
    Z = rng.standard_normal((N_L, M))
    A = torch_activation(g_name)(as_tensor(Z)).numpy()
    Y = labels_for(L_name, A, rng)
    c = 2.0 if L_name == "mse" else 1.0
    np.testing.assert_allclose(
        cr.output_delta(Z, Y, g_name, L_name), c * (A - Y), rtol=1e-13, atol=1e-15
    )


@pytest.mark.parametrize(("g_name", "L_name"), [("sigmoid", "bce"), ("tanh", "mse")])
def test_float32_stays_float32(g_name: str, L_name: str, rng: np.random.Generator) -> None:
    Z = rng.standard_normal((N_L, M)).astype(np.float32)
    A = torch_activation(g_name)(as_tensor(Z)).numpy()
    Y = labels_for(L_name, A, rng)
    dZ = cr.output_delta(Z, Y, g_name, L_name)
    assert dZ.dtype == np.float32
    assert relative_error(dZ, output_reference(g_name, L_name, Z, Y)[1]) <= 1e-5
