"""C1W2, "Logistic Regression with a Neural Network mindset", on chainrule.

The notebook's functions, names and arguments: a single sigmoid unit
a = σ(wᵀx + b) trained by gradient descent on the cross-entropy. X is
(n_x, m), w is (n_x, 1), b a float, Y (1, m). The sigmoid and the loss come
from chainrule's catalogs; the gradient is the natural pair's
dz = a − y, as the notebook derives it.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.course.common import as_labels
from chainrule.functions.activations import SIGMOID
from chainrule.functions.losses import BCE


def sigmoid(z: ArrayLike) -> Any:
    """σ(z) = 1 / (1 + e^(−z)) for a scalar or an array of any shape (catalog sigmoid)."""
    return SIGMOID.forward(np.asarray(z, dtype=np.float64))


def initialize_with_zeros(dim: int) -> tuple[NDArray[np.float64], float]:
    """w = zeros (dim, 1) and b = 0.0 (a Python float, as the course's test requires)."""
    return np.zeros((dim, 1)), 0.0


def _forward(w: ArrayLike, b: Any, X: ArrayLike) -> NDArray[np.float64]:
    return sigmoid(np.asarray(w).T @ np.asarray(X, dtype=np.float64) + b)


def propagate(w: ArrayLike, b: Any, X: ArrayLike, Y: ArrayLike) -> tuple[dict[str, Any], Any]:
    """Cost and gradients of logistic regression: (grads {"dw", "db"}, cost).

    A = σ(wᵀX + b); J = −(1/m) Σ (y log a + (1 − y) log(1 − a));
    dw = (1/m) X (A − Y)ᵀ, shape (n_x, 1); db = (1/m) Σ (A − Y), a NumPy float.
    The cost is a 0-d ndarray (the notebook's ``np.squeeze(np.array(cost))``).
    """
    X_arr, Y_arr = np.asarray(X, dtype=np.float64), as_labels(Y)
    m = X_arr.shape[1]
    A = _forward(w, b, X_arr)
    cost = np.squeeze(np.array(np.sum(BCE.elementwise(A, Y_arr)) / m))
    dZ = A - Y_arr  # the natural pair sigmoid + cross-entropy: dz = a − y
    grads = {"dw": X_arr @ dZ.T / m, "db": np.sum(dZ) / m}
    return grads, cost


def optimize(
    w: ArrayLike,
    b: Any,
    X: ArrayLike,
    Y: ArrayLike,
    num_iterations: int = 100,
    learning_rate: float = 0.009,
    print_cost: bool = False,
) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """Gradient descent w −= α dw, b −= α db: (params {"w", "b"}, grads {"dw", "db"}, costs).

    ``costs`` holds the cost of every 100th iteration (0, 100, …); with
    ``print_cost`` each is printed as "Cost after iteration i: %f". w and b
    are copied first, as in the notebook.
    """
    w, b = copy.deepcopy(np.asarray(w, dtype=np.float64)), copy.deepcopy(b)
    costs: list[Any] = []
    grads: dict[str, Any] = {}
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))  # noqa: UP031 (the course's format)
    return {"w": w, "b": b}, grads, costs


def predict(w: ArrayLike, b: Any, X: ArrayLike) -> NDArray[np.float64]:
    """Y_prediction (1, m): 1.0 where σ(wᵀX + b) > 0.5, else 0.0."""
    return (_forward(w, b, X) > 0.5).astype(np.float64)


def model(
    X_train: ArrayLike,
    Y_train: ArrayLike,
    X_test: ArrayLike,
    Y_test: ArrayLike,
    num_iterations: int = 2000,
    learning_rate: float = 0.5,
    print_cost: bool = False,
) -> dict[str, Any]:
    """Zeros, :func:`optimize`, :func:`predict`: the notebook's dict of results.

    Keys: costs, Y_prediction_test, Y_prediction_train, w, b, learning_rate,
    num_iterations. With ``print_cost`` it also prints the train and test
    accuracy as "train accuracy: {} %" and "test accuracy: {} %".
    """
    w, b = initialize_with_zeros(np.shape(X_train)[0])
    params, _, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test, Y_prediction_train = predict(w, b, X_test), predict(w, b, X_train)
    if print_cost:
        for name, predicted, Y in (
            ("train", Y_prediction_train, Y_train),
            ("test", Y_prediction_test, Y_test),
        ):
            accuracy = 100 - np.mean(np.abs(predicted - np.asarray(Y))) * 100
            print(f"{name} accuracy: {accuracy} %")
    return {
        "costs": costs,
        "Y_prediction_test": Y_prediction_test,
        "Y_prediction_train": Y_prediction_train,
        "w": w,
        "b": b,
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }
