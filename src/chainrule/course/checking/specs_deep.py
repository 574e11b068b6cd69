# ruff: noqa: NPY002  (the course's public test inputs come from NumPy's global generator)
"""The checker's specs for C1W4, "Building your Deep Neural Network: Step by Step".

Public inputs: the course's own test inputs (the seeds and draws of
``public_tests.py`` of the latest revision, W4A1, as published in learners'
repositories of the Deep Learning Specialization, e.g.
github.com/greyhatguy007/deep-learning-specialization at 8b0a2b5,
C1-NeuralNetworksAndDeepLearning/week4/W4A1/public_tests.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.course import step_by_step
from chainrule.course.checking.spec import (
    Case,
    Spec,
    examples,
    labels,
    probabilities,
    randn,
    seeded_public,
    sizes,
)
from chainrule.functions.activations import RELU, SIGMOID

LINEAR = {
    "Z": "Z[l] = W[l] A[l−1] + b[l]",
    "dW": "dW[l] = (1/m) dZ[l] A[l−1]ᵀ",
    "db": "db[l] = (1/m) Σ_columns dZ[l]  (np.sum(dZ, axis=1, keepdims=True) / m)",
    "dA_prev": "dA[l−1] = W[l]ᵀ dZ[l]",
    "dA": "dA[l−1] = W[l]ᵀ dZ[l]",
    "A": "A[l] = g[l](Z[l])",
    "AL": "A[L] = σ(Z[L])",
    "cost": "J = −(1/m) Σ (Y log A[L] + (1 − Y) log(1 − A[L]))",
    "W": "W[l] = W[l] − α dW[l]",
    "b": "b[l] = b[l] − α db[l]",
}
BACKWARD = LINEAR | {"dZ": "dZ[l] = dA[l] ⊙ g[l]'(Z[l])"}
INIT = {"W": "W[l] = np.random.randn(n[l], n[l−1]) · 0.01", "b": "b[l] = zeros((n[l], 1))"}


def _m(case: Case, key: str) -> dict[str, float]:
    return {"m": float(np.shape(case[key])[-1])}


# --- linear_backward ---------------------------------------------------------


def _linear_backward_case(rng: np.random.Generator, edge: str | None) -> Case:
    n, n_prev = sizes(rng, edge, 2)
    m = examples(rng, edge)
    return {
        "dZ": randn(rng, n, m),
        "cache": (randn(rng, n_prev, m), randn(rng, n, n_prev), randn(rng, n, 1)),
    }


def _linear_backward_public() -> Case:
    dZ, A, W, b = (np.random.randn(*s) for s in ((3, 4), (5, 4), (3, 5), (3, 1)))
    return {"dZ": dZ, "cache": (A, W, b)}


def _db_over_examples_axis(dZ: Any, cache: Any) -> tuple[Any, ...]:
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return (W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=0, keepdims=True) / m)


def _db_over_all_axes(dZ: Any, cache: Any) -> tuple[Any, ...]:
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return (W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ) / m)


LINEAR_BACKWARD = Spec(
    "linear_backward",
    "deep",
    step_by_step.linear_backward,
    _linear_backward_case,
    outputs=("dA_prev", "dW", "db"),
    edges=("m = 1",),
    public=seeded_public(1, _linear_backward_public),
    mutants=(("axis", _db_over_examples_axis), ("axis", _db_over_all_axes)),
    constants=lambda case: _m(case, "dZ"),
    formulas=LINEAR,
)

# --- linear_activation_backward -----------------------------------------------


def _activation_backward_case(rng: np.random.Generator, edge: str | None) -> Case:
    n, n_prev = sizes(rng, edge, 2)
    m = examples(rng, edge)
    Z = randn(rng, n, m)
    activation = "relu" if rng.random() < 0.5 or edge == "Z = 0 under relu" else "sigmoid"
    if edge == "Z = 0 under relu":
        Z[0, 0] = 0.0
    cache = ((randn(rng, n_prev, m), randn(rng, n, n_prev), randn(rng, n, 1)), Z)
    return {"dA": randn(rng, n, m), "cache": cache, "activation": activation}


def _activation_backward_public() -> Case:
    dA, A, W, b, Z = (np.random.randn(*s) for s in ((1, 2), (3, 2), (1, 3), (1, 1), (1, 2)))
    return {"dA": dA, "cache": ((A, W, b), Z), "activation": "sigmoid"}


def _with_dZ(dZ: Any, linear_cache: Any) -> tuple[Any, ...]:
    return step_by_step.linear_backward(dZ, linear_cache)


def _missing_derivative(dA: Any, cache: Any, activation: str) -> tuple[Any, ...]:
    return _with_dZ(dA, cache[0])


def _derivative_of_A(dA: Any, cache: Any, activation: str) -> tuple[Any, ...]:
    """g' evaluated at A = g(Z) where Z belongs (σ'(σ(Z))); for relu, relu'(A) = relu'(Z)."""
    g = SIGMOID if activation == "sigmoid" else RELU
    return _with_dZ(g.backward(dA, g.forward(cache[1])), cache[0])


def _derivative_formula_on_Z(dA: Any, cache: Any, activation: str) -> tuple[Any, ...]:
    """σ' = A(1 − A) applied to Z instead of A = σ(Z)."""
    Z = cache[1]
    return _with_dZ(dA * Z * (1 - Z) if activation == "sigmoid" else dA * Z, cache[0])


