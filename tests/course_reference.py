"""The exercise "Building your Deep Neural Network: Step by Step", transcribed line by line.

An independent oracle for chainrule.course: plain NumPy, written as the
notebook writes it; ``flip_sign`` and ``linear_backward`` plant a learner's
mistakes.
"""

import numpy as np


def ref_sigmoid(Z):
    return 1 / (1 + np.exp(-Z)), Z


def ref_relu(Z):
    return np.maximum(0, Z), Z


def ref_linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    return Z, (A, W, b)


def ref_linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = ref_linear_forward(A_prev, W, b)
    A, activation_cache = ref_sigmoid(Z) if activation == "sigmoid" else ref_relu(Z)
    return A, (linear_cache, activation_cache)


def ref_L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = ref_linear_activation_forward(
            A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches.append(cache)
    AL, cache = ref_linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches.append(cache)
    return AL, caches


def ref_compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)


def ref_linear_backward(dZ, cache):
    A_prev, W, _b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def ref_relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def ref_sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def ref_linear_activation_backward(dA, cache, activation, linear_backward=None):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = ref_relu_backward(dA, activation_cache)
    else:
        dZ = ref_sigmoid_backward(dA, activation_cache)
    return (linear_backward or ref_linear_backward)(dZ, linear_cache)


def ref_L_model_backward(AL, Y, caches, flip_sign=False, linear_backward=None):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    if flip_sign:
        dAL = -dAL
    current_cache = caches[L - 1]
    dA_prev_temp, dW_temp, db_temp = ref_linear_activation_backward(
        dAL, current_cache, "sigmoid", linear_backward
    )
    grads["dA" + str(L - 1)] = dA_prev_temp
    grads["dW" + str(L)] = dW_temp
    grads["db" + str(L)] = db_temp
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = ref_linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu", linear_backward
        )
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def ref_update_parameters(params, grads, learning_rate):
    parameters = {key: value.copy() for key, value in params.items()}
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    return parameters


def course_case(seed=6):
    """X 5×4, W1 4×5, W2 3×4, W3 1×3, as the exercise's L_model_forward test."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, 4))
    parameters = {
        "W1": rng.standard_normal((4, 5)),
        "b1": rng.standard_normal((4, 1)),
        "W2": rng.standard_normal((3, 4)),
        "b2": rng.standard_normal((3, 1)),
        "W3": rng.standard_normal((1, 3)),
        "b3": rng.standard_normal((1, 1)),
    }
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    return X, Y, parameters
