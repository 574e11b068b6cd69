"""The L-layer network in the course's notation: forward, backward, update.

Forward, for l = 1 … L::

    Z[l] = W[l] A[l−1] + b[l]        A[l] = g[l](Z[l])        A[0] = X

Backward, from the output layer (see :mod:`chainrule.functions.pairs`)::

    dZ[L] = c·(A[L] − Y)                    natural pair, fused from the logits
          = dA[L] ⊙ g[L]'(Z[L])             any other pair, dA[L] = ∂L/∂A[L]
    dW[l] = (1/m) dZ[l] A[l−1]ᵀ     db[l] = (1/m) Σ_columns dZ[l]
    dA[l−1] = W[l]ᵀ dZ[l]           dZ[l−1] = dA[l−1] ⊙ g[l−1]'(Z[l−1])

dA and dZ are per example (no 1/m); dW and db are gradients of the cost
J = (1/m) Σ L. Shapes: X (n_x, m), W[l] (n_l, n_{l−1}), b[l] (n_l, 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from chainrule.diagnostics import check_backward_inputs
from chainrule.functions.activations import Activation
from chainrule.functions.activations import activation as lookup_activation
from chainrule.functions.losses import Loss
from chainrule.functions.losses import loss as lookup_loss
from chainrule.functions.pairs import (
    choose_route,
    domain_problem,
    generic_output_delta,
    per_example_cost,
)
from chainrule.functions.validation import as_float_matrix
from chainrule.initializers import initialize
from chainrule.inspect import Inspection, Recorder, inspect_network
from chainrule.shapes import check_linear

Array = NDArray[np.floating[Any]]
Grads = dict[str, Array]


class LayerCache(NamedTuple):
    """What layer l's forward step keeps for its backward step."""

    A_prev: Array
    W: Array
    b: Array
    Z: Array
    A: Array


def _layer_dims(layer_dims: Sequence[int]) -> list[int]:
    dims = list(layer_dims)
    if len(dims) < 2 or any(
        isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1 for n in dims
    ):
        raise ValueError(
            f"layer_dims must be [n_x, n_1, …, n_L] with at least two positive integers, "
            f"got {layer_dims!r}"
        )
    return [int(n) for n in dims]


def _hidden_activations(hidden: str | Activation | Sequence[str | Activation], count: int) -> list[
    Activation
]:
    if isinstance(hidden, str | Activation):
        return [lookup_activation(hidden)] * count
    names = list(hidden)
    if len(names) != count:
        raise ValueError(
            f"hidden has {len(names)} activations but the network has {count} hidden layers"
        )
    return [lookup_activation(name) for name in names]


