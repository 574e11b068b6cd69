"""The course's ``dnn_utils`` helpers (C1W4), on chainrule's activation catalog.

``sigmoid`` and ``relu`` return ``(A, cache)`` with cache = Z, and the
``*_backward(dA, cache)`` helpers return dZ = dA ⊙ g'(Z), reading g' from Z,
as the course's do. relu'(0) = 0, as the course's ``dZ[Z <= 0] = 0``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from chainrule.course.common import Array
from chainrule.functions.activations import RELU, SIGMOID


def _shaped(dA: ArrayLike, Z: Array) -> Array:
    dA_arr = np.asarray(dA, dtype=np.float64)
    if dA_arr.shape != Z.shape:
        raise ValueError(f"dA has shape {dA_arr.shape} but the cache's Z is {Z.shape}")
    return dA_arr


def sigmoid(Z: ArrayLike) -> tuple[Array, Array]:
    """A = σ(Z) = 1 / (1 + e^(−Z)), and the cache Z."""
    Z_arr = np.asarray(Z, dtype=np.float64)
    return SIGMOID.forward(Z_arr), Z_arr


def relu(Z: ArrayLike) -> tuple[Array, Array]:
    """A = max(0, Z), and the cache Z."""
    Z_arr = np.asarray(Z, dtype=np.float64)
    return RELU.forward(Z_arr), Z_arr


def sigmoid_backward(dA: ArrayLike, cache: ArrayLike) -> Array:
    """dZ = dA ⊙ σ(Z)(1 − σ(Z)), with Z = cache."""
    Z = np.asarray(cache, dtype=np.float64)
    return SIGMOID.backward(_shaped(dA, Z), Z)


def relu_backward(dA: ArrayLike, cache: ArrayLike) -> Array:
    """dZ = dA where Z > 0, else 0, with Z = cache."""
    Z = np.asarray(cache, dtype=np.float64)
    return RELU.backward(_shaped(dA, Z), Z)
