# ruff: noqa: NPY002  (the course seeds and draws from NumPy's global generator, as here)
"""C1W3, "Planar data classification with one hidden layer", on chainrule.

LINEAR → TANH → LINEAR → SIGMOID with the notebook's names, arguments, dict
cache {"Z1", "A1", "Z2", "A2"} and grads {"dW1", "db1", "dW2", "db2"}. X is
(n_x, m), W1 (n_h, n_x), W2 (n_y, n_h). Activations come from chainrule's
catalog; the output delta is the natural pair's dZ2 = A2 − Y, as the course
derives it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.course.common import Array, Parameters, as_labels, gradient_for
from chainrule.functions.activations import SIGMOID, TANH
from chainrule.functions.losses import BCE


def load_planar_dataset() -> tuple[NDArray[np.float64], NDArray[np.uint8]]:
    """The "flower": X (2, 400) float64 and Y (1, 400) uint8, as the course's planar_utils.

    ``np.random.seed(1)``; for class j = 0, 1 (N = 200 points each, a = 4):
    t = linspace(3.12 j, 3.12 (j + 1), N) + 0.2 randn, r = a sin(4t) + 0.2 randn,
    x = (r sin t, r cos t).
    """
    np.random.seed(1)
    m, N, a = 400, 200, 4
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1), dtype="uint8")
    for j in range(2):
        rows = slice(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[rows] = j
    return X.T, Y.T


def layer_sizes(X: ArrayLike, Y: ArrayLike) -> tuple[int, int, int]:
    """(n_x, n_h, n_y) = (rows of X, 4, rows of Y): the course fixes n_h = 4 here."""
    return (np.shape(X)[0], 4, np.shape(Y)[0])


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> Parameters:
    """W1 = randn(n_h, n_x) · 0.01, b1 = 0, W2 = randn(n_y, n_h) · 0.01, b2 = 0.

    Draws from NumPy's global generator without seeding it, as the latest
    notebook (its test seeds 2 before the call; ``nn_model`` seeds 3).
    """
    W1 = np.random.randn(n_h, n_x) * 0.01
    W2 = np.random.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def forward_propagation(X: ArrayLike, parameters: Parameters) -> tuple[Array, dict[str, Array]]:
    """Z1 = W1 X + b1, A1 = tanh(Z1), Z2 = W2 A1 + b2, A2 = σ(Z2): (A2, cache)."""
    Z1 = parameters["W1"] @ np.asarray(X, dtype=np.float64) + parameters["b1"]
    A1 = TANH.forward(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = SIGMOID.forward(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2: ArrayLike, Y: ArrayLike) -> float:
    """J = −(1/m) Σ (y log a2 + (1 − y) log(1 − a2)), a Python float as the course's."""
    A2_arr, Y_arr = np.asarray(A2, dtype=np.float64), as_labels(Y)
    return float(np.sum(BCE.elementwise(A2_arr, Y_arr)) / Y_arr.shape[1])


def backward_propagation(
    parameters: Parameters, cache: dict[str, Array], X: ArrayLike, Y: ArrayLike
) -> dict[str, Array]:
    """dZ2 = A2 − Y, dW2 = (1/m) dZ2 A1ᵀ, db2 = (1/m) Σ dZ2; dZ1 = W2ᵀ dZ2 ⊙ (1 − A1²), dW1, db1.

    tanh' is read from the cache's A1 (1 − A1², chainrule's tanh derivative
    from A), as the course does; its test case holds an A1 that is not tanh(Z1).
    """
    X_arr, Y_arr = np.asarray(X, dtype=np.float64), as_labels(Y)
    m = X_arr.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y_arr
    dZ1 = TANH.backward(parameters["W2"].T @ dZ2, cache["Z1"], A1)
    return {
        "dW1": dZ1 @ X_arr.T / m,
        "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
        "dW2": dZ2 @ A1.T / m,
        "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
    }


def update_parameters(
    parameters: Parameters, grads: dict[str, Array], learning_rate: float = 1.2
) -> Parameters:
    """θ = θ − α dθ for W1, b1, W2, b2; returns a new dict (the input is kept)."""
    return {
        name: parameters[name] - learning_rate * gradient_for(grads, name, parameters[name])
        for name in ("W1", "b1", "W2", "b2")
    }


def nn_model(
    X: ArrayLike, Y: ArrayLike, n_h: int, num_iterations: int = 10000, print_cost: bool = False
) -> Parameters:
    """Gradient descent (α = 1.2) from ``np.random.seed(3)``: the learned parameters.

    With ``print_cost``, prints "Cost after iteration i: %f" every 1000 iterations.
    """
    np.random.seed(3)
    n_x, _, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))  # noqa: UP031 (the course's format)
    return parameters


def predict(parameters: Parameters, X: ArrayLike) -> NDArray[np.bool_]:
    """predictions = A2 > 0.5, a boolean (1, m) array as the course's."""
    A2, _ = forward_propagation(X, parameters)
    return A2 > 0.5
