"""C2W1 assignment 3, "Gradient Checking", with the course's gc_utils helpers.

The one-dimensional J(θ) = θx first, then the notebook's three-layer model
LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID, whose parameters are
flattened into one vector θ = (W1, b1, W2, b2, W3, b3) to compare
backpropagation with the two-sided difference

    gradapprox_i = (J(θ + ε e_i) − J(θ − ε e_i)) / (2ε),
    difference = ‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖).

The course's expected differences (2.9e−10, 0.285, 1.19e−7) are made of
rounding in J itself, so :func:`forward_propagation_n` computes J with the
notebook's own floating-point operations. chainrule's route for a whole
network is :mod:`chainrule.tools.gradcheck`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from chainrule.course.common import Array, Parameters, as_labels
from chainrule.functions.activations import RELU

PARAMETER_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
#: The notebook's network: vector_to_dictionary's shapes for θ of 47 entries.
COURSE_SHAPES: tuple[tuple[int, int], ...] = ((5, 4), (5, 1), (3, 5), (3, 1), (1, 3), (1, 1))


def forward_propagation(x: Any, theta: Any) -> Any:
    """J(θ) = θ · x."""
    return theta * x


def backward_propagation(x: Any, theta: Any) -> Any:
    """dθ = ∂J/∂θ = x."""
    return x


def _report(difference: float, print_msg: bool) -> None:
    if not print_msg:
        return
    if difference > 2e-7:
        print(
            "\033[93m"
            + "There is a mistake in the backward propagation! difference = "
            + str(difference)
            + "\033[0m"
        )
    else:
        print(
            "\033[92m"
            + "Your backward propagation works perfectly fine! difference = "
            + str(difference)
            + "\033[0m"
        )


def _difference(grad: Any, gradapprox: Any) -> Any:
    return np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))


def gradient_check(x: Any, theta: Any, epsilon: float = 1e-7, print_msg: bool = False) -> Any:
    """The relative difference between dθ = x and (J(θ + ε) − J(θ − ε)) / (2ε).

    With ``print_msg`` it prints the course's verdict (above 2e−7: a mistake).
    """
    J_plus = forward_propagation(x, theta + epsilon)
    J_minus = forward_propagation(x, theta - epsilon)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    difference = _difference(backward_propagation(x, theta), gradapprox)
    _report(difference, print_msg)
    return difference


def _sigmoid(Z: Array) -> Array:
    # The course's gc_utils sigmoid, operation for operation (see the module docstring).
    return 1 / (1 + np.exp(-Z))


def forward_propagation_n(
    X: ArrayLike, Y: ArrayLike, parameters: Parameters
) -> tuple[Any, tuple[Array, ...]]:
    """J = −(1/m) Σ (y log a3 + (1 − y) log(1 − a3)) and the cache (Z1, A1, W1, b1, …, A3, W3, b3).

    Z[l] = W[l] A[l−1] + b[l]; relu on layers 1, 2 (chainrule's catalog),
    sigmoid on layer 3. The sigmoid and the cost are the notebook's own
    expressions (1 / (1 + e^(−z)), log(1 − a), a plain sum), not chainrule's
    expit and log1p, because gradient_check_n's expected values depend on
    their rounding.
    """
    X_arr, Y_arr = np.asarray(X, dtype=np.float64), as_labels(Y)
    m = X_arr.shape[1]
    W1, b1, W2, b2, W3, b3 = (parameters[key] for key in PARAMETER_KEYS)
    Z1 = np.dot(W1, X_arr) + b1
    A1 = RELU.forward(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = RELU.forward(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = _sigmoid(Z3)
    log_probs = np.multiply(-np.log(A3), Y_arr) + np.multiply(-np.log(1 - A3), 1 - Y_arr)
    cost = 1.0 / m * np.sum(log_probs)
    return cost, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def backward_propagation_n_correct(
    X: ArrayLike, Y: ArrayLike, cache: tuple[Array, ...]
) -> dict[str, Array]:
    """The gradients of :func:`forward_propagation_n`'s J, without the course's planted mistakes.

    dZ3 = A3 − Y (the natural pair), dW[l] = (1/m) dZ[l] A[l−1]ᵀ,
    db[l] = (1/m) Σ dZ[l], dA[l−1] = W[l]ᵀ dZ[l], dZ[l−1] = dA[l−1] ⊙ relu'(Z[l−1]).
    Keys: dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1.
    """
    X_arr, Y_arr = np.asarray(X, dtype=np.float64), as_labels(Y)
    m = X_arr.shape[1]
    (Z1, A1, _, _, Z2, A2, W2, _, _, A3, W3, _) = cache
    grads: dict[str, Array] = {"dZ3": A3 - Y_arr}
    for l, A_prev, Z_prev, W in ((3, A2, Z2, W3), (2, A1, Z1, W2), (1, X_arr, None, None)):
        dZ = grads[f"dZ{l}"]
        grads[f"dW{l}"] = 1.0 / m * np.dot(dZ, A_prev.T)
        grads[f"db{l}"] = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
        if W is not None and Z_prev is not None:
            grads[f"dA{l - 1}"] = np.dot(W.T, dZ)
            grads[f"dZ{l - 1}"] = RELU.backward(grads[f"dA{l - 1}"], Z_prev)
    order = ("dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")
    return {key: grads[key] for key in order}


def backward_propagation_n(
    X: ArrayLike, Y: ArrayLike, cache: tuple[Array, ...]
) -> dict[str, Array]:
    """The course's ``backward_propagation_n``, as the course gives it: with two mistakes.

    The notebook plants two errors for :func:`gradient_check_n` to catch:
    dW2 is twice the true gradient and db1 four times. This returns those
    (so that gradient_check_n gives the course's 0.285…); the true gradients
    are :func:`backward_propagation_n_correct` (difference 1.19e−7).
    """
    grads = backward_propagation_n_correct(X, Y, cache)
    grads["dW2"] = grads["dW2"] * 2
    grads["db1"] = grads["db1"] * 4
    return grads


def dictionary_to_vector(parameters: Parameters) -> tuple[Array, list[str]]:
    """θ (n, 1): W1, b1, W2, b2, W3, b3 flattened row by row and stacked; and each entry's key."""
    pieces = [np.reshape(parameters[key], (-1, 1)) for key in PARAMETER_KEYS]
    keys = [key for key, piece in zip(PARAMETER_KEYS, pieces, strict=True) for _ in piece]
    return np.concatenate(pieces, axis=0), keys


def vector_to_dictionary(
    theta: ArrayLike, shapes: Sequence[tuple[int, int]] = COURSE_SHAPES
) -> Parameters:
    """The inverse of :func:`dictionary_to_vector`, for the course's shapes (or others given)."""
    theta_arr = np.asarray(theta)
    parameters: Parameters = {}
    start = 0
    for key, shape in zip(PARAMETER_KEYS, shapes, strict=True):
        size = shape[0] * shape[1]
        parameters[key] = theta_arr[start : start + size].reshape(shape)
        start += size
    return parameters


def gradients_to_vector(gradients: dict[str, Array]) -> Array:
    """dW1, db1, dW2, db2, dW3, db3 flattened and stacked as :func:`dictionary_to_vector` does."""
    return np.concatenate([np.reshape(gradients[f"d{key}"], (-1, 1)) for key in PARAMETER_KEYS])


def _shifted_cost(
    cost: Callable[[Parameters], Any], theta: Array, i: int, shift: float, shapes: Any
) -> Any:
    shifted = np.copy(theta)
    shifted[i][0] = shifted[i][0] + shift
    return cost(vector_to_dictionary(shifted, shapes))


def gradient_check_n(
    parameters: Parameters,
    gradients: dict[str, Array],
    X: ArrayLike,
    Y: ArrayLike,
    epsilon: float = 1e-7,
    print_msg: bool = False,
) -> Any:
    """‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖) over the 47 parameters, a NumPy float.

    gradapprox_i shifts θ_i by ±ε and reruns :func:`forward_propagation_n`.
    With ``print_msg`` it prints the course's verdict (above 2e−7: a mistake).
    """
    parameters_values, _ = dictionary_to_vector(parameters)
    shapes = [parameters[key].shape for key in PARAMETER_KEYS]
    grad = gradients_to_vector(gradients)

    def cost(shifted: Parameters) -> Any:
        return forward_propagation_n(X, Y, shifted)[0]

    gradapprox = np.zeros((parameters_values.shape[0], 1))
    for i in range(parameters_values.shape[0]):
        J_plus = _shifted_cost(cost, parameters_values, i, epsilon, shapes)
        J_minus = _shifted_cost(cost, parameters_values, i, -epsilon, shapes)
        gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
    difference = _difference(grad, gradapprox)
    _report(difference, print_msg)
    return difference
