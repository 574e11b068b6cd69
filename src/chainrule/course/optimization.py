# ruff: noqa: NPY002  (the course seeds and draws from NumPy's global generator, as here)
"""C2W2, "Optimization Methods": mini-batches, momentum, Adam and learning-rate decay.

The notebook's functions, names, arguments and returns; parameters are
``{"W1", "b1", …}``, gradients and the moment estimates v, s are keyed
``{"dW1", "db1", …}``. The updates run chainrule's own optimizers
(:mod:`chainrule.training.optimizers`: SGD, Momentum, Adam: the course's
forms) and decay schedules (:class:`chainrule.training.schedules.InverseTimeDecay`)
on copies: the input dicts are left as they were, and new ones returned.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from chainrule.course.common import Array, Parameters, layer_count
from chainrule.training.optimizers import SGD, Adam, Momentum, Optimizer
from chainrule.training.schedules import InverseTimeDecay

MiniBatch = tuple[Array, Array]


def load_dataset() -> tuple[Array, Array]:
    """The course's "moons": ``np.random.seed(3)``, sklearn ``make_moons(300, noise=0.2)``.

    Returns train_X (2, 300) and train_Y (1, 300), as opt_utils' load_dataset
    (without its scatter plot).
    """
    from sklearn.datasets import make_moons

    np.random.seed(3)
    train_X, train_Y = make_moons(n_samples=300, noise=0.2)
    return train_X.T, train_Y.reshape((1, train_Y.shape[0]))


def _step(
    optimizer: Optimizer, parameters: Parameters, grads: dict[str, Array], lr: float
) -> Parameters:
    updated: Parameters = {
        key: np.array(value, dtype=np.float64) for key, value in parameters.items()
    }
    optimizer.step(updated, {f"d{key}": grads[f"d{key}"] for key in updated}, lr)
    return updated


def update_parameters_with_gd(
    parameters: Parameters, grads: dict[str, Array], learning_rate: float
) -> Parameters:
    """W[l] = W[l] − α dW[l], b[l] = b[l] − α db[l] (chainrule's SGD)."""
    layer_count(parameters)
    return _step(SGD(), parameters, grads, learning_rate)


def random_mini_batches(
    X: ArrayLike, Y: ArrayLike, mini_batch_size: int = 64, seed: int = 0
) -> list[MiniBatch]:
    """Shuffle the columns of (X, Y) and cut them into mini-batches: a list of (X_b, Y_b).

    ``np.random.seed(seed)`` then one ``np.random.permutation(m)``, as the
    notebook, so the batches are the course's; every batch has
    ``mini_batch_size`` columns except the last, which holds the rest.
    """
    X_arr, Y_arr = np.asarray(X), np.asarray(Y)
    m = X_arr.shape[1]
    np.random.seed(seed)
    permutation = list(np.random.permutation(m))
    shuffled_X = X_arr[:, permutation]
    shuffled_Y = Y_arr[:, permutation].reshape((1, m))
    return [
        (shuffled_X[:, k : k + mini_batch_size], shuffled_Y[:, k : k + mini_batch_size])
        for k in range(0, m, mini_batch_size)
    ]


def initialize_velocity(parameters: Parameters) -> dict[str, Array]:
    """v = {"dW1": zeros like W1, "db1": zeros like b1, …}."""
    L = layer_count(parameters)
    return {
        f"d{name}": np.zeros(np.shape(parameters[name]))
        for l in range(1, L + 1)
        for name in (f"W{l}", f"b{l}")
    }


def update_parameters_with_momentum(
    parameters: Parameters,
    grads: dict[str, Array],
    v: dict[str, Array],
    beta: float,
    learning_rate: float,
) -> tuple[Parameters, dict[str, Array]]:
    """v = β v + (1 − β) dθ, θ = θ − α v (chainrule's Momentum): (parameters, v)."""
    layer_count(parameters)
    momentum = Momentum(beta)
    momentum.state = {key: {"v": np.array(v[f"d{key}"], dtype=np.float64)} for key in parameters}
    updated = _step(momentum, parameters, grads, learning_rate)
    return updated, {f"d{key}": state["v"] for key, state in momentum.state.items()}


def initialize_adam(parameters: Parameters) -> tuple[dict[str, Array], dict[str, Array]]:
    """v and s, both zeros keyed as :func:`initialize_velocity`."""
    return initialize_velocity(parameters), initialize_velocity(parameters)


def update_parameters_with_adam(
    parameters: Parameters,
    grads: dict[str, Array],
    v: dict[str, Array],
    s: dict[str, Array],
    t: int,
    learning_rate: float = 0.01,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
) -> tuple[Parameters, dict[str, Array], dict[str, Array], dict[str, Array], dict[str, Array]]:
    """Adam's t-th step: (parameters, v, s, v_corrected, s_corrected).

    v = β1 v + (1 − β1) dθ, s = β2 s + (1 − β2) dθ², v̂ = v / (1 − β1ᵗ),
    ŝ = s / (1 − β2ᵗ), θ = θ − α v̂ / (√ŝ + ε). chainrule's Adam folds the two
    corrections into scalars (as torch does): the same formula, other rounding.
    """
    layer_count(parameters)
    adam = Adam(beta1, beta2, epsilon)
    adam.t = t - 1  # step() counts this step as the t-th
    adam.state = {
        key: {
            "v": np.array(v[f"d{key}"], dtype=np.float64),
            "s": np.array(s[f"d{key}"], dtype=np.float64),
        }
        for key in parameters
    }
    updated = _step(adam, parameters, grads, learning_rate)
    v_new = {f"d{key}": state["v"] for key, state in adam.state.items()}
    s_new = {f"d{key}": state["s"] for key, state in adam.state.items()}
    v_corrected = {key: value / (1 - beta1**t) for key, value in v_new.items()}
    s_corrected = {key: value / (1 - beta2**t) for key, value in s_new.items()}
    return updated, v_new, s_new, v_corrected, s_corrected


def update_lr(learning_rate0: float, epoch_num: int, decay_rate: float) -> float:
    """α = α0 / (1 + decay_rate · epoch_num)."""
    return InverseTimeDecay(learning_rate0, decay_rate, 1)(epoch_num)


def schedule_lr_decay(
    learning_rate0: float, epoch_num: int, decay_rate: float, time_interval: int = 1000
) -> float:
    """α = α0 / (1 + decay_rate · ⌊epoch_num / time_interval⌋): decay in steps."""
    return InverseTimeDecay(learning_rate0, decay_rate, time_interval)(epoch_num)