class Network:
    """A fully connected L-layer network; any output activation with any loss.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n_1, …, n_L]``: input size, then the units of each layer.
    hidden : name, Activation, or one per hidden layer
        The hidden layers' activation(s).
    output : name or Activation
        The output layer's activation g[L].
    loss : name or Loss
        The per-example loss L, summed over output units.
    init : str
        ``he``, ``xavier``, ``normalized`` or ``small`` (see :mod:`chainrule.initializers`).
    seed : int or None
        Seed of the weight initialization.
    dtype : float32 or float64
        The dtype of the parameters and of every computation.
    fused : bool or None
        The output rule: None fuses natural pairs, True demands one, False
        forces the generic chain rule (see :func:`chainrule.output_delta`).

    Examples
    --------
    >>> net = Network([2, 3, 1], seed=1)
    >>> AL, caches = net.forward(np.array([[0.5, -1.0], [2.0, 0.0]]))
    >>> AL.shape, len(caches)
    ((1, 2), 2)
    """

    def __init__(
        self,
        layer_dims: Sequence[int],
        hidden: str | Activation | Sequence[str | Activation] = "relu",
        output: str | Activation = "sigmoid",
        loss: str | Loss = "bce",
        init: str = "he",
        seed: int | None = 0,
        dtype: DTypeLike = np.float64,
        fused: bool | None = None,
    ) -> None:
        self.layer_dims = _layer_dims(layer_dims)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {self.dtype}")
        L = len(self.layer_dims) - 1
        self.activations: list[Activation] = [
            *_hidden_activations(hidden, L - 1),
            lookup_activation(output),
        ]
        self.loss: Loss = lookup_loss(loss)
        problem = domain_problem(self.activations[-1], self.loss)
        if problem is not None:
            raise ValueError(f"output {self.activations[-1].name} with loss {self.loss.name}: "
                             f"{problem}")
        self.fused = fused
        self.output_pair = choose_route(self.activations[-1], self.loss, fused)
        self.init = init
        self.seed = seed
        self.params: dict[str, Array] = initialize(self.layer_dims, init, seed, self.dtype)

    # -- shape and input checks ---------------------------------------------

    @property
    def L(self) -> int:
        """The number of layers with parameters (the input layer is not counted)."""
        return len(self.layer_dims) - 1

    def __repr__(self) -> str:
        hidden = [g.name for g in self.activations[:-1]]
        return (
            f"Network({self.layer_dims}, hidden={hidden}, output={self.activations[-1].name!r}, "
            f"loss={self.loss.name!r}, dtype={self.dtype.name})"
        )

    def check_input(self, X: ArrayLike) -> Array:
        """X as an (n_x, m) array of the network's dtype, or a ValueError in the course's terms."""
        X_arr = as_float_matrix(X, "X", self.dtype)
        n_x = self.layer_dims[0]
        if X_arr.shape[0] != n_x:
            hint = ""
            if X_arr.shape[1] == n_x:
                hint = " — examples must be columns: did you pass X.T (rows as examples)?"
            raise ValueError(
                f"layer 1: W1 is {self.params['W1'].shape}, so X (A0) must be ({n_x}, m); "
                f"got {X_arr.shape}{hint}"
            )
        return X_arr

    def check_targets(self, Y: ArrayLike, m: int) -> Array:
        """Y validated for the loss and laid out as (n_L, m) in the network's dtype."""
        return self.loss.prepare_targets(Y, self.layer_dims[-1], m, self.dtype)

    # -- the two passes -------------------------------------------------------

    def forward(self, X: ArrayLike) -> tuple[Array, list[LayerCache]]:
        """AL = A[L] and the caches (A[l−1], W[l], b[l], Z[l], A[l]) for l = 1 … L."""
        A = self.check_input(X)
        caches: list[LayerCache] = []
        for l, g in enumerate(self.activations, start=1):
            W, b = self.params[f"W{l}"], self.params[f"b{l}"]
            check_linear(W, A, b, l, self.layer_dims[0])
            Z = W @ A + b
            A_prev, A = A, g.forward(Z)
            caches.append(LayerCache(A_prev, W, b, Z, A))
        return A, caches

    def backward(self, AL: ArrayLike, Y: ArrayLike, caches: Sequence[LayerCache]) -> Grads:
        """Gradients in the course's names.

        Returns ``dZ1 … dZL``, ``dW1 … dWL``, ``db1 … dbL`` and ``dA0 … dA{L−1}``
        (dA[l−1] = W[l]ᵀ dZ[l]); ``dA{L}`` = ∂L/∂A[L] too when the output
        layer takes the generic route (the fused route never forms it).
        """
        if len(caches) != self.L:
            raise ValueError(f"caches has {len(caches)} entries, the network has {self.L} layers")
        AL_arr = as_float_matrix(AL, "AL", self.dtype)
        if AL_arr.shape != caches[-1].Z.shape:
            raise ValueError(
                f"AL has shape {AL_arr.shape} but Z{self.L} in the caches is {caches[-1].Z.shape}"
            )
        Y_arr = self.check_targets(Y, AL_arr.shape[1])
        check_backward_inputs(
            self.activations,
            [cache.Z for cache in caches],
            [*(cache.A for cache in caches[:-1]), AL_arr],
            fused=self.output_pair is not None,
        )
        return self._backward(AL_arr, Y_arr, caches)

    def _backward(self, AL: Array, Y: Array, caches: Sequence[LayerCache]) -> Grads:
        grads: Grads = {}
        L, m = self.L, AL.shape[1]
        if self.output_pair is not None:
            dZ = self.output_pair.dZ(AL, Y)
        else:
            grads[f"dA{L}"], dZ = generic_output_delta(
                caches[-1].Z, AL, Y, self.activations[-1], self.loss
            )
        for l in range(L, 0, -1):
            A_prev, W, _, _, _ = caches[l - 1]
            grads[f"dZ{l}"] = dZ
            grads[f"dW{l}"] = (dZ @ A_prev.T) / m
            grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
            dA_prev = W.T @ dZ
            grads[f"dA{l - 1}"] = dA_prev
            if l > 1:
                cache = caches[l - 2]
                dZ = self.activations[l - 2].backward(dA_prev, cache.Z, cache.A)
        return grads

    def gradients(self, X: ArrayLike, Y: ArrayLike) -> Grads:
        """Forward then backward on (X, Y): the gradients of J at the current parameters."""
        AL, caches = self.forward(X)
        return self._backward(AL, self.check_targets(Y, AL.shape[1]), caches)

    # -- cost, update, prediction ------------------------------------------------

    def cost(self, X: ArrayLike, Y: ArrayLike) -> float:
        """J = (1/m) Σ L(A[L], Y), computed stably from Z[L] (see output_cost)."""
        _, caches = self.forward(X)
        Y_arr = self.check_targets(Y, caches[-1].Z.shape[1])
        return self._cost(caches[-1].Z, Y_arr)

    def _cost(self, ZL: Array, Y: Array) -> float:
        losses = per_example_cost(ZL, Y, self.activations[-1], self.loss, self.fused)
        return float(np.mean(losses))

    def update(self, grads: Grads, learning_rate: float) -> None:
        """Gradient descent in place: W[l] −= α·dW[l], b[l] −= α·db[l]."""
        missing = [f"d{key}" for key in self.params if f"d{key}" not in grads]
        if missing:
            raise ValueError(f"grads lacks {', '.join(missing)}")
        for key, value in self.params.items():
            if grads[f"d{key}"].shape != value.shape:
                raise ValueError(
                    f"d{key} has shape {grads[f'd{key}'].shape} but {key} is {value.shape}"
                )
        for key, value in self.params.items():
            value -= learning_rate * grads[f"d{key}"]

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Predictions read off A[L] by the loss: 0/1 for bce and hinge, class indices
        (1, m) for cce, A[L] itself for regression losses."""
        AL, _ = self.forward(X)
        return self.loss.predict(AL)

    def fit(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        epochs: int,
        learning_rate: float,
        batch_size: int | None = None,
        record: bool = False,
    ) -> list[float]:
        """Plain (mini-batch) gradient descent; returns the cost of each epoch.

        With ``batch_size=None`` each epoch is one full-batch step and its cost
        is J before that step, as in the course. With mini-batches the
        examples are shuffled (seeded by the network's seed) and the epoch's
        cost is the mean of the per-example losses seen during the epoch.

        ``record=True`` keeps, after each epoch, the per-layer statistics of
        :meth:`inspect` on (X, Y) in ``self.recording`` (a
        :class:`chainrule.inspect.Recorder`: ``.table()``, ``.plot(path)``).
        """
        X_arr = self.check_input(X)
        m = X_arr.shape[1]
        Y_arr = self.check_targets(Y, m)
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
            raise ValueError(f"batch_size must be a positive integer or None, got {batch_size!r}")
        rng = np.random.default_rng(self.seed)
        history: list[float] = []
        self.recording = Recorder(X_arr, Y_arr) if record else None
        for epoch in range(int(epochs)):
            order = np.arange(m) if batch_size is None else rng.permutation(m)
            step = m if batch_size is None else batch_size
            total = 0.0
            for start in range(0, m, step):
                columns = order[start : start + step]
                X_batch = X_arr if batch_size is None else X_arr[:, columns]
                Y_batch = Y_arr if batch_size is None else Y_arr[:, columns]
                AL, caches = self.forward(X_batch)
                total += self._cost(caches[-1].Z, Y_batch) * X_batch.shape[1]
                self.update(self._backward(AL, Y_batch, caches), learning_rate)
            history.append(total / m)
            if self.recording is not None:
                self.recording(self, epoch)
        return history

    def inspect(self, X: ArrayLike, Y: ArrayLike) -> Inspection:
        """Per layer on (X, Y): ‖dW‖, mean |dZ|, saturated units, dead ReLUs (a rich table)."""
        return inspect_network(self, X, Y)

    def copy(self, dtype: DTypeLike | None = None) -> Network:
        """An independent copy, optionally in another dtype (gradcheck uses float64)."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.dtype = self.dtype if dtype is None else np.dtype(dtype)
        clone.params = {key: value.astype(clone.dtype, copy=True) for key, value in
                        self.params.items()}
        return clone
