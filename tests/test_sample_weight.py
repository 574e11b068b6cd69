"""Network.fit(sample_weight=): the weighted cost Σ wᵢ·Lᵢ / Σ wᵢ, against torch autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import chainrule as cr


def _data(m: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, m))
    Y = (X[0:1] - X[2:3] > 0).astype(np.float64)
    weights = rng.uniform(0.0, 3.0, size=m)
    weights[2] = 0.0
    return X, Y, weights


def _torch_sgd(params: dict, X, Y, weights, learning_rate: float, epochs: int) -> dict:
    """Full-batch SGD on J = Σ wᵢ·bce(σ(z), y) / Σ wᵢ for [3, 4, 1] tanh/sigmoid, in torch."""
    theta = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    X_t, Y_t, w_t = (torch.tensor(a, dtype=torch.float64) for a in (X, Y, weights))
    for _ in range(epochs):
        Z2 = theta["W2"] @ torch.tanh(theta["W1"] @ X_t + theta["b1"]) + theta["b2"]
        losses = torch.nn.functional.binary_cross_entropy_with_logits(Z2, Y_t, reduction="none")
        J = (losses[0] * w_t).sum() / w_t.sum()
        grads = torch.autograd.grad(J, list(theta.values()))
        with torch.no_grad():
            for value, grad in zip(theta.values(), grads, strict=True):
                value -= learning_rate * grad
    return {k: v.detach().numpy() for k, v in theta.items()}


def test_weighted_full_batch_sgd_matches_torch_autograd():
    X, Y, weights = _data()
    net = cr.Network([3, 4, 1], hidden="tanh", output="sigmoid", loss="bce", seed=1)
    expected = _torch_sgd(net.params, X, Y, weights, 0.5, epochs=5)
    net.fit(X, Y, epochs=5, learning_rate=0.5, sample_weight=weights, verbose=0)
    for name, value in expected.items():
        np.testing.assert_allclose(net.params[name], value, rtol=1e-12, atol=1e-14)


def test_unit_weights_change_nothing_and_bad_weights_are_refused():
    X, Y, _ = _data()
    plain = cr.Network([3, 4, 1], seed=2)
    weighted = plain.copy()
    plain.fit(X, Y, epochs=3, learning_rate=0.1, batch_size=5, verbose=0, seed=0)
    weighted.fit(
        X,
        Y,
        epochs=3,
        learning_rate=0.1,
        batch_size=5,
        verbose=0,
        seed=0,
        sample_weight=np.ones(12),
    )
    # Weighted training takes the reference steps, plain training the fast ones: the same
    # arithmetic in another order, so they agree to rounding.
    for name, value in plain.params.items():
        np.testing.assert_allclose(weighted.params[name], value, rtol=1e-13, atol=1e-16)
    before = {k: v.copy() for k, v in plain.params.items()}
    for bad, message in (
        ([1.0] * 11, "11 weights for 12"),
        ([-1.0] + [1.0] * 11, "≥ 0"),
        ([0.0] * 12, "positive sum"),
        ([np.nan] * 12, "NaN"),
    ):
        with pytest.raises(ValueError, match=message):
            plain.fit(X, Y, epochs=1, learning_rate=0.1, verbose=0, sample_weight=bad)
    for name, value in before.items():
        np.testing.assert_array_equal(plain.params[name], value)
