"""The checker's specs for course 2, "Improving Deep Neural Networks": initialization,
regularization and optimization (C2W1 A1, A2 and C2W2 A1)."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.course import initialization, optimization, regularization
from chainrule.course.checking.spec import Case, Spec, examples, labels, randn, sizes

THREE_LAYER = {
    "cost": "J = cross-entropy + (1/m)(λ/2) Σ_l ‖W[l]‖²_F",
    "dW": "dW[l] = (1/m) dZ[l] A[l−1]ᵀ (+ (λ/m) W[l] with L2)",
    "db": "db[l] = (1/m) Σ_columns dZ[l]",
    "dA": "dA[l] = W[l+1]ᵀ dZ[l+1], then with dropout dA[l] = dA[l] ⊙ D[l] / keep_prob",
    "dZ": "dZ[l] = dA[l] ⊙ relu'(Z[l]); dZ[3] = A[3] − Y",
    "A": "A[l] = relu(Z[l]) ⊙ D[l] / keep_prob, D[l] = (rand(…) < keep_prob)",
    "D": "D[l] = np.random.rand(*A[l].shape) < keep_prob",
}
ADAM = {
    "v": "v = β1 v + (1 − β1) dθ",
    "s": "s = β2 s + (1 − β2) dθ²",
    "v_corrected": "v̂ = v / (1 − β1ᵗ)",
    "s_corrected": "ŝ = s / (1 − β2ᵗ)",
    "parameters": "θ = θ − α v̂ / (√ŝ + ε)",
}


def _parameters(rng: np.random.Generator, dims: list[int]) -> dict[str, Any]:
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"], params[f"b{l}"] = randn(rng, dims[l], dims[l - 1]), randn(rng, dims[l], 1)
    return params


def _relu(Z: Any) -> Any:
    return np.maximum(Z, 0)


def _three_layer(rng: np.random.Generator, edge: str | None, n_x: int | None = None) -> Case:
    dims = [n_x or int(rng.integers(2, 5)), *sizes(rng, edge, 4)[1:3], 1]
    m = examples(rng, edge)
    return {"X": randn(rng, dims[0], m), "Y": labels(rng, m), "parameters": _parameters(rng, dims)}


def _forward(case: Case, keep_prob: float | None = None, rng: Any = None) -> tuple[Any, ...]:
    X, p = case["X"], case["parameters"]
    Z1 = p["W1"] @ X + p["b1"]
    D1 = None if keep_prob is None else rng.random(Z1.shape) < keep_prob
    A1 = _relu(Z1) if D1 is None else _relu(Z1) * D1 / keep_prob
    Z2 = p["W2"] @ A1 + p["b2"]
    D2 = None if keep_prob is None else rng.random(Z2.shape) < keep_prob
    A2 = _relu(Z2) if D2 is None else _relu(Z2) * D2 / keep_prob
    Z3 = p["W3"] @ A2 + p["b3"]
    A3 = 1 / (1 + np.exp(-Z3))
    if keep_prob is None:
        return (Z1, A1, p["W1"], p["b1"], Z2, A2, p["W2"], p["b2"], Z3, A3, p["W3"], p["b3"])
    return (Z1, D1, A1, p["W1"], p["b1"], Z2, D2, A2, p["W2"], p["b2"], Z3, A3, p["W3"], p["b3"])


def _regularized_cost_case(rng: np.random.Generator, edge: str | None) -> Case:
    case = _three_layer(rng, edge)
    A3 = _forward(case)[9]
    return {
        "A3": A3,
        "Y": case["Y"],
        "parameters": case["parameters"],
        "lambd": float(rng.uniform(0.1, 1.0)),
    }


def _cross_entropy(A3: Any, Y: Any) -> Any:
    return -np.sum(Y * np.log(A3) + (1 - Y) * np.log(1 - A3)) / Y.shape[1]


def _squares(parameters: Any) -> Any:
    return sum(np.sum(np.square(parameters[f"W{l}"])) for l in (1, 2, 3))


def _l2_without_half(A3: Any, Y: Any, parameters: Any, lambd: float) -> Any:
    return _cross_entropy(A3, Y) + lambd / Y.shape[1] * _squares(parameters)


def _l2_without_m(A3: Any, Y: Any, parameters: Any, lambd: float) -> Any:
    return _cross_entropy(A3, Y) + lambd / 2 * _squares(parameters)


def _l2_subtracted(A3: Any, Y: Any, parameters: Any, lambd: float) -> Any:
    return _cross_entropy(A3, Y) - lambd / (2 * Y.shape[1]) * _squares(parameters)


def _dropout_backward_case(rng: np.random.Generator, edge: str | None) -> Case:
    case = _three_layer(rng, edge)
    keep_prob = 1.0 if edge == "keep_prob = 1" else float(rng.uniform(0.5, 0.9))
    return {
        "X": case["X"],
        "Y": case["Y"],
        "cache": _forward(case, keep_prob, rng),
        "keep_prob": keep_prob,
    }


def _dropout_grads(X: Any, Y: Any, cache: Any, keep_prob: float, mask: Any) -> dict[str, Any]:
    (_, D1, A1, _, _, _, D2, A2, W2, _, _, A3, W3, _) = cache
    m = X.shape[1]
    grads: dict[str, Any] = {"dZ3": A3 - Y}
    for l, A_prev, W, D in ((3, A2, W3, D2), (2, A1, W2, D1), (1, X, None, None)):
        dZ = grads[f"dZ{l}"]
        grads[f"dW{l}"] = dZ @ A_prev.T / m
        grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / m
        if W is not None:
            grads[f"dA{l - 1}"] = mask(W.T @ dZ, D)
            grads[f"dZ{l - 1}"] = grads[f"dA{l - 1}"] * (A_prev > 0)
    return grads


def _dropout_no_division(X: Any, Y: Any, cache: Any, keep_prob: float) -> dict[str, Any]:
    return _dropout_grads(X, Y, cache, keep_prob, lambda dA, D: dA * D)


def _dropout_no_mask(X: Any, Y: Any, cache: Any, keep_prob: float) -> dict[str, Any]:
    return _dropout_grads(X, Y, cache, keep_prob, lambda dA, D: dA / keep_prob)


def _dropout_times_keep(X: Any, Y: Any, cache: Any, keep_prob: float) -> dict[str, Any]:
    return _dropout_grads(X, Y, cache, keep_prob, lambda dA, D: dA * D * keep_prob)


def _adam_case(rng: np.random.Generator, edge: str | None) -> Case:
    params = _parameters(rng, sizes(rng, edge, 3))
    grads = {f"d{k}": randn(rng, *v.shape) for k, v in params.items()}
    v = {f"d{k}": randn(rng, *v.shape) * 0.1 for k, v in params.items()}
    s = {f"d{k}": np.abs(randn(rng, *v.shape)) * 0.1 for k, v in params.items()}
    return {
        "parameters": params,
        "grads": grads,
        "v": v,
        "s": s,
        "t": int(rng.integers(1, 5)),
        "learning_rate": 0.01,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
    }


def _adam(
    case: tuple[Any, ...],
    correct: bool = True,
    square: bool = True,
    eps_inside: bool = False,
    ascent: bool = False,
) -> tuple[Any, ...]:
    parameters, grads, v, s, t, lr, beta1, beta2, epsilon = case
    new_p, new_v, new_s, v_hat, s_hat = {}, {}, {}, {}, {}
    for key, value in parameters.items():
        g = grads[f"d{key}"]
        new_v[f"d{key}"] = beta1 * v[f"d{key}"] + (1 - beta1) * g
        new_s[f"d{key}"] = beta2 * s[f"d{key}"] + (1 - beta2) * (g * g if square else g)
        v_hat[f"d{key}"] = new_v[f"d{key}"] / (1 - beta1**t) if correct else new_v[f"d{key}"]
        s_hat[f"d{key}"] = new_s[f"d{key}"] / (1 - beta2**t) if correct else new_s[f"d{key}"]
        root = (
            np.sqrt(s_hat[f"d{key}"] + epsilon)
            if eps_inside
            else np.sqrt(s_hat[f"d{key}"]) + epsilon
        )
        new_p[key] = value + (1 if ascent else -1) * lr * v_hat[f"d{key}"] / root
    return new_p, new_v, new_s, v_hat, s_hat


def _mini_batches_case(rng: np.random.Generator, edge: str | None) -> Case:
    m = 1 if edge == "m = 1" else int(rng.integers(5, 40))
    return {
        "X": randn(rng, int(rng.integers(2, 5)), m),
        "Y": labels(rng, m),
        "mini_batch_size": int(rng.integers(2, 9)),
        "seed": int(rng.integers(0, 100)),
    }


def _batches_of_rows(X: Any, Y: Any, mini_batch_size: int, seed: int) -> list[Any]:
    """The examples' columns kept in order: no shuffle."""
    m = X.shape[1]
    return [
        (X[:, k : k + mini_batch_size], Y[:, k : k + mini_batch_size])
        for k in range(0, m, mini_batch_size)
    ]


