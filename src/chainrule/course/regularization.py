# ruff: noqa: NPY002  (the course seeds and draws from NumPy's global generator, as here)
"""C2W1 assignment 2, "Regularization": L2 regularization and inverted dropout.

The notebook's three-layer model LINEAR → RELU → LINEAR → RELU → LINEAR →
SIGMOID, with its tuple caches::

    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)                  # L2
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)          # dropout

and its gradients dict (dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1,
db1). relu' is read from the cached A (A > 0 ⇔ Z > 0, and dropout's zeros
are already in dA), as the course does; chainrule's catalog relu computes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from chainrule.core import linear
from chainrule.course.common import Array, Parameters, as_labels, layer_count
from chainrule.functions.activations import RELU, SIGMOID
from chainrule.functions.losses import BCE


def compute_cost_with_regularization(
    A3: ArrayLike, Y: ArrayLike, parameters: Parameters, lambd: float
) -> Any:
    """J = cross-entropy + (1/m)(λ/2) Σ_l ‖W[l]‖²_F, a NumPy float as the course's.

    The cross-entropy is reg_utils' −(1/m) Σ (y log a + (1 − y) log(1 − a))
    (``nansum``: a 0 · log 0 counts as 0).
    """
    A3_arr, Y_arr = np.asarray(A3, dtype=np.float64), as_labels(Y)
    m = Y_arr.shape[1]
    cross_entropy_cost = np.nansum(BCE.elementwise(A3_arr, Y_arr)) / m
    L = layer_count(parameters)
    squares = sum(np.sum(np.square(parameters[f"W{l}"])) for l in range(1, L + 1))
    return cross_entropy_cost + squares * lambd / (2 * m)


def _backward(
    X: Array, Y: Array, A: tuple[Array, Array, Array], W: tuple[Array, Array, Array], **options: Any
) -> dict[str, Array]:
    """The three-layer backward pass; options: lambd (L2) or D1, D2, keep_prob (dropout)."""
    (A1, A2, A3), (W1, W2, W3) = A, W
    m, lambd = X.shape[1], options.get("lambd", 0.0)
    keep_prob = options.get("keep_prob", 1.0)

    def masked(dA: Array, D: Array | None) -> Array:
        return dA if D is None else dA * D / keep_prob

    grads: dict[str, Array] = {"dZ3": A3 - Y}  # the natural pair sigmoid + cross-entropy
    for l, A_prev, W_l in ((3, A2, W3), (2, A1, W2), (1, X, W1)):
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear.backward(grads[f"dZ{l}"], A_prev, W_l)
        if lambd:
            grads[f"dW{l}"] += (lambd / m) * W_l
        if l > 1:
            grads[f"dA{l - 1}"] = masked(dA_prev, options.get(f"D{l - 1}"))
            grads[f"dZ{l - 1}"] = RELU.backward(grads[f"dA{l - 1}"], A_prev)  # relu'(A) = (A > 0)
    order = ("dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")
    return {key: grads[key] for key in order}


def backward_propagation_with_regularization(
    X: ArrayLike, Y: ArrayLike, cache: tuple[Any, ...], lambd: float
) -> dict[str, Array]:
    """Backward pass of J with L2: each dW[l] gains (λ/m) W[l]; dZ3 = A3 − Y.

    dW[l] = (1/m) dZ[l] A[l−1]ᵀ + (λ/m) W[l], db[l] = (1/m) Σ dZ[l],
    dA[l−1] = W[l]ᵀ dZ[l], dZ[l−1] = dA[l−1] ⊙ relu'(Z[l−1]).
    """
    (_, A1, W1, _, _, A2, W2, _, _, A3, W3, _) = cache
    X_arr = np.asarray(X, dtype=np.float64)
    return _backward(X_arr, as_labels(Y), (A1, A2, A3), (W1, W2, W3), lambd=lambd)


def forward_propagation_with_dropout(
    X: ArrayLike, parameters: Parameters, keep_prob: float = 0.5
) -> tuple[Array, tuple[Any, ...]]:
    """Inverted dropout on both hidden layers: (A3, cache).

    ``np.random.seed(1)`` as the notebook; D[l] = rand(A[l].shape) < keep_prob
    (booleans), A[l] = A[l] ⊙ D[l] / keep_prob, for l = 1, 2.
    """
    np.random.seed(1)
    X_arr = np.asarray(X, dtype=np.float64)
    W1, b1, W2, b2, W3, b3 = (parameters[key] for key in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = W1 @ X_arr + b1
    D1 = np.random.rand(*Z1.shape) < keep_prob
    A1 = RELU.forward(Z1) * D1 / keep_prob
    Z2 = W2 @ A1 + b2
    D2 = np.random.rand(*Z2.shape) < keep_prob
    A2 = RELU.forward(Z2) * D2 / keep_prob
    Z3 = W3 @ A2 + b3
    A3 = SIGMOID.forward(Z3)
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)


def backward_propagation_with_dropout(
    X: ArrayLike, Y: ArrayLike, cache: tuple[Any, ...], keep_prob: float
) -> dict[str, Array]:
    """Backward pass with the forward pass's masks: dA[l] = dA[l] ⊙ D[l] / keep_prob, l = 2, 1."""
    (_, D1, A1, W1, _, _, D2, A2, W2, _, _, A3, W3, _) = cache
    X_arr = np.asarray(X, dtype=np.float64)
    return _backward(
        X_arr, as_labels(Y), (A1, A2, A3), (W1, W2, W3), D1=D1, D2=D2, keep_prob=keep_prob
    )
