"""Optimizers and schedules against independent references: torch.optim, the course."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import chainrule as cr
from chainrule.training.optimizers import Adam, Momentum, RMSprop, optimizer


def _data(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((4, 30))
    Y = (X[0:1] - 0.5 * X[1:2] + 0.3 * rng.standard_normal((1, 30)) > 0).astype(np.float64)
    return X, Y


def _torch_train(net: cr.Network, X: np.ndarray, Y: np.ndarray, make_opt, epochs: int) -> dict:
    """The same network in torch (tanh hidden, sigmoid + bce from the logits), full batch."""
    params = {
        k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in net.params.items()
    }
    opt = make_opt(list(params.values()))
    X_t, Y_t = torch.tensor(X), torch.tensor(Y)
    m = X.shape[1]
    for _ in range(epochs):
        opt.zero_grad()
        A = X_t
        for l in range(1, net.L):
            A = torch.tanh(params[f"W{l}"] @ A + params[f"b{l}"])
        Z = params[f"W{net.L}"] @ A + params[f"b{net.L}"]
        cost = torch.nn.functional.binary_cross_entropy_with_logits(Z, Y_t, reduction="sum") / m
        cost.backward()
        opt.step()
    return {k: v.detach().numpy() for k, v in params.items()}


@pytest.mark.parametrize(
    ("name", "make_opt"),
    [
        ("adam", lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8)),
        ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8)),
    ],
)
def test_full_batch_training_matches_torch_optim(name, make_opt):
    X, Y = _data()
    net = cr.Network([4, 5, 3, 1], hidden="tanh", output="sigmoid", loss="bce", seed=7)
    expected = _torch_train(net, X, Y, make_opt, epochs=20)
    net.fit(X, Y, epochs=20, learning_rate=0.01, optimizer=name, verbose=0)
    for key, value in expected.items():
        np.testing.assert_allclose(net.params[key], value, rtol=0, atol=1e-10, err_msg=key)
    assert not np.allclose(net.params["W1"], cr.Network([4, 5, 3, 1], seed=7).params["W1"])


def test_plain_sgd_alone_finishes_a_step_from_a_gradient_with_alpha_folded_in():
    rng = np.random.default_rng(0)
    theta, grad, alpha = rng.standard_normal(10), rng.standard_normal(10), 0.05
    theta_t = torch.tensor(theta, requires_grad=True)
    theta_t.grad = torch.tensor(grad)
    torch.optim.SGD([theta_t], lr=alpha).step()
    sgd = optimizer("sgd")
    assert sgd.folds_into_gradient
    out = alpha * grad  # the caller computed α·dθ; the update is written over it
    sgd.step_folded(theta, out, out=out)
    np.testing.assert_allclose(out, theta_t.detach().numpy(), rtol=0, atol=1e-15)
    assert sgd.t == 1
    for name in ("momentum", "rmsprop", "adam"):  # their update is not θ − α·dθ
        stateful = optimizer(name)
        assert not stateful.folds_into_gradient
        with pytest.raises(TypeError, match=name):
            stateful.step_folded(theta, out, out=out)


def test_momentum_matches_the_course_formulas():
    X, Y = _data(5)
    net = cr.Network([4, 6, 1], hidden="relu", output="sigmoid", loss="bce", seed=2)
    reference = net.copy()
    beta, alpha = 0.9, 0.05
    # The course's initialize_velocity and update_parameters_with_momentum, transcribed.
    v = {f"d{k}": np.zeros_like(p) for k, p in reference.params.items()}
    for _ in range(20):
        grads = reference.gradients(X, Y)
        for l in range(1, reference.L + 1):
            v[f"dW{l}"] = beta * v[f"dW{l}"] + (1 - beta) * grads[f"dW{l}"]
            v[f"db{l}"] = beta * v[f"db{l}"] + (1 - beta) * grads[f"db{l}"]
            reference.params[f"W{l}"] = reference.params[f"W{l}"] - alpha * v[f"dW{l}"]
            reference.params[f"b{l}"] = reference.params[f"b{l}"] - alpha * v[f"db{l}"]
    net.fit(X, Y, epochs=20, learning_rate=alpha, optimizer="momentum", verbose=0)
    for key, value in reference.params.items():
        np.testing.assert_allclose(net.params[key], value, rtol=0, atol=1e-13, err_msg=key)


def test_adam_bias_correction_first_step_moves_each_weight_by_alpha():
    # With t = 1, v̂ = dθ and ŝ = dθ², so the step is α·dθ/(|dθ| + ε) ≈ α·sign(dθ).
    params = {"W1": np.array([[1.0, -2.0]]), "b1": np.zeros((1, 1))}
    grads = {"dW1": np.array([[0.3, -4.0]]), "db1": np.array([[1e-3]])}
    Adam().step(params, grads, 0.1)
    np.testing.assert_allclose(params["W1"], [[0.9, -1.9]], atol=1e-8)
    np.testing.assert_allclose(params["b1"], [[-0.1]], atol=1e-5)


def test_float32_stays_float32_through_adam():
    X, Y = _data()
    net = cr.Network([4, 3, 1], seed=0, dtype=np.float32)
    net.fit(
        X.astype(np.float32),
        Y,
        epochs=3,
        learning_rate=0.01,
        optimizer="adam",
        batch_size=8,
        verbose=0,
    )
    assert all(p.dtype == np.float32 for p in net.params.values())
    assert all(s.dtype == np.float32 for s in net.optimizer.state_arrays().values())


def test_optimizer_lookup_and_errors():
    assert isinstance(optimizer("RMSprop"), RMSprop)
    assert optimizer("momentum", beta=0.8).beta == 0.8
    custom = Momentum(beta=0.5)
    assert optimizer(custom) is custom
    with pytest.raises(ValueError, match="unknown optimizer 'nesterov'; known: adam, momentum"):
        optimizer("nesterov")
    with pytest.raises(TypeError, match="takes the settings beta1, beta2, epsilon"):
        optimizer("adam", beta=0.9)
    with pytest.raises(ValueError, match="beta must be a number in"):
        Momentum(beta=1.0)
    with pytest.raises(ValueError, match="beta1 must be a number in"):
        Adam(beta1=False)  # a bool is no number here, though False == 0
    with pytest.raises(ValueError, match="epsilon must be a finite number"):
        Adam(epsilon=True)
    with pytest.raises(ValueError, match="grads lacks db1"):
        Adam().step({"W1": np.ones((1, 1)), "b1": np.ones((1, 1))}, {"dW1": np.ones((1, 1))}, 0.1)
    with pytest.raises(ValueError, match="learning_rate must be finite and > 0"):
        Adam().step({"W1": np.ones((1, 1))}, {"dW1": np.ones((1, 1))}, -1.0)


@pytest.mark.parametrize(
    ("name", "settings", "formula"),
    [
        ("constant", {}, lambda e: 0.2),
        ("step", {"factor": 0.5, "every": 3}, lambda e: 0.2 * 0.5 ** (e // 3)),
        ("exponential", {"rate": 0.9}, lambda e: 0.2 * 0.9**e),
        ("inverse_time", {"decay_rate": 0.5, "interval": 2}, lambda e: 0.2 / (1 + 0.5 * (e // 2))),
    ],
)
def test_schedules_follow_their_formulas(name, settings, formula):
    schedule = cr.schedules.schedule(name, 0.2, **settings)
    for epoch in range(12):
        assert schedule(epoch) == pytest.approx(formula(epoch), rel=1e-15)


def test_fit_uses_the_schedule_epoch_by_epoch():
    X, Y = _data()
    net = cr.Network([4, 3, 1], seed=0)
    history = net.fit(
        X, Y, epochs=5, learning_rate=cr.schedules.ExponentialDecay(0.1, rate=0.5), verbose=0
    )
    assert history.learning_rate == [0.1, 0.05, 0.025, 0.0125, 0.00625]
    with pytest.raises(ValueError, match="unknown schedule 'cosine'"):
        cr.schedules.schedule("cosine", 0.1)
