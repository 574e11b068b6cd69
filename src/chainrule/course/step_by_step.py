# ruff: noqa: NPY002  (the course seeds and draws from NumPy's global generator, as here)
"""C1W4 assignment 1, "Building your Deep Neural Network: Step by Step", on chainrule.

The functions have the notebook's names, arguments, return values, caches and
grads keys, so a learner can compare their own implementation with these,
key by key (see :func:`chainrule.tools.compare`). The activations come from
chainrule's catalog and the loss from its loss catalog; the shapes are checked
(:mod:`chainrule.core.shapes`) and the caches examined (:mod:`chainrule.core.diagnostics`)
with messages in the course's terms: warnings and errors only, never a
changed value. Import them from :mod:`chainrule.course.deep` (or
:mod:`chainrule.course`).

Caches, as in the course::

    linear_cache = (A_prev, W, b)          cache = (linear_cache, Z)

Extras beyond the notebook, always after its own arguments: the output
activation (sigmoid by default) and the loss may be changed, so that softmax
with cross-entropy can be tried with the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from chainrule.base.checks import as_float_matrix
from chainrule.core import linear
from chainrule.core.diagnostics import check_backward_inputs, check_relu_input
from chainrule.core.initializers import check_layer_dims
from chainrule.core.shapes import check_delta, check_linear
from chainrule.course.common import Array, Parameters, gradient_for, labels_like, layer_count
from chainrule.functions.activations import SIGMOID, Activation
from chainrule.functions.activations import activation as lookup_activation
from chainrule.functions.losses import BCE, Loss
from chainrule.functions.losses import loss as lookup_loss
from chainrule.functions.pairs import warn_if_not_finite

LinearCache = tuple[Array, Array, Array]
Cache = tuple[LinearCache, Array]


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> Parameters:
    """``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}``.

    As the notebook: ``np.random.seed(1)`` (NumPy's global generator, reseeded
    as the course does), then W = randn · 0.01 in the order W1, W2; b = 0.
    """
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    W2 = np.random.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def initialize_parameters_deep(layer_dims: Sequence[int]) -> Parameters:
    """``{"W1": (n_1, n_0), "b1": (n_1, 1), …}`` for ``layer_dims = [n_0, n_1, …, n_L]``.

    As the step-by-step notebook: ``np.random.seed(3)``, then for l = 1 … L
    W[l] = randn(n_l, n_{l−1}) · 0.01 and b[l] = 0. (The application's
    utilities seed 1 and divide by √n_{l−1}:
    :func:`chainrule.course.application.initialize_parameters_deep_application`;
    chainrule's own :func:`chainrule.core.initializers.initialize` draws from
    ``numpy.random.default_rng`` instead of the global generator.)
    """
    layer_dims = check_layer_dims(layer_dims)
    np.random.seed(3)
    parameters: Parameters = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters[f"W{l}"] = np.random.randn(n, n_prev) * 0.01
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def _linear_forward(A: Array, W: Array, b: Array, layer: int | None, n_x: int | None) -> Array:
    check_linear(W, A, b, layer, n_x)
    return linear.forward(A, W, b)


def _matrices(A: ArrayLike, W: ArrayLike, b: ArrayLike) -> LinearCache:
    return as_float_matrix(A, "A_prev"), as_float_matrix(W, "W"), as_float_matrix(b, "b")


def linear_forward(A: ArrayLike, W: ArrayLike, b: ArrayLike) -> tuple[Array, LinearCache]:
    """Z = W A + b, and the linear cache (A, W, b).

    A : (n_{l−1}, m), W : (n_l, n_{l−1}), b : (n_l, 1) → Z : (n_l, m).
    """
    A_arr, W_arr, b_arr = _matrices(A, W, b)
    return _linear_forward(A_arr, W_arr, b_arr, None, None), (A_arr, W_arr, b_arr)


def _activation_forward(
    A_prev: Array, W: Array, b: Array, g: Activation, layer: int | None, n_x: int | None
) -> tuple[Array, Cache]:
    Z = _linear_forward(A_prev, W, b, layer, n_x)
    return g.forward(Z), ((A_prev, W, b), Z)


def linear_activation_forward(
    A_prev: ArrayLike, W: ArrayLike, b: ArrayLike, activation: str | Activation
) -> tuple[Array, Cache]:
    """A = g(W A_prev + b) and the cache ((A_prev, W, b), Z).

    ``activation`` is a catalog name (``"relu"``, ``"sigmoid"``, ``"tanh"``, …).
    """
    g = lookup_activation(activation)
    return _activation_forward(*_matrices(A_prev, W, b), g, None, None)


def L_model_forward(
    X: ArrayLike, parameters: Parameters, output_activation: str | Activation = "sigmoid"
) -> tuple[Array, list[Cache]]:
    """[LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID: AL and the list of L caches.

    L = len(parameters) // 2. X is (n_x, m); AL is (n_L, m). The output
    activation may be changed (``"softmax"``, ``"identity"``, …).
    """
    A = as_float_matrix(X, "X")
    n_x = A.shape[0]
    L = layer_count(parameters)
    caches: list[Cache] = []
    for l in range(1, L + 1):
        g = lookup_activation(output_activation if l == L else "relu")
        W = as_float_matrix(parameters[f"W{l}"], f"W{l}")
        b = as_float_matrix(parameters[f"b{l}"], f"b{l}")
        A, cache = _activation_forward(A, W, b, g, l, n_x)
        caches.append(cache)
    return A, caches


def compute_cost(AL: ArrayLike, Y: ArrayLike) -> Any:
    """J = −(1/m) Σ (y log a + (1 − y) log(1 − a)), a 0-d ndarray as the course's ``np.squeeze``.

    Computed from AL, as the course does, with the loss catalog's formula
    (``xlogy``/``xlog1py``: exact for a near 0). Once sigmoid saturates to
    exactly 0 or 1 on a wrong example the cost is inf, and a NumericalWarning
    says so; chainrule's ``Network.cost`` computes it from the logits Z[L]
    instead and stays finite.
    """
    AL_arr = as_float_matrix(AL, "AL")
    Y_arr = labels_like(Y, AL_arr)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        losses = BCE.elementwise(AL_arr, Y_arr)  # any real y, as the course's formula
    warn_if_not_finite(losses, "the cost", SIGMOID, BCE)
    return np.squeeze(np.asarray(np.sum(losses) / AL_arr.shape[1]))


def _linear_backward(dZ: Array, cache: LinearCache, layer: int | None) -> tuple[Array, ...]:
    A_prev, W, _ = cache
    check_delta(dZ, W, A_prev, layer)
    return linear.backward(dZ, A_prev, W)


def _linear_cache(cache: LinearCache) -> LinearCache:
    if len(cache) != 3:
        raise ValueError(f"a linear cache is (A_prev, W, b); got {len(cache)} items")
    return _matrices(*cache)


def linear_backward(dZ: ArrayLike, cache: LinearCache) -> tuple[Array, Array, Array]:
    """dA_prev = Wᵀ dZ, dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ_columns dZ (keepdims).

    dZ : (n_l, m); cache = (A_prev, W, b) → dA_prev : (n_{l−1}, m),
    dW : (n_l, n_{l−1}), db : (n_l, 1).
    """
    dA_prev, dW, db = _linear_backward(as_float_matrix(dZ, "dZ"), _linear_cache(cache), None)
    return dA_prev, dW, db


def _unpack(cache: Cache) -> tuple[LinearCache, Array]:
    if len(cache) != 2:
        raise ValueError(
            f"a cache is ((A_prev, W, b), Z), as linear_activation_forward returns; "
            f"got {len(cache)} items"
        )
    linear_cache, Z = cache
    return _linear_cache(linear_cache), as_float_matrix(Z, "Z")


def _activation_backward(
    dA: Array, linear_cache: LinearCache, Z: Array, g: Activation, layer: int | None
) -> tuple[Array, ...]:
    check_delta(dA, linear_cache[1], linear_cache[0], layer, name="dA")
    check_relu_input(Z, g, layer)
    dZ = g.backward(dA, Z)  # g'(Z) from the cache's Z, as the course's *_backward(dA, Z)
    return _linear_backward(dZ, linear_cache, layer)


def linear_activation_backward(
    dA: ArrayLike, cache: Cache, activation: str | Activation
) -> tuple[Array, Array, Array]:
    """dZ = dA ⊙ g'(Z) from the cache's Z, then :func:`linear_backward`.

    Returns (dA_prev, dW, db). relu'(0) = 0, as the course's ``relu_backward``
    (dZ[Z ≤ 0] = 0).
    """
    linear_cache, Z = _unpack(cache)
    dA_prev, dW, db = _activation_backward(
        as_float_matrix(dA, "dA"), linear_cache, Z, lookup_activation(activation), None
    )
    return dA_prev, dW, db


def L_model_backward(
    AL: ArrayLike,
    Y: ArrayLike,
    caches: Sequence[Cache],
    output_activation: str | Activation = "sigmoid",
    loss: str | Loss = "bce",
) -> dict[str, Array]:
    """The gradients ``dA{l−1}``, ``dW{l}``, ``db{l}`` for l = L … 1, as the course.

    dAL = −(Y/AL − (1 − Y)/(1 − AL)) (the loss catalog's ∂L/∂A, the same
    floating-point operations), then dZ[L] = dAL ⊙ σ'(Z[L]) with σ' computed
    from the Z in the cache, never from AL: the course's test case feeds an AL
    that is not σ(Z[L]) (a MistakeWarning says so) and expects σ'(Z). Then,
    for each layer going down, relu's backward and the linear step.

    chainrule's own route differs: ``Network.backward`` fuses the natural pair
    into dZ[L] = A[L] − Y from the logits (stable, one subtraction); on a
    consistent cache (AL = σ(Z[L])) both agree to rounding.
    """
    L = len(caches)
    if L == 0:
        raise ValueError("caches is empty: pass the caches L_model_forward returned")
    g_out, L_fn = lookup_activation(output_activation), lookup_loss(loss)
    unpacked = [_unpack(cache) for cache in caches]
    AL_arr = as_float_matrix(AL, "AL")
    # The course reshapes Y to AL's shape (any real labels); cce's integer labels (1, m)
    # are one-hot encoded by the loss catalog.
    if np.size(Y) == AL_arr.size:
        Y_arr = as_float_matrix(labels_like(Y, AL_arr), "Y")
    else:
        Y_arr = L_fn.prepare_targets(Y, AL_arr.shape[0], AL_arr.shape[1], AL_arr.dtype)
    activations = [lookup_activation("relu")] * (L - 1) + [g_out]
    As = [linear_cache[0] for linear_cache, _ in unpacked[1:]] + [AL_arr]
    check_backward_inputs(activations, [Z for _, Z in unpacked], As, fused=False)

    grads: dict[str, Array] = {}
    linear_cache, ZL = unpacked[-1]
    check_delta(AL_arr, linear_cache[1], linear_cache[0], L, name="A")
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        dZ = g_out.backward(L_fn.gradient(AL_arr, Y_arr), ZL)
    warn_if_not_finite(dZ, "dZ[L]", g_out, L_fn)
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = _linear_backward(dZ, linear_cache, L)
    for l in range(L - 1, 0, -1):
        linear_cache, Z = unpacked[l - 1]
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = _activation_backward(
            grads[f"dA{l}"], linear_cache, Z, activations[l - 1], l
        )
    return grads


def update_parameters(
    params: Parameters, grads: dict[str, Array], learning_rate: float
) -> Parameters:
    """W[l] = W[l] − α dW[l], b[l] = b[l] − α db[l], for l = 1 … L.

    Returns a new dict and leaves ``params`` as it was (the notebook's own
    arguments; it is called as ``parameters = update_parameters(...)``).
    """
    L = layer_count(params)
    updated: Parameters = {}
    for l in range(1, L + 1):
        for name in (f"W{l}", f"b{l}"):
            value = as_float_matrix(params[name], name)
            updated[name] = value - learning_rate * gradient_for(grads, name, value)
    return updated