def _other_activation(dA: Any, cache: Any, activation: str) -> tuple[Any, ...]:
    g = RELU if activation == "sigmoid" else SIGMOID
    return _with_dZ(g.backward(dA, cache[1]), cache[0])


LINEAR_ACTIVATION_BACKWARD = Spec(
    "linear_activation_backward",
    "deep",
    step_by_step.linear_activation_backward,
    _activation_backward_case,
    outputs=("dA_prev", "dW", "db"),
    edges=("m = 1", "Z = 0 under relu"),
    public=seeded_public(2, _activation_backward_public),
    mutants=(
        ("missing derivative", _missing_derivative),
        ("derivative", _derivative_of_A),
        ("derivative", _derivative_formula_on_Z),
        ("derivative", _other_activation),
    ),
    constants=lambda case: _m(case, "dA"),
    formulas=BACKWARD,
)

# --- L_model_backward ----------------------------------------------------------


def _model_caches(rng: np.random.Generator, edge: str | None) -> tuple[Any, ...]:
    dims = sizes(rng, edge, int(rng.integers(3, 5)))
    dims[-1] = 1
    m = examples(rng, edge)
    A = randn(rng, dims[0], m)
    caches = []
    for l in range(1, len(dims)):
        W, b = randn(rng, dims[l], dims[l - 1]) * 0.7, randn(rng, dims[l], 1)
        Z = W @ A + b
        if edge == "Z = 0 under relu" and l == 1:
            Z[0, 0] = 0.0
        caches.append(((A, W, b), Z))
        A = RELU.forward(Z) if l < len(dims) - 1 else SIGMOID.forward(Z)
    return A, caches, m


def _model_backward_case(rng: np.random.Generator, edge: str | None) -> Case:
    AL, caches, m = _model_caches(rng, edge)
    return {"AL": AL, "Y": labels(rng, m), "caches": caches}


def _model_backward_public() -> Case:
    AL, Y = np.random.randn(1, 2), np.array([[1, 0]])
    first = tuple(np.random.randn(*s) for s in ((4, 2), (3, 4), (3, 1), (3, 2)))
    second = tuple(np.random.randn(*s) for s in ((3, 2), (1, 3), (1, 1), (1, 2)))
    caches = [
        ((first[0], first[1], first[2]), first[3]),
        ((second[0], second[1], second[2]), second[3]),
    ]
    return {"AL": AL, "Y": Y, "caches": caches}


def _backprop_from(dZ: Any, caches: Any, relu_prime: Any = None) -> dict[str, Any]:
    grads: dict[str, Any] = {}
    L = len(caches)
    for l in range(L, 0, -1):
        linear_cache, _ = caches[l - 1]
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = step_by_step.linear_backward(
            dZ, linear_cache
        )
        if l > 1:
            Z_prev = caches[l - 2][1]
            derivative = (Z_prev > 0) if relu_prime is None else relu_prime(Z_prev)
            dZ = grads[f"dA{l - 1}"] * derivative
    return grads


def _sigma_prime_from_AL(AL: Any, Y: Any, caches: Any) -> dict[str, Any]:
    """dZ[L] = A[L] − Y: σ' taken from AL, not from the Z in the cache."""
    return _backprop_from(np.asarray(AL) - np.asarray(Y).reshape(np.shape(AL)), caches)


def _dAL(AL: Any, Y: Any) -> Any:
    Y = np.asarray(Y).reshape(np.shape(AL))
    return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))


def _no_sigma_prime(AL: Any, Y: Any, caches: Any) -> dict[str, Any]:
    return _backprop_from(_dAL(AL, Y), caches)


def _relu_prime_missing(AL: Any, Y: Any, caches: Any) -> dict[str, Any]:
    ZL = caches[-1][1]
    dZ = SIGMOID.backward(_dAL(AL, Y), ZL)
    return _backprop_from(dZ, caches, relu_prime=lambda Z: 1.0)


