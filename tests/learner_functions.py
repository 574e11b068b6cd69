# ruff: noqa: NPY002, RUF059  (written as learners write them: the course's names and style)
"""Learners' implementations of course functions, for the checker's tests.

``CORRECT`` holds, per function, the plain solution a learner writes from
the notebook's instructions (the course's reference implementation), and
``ALTERNATIVES`` correct ones written differently (``@`` for ``np.dot``,
einsum, loops, in-place updates on copies). ``PLANTED`` holds mistakes, each
with the tag the checker must give it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def named(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def rename(function: Callable[..., Any]) -> Callable[..., Any]:
        function.__name__ = name
        return function

    return rename


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


# --- linear_backward --------------------------------------------------------------


@named("linear_backward")
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


@named("linear_backward")
def linear_backward_no_m(dZ, cache):
    A_prev, W, b = cache
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T), np.sum(dZ, axis=1, keepdims=True)


@named("linear_backward")
def linear_backward_transposed_dW(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(A_prev, dZ.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


@named("linear_backward")
def linear_backward_no_keepdims(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1) / m


@named("linear_backward")
def linear_backward_wrong_axis(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=0, keepdims=True) / m


@named("linear_backward")
def linear_backward_star(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return W.T * dZ, np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


@named("linear_backward")
def linear_backward_minus(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), -np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


@named("linear_backward")
def linear_backward_in_place(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dZ /= m  # changes the caller's array
    return np.dot(W.T, dZ) * m, np.dot(dZ, A_prev.T), np.sum(dZ, axis=1, keepdims=True)


# --- linear_activation_backward ---------------------------------------------------


def _relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def _sigmoid_backward(dA, Z):
    s = sigmoid(Z)
    return dA * s * (1 - s)


@named("linear_activation_backward")
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = _relu_backward(dA, activation_cache)
    else:
        dZ = _sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


@named("linear_activation_backward")
def lab_missing_derivative(dA, cache, activation):
    linear_cache, _ = cache
    return linear_backward(dA, linear_cache)


@named("linear_activation_backward")
def lab_derivative_of_A(dA, cache, activation):
    linear_cache, Z = cache
    if activation == "relu":
        dZ = _relu_backward(dA, Z)
    else:
        A = sigmoid(Z)
        dZ = dA * sigmoid(A) * (1 - sigmoid(A))
    return linear_backward(dZ, linear_cache)


@named("linear_activation_backward")
def lab_swapped(dA, cache, activation):
    linear_cache, Z = cache
    dZ = _sigmoid_backward(dA, Z) if activation == "relu" else _relu_backward(dA, Z)
    return linear_backward(dZ, linear_cache)


@named("linear_activation_backward")
def lab_no_m(dA, cache, activation):
    linear_cache, Z = cache
    dZ = _relu_backward(dA, Z) if activation == "relu" else _sigmoid_backward(dA, Z)
    return linear_backward_no_m(dZ, linear_cache)


@named("linear_activation_backward")
def lab_unpacked_wrong(dA, cache, activation):
    Z, linear_cache = cache  # the two parts of the cache swapped
    dZ = _relu_backward(dA, Z) if activation == "relu" else _sigmoid_backward(dA, Z)
    return linear_backward(dZ, linear_cache)


@named("linear_activation_backward")
def lab_no_keepdims(dA, cache, activation):
    linear_cache, Z = cache
    dZ = _relu_backward(dA, Z) if activation == "relu" else _sigmoid_backward(dA, Z)
    return linear_backward_no_keepdims(dZ, linear_cache)


# --- L_model_backward -------------------------------------------------------------


def _L_model_backward(AL, Y, caches, dAL_sign=1.0, sigma_from_AL=False, offset=0):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -dAL_sign * (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    linear_cache, Z = caches[L - 1]
    dZ = AL - Y if sigma_from_AL else _sigmoid_backward(dAL, Z)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    grads["dA" + str(L - 1 + offset)], grads["dW" + str(L + offset)] = dA_prev, dW
    grads["db" + str(L + offset)] = db
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = linear_activation_backward(
            grads["dA" + str(l + 1 + offset)], caches[l], "relu"
        )
        grads["dA" + str(l + offset)], grads["dW" + str(l + 1 + offset)] = dA_prev, dW
        grads["db" + str(l + 1 + offset)] = db
    return grads


@named("L_model_backward")
def L_model_backward(AL, Y, caches):
    return _L_model_backward(AL, Y, caches)


@named("L_model_backward")
def lmb_dAL_sign(AL, Y, caches):
    return _L_model_backward(AL, Y, caches, dAL_sign=-1.0)


@named("L_model_backward")
def lmb_sigma_from_AL(AL, Y, caches):
    return _L_model_backward(AL, Y, caches, sigma_from_AL=True)


@named("L_model_backward")
def lmb_shifted_keys(AL, Y, caches):
    return _L_model_backward(AL, Y, caches, offset=1)


@named("L_model_backward")
def lmb_no_sigma_prime(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(
        dAL, caches[L - 1][0]
    )
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = (
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        )
    return grads


@named("L_model_backward")
def lmb_no_m(AL, Y, caches):
    grads = _L_model_backward(AL, Y, caches)
    m = AL.shape[1]
    return {k: v * m if k.startswith(("dW", "db")) else v for k, v in grads.items()}


@named("L_model_backward")
def lmb_transposed(AL, Y, caches):
    grads = _L_model_backward(AL, Y, caches)
    return {k: v.T if k.startswith("dW") else v for k, v in grads.items()}


# --- backward_propagation (planar) ------------------------------------------------


def _planar_backward(parameters, cache, X, Y, tanh_prime=None, axis=1, m_factor=True, order=False):
    m = X.shape[1]
    W2, A1, A2 = parameters["W2"], cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    scale = 1 / m if m_factor else 1.0
    dW2 = scale * np.dot(dZ2, A1.T)
    db2 = scale * np.sum(dZ2, axis=axis, keepdims=True)
    derivative = (1 - np.power(A1, 2)) if tanh_prime is None else tanh_prime(cache)
    dZ1 = np.dot(W2.T, dZ2) * derivative
    dW1 = scale * np.dot(dZ1, X.T)
    db1 = scale * np.sum(dZ1, axis=axis, keepdims=True)
    if order:
        return {"dW1": dW2, "db1": db2, "dW2": dW1, "db2": db1}
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


@named("backward_propagation")
def backward_propagation(parameters, cache, X, Y):
    return _planar_backward(parameters, cache, X, Y)


@named("backward_propagation")
def bp_tanh_prime_of_Z(parameters, cache, X, Y):
    return _planar_backward(parameters, cache, X, Y, lambda c: 1 - np.power(c["Z1"], 2))


@named("backward_propagation")
def bp_no_tanh_prime(parameters, cache, X, Y):
    return _planar_backward(parameters, cache, X, Y, lambda c: 1.0)


@named("backward_propagation")
def bp_wrong_axis(parameters, cache, X, Y):
    return _planar_backward(parameters, cache, X, Y, axis=0)


@named("backward_propagation")
def bp_no_m(parameters, cache, X, Y):
    return _planar_backward(parameters, cache, X, Y, m_factor=False)


@named("backward_propagation")
def bp_layers_swapped(parameters, cache, X, Y):
    grads = _planar_backward(parameters, cache, X, Y)
    return {"dW1": grads["dW1"].T, "db1": grads["db1"], "dW2": grads["dW2"], "db2": grads["db2"]}


@named("backward_propagation")
def bp_sign(parameters, cache, X, Y):
    return {k: -v for k, v in _planar_backward(parameters, cache, X, Y).items()}


# --- propagate (logistic regression) ----------------------------------------------


@named("propagate")
def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    return {"dw": dw, "db": db}, np.squeeze(np.array(cost))


@named("propagate")
def propagate_transposed(w, b, X, Y):
    grads, cost = propagate(w, b, X, Y)
    return {"dw": grads["dw"].T, "db": grads["db"]}, cost


@named("propagate")
def propagate_no_m(w, b, X, Y):
    grads, cost = propagate(w, b, X, Y)
    m = X.shape[1]
    return {"dw": grads["dw"] * m, "db": grads["db"] * m}, cost


@named("propagate")
def propagate_sign(w, b, X, Y):
    grads, cost = propagate(w, b, X, Y)
    return {"dw": -grads["dw"], "db": -grads["db"]}, cost


@named("propagate")
def propagate_db_axis(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    grads, cost = propagate(w, b, X, Y)
    return {"dw": grads["dw"], "db": np.sum(A - Y, axis=0) / m}, cost


@named("propagate")
def propagate_cost_unsqueezed(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    grads, _ = propagate(w, b, X, Y)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1, keepdims=True)
    return grads, cost


@named("propagate")
def propagate_raises(w, b, X, Y):
    A = sigmoid(np.dot(w, X) + b)  # w is (n, 1): w·X needs wᵀ
    return {"dw": A, "db": 0.0}, 0.0


# --- compute_cost_with_regularization ----------------------------------------------


def _cross_entropy(A3, Y):
    m = Y.shape[1]
    logprobs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
    return 1.0 / m * np.nansum(logprobs)


def _squares(parameters):
    return sum(np.sum(np.square(parameters["W" + str(l)])) for l in (1, 2, 3))


@named("compute_cost_with_regularization")
def compute_cost_with_regularization(A3, Y, parameters, lambd):
    m = Y.shape[1]
    return _cross_entropy(A3, Y) + lambd / (2 * m) * _squares(parameters)


@named("compute_cost_with_regularization")
def ccr_no_half(A3, Y, parameters, lambd):
    return _cross_entropy(A3, Y) + lambd / Y.shape[1] * _squares(parameters)


@named("compute_cost_with_regularization")
def ccr_no_m(A3, Y, parameters, lambd):
    return _cross_entropy(A3, Y) + lambd / 2 * _squares(parameters)


@named("compute_cost_with_regularization")
def ccr_minus(A3, Y, parameters, lambd):
    return _cross_entropy(A3, Y) - lambd / (2 * Y.shape[1]) * _squares(parameters)


@named("compute_cost_with_regularization")
def ccr_all_negated(A3, Y, parameters, lambd):
    return -compute_cost_with_regularization(A3, Y, parameters, lambd)


@named("compute_cost_with_regularization")
def ccr_array(A3, Y, parameters, lambd):
    return np.array([[compute_cost_with_regularization(A3, Y, parameters, lambd)]])


@named("compute_cost_with_regularization")
def ccr_raises(A3, Y, parameters, lambd):
    W1 = parameters["W1"]
    return _cross_entropy(A3, Y) + lambd * np.dot(W1, W1) / 2  # W1 is not square


# --- backward_propagation_with_dropout ----------------------------------------------


def _dropout_backward(X, Y, cache, keep_prob, mask=None, relu_prime_from=None, m_factor=True):
    m = X.shape[1]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    mask = mask or (lambda dA, D: dA * D / keep_prob)
    scale = 1.0 / m if m_factor else 1.0
    dZ3 = A3 - Y
    dW3 = scale * np.dot(dZ3, A2.T)
    db3 = scale * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = mask(np.dot(W3.T, dZ3), D2)
    dZ2 = np.multiply(dA2, np.int64((A2 if relu_prime_from is None else Z2) > 0))
    dW2 = scale * np.dot(dZ2, A1.T)
    db2 = scale * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = mask(np.dot(W2.T, dZ2), D1)
    dZ1 = np.multiply(dA1, np.int64((A1 if relu_prime_from is None else Z1) > 0))
    dW1 = scale * np.dot(dZ1, X.T)
    db1 = scale * np.sum(dZ1, axis=1, keepdims=True)
    return {
        "dZ3": dZ3,
        "dW3": dW3,
        "db3": db3,
        "dA2": dA2,
        "dZ2": dZ2,
        "dW2": dW2,
        "db2": db2,
        "dA1": dA1,
        "dZ1": dZ1,
        "dW1": dW1,
        "db1": db1,
    }


@named("backward_propagation_with_dropout")
def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    return _dropout_backward(X, Y, cache, keep_prob)


@named("backward_propagation_with_dropout")
def bpd_no_division(X, Y, cache, keep_prob):
    return _dropout_backward(X, Y, cache, keep_prob, mask=lambda dA, D: dA * D)


@named("backward_propagation_with_dropout")
def bpd_no_mask(X, Y, cache, keep_prob):
    return _dropout_backward(X, Y, cache, keep_prob, mask=lambda dA, D: dA / keep_prob)


@named("backward_propagation_with_dropout")
def bpd_times_keep(X, Y, cache, keep_prob):
    return _dropout_backward(X, Y, cache, keep_prob, mask=lambda dA, D: dA * D * keep_prob)


@named("backward_propagation_with_dropout")
def bpd_no_m(X, Y, cache, keep_prob):
    return _dropout_backward(X, Y, cache, keep_prob, m_factor=False)


@named("backward_propagation_with_dropout")
def bpd_sign(X, Y, cache, keep_prob):
    return {k: -v for k, v in _dropout_backward(X, Y, cache, keep_prob).items()}


@named("backward_propagation_with_dropout")
def bpd_transposed(X, Y, cache, keep_prob):
    grads = _dropout_backward(X, Y, cache, keep_prob)
    return {k: v.T if k.startswith("dW") else v for k, v in grads.items()}


# --- update_parameters_with_adam -----------------------------------------------------


def _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, **mistake):
    L = len(parameters) // 2
    v_corrected, s_corrected = {}, {}
    parameters, v, s = dict(parameters), dict(v), dict(s)
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key = "d" + p + str(l)
            g = grads[key]
            v[key] = beta1 * v[key] + (1 - beta1) * g
            s[key] = beta2 * s[key] + (1 - beta2) * (g if mistake.get("no_square") else g**2)
            if mistake.get("no_correction"):
                v_corrected[key], s_corrected[key] = v[key], s[key]
            else:
                v_corrected[key] = v[key] / (1 - beta1**t)
                s_corrected[key] = s[key] / (1 - beta2**t)
            step = v_corrected[key] / (np.sqrt(s_corrected[key]) + epsilon)
            sign = -1 if mistake.get("ascent") else 1
            parameters[p + str(l)] = parameters[p + str(l)] - sign * learning_rate * step
    if mistake.get("swap"):
        return parameters, s, v, v_corrected, s_corrected
    return parameters, v, s, v_corrected, s_corrected


@named("update_parameters_with_adam")
def update_parameters_with_adam(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)


@named("update_parameters_with_adam")
def adam_no_correction(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    return _adam(
        parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, no_correction=True
    )


@named("update_parameters_with_adam")
def adam_no_square(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, no_square=True)


@named("update_parameters_with_adam")
def adam_swapped_outputs(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, swap=True)


@named("update_parameters_with_adam")
def adam_mutates(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    result = _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
    v.update(result[1])  # writes into the caller's dict
    return result


@named("update_parameters_with_adam")
def adam_raises(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    L = len(parameters) // 2
    for l in range(L):  # l from 0: "dW0" does not exist
        v["dW" + str(l)] = beta1 * v["dW" + str(l)] + (1 - beta1) * grads["dW" + str(l)]
    return parameters, v, s, v, s


@named("update_parameters_with_adam")
def adam_ascent(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    return _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, ascent=True)


# --- random_mini_batches ------------------------------------------------------------


@named("random_mini_batches")
def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((1, m))
    batches = []
    for k in range(0, m, mini_batch_size):
        batches.append(
            (shuffled_X[:, k : k + mini_batch_size], shuffled_Y[:, k : k + mini_batch_size])
        )
    return batches


@named("random_mini_batches")
def rmb_no_seed(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    permutation = np.random.default_rng().permutation(m)
    return [
        (
            X[:, permutation][:, k : k + mini_batch_size],
            Y[:, permutation][:, k : k + mini_batch_size],
        )
        for k in range(0, m, mini_batch_size)
    ]


@named("random_mini_batches")
def rmb_no_shuffle(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    return [
        (X[:, k : k + mini_batch_size], Y[:, k : k + mini_batch_size])
        for k in range(0, m, mini_batch_size)
    ]


@named("random_mini_batches")
def rmb_drops_last(X, Y, mini_batch_size=64, seed=0):
    batches = random_mini_batches(X, Y, mini_batch_size, seed)
    return batches[:-1] if X.shape[1] % mini_batch_size else batches


@named("random_mini_batches")
def rmb_transposed_batches(X, Y, mini_batch_size=64, seed=0):
    return [(bx.T, by) for bx, by in random_mini_batches(X, Y, mini_batch_size, seed)]


@named("random_mini_batches")
def rmb_flat_Y(X, Y, mini_batch_size=64, seed=0):
    return [(bx, by.ravel()) for bx, by in random_mini_batches(X, Y, mini_batch_size, seed)]


@named("random_mini_batches")
def rmb_shuffles_in_place(X, Y, mini_batch_size=64, seed=0):
    batches = random_mini_batches(X, Y, mini_batch_size, seed)
    X[:, :] = X[:, ::-1]  # leaves the caller's X reversed
    return batches


# --- initialize_parameters_deep -----------------------------------------------------


@named("initialize_parameters_deep")
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@named("initialize_parameters_deep")
def ipd_no_seed(layer_dims):
    rng = np.random.default_rng(3)
    return {
        key: value
        for l in range(1, len(layer_dims))
        for key, value in (
            ("W" + str(l), rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01),
            ("b" + str(l), np.zeros((layer_dims[l], 1))),
        )
    }


@named("initialize_parameters_deep")
def ipd_no_scale(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


@named("initialize_parameters_deep")
def ipd_transposed(layer_dims):
    params = initialize_parameters_deep(layer_dims)
    return {k: (v.T if k.startswith("W") else v) for k, v in params.items()}


@named("initialize_parameters_deep")
def ipd_flat_b(layer_dims):
    params = initialize_parameters_deep(layer_dims)
    return {k: (v.ravel() if k.startswith("b") else v) for k, v in params.items()}


@named("initialize_parameters_deep")
def ipd_from_zero(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l - 1)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l - 1)] = np.zeros((layer_dims[l], 1))
    return parameters


@named("initialize_parameters_deep")
def ipd_negative_scale(layer_dims):
    return {k: -v for k, v in initialize_parameters_deep(layer_dims).items()}


CORRECT = [
    (linear_backward, None),
    (linear_activation_backward, None),
    (L_model_backward, None),
    (backward_propagation, "planar"),
    (propagate, None),
    (compute_cost_with_regularization, None),
    (backward_propagation_with_dropout, None),
    (update_parameters_with_adam, None),
    (random_mini_batches, None),
    (initialize_parameters_deep, None),
]

PLANTED = [
    (linear_backward_no_m, None, "scale"),
    (linear_backward_transposed_dW, None, "transpose"),
    (linear_backward_no_keepdims, None, "keepdims"),
    (linear_backward_wrong_axis, None, "axis"),
    (linear_backward_star, None, "elementwise"),
    (linear_backward_minus, None, "sign"),
    (linear_backward_in_place, None, "mutates input"),
    (lab_missing_derivative, None, "missing derivative"),
    (lab_derivative_of_A, None, "derivative"),
    (lab_swapped, None, "derivative"),
    (lab_no_m, None, "scale"),
    (lab_unpacked_wrong, None, "exception"),
    (lab_no_keepdims, None, "keepdims"),
    (lmb_dAL_sign, None, "sign"),
    (lmb_sigma_from_AL, None, "derivative"),
    (lmb_shifted_keys, None, "layer offset"),
    (lmb_no_sigma_prime, None, "missing derivative"),
    (lmb_no_m, None, "scale"),
    (lmb_transposed, None, "transpose"),
    (bp_tanh_prime_of_Z, "planar", "derivative"),
    (bp_no_tanh_prime, "planar", "missing derivative"),
    (bp_wrong_axis, "planar", "axis"),
    (bp_no_m, "planar", "scale"),
    (bp_layers_swapped, "planar", "transpose"),
    (bp_sign, "planar", "sign"),
    (propagate_transposed, None, "transpose"),
    (propagate_no_m, None, "scale"),
    (propagate_sign, None, "sign"),
    (propagate_db_axis, None, "axis"),
    (propagate_cost_unsqueezed, None, "keepdims"),
    (propagate_raises, None, "exception"),
    (ccr_no_half, None, "scale"),
    (ccr_no_m, None, "scale"),
    (ccr_minus, None, "sign"),
    (ccr_all_negated, None, "sign"),
    (ccr_array, None, "keepdims"),
    (ccr_raises, None, "exception"),
    (bpd_no_division, None, "scale"),
    (bpd_no_mask, None, "mask"),
    (bpd_times_keep, None, "scale"),
    (bpd_no_m, None, "scale"),
    (bpd_sign, None, "sign"),
    (bpd_transposed, None, "transpose"),
    (adam_no_correction, None, "scale"),
    (adam_no_square, None, "elementwise"),
    (adam_swapped_outputs, None, "cache"),
    (adam_mutates, None, "mutates input"),
    (adam_raises, None, "exception"),
    (adam_ascent, None, "sign"),
    (rmb_no_seed, None, "random state"),
    (rmb_no_shuffle, None, "random state"),
    (rmb_drops_last, None, "shape"),
    (rmb_transposed_batches, None, "transpose"),
    (rmb_flat_Y, None, "keepdims"),
    (rmb_shuffles_in_place, None, "mutates input"),
    (ipd_no_seed, None, "random state"),
    (ipd_no_scale, None, "scale"),
    (ipd_transposed, None, "transpose"),
    (ipd_flat_b, None, "keepdims"),
    (ipd_from_zero, None, "layer offset"),
    (ipd_negative_scale, None, "sign"),
]


# --- correct, written differently -------------------------------------------------


@named("linear_backward")
def lb_matmul(dZ, cache):
    A_prev, W, b = cache
    return W.T @ dZ, dZ @ A_prev.T / A_prev.shape[1], dZ.mean(axis=1, keepdims=True)


@named("linear_backward")
def lb_einsum(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.einsum("ik,jk->ij", dZ, A_prev) / m
    return np.einsum("ji,jk->ik", W, dZ), dW, np.einsum("ik->i", dZ)[:, None] / m


@named("linear_backward")
def lb_loops(dZ, cache):
    A_prev, W, b = cache
    n, m = dZ.shape
    dW = np.zeros(W.shape)
    db = np.zeros((n, 1))
    for k in range(m):
        dW += np.outer(dZ[:, k], A_prev[:, k])
        db[:, 0] += dZ[:, k]
    return W.T.dot(dZ), dW / m, db / m


@named("linear_activation_backward")
def lab_where(dA, cache, activation):
    linear_cache, Z = cache
    if activation == "relu":
        dZ = np.where(Z > 0, dA, 0.0)
    else:
        s = (1 + np.tanh(Z / 2)) / 2  # σ(z) written through tanh
        dZ = dA * s * (1 - s)
    return lb_matmul(dZ, linear_cache)


@named("L_model_backward")
def lmb_matmul(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dA = (1 - Y) / (1 - AL) - Y / AL
    for l in range(L, 0, -1):
        linear_cache, Z = caches[l - 1]
        dZ = dA * sigmoid(Z) * (1 - sigmoid(Z)) if l == L else dA * (Z > 0)
        dA, grads[f"dW{l}"], grads[f"db{l}"] = lb_matmul(dZ, linear_cache)
        grads[f"dA{l - 1}"] = dA
    return grads


@named("backward_propagation")
def bp_matmul(parameters, cache, X, Y):
    dZ2 = cache["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["A1"] ** 2)
    return {
        "dW1": dZ1 @ X.T / X.shape[1],
        "db1": dZ1.mean(axis=1, keepdims=True),
        "dW2": dZ2 @ cache["A1"].T / X.shape[1],
        "db2": dZ2.mean(axis=1, keepdims=True),
    }


@named("backward_propagation")
def bp_einsum(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = np.einsum("hk,km->hm", parameters["W2"].T, dZ2) * (1 - cache["A1"] * cache["A1"])
    return {
        "dW1": np.einsum("hm,xm->hx", dZ1, X) / m,
        "db1": dZ1.sum(1, keepdims=True) / m,
        "dW2": np.einsum("km,hm->kh", dZ2, cache["A1"]) / m,
        "db2": dZ2.sum(1, keepdims=True) / m,
    }


@named("propagate")
def propagate_mean(w, b, X, Y):
    A = sigmoid(w.T @ X + b)
    cost = float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    return {"dw": X @ (A - Y).T / X.shape[1], "db": float(np.mean(A - Y))}, cost


@named("propagate")
def propagate_loop(w, b, X, Y):
    n, m = X.shape
    dw, db, cost = np.zeros((n, 1)), 0.0, 0.0
    for i in range(m):
        a = sigmoid(float(w[:, 0] @ X[:, i]) + b)
        y = Y[0, i]
        cost -= y * np.log(a) + (1 - y) * np.log(1 - a)
        dw[:, 0] += X[:, i] * (a - y)
        db += a - y
    return {"dw": dw / m, "db": db / m}, np.array(cost / m)


@named("compute_cost_with_regularization")
def ccr_norm(A3, Y, parameters, lambd):
    m = Y.shape[1]
    cross = -np.mean(Y * np.log(A3) + (1 - Y) * np.log(1 - A3))
    l2 = sum(np.linalg.norm(parameters[f"W{l}"], "fro") ** 2 for l in (1, 2, 3))
    return cross + lambd * l2 / (2 * m)


@named("compute_cost_with_regularization")
def ccr_products(A3, Y, parameters, lambd):
    m = Y.shape[1]
    cross = -(np.dot(Y, np.log(A3).T) + np.dot(1 - Y, np.log(1 - A3).T)) / m
    l2 = sum(float((parameters[f"W{l}"] * parameters[f"W{l}"]).sum()) for l in (1, 2, 3))
    return float(np.squeeze(cross)) + lambd / (2 * m) * l2


@named("backward_propagation_with_dropout")
def bpd_matmul(X, Y, cache, keep_prob):
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    m = X.shape[1]
    grads = {"dZ3": A3 - Y}
    grads["dW3"], grads["db3"] = grads["dZ3"] @ A2.T / m, grads["dZ3"].sum(1, keepdims=True) / m
    grads["dA2"] = np.where(D2, W3.T @ grads["dZ3"], 0.0) / keep_prob
    grads["dZ2"] = np.where(A2 > 0, grads["dA2"], 0.0)
    grads["dW2"], grads["db2"] = grads["dZ2"] @ A1.T / m, grads["dZ2"].sum(1, keepdims=True) / m
    grads["dA1"] = np.where(D1, W2.T @ grads["dZ2"], 0.0) / keep_prob
    grads["dZ1"] = np.where(A1 > 0, grads["dA1"], 0.0)
    grads["dW1"], grads["db1"] = grads["dZ1"] @ X.T / m, grads["dZ1"].sum(1, keepdims=True) / m
    return grads


@named("update_parameters_with_adam")
def adam_in_place_on_copies(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    import copy

    parameters, v, s = copy.deepcopy(parameters), copy.deepcopy(v), copy.deepcopy(s)
    v_corrected, s_corrected = {}, {}
    for key in parameters:
        g = grads["d" + key]
        v["d" + key] *= beta1
        v["d" + key] += (1 - beta1) * g
        s["d" + key] *= beta2
        s["d" + key] += (1 - beta2) * np.square(g)
        v_corrected["d" + key] = v["d" + key] / (1 - np.power(beta1, t))
        s_corrected["d" + key] = s["d" + key] / (1 - np.power(beta2, t))
        parameters[key] -= (
            learning_rate * v_corrected["d" + key] / (np.sqrt(s_corrected["d" + key]) + epsilon)
        )
    return parameters, v, s, v_corrected, s_corrected


@named("random_mini_batches")
def rmb_course_style(X, Y, mini_batch_size=64, seed=0):
    import math

    np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation].reshape((1, m))
    batches = []
    complete = math.floor(m / mini_batch_size)
    for k in range(complete):
        cols = slice(k * mini_batch_size, (k + 1) * mini_batch_size)
        batches.append((shuffled_X[:, cols], shuffled_Y[:, cols]))
    if m % mini_batch_size != 0:
        batches.append(
            (
                shuffled_X[:, complete * mini_batch_size :],
                shuffled_Y[:, complete * mini_batch_size :],
            )
        )
    return batches


@named("initialize_parameters_deep")
def ipd_shapes(layer_dims):
    np.random.seed(3)
    params = {}
    for l, (n, n_prev) in enumerate(zip(layer_dims[1:], layer_dims[:-1], strict=True), start=1):
        params[f"W{l}"] = np.random.randn(*(n, n_prev)) / 100
        params[f"b{l}"] = np.zeros(shape=(n, 1))
    return params


@named("linear_forward")
def lf_matmul(A, W, b):
    return W @ A + b, (A, W, b)


@named("compute_cost")
def cc_dot(AL, Y):
    m = Y.shape[1]
    cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    return np.squeeze(cost)


@named("update_parameters")
def up_copies(params, grads, learning_rate):
    import copy

    parameters = copy.deepcopy(params)
    for key in parameters:
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters


@named("L_model_forward")
def lmf_matmul(X, parameters):
    caches, A, L = [], X, len(parameters) // 2
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = W @ A + b
        caches.append(((A, W, b), Z))
        A = sigmoid(Z) if l == L else np.maximum(Z, 0)
    return A, caches


@named("relu_backward")
def rb_mask(dA, cache):
    return dA * (cache > 0)


@named("sigmoid_backward")
def sb_tanh(dA, cache):
    s = 0.5 * (1 + np.tanh(0.5 * cache))
    return dA * s * (1 - s)


@named("update_parameters_with_momentum")
def momentum_loop(parameters, grads, v, beta, learning_rate):
    new_params, new_v = {}, {}
    for key, value in parameters.items():
        new_v["d" + key] = beta * v["d" + key] + (1 - beta) * grads["d" + key]
        new_params[key] = value - learning_rate * new_v["d" + key]
    return new_params, new_v


ALTERNATIVES = [
    (lb_matmul, None),
    (lb_einsum, None),
    (lb_loops, None),
    (lab_where, None),
    (lmb_matmul, None),
    (bp_matmul, "planar"),
    (bp_einsum, "planar"),
    (propagate_mean, None),
    (propagate_loop, None),
    (ccr_norm, None),
    (ccr_products, None),
    (bpd_matmul, None),
    (adam_in_place_on_copies, None),
    (rmb_course_style, None),
    (ipd_shapes, None),
    (lf_matmul, None),
    (cc_dot, "deep"),
    (up_copies, "deep"),
    (lmf_matmul, None),
    (rb_mask, None),
    (sb_tanh, None),
    (momentum_loop, None),
]