def _simple_update_case(rng: np.random.Generator, edge: str | None) -> Case:
    params = _parameters(rng, sizes(rng, edge, 3))
    return {
        "parameters": params,
        "grads": {f"d{k}": randn(rng, *v.shape) for k, v in params.items()},
        "learning_rate": float(rng.uniform(0.01, 0.5)),
    }


def _momentum_case(rng: np.random.Generator, edge: str | None) -> Case:
    case = _simple_update_case(rng, edge)
    v = {f"d{k}": randn(rng, *v.shape) for k, v in case["parameters"].items()}
    return {
        "parameters": case["parameters"],
        "grads": case["grads"],
        "v": v,
        "beta": 0.9,
        "learning_rate": case["learning_rate"],
    }


def _dims(rng: np.random.Generator, edge: str | None) -> Case:
    return {"layers_dims": sizes(rng, edge, int(rng.integers(2, 5)))}


SPECS = (
    Spec(
        "compute_cost_with_regularization",
        "regularization",
        regularization.compute_cost_with_regularization,
        _regularized_cost_case,
        outputs=("cost",),
        edges=("m = 1",),
        mutants=(("scale", _l2_without_half), ("scale", _l2_without_m), ("sign", _l2_subtracted)),
        formulas=THREE_LAYER,
    ),
    Spec(
        "backward_propagation_with_dropout",
        "regularization",
        regularization.backward_propagation_with_dropout,
        _dropout_backward_case,
        edges=("m = 1", "one hidden unit", "keep_prob = 1"),
        mutants=(
            ("scale", _dropout_no_division),
            ("scale", _dropout_times_keep),
            ("mask", _dropout_no_mask),
        ),
        constants=lambda case: {"m": float(case["X"].shape[1]), "keep_prob": case["keep_prob"]},
        formulas=THREE_LAYER,
    ),
    Spec(
        "backward_propagation_with_regularization",
        "regularization",
        regularization.backward_propagation_with_regularization,
        lambda rng, edge: (
            lambda c: {
                "X": c["X"],
                "Y": c["Y"],
                "cache": _forward(c),
                "lambd": float(rng.uniform(0.1, 1)),
            }
        )(_three_layer(rng, edge)),
        edges=("m = 1",),
        formulas=THREE_LAYER,
    ),
    Spec(
        "forward_propagation_with_dropout",
        "regularization",
        regularization.forward_propagation_with_dropout,
        lambda rng, edge: (
            lambda c: {
                "X": c["X"],
                "parameters": c["parameters"],
                "keep_prob": 1.0 if edge == "keep_prob = 1" else 0.7,
            }
        )(_three_layer(rng, edge)),
        outputs=("A3", "cache"),
        edges=("m = 1", "keep_prob = 1"),
        formulas=THREE_LAYER,
        seeded=True,
    ),
    Spec(
        "update_parameters_with_adam",
        "optimization",
        optimization.update_parameters_with_adam,
        _adam_case,
        outputs=("parameters", "v", "s", "v_corrected", "s_corrected"),
        mutants=(
            ("scale", lambda *case: _adam(case, correct=False)),
            ("elementwise", lambda *case: _adam(case, square=False)),
            ("epsilon", lambda *case: _adam(case, eps_inside=True)),
            ("sign", lambda *case: _adam(case, ascent=True)),
        ),
        formulas=ADAM,
    ),
    Spec(
        "random_mini_batches",
        "optimization",
        optimization.random_mini_batches,
        _mini_batches_case,
        edges=("m = 1",),
        mutants=(("random state", _batches_of_rows),),
        formulas={
            "return": "permutation = list(np.random.permutation(m)) after "
            "np.random.seed(seed); shuffled_X = X[:, permutation]"
        },
        seeded=True,
    ),
    Spec(
        "update_parameters_with_gd",
        "optimization",
        optimization.update_parameters_with_gd,
        _simple_update_case,
        constants=lambda case: {"α": case["learning_rate"]},
    ),
    Spec(
        "initialize_velocity",
        "optimization",
        optimization.initialize_velocity,
        lambda rng, edge: {"parameters": _parameters(rng, sizes(rng, edge, 3))},
    ),
    Spec(
        "update_parameters_with_momentum",
        "optimization",
        optimization.update_parameters_with_momentum,
        _momentum_case,
        outputs=("parameters", "v"),
        formulas={"v": "v = β v + (1 − β) dθ", "parameters": "θ = θ − α v"},
    ),
    Spec(
        "initialize_adam",
        "optimization",
        optimization.initialize_adam,
        lambda rng, edge: {"parameters": _parameters(rng, sizes(rng, edge, 3))},
        outputs=("v", "s"),
    ),
    Spec(
        "update_lr",
        "optimization",
        optimization.update_lr,
        lambda rng, edge: {
            "learning_rate0": float(rng.uniform(0.1, 1)),
            "epoch_num": int(rng.integers(0, 100)),
            "decay_rate": 1.0,
        },
        outputs=("learning_rate",),
        formulas={"learning_rate": "α = α0 / (1 + decay_rate · epoch)"},
    ),
    Spec(
        "schedule_lr_decay",
        "optimization",
        optimization.schedule_lr_decay,
        lambda rng, edge: {
            "learning_rate0": float(rng.uniform(0.1, 1)),
            "epoch_num": int(rng.integers(0, 5000)),
            "decay_rate": 0.3,
            "time_interval": 1000,
        },
        outputs=("learning_rate",),
        formulas={"learning_rate": "α = α0 / (1 + decay_rate · ⌊epoch / time_interval⌋)"},
    ),
    Spec(
        "initialize_parameters_zeros",
        "initialization",
        initialization.initialize_parameters_zeros,
        _dims,
    ),
    Spec(
        "initialize_parameters_random",
        "initialization",
        initialization.initialize_parameters_random,
        _dims,
        seeded=True,
        formulas={"W": "W[l] = np.random.randn(n[l], n[l−1]) · 10 after np.random.seed(3)"},
    ),
    Spec(
        "initialize_parameters_he",
        "initialization",
        initialization.initialize_parameters_he,
        _dims,
        seeded=True,
        formulas={
            "W": "W[l] = np.random.randn(n[l], n[l−1]) · √(2 / n[l−1]) after np.random.seed(3)"
        },
    ),
)
