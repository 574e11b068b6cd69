"""The course's exercise, "Building your Deep Neural Network: Step by Step", on chainrule.

The functions have the exercise's names, arguments, return values, caches and
grads keys, so a learner can compare their own implementation with these,
key by key (see :func:`chainrule.tools.compare`). The activations come from
chainrule's catalog and the loss from its loss catalog; the shapes are checked
(:mod:`chainrule.core.shapes`) and the caches examined (:mod:`chainrule.core.diagnostics`)
with messages in the course's terms.

Caches, as in the course::

    linear_cache = (A_prev, W, b)          cache = (linear_cache, Z)

and ``L_model_forward`` returns one cache per layer. ``L_model_backward``
returns ``dA0 … dA{L−1}``, ``dW1 … dWL`` and ``db1 … dbL``.

Differences from the notebook: ``initialize_parameters_deep`` draws from
``numpy.random.default_rng(seed)`` (same shapes and scale, other numbers);
the output activation is an argument (sigmoid by default) so that softmax or
another output can be tried with the same code; ``compute_cost`` warns instead
of returning NaN silently when A[L] reaches 0 or 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.base.checks import as_float_matrix
from chainrule.core.diagnostics import check_backward_inputs, check_relu_input
from chainrule.core.initializers import initialize
from chainrule.core.shapes import check_delta, check_linear
from chainrule.functions.activations import SIGMOID, Activation
from chainrule.functions.activations import activation as lookup_activation
from chainrule.functions.losses import BCE, Loss
from chainrule.functions.losses import loss as lookup_loss
from chainrule.functions.pairs import generic_output_delta, warn_if_not_finite

Array = NDArray[np.floating[Any]]
LinearCache = tuple[Array, Array, Array]
Cache = tuple[LinearCache, Array]
Parameters = dict[str, Array]


def _labels_like(Y: ArrayLike, AL: Array) -> NDArray[Any]:
    """Y reshaped to AL's (n_L, m), as the course's ``Y.reshape(AL.shape)``, or a clear error."""
    Y_arr = np.asarray(Y)
    if Y_arr.size != AL.size:
        raise ValueError(f"Y has shape {Y_arr.shape} but AL is {AL.shape}: one label per column")
    return Y_arr.reshape(AL.shape)


def initialize_parameters_deep(
    layer_dims: Sequence[int], seed: int | None = 1, init: str = "small"
) -> Parameters:
    """``{"W1": (n_1, n_0), "b1": (n_1, 1), …}`` for ``layer_dims = [n_0, n_1, …, n_L]``.

    W[l] = randn(n_l, n_{l−1}) · 0.01 and b[l] = 0, as in the exercise
    (``init="normalized"`` divides by √n_{l−1} instead, as the application
    notebook does; any name of :mod:`chainrule.core.initializers` works).
    """
    return initialize(list(layer_dims), init, seed, np.float64)


def _linear_forward(A: Array, W: Array, b: Array, layer: int | None, n_x: int | None) -> Array:
    check_linear(W, A, b, layer, n_x)
    return W @ A + b


def linear_forward(A: ArrayLike, W: ArrayLike, b: ArrayLike) -> tuple[Array, LinearCache]:
    """Z = W A + b, and the linear cache (A, W, b).

    A : (n_{l−1}, m), W : (n_l, n_{l−1}), b : (n_l, 1) → Z : (n_l, m).
    """
    A_arr, W_arr, b_arr = (
        as_float_matrix(A, "A_prev"),
        as_float_matrix(W, "W"),
        as_float_matrix(b, "b"),
    )
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
    A_arr, W_arr, b_arr = (
        as_float_matrix(A_prev, "A_prev"),
        as_float_matrix(W, "W"),
        as_float_matrix(b, "b"),
    )
    return _activation_forward(A_arr, W_arr, b_arr, g, None, None)


def _layer_count(parameters: Parameters) -> int:
    L = len(parameters) // 2
    missing = [key for l in range(1, L + 1) for key in (f"W{l}", f"b{l}") if key not in parameters]
    if missing or len(parameters) % 2:
        raise ValueError(
            f"parameters must hold W1, b1, …, WL, bL; got keys {sorted(parameters)}"
            + (f" (missing {', '.join(missing)})" if missing else "")
        )
    return L


def L_model_forward(
    X: ArrayLike, parameters: Parameters, output_activation: str | Activation = "sigmoid"
) -> tuple[Array, list[Cache]]:
    """[LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID: AL and the L caches.

    L = len(parameters) // 2. X is (n_x, m); AL is (n_L, m). The output
    activation may be changed (``"softmax"``, ``"identity"``, …).
    """
    A = as_float_matrix(X, "X")
    n_x = A.shape[0]
    L = _layer_count(parameters)
    caches: list[Cache] = []
    for l in range(1, L + 1):
        g = lookup_activation(output_activation if l == L else "relu")
        W, b = (
            as_float_matrix(parameters[f"W{l}"], f"W{l}"),
            as_float_matrix(parameters[f"b{l}"], f"b{l}"),
        )
        A, cache = _activation_forward(A, W, b, g, l, n_x)
        caches.append(cache)
    return A, caches


def compute_cost(AL: ArrayLike, Y: ArrayLike) -> Any:
    """J = −(1/m) Σ (y log a + (1 − y) log(1 − a)), as an ``np.squeeze``-d 0-d array.

    Computed from AL, as the course does, with the loss catalog's formula
    (``xlogy``/``xlog1py``: exact for a near 0). From AL alone nothing better is
    possible: once sigmoid saturates to exactly 0 or 1 on a wrong example the
    cost is inf, and a NumericalWarning says so; ``Network.cost`` computes it
    from the logits Z[L] instead and stays finite. Other losses:
    ``chainrule.loss(name).forward(AL, Y)``.
    """
    AL_arr = as_float_matrix(AL, "AL")
    Y_arr = _labels_like(Y, AL_arr)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        losses = BCE.per_example(AL_arr, Y_arr)
    warn_if_not_finite(losses, "the cost", SIGMOID, BCE)
    return np.squeeze(np.mean(losses))


def _linear_backward(dZ: Array, cache: LinearCache, layer: int | None) -> tuple[Array, ...]:
    A_prev, W, _ = cache
    check_delta(dZ, W, A_prev, layer)
    m = A_prev.shape[1]
    return W.T @ dZ, (dZ @ A_prev.T) / m, dZ.sum(axis=1, keepdims=True) / m


def linear_backward(dZ: ArrayLike, cache: LinearCache) -> tuple[Array, Array, Array]:
    """dA_prev = Wᵀ dZ, dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ_columns dZ (keepdims).

    dZ : (n_l, m); cache = (A_prev, W, b) → dA_prev : (n_{l−1}, m),
    dW : (n_l, n_{l−1}), db : (n_l, 1).
    """
    dA_prev, dW, db = _linear_backward(as_float_matrix(dZ, "dZ"), _linear_cache(cache), None)
    return dA_prev, dW, db


def _linear_cache(cache: LinearCache) -> LinearCache:
    if len(cache) != 3:
        raise ValueError(f"a linear cache is (A_prev, W, b); got {len(cache)} items")
    A_prev, W, b = cache
    return as_float_matrix(A_prev, "A_prev"), as_float_matrix(W, "W"), as_float_matrix(b, "b")


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
    dZ = g.backward(dA, Z)
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

    Starts from dAL = −(Y/AL − (1 − Y)/(1 − AL)), the loss catalog's ∂L/∂A
    (the generic route: the course never uses the shortcut dZ[L] = A[L] − Y),
    then dZ[L] = dAL ⊙ g'(Z[L]) and, for each layer going down, the linear
    step and relu's backward. Y is reshaped to AL's shape as the course does.
    """
    L = len(caches)
    if L == 0:
        raise ValueError("caches is empty: pass the caches L_model_forward returned")
    g_out, L_fn = lookup_activation(output_activation), lookup_loss(loss)
    unpacked = [_unpack(cache) for cache in caches]
    AL_arr = as_float_matrix(AL, "AL")
    # The course reshapes Y to AL's shape; cce's integer labels (1, m) stay as they are.
    labels = _labels_like(Y, AL_arr) if np.size(Y) == AL_arr.size else Y
    Y_arr = L_fn.prepare_targets(labels, AL_arr.shape[0], AL_arr.shape[1], AL_arr.dtype)
    activations = [lookup_activation("relu")] * (L - 1) + [g_out]
    Zs = [Z for _, Z in unpacked]
    As = [linear_cache[0] for linear_cache, _ in unpacked[1:]] + [AL_arr]
    check_backward_inputs(activations, Zs, As, fused=False)

    grads: dict[str, Array] = {}
    linear_cache, ZL = unpacked[-1]
    check_delta(AL_arr, linear_cache[1], linear_cache[0], L, name="A")
    _, dZ = generic_output_delta(ZL, AL_arr, Y_arr, g_out, L_fn)
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = _linear_backward(dZ, linear_cache, L)
    for l in range(L - 1, 0, -1):
        linear_cache, Z = unpacked[l - 1]
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = _activation_backward(
            grads[f"dA{l}"], linear_cache, Z, activations[l - 1], l
        )
    return grads


def update_parameters(
    parameters: Parameters, grads: dict[str, Array], learning_rate: float
) -> Parameters:
    """W[l] = W[l] − α dW[l], b[l] = b[l] − α db[l]; returns a new dict (the input is kept)."""
    L = _layer_count(parameters)
    updated: Parameters = {}
    for l in range(1, L + 1):
        for name in (f"W{l}", f"b{l}"):
            value, grad = as_float_matrix(parameters[name], name), grads.get(f"d{name}")
            if grad is None:
                raise ValueError(f"grads lacks d{name}; L_model_backward returns dW1…dWL, db1…dbL")
            grad = as_float_matrix(grad, f"d{name}")
            if grad.shape != value.shape:
                raise ValueError(f"d{name} is {grad.shape} but {name} is {value.shape}")
            updated[name] = value - learning_rate * grad
    return updated


def L_layer_model(
    X: ArrayLike,
    Y: ArrayLike,
    layers_dims: Sequence[int],
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    print_cost: bool = False,
    seed: int | None = 1,
) -> tuple[Parameters, list[Any]]:
    """Gradient descent with the functions above; returns (parameters, costs).

    Initialized as the application notebook (W[l] = randn / √n_{l−1}); the cost
    is kept (and printed, with ``print_cost``) every 100 iterations and at the
    last one, as the course does.
    """
    parameters = initialize_parameters_deep(layers_dims, seed, init="normalized")
    costs: list[Any] = []
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if i % 100 == 0 or i == num_iterations - 1:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {np.squeeze(cost)}")
    return parameters, costs


def predict(X: ArrayLike, y: ArrayLike, parameters: Parameters) -> NDArray[Any]:
    """0/1 predictions (1, m) (A[L] > 0.5), printing the accuracy on labels y as the course does."""
    AL, _ = L_model_forward(X, parameters)
    p = BCE.predict(AL)
    y_arr = _labels_like(y, AL)
    print("Accuracy: " + str(np.sum((p == y_arr) / p.shape[1])))
    return p
