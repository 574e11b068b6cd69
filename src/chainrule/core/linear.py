"""The linear step of a layer, forward and backward, defined once for every path.

For layer l, in the course's notation::

    Z = W·A_prev + b
    dW = (1/m)·dZ·A_prevᵀ      db = (1/m)·Σ_columns dZ      dA_prev = Wᵀ·dZ

Shapes: A_prev (n_{l−1}, m), W (n_l, n_{l−1}), b (n_l, 1), Z and dZ (n_l, m).
dZ is per example: the 1/m of the cost J = (1/m) Σ L appears only in dW and db.

The reference path (:class:`chainrule.core.model.Model`) and the course's
functions call :func:`forward` and :func:`backward`, which allocate their
results. The fast path of fit (:mod:`chainrule.training.fast`) calls the same
kernels with ``out`` buffers, and with ``scale`` = 1 when it has folded the 1/m
into dZ already. Nothing is checked here: the callers check the shapes
(:func:`chainrule.core.shapes.check_linear`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]


def forward(A_prev: Array, W: Array, b: Array, out: Array | None = None) -> Array:
    """Z = W·A_prev + b, (n_l, m), written into ``out`` when given.

    >>> forward(np.array([[1.0], [2.0]]), np.array([[3.0, 4.0]]), np.array([[0.5]])).tolist()
    [[11.5]]
    """
    return np.add(np.matmul(W, A_prev, out=out), b, out=out)


def parameter_gradients(
    dZ: Array,
    A_prev: Array,
    scale: float | None = None,
    dW: Array | None = None,
    db: Array | None = None,
    ones: Array | None = None,
) -> tuple[Array, Array]:
    """dW = (1/m)·dZ·A_prevᵀ (n_l, n_{l−1}) and db = (1/m)·Σ_columns dZ (n_l, 1).

    ``scale`` replaces the 1/m when the caller has folded it into dZ (1 makes
    no pass at all). ``dW`` and ``db`` are written into when given. With
    ``ones``, an (m,) vector of ones, the sum over the columns is taken as the
    matrix–vector product dZ·1 (on small batches a fraction of the time of a
    reduction); ``db`` must then be given.
    """
    dW = np.matmul(dZ, A_prev.T, out=dW)
    if ones is None:
        db = np.sum(dZ, axis=1, keepdims=True, out=db)
    else:
        if db is None:
            raise ValueError("parameter_gradients: ones needs db to write into")
        np.matmul(dZ, ones, out=db[:, 0])
    if scale is None:
        m = dZ.shape[1]
        dW /= m
        db /= m
    elif scale != 1:
        dW *= scale
        db *= scale
    return dW, db


def input_gradient(dZ: Array, W: Array, out: Array | None = None) -> Array:
    """dA_prev = Wᵀ·dZ, (n_{l−1}, m), written into ``out`` when given."""
    return np.matmul(W.T, dZ, out=out)


def backward(dZ: Array, A_prev: Array, W: Array) -> tuple[Array, Array, Array]:
    """(dA_prev, dW, db) = (Wᵀ·dZ, (1/m)·dZ·A_prevᵀ, (1/m)·Σ_columns dZ), new arrays.

    >>> dA_prev, dW, db = backward(np.array([[1.0, 3.0]]), np.ones((2, 2)), np.array([[2.0, 5.0]]))
    >>> dA_prev.tolist(), dW.tolist(), db.tolist()
    ([[2.0, 6.0], [5.0, 15.0]], [[2.0, 2.0]], [[2.0]])
    """
    dW, db = parameter_gradients(dZ, A_prev)
    return input_gradient(dZ, W), dW, db
