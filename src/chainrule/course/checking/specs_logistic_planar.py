# ruff: noqa: NPY002  (the course's public test inputs come from NumPy's global generator)
"""The checker's specs for C1W2 (logistic regression) and C1W3 (planar).

Public inputs: the course's own test inputs of the latest revision (W2A2 and
W3A1 ``public_tests.py``, as published in learners' repositories of the Deep
Learning Specialization, e.g. github.com/greyhatguy007/deep-learning-specialization
at 8b0a2b5, C1-NeuralNetworksAndDeepLearning/week2/W2A2 and week3/W3A1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.course import logistic_regression, planar
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

PLANAR = {
    "Z1": "Z[1] = W[1] X + b[1]",
    "A1": "A[1] = tanh(Z[1])",
    "Z2": "Z[2] = W[2] A[1] + b[2]",
    "A2": "A[2] = σ(Z[2])",
    "cost": "J = −(1/m) Σ (Y log A[2] + (1 − Y) log(1 − A[2]))",
    "dW2": "dW[2] = (1/m) dZ[2] A[1]ᵀ, with dZ[2] = A[2] − Y",
    "db2": "db[2] = (1/m) Σ_columns dZ[2]  (axis=1, keepdims=True)",
    "dW1": "dW[1] = (1/m) dZ[1] Xᵀ, with dZ[1] = W[2]ᵀ dZ[2] ⊙ (1 − A[1]²)",
    "db1": "db[1] = (1/m) Σ_columns dZ[1]  (axis=1, keepdims=True)",
    "W": "W[l] = W[l] − α dW[l]",
    "b": "b[l] = b[l] − α db[l]",
}
LOGISTIC = {
    "dw": "dw = (1/m) X (A − Y)ᵀ",
    "db": "db = (1/m) Σ (A − Y)",
    "cost": "J = −(1/m) Σ (Y log A + (1 − Y) log(1 − A)), A = σ(wᵀX + b)",
    "w": "w = w − α dw",
    "b": "b = b − α db",
}


def _m(case: Case, key: str) -> dict[str, float]:
    return {"m": float(np.shape(case[key])[-1])}


# --- planar: the one-hidden-layer tanh network --------------------------------------


def _planar_parameters(rng: np.random.Generator, n_x: int, n_h: int) -> dict[str, Any]:
    return {
        "W1": randn(rng, n_h, n_x),
        "b1": randn(rng, n_h, 1),
        "W2": randn(rng, 1, n_h),
        "b2": randn(rng, 1, 1),
    }


def _planar_forward(X: Any, parameters: dict[str, Any]) -> dict[str, Any]:
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": 1 / (1 + np.exp(-Z2))}


def _planar_backward_case(rng: np.random.Generator, edge: str | None) -> Case:
    n_x, n_h = (
        sizes(rng, edge, 3)[:2] if edge != "one hidden unit" else (int(rng.integers(2, 5)), 1)
    )
    m = examples(rng, edge)
    parameters, X = _planar_parameters(rng, n_x, n_h), randn(rng, n_x, m)
    return {
        "parameters": parameters,
        "cache": _planar_forward(X, parameters),
        "X": X,
        "Y": labels(rng, m),
    }


def _planar_backward_public() -> Case:
    X = np.random.randn(3, 7)
    Y = np.random.randn(1, 7) > 0
    parameters = {
        "W1": np.random.randn(9, 3),
        "W2": np.random.randn(1, 9),
        "b1": np.array([[0.0]] * 9),
        "b2": np.array([[0.0]]),
    }
    cache = {
        "A1": np.random.randn(9, 7),
        "A2": np.random.randn(1, 7),
        "Z1": np.random.randn(9, 7),
        "Z2": np.random.randn(1, 7),
    }
    return {"parameters": parameters, "cache": cache, "X": X, "Y": Y}


def _planar_grads(parameters: Any, cache: Any, X: Any, Y: Any, tanh_prime: Any) -> dict[str, Any]:
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = (parameters["W2"].T @ dZ2) * tanh_prime(cache)
    return {
        "dW1": dZ1 @ X.T / m,
        "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
        "dW2": dZ2 @ cache["A1"].T / m,
        "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
    }


def _tanh_prime_at_Z(parameters: Any, cache: Any, X: Any, Y: Any) -> dict[str, Any]:
    return _planar_grads(parameters, cache, X, Y, lambda c: 1 - c["Z1"] ** 2)


def _sigmoid_prime(parameters: Any, cache: Any, X: Any, Y: Any) -> dict[str, Any]:
    return _planar_grads(parameters, cache, X, Y, lambda c: c["A1"] * (1 - c["A1"]))


def _no_tanh_prime(parameters: Any, cache: Any, X: Any, Y: Any) -> dict[str, Any]:
    return _planar_grads(parameters, cache, X, Y, lambda c: 1.0)


def _planar_db_axis(parameters: Any, cache: Any, X: Any, Y: Any) -> dict[str, Any]:
    grads = _planar_grads(parameters, cache, X, Y, lambda c: 1 - c["A1"] ** 2)
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    grads["db2"] = np.sum(dZ2, axis=0, keepdims=True) / m
    grads["db1"] = (
        np.sum((parameters["W2"].T @ dZ2) * (1 - cache["A1"] ** 2), axis=0, keepdims=True) / m
    )
    return grads


def _planar_forward_case(rng: np.random.Generator, edge: str | None) -> Case:
    n_x, n_h = int(rng.integers(2, 5)), 1 if edge == "one hidden unit" else int(rng.integers(2, 6))
    return {
        "X": randn(rng, n_x, examples(rng, edge)),
        "parameters": _planar_parameters(rng, n_x, n_h),
    }


def _planar_update_case(rng: np.random.Generator, edge: str | None) -> Case:
    parameters = _planar_forward_case(rng, edge)["parameters"]
    grads = {f"d{key}": randn(rng, *value.shape) for key, value in parameters.items()}
    return {"parameters": parameters, "grads": grads, "learning_rate": float(rng.uniform(0.1, 1.5))}


def _cost_case(rng: np.random.Generator, edge: str | None) -> Case:
    m = examples(rng, edge)
    return {"A2": probabilities(rng, 1, m), "Y": labels(rng, m)}


# --- logistic regression -----------------------------------------------------------


def _propagate_case(rng: np.random.Generator, edge: str | None) -> Case:
    n, m = int(rng.integers(2, 6)), examples(rng, edge)
    return {
        "w": randn(rng, n, 1),
        "b": float(rng.normal()),
        "X": randn(rng, n, m),
        "Y": labels(rng, m),
    }


def _propagate_public() -> Case:
    return {
        "w": np.array([[1.0], [2.0], [-1]]),
        "b": 2.5,
        "X": np.array([[1.0, 2.0, -1.0, 0], [3.0, 4.0, -3.2, 1], [3.0, 4.0, -3.2, -3.5]]),
        "Y": np.array([[1, 1, 0, 0]]),
    }


def _propagate_db_axis(w: Any, b: Any, X: Any, Y: Any) -> tuple[Any, ...]:
    m = X.shape[1]
    A = 1 / (1 + np.exp(-(w.T @ X + b)))
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    return {"dw": X @ (A - Y).T / m, "db": np.sum(A - Y, axis=0) / m}, cost


def _optimize_case(rng: np.random.Generator, edge: str | None) -> Case:
    case = _propagate_case(rng, edge)
    return case | {
        "num_iterations": int(rng.integers(1, 30)),
        "learning_rate": 0.05,
        "print_cost": False,
    }


def _predict_case(rng: np.random.Generator, edge: str | None) -> Case:
    case = _propagate_case(rng, edge)
    return {"w": case["w"], "b": case["b"], "X": case["X"]}


def _model_case(rng: np.random.Generator, edge: str | None) -> Case:
    n, m = int(rng.integers(2, 5)), examples(rng, edge)
    return {
        "X_train": randn(rng, n, m),
        "Y_train": labels(rng, m),
        "X_test": randn(rng, n, 3),
        "Y_test": labels(rng, 3),
        "num_iterations": 20,
        "learning_rate": 0.1,
        "print_cost": False,
    }


SPECS = (
    Spec(
        "backward_propagation",
        "planar",
        planar.backward_propagation,
        _planar_backward_case,
        edges=("m = 1", "one hidden unit"),
        public=seeded_public(1, _planar_backward_public),
        mutants=(
            ("derivative", _tanh_prime_at_Z),
            ("derivative", _sigmoid_prime),
            ("missing derivative", _no_tanh_prime),
            ("axis", _planar_db_axis),
        ),
        constants=lambda case: _m(case, "X"),
        formulas=PLANAR,
    ),
    Spec(
        "layer_sizes",
        "planar",
        planar.layer_sizes,
        lambda rng, edge: {
            "X": randn(rng, int(rng.integers(2, 6)), 5),
            "Y": randn(rng, int(rng.integers(1, 3)), 5),
        },
        outputs=("n_x", "n_h", "n_y"),
    ),
    Spec(
        "initialize_parameters",
        "planar",
        planar.initialize_parameters,
        lambda rng, edge: dict(zip(("n_x", "n_h", "n_y"), sizes(rng, edge, 3), strict=True)),
        formulas={"W": "W[l] = np.random.randn(n[l], n[l−1]) · 0.01", "b": "b[l] = zeros"},
        seeded=True,
    ),
    Spec(
        "forward_propagation",
        "planar",
        planar.forward_propagation,
        _planar_forward_case,
        outputs=("A2", "cache"),
        edges=("m = 1", "one hidden unit"),
        formulas=PLANAR,
    ),
    Spec(
        "compute_cost",
        "planar",
        planar.compute_cost,
        _cost_case,
        outputs=("cost",),
        edges=("m = 1",),
        constants=lambda case: _m(case, "Y"),
        formulas=PLANAR,
    ),
    Spec(
        "update_parameters",
        "planar",
        planar.update_parameters,
        _planar_update_case,
        constants=lambda case: {"α": case["learning_rate"]},
        formulas=PLANAR,
    ),
    Spec(
        "predict",
        "planar",
        planar.predict,
        lambda rng, edge: dict(reversed(_planar_forward_case(rng, edge).items())),
        outputs=("predictions",),
        edges=("m = 1",),
        formulas=PLANAR,
    ),
    Spec(
        "propagate",
        "logistic_regression",
        logistic_regression.propagate,
        _propagate_case,
        outputs=("grads", "cost"),
        edges=("m = 1",),
        public=lambda: [_propagate_public()],
        mutants=(("axis", _propagate_db_axis),),
        constants=lambda case: _m(case, "X"),
        formulas=LOGISTIC,
    ),
    Spec(
        "sigmoid",
        "logistic_regression",
        logistic_regression.sigmoid,
        lambda rng, edge: {"z": randn(rng, 2, examples(rng, edge)) * 5},
        outputs=("s",),
    ),
    Spec(
        "initialize_with_zeros",
        "logistic_regression",
        logistic_regression.initialize_with_zeros,
        lambda rng, edge: {"dim": int(rng.integers(1, 8))},
        outputs=("w", "b"),
    ),
    Spec(
        "optimize",
        "logistic_regression",
        logistic_regression.optimize,
        _optimize_case,
        outputs=("params", "grads", "costs"),
        edges=("m = 1",),
        formulas=LOGISTIC,
    ),
    Spec(
        "predict",
        "logistic_regression",
        logistic_regression.predict,
        _predict_case,
        outputs=("Y_prediction",),
        edges=("m = 1",),
    ),
    Spec(
        "model",
        "logistic_regression",
        logistic_regression.model,
        _model_case,
        edges=("m = 1",),
        formulas=LOGISTIC,
    ),
)