L_MODEL_BACKWARD = Spec(
    "L_model_backward",
    "deep",
    step_by_step.L_model_backward,
    _model_backward_case,
    edges=("m = 1", "one hidden unit", "Z = 0 under relu"),
    public=seeded_public(3, _model_backward_public),
    mutants=(
        ("derivative", _sigma_prime_from_AL),
        ("missing derivative", _no_sigma_prime),
        ("missing derivative", _relu_prime_missing),
    ),
    constants=lambda case: _m(case, "AL"),
    formulas=BACKWARD | {"dAL": "dA[L] = −(Y/A[L] − (1 − Y)/(1 − A[L]))"},
)

# --- initialize_parameters_deep ------------------------------------------------


def _init_case(rng: np.random.Generator, edge: str | None) -> Case:
    return {"layer_dims": sizes(rng, edge, int(rng.integers(2, 5)))}


INITIALIZE_PARAMETERS_DEEP = Spec(
    "initialize_parameters_deep",
    "deep",
    step_by_step.initialize_parameters_deep,
    _init_case,
    edges=("one hidden unit",),
    public=lambda: [{"layer_dims": [5, 4, 3]}],
    formulas=INIT,
    seeded=True,
)

# --- the forward steps, the cost and the update ----------------------------------


def _linear_forward_case(rng: np.random.Generator, edge: str | None) -> Case:
    n, n_prev = sizes(rng, edge, 2)
    m = examples(rng, edge)
    return {"A": randn(rng, n_prev, m), "W": randn(rng, n, n_prev), "b": randn(rng, n, 1)}


def _activation_forward_case(rng: np.random.Generator, edge: str | None) -> Case:
    case = _linear_forward_case(rng, edge)
    return {
        "A_prev": case["A"],
        "W": case["W"],
        "b": case["b"],
        "activation": "sigmoid" if rng.random() < 0.5 else "relu",
    }


def _model_forward_case(rng: np.random.Generator, edge: str | None) -> Case:
    dims = sizes(rng, edge, int(rng.integers(2, 5)))
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"], params[f"b{l}"] = randn(rng, dims[l], dims[l - 1]), randn(rng, dims[l], 1)
    return {"X": randn(rng, dims[0], examples(rng, edge)), "parameters": params}


def _cost_case(rng: np.random.Generator, edge: str | None) -> Case:
    m = examples(rng, edge)
    return {"AL": probabilities(rng, 1, m), "Y": labels(rng, m)}


def _cost_over_axis_0(AL: Any, Y: Any) -> Any:
    m = np.shape(Y)[1]
    return -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL), axis=0) / m


def _update_case(rng: np.random.Generator, edge: str | None) -> Case:
    params = _model_forward_case(rng, edge)["parameters"]
    grads = {f"d{key}": randn(rng, *value.shape) for key, value in params.items()}
    return {"parameters": params, "grads": grads, "learning_rate": float(rng.uniform(0.05, 0.5))}


def _ascent(parameters: Any, grads: Any, learning_rate: float) -> dict[str, Any]:
    return {key: value + learning_rate * grads[f"d{key}"] for key, value in parameters.items()}


def _no_rate(parameters: Any, grads: Any, learning_rate: float) -> dict[str, Any]:
    return {key: value - grads[f"d{key}"] for key, value in parameters.items()}


SPECS = (
    LINEAR_BACKWARD,
    LINEAR_ACTIVATION_BACKWARD,
    L_MODEL_BACKWARD,
    INITIALIZE_PARAMETERS_DEEP,
    Spec(
        "linear_forward",
        "deep",
        step_by_step.linear_forward,
        _linear_forward_case,
        outputs=("Z", "cache"),
        edges=("m = 1",),
        formulas=LINEAR,
    ),
    Spec(
        "linear_activation_forward",
        "deep",
        step_by_step.linear_activation_forward,
        _activation_forward_case,
        outputs=("A", "cache"),
        edges=("m = 1",),
        formulas=LINEAR,
    ),
    Spec(
        "L_model_forward",
        "deep",
        step_by_step.L_model_forward,
        _model_forward_case,
        outputs=("AL", "caches"),
        edges=("m = 1", "one hidden unit"),
        formulas=LINEAR,
    ),
    Spec(
        "compute_cost",
        "deep",
        step_by_step.compute_cost,
        _cost_case,
        outputs=("cost",),
        edges=("m = 1",),
        mutants=(("axis", _cost_over_axis_0),),
        constants=lambda case: _m(case, "Y"),
        formulas=LINEAR,
    ),
    Spec(
        "update_parameters",
        "deep",
        step_by_step.update_parameters,
        _update_case,
        mutants=(("sign", _ascent), ("scale", _no_rate)),
        constants=lambda case: {"α": case["learning_rate"]},
        formulas=LINEAR,
    ),
    Spec(
        "initialize_parameters",
        "deep",
        step_by_step.initialize_parameters,
        lambda rng, edge: dict(zip(("n_x", "n_h", "n_y"), sizes(rng, edge, 3), strict=True)),
        edges=("one hidden unit",),
        formulas=INIT,
        seeded=True,
    ),
)
