# ruff: noqa: NPY002  (the course seeds and draws from NumPy's global generator, as here)
"""C1W4 assignment 2, "Deep Neural Network for Image Classification: Application".

``two_layer_model`` and ``L_layer_model`` run gradient descent with the
step-by-step functions (:mod:`chainrule.course.step_by_step`), initialized as
the application's ``dnn_app_utils_v3`` does; ``predict`` prints the accuracy
as the course's. Import them from :mod:`chainrule.course.deep`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.base.checks import as_float_matrix
from chainrule.core.initializers import check_layer_dims
from chainrule.course.common import Parameters, labels_like
from chainrule.course.step_by_step import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    linear_activation_backward,
    linear_activation_forward,
    update_parameters,
)
from chainrule.functions.losses import BCE


def initialize_parameters_deep_application(layer_dims: Sequence[int]) -> Parameters:
    """The application's ``initialize_parameters_deep``: seed 1, W[l] = randn / √n_{l−1}, b = 0.

    (The step-by-step exercise's version seeds 3 and scales by 0.01;
    ``L_layer_model``'s expected values assume this one.)
    """
    layer_dims = check_layer_dims(layer_dims)
    np.random.seed(1)
    parameters: Parameters = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters[f"W{l}"] = np.random.randn(n, n_prev) / np.sqrt(n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def _record(costs: list[Any], cost: Any, i: int, num_iterations: int, print_cost: bool) -> None:
    # The notebook's `if print_cost and i % 100 == 0 or i == num_iterations - 1` binds as
    # `(print_cost and …) or last`: the last iteration prints even without print_cost.
    if (print_cost and i % 100 == 0) or i == num_iterations - 1:
        print(f"Cost after iteration {i}: {np.squeeze(cost)}")
    if i % 100 == 0:  # the latest notebook's `or i == num_iterations` never holds
        costs.append(cost)


def two_layer_model(
    X: ArrayLike,
    Y: ArrayLike,
    layers_dims: Sequence[int],
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    print_cost: bool = False,
) -> tuple[Parameters, list[Any]]:
    """LINEAR → RELU → LINEAR → SIGMOID by gradient descent; returns (parameters, costs).

    As the notebook: ``initialize_parameters`` (seed 1, randn · 0.01); each
    iteration dA2 = −(Y/A2 − (1 − Y)/(1 − A2)), then ``linear_activation_backward``
    twice. ``costs`` holds the cost (a 0-d ndarray) of every 100th iteration;
    "Cost after iteration i: …" is printed every 100 iterations with
    ``print_cost``, and at the last iteration always, as the notebook's
    condition does.
    """
    X_arr = as_float_matrix(X, "X")
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    costs: list[Any] = []
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X_arr, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = BCE.gradient(A2, labels_like(Y, A2))  # −(Y/A2 − (1 − Y)/(1 − A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = update_parameters(parameters, grads, learning_rate)
        _record(costs, cost, i, num_iterations, print_cost)
    return parameters, costs


def L_layer_model(
    X: ArrayLike,
    Y: ArrayLike,
    layers_dims: Sequence[int],
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    print_cost: bool = False,
) -> tuple[Parameters, list[Any]]:
    """[LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID by gradient descent: (parameters, costs).

    Initialized as the application (:func:`initialize_parameters_deep_application`:
    seed 1, randn / √n_{l−1}); costs and printing as :func:`two_layer_model`.
    """
    X_arr = as_float_matrix(X, "X")
    parameters = initialize_parameters_deep_application(layers_dims)
    costs: list[Any] = []
    for i in range(num_iterations):
        AL, caches = L_model_forward(X_arr, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        _record(costs, cost, i, num_iterations, print_cost)
    return parameters, costs


def predict(X: ArrayLike, y: ArrayLike, parameters: Parameters) -> NDArray[np.float64]:
    """Predictions p (1, m) of 0.0 and 1.0 (A[L] > 0.5), printing "Accuracy: …" on labels y.

    As ``dnn_app_utils_v3.predict``: float predictions, accuracy Σ(p == y)/m.
    """
    AL, _ = L_model_forward(X, parameters)
    p = (AL > 0.5).astype(np.float64)
    m = p.shape[1]
    print("Accuracy: " + str(np.sum((p == labels_like(y, AL)) / m)))
    return p
