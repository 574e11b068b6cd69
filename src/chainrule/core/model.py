"""The L-layer network in the course's notation: forward, backward, update.

Forward, for l = 1 … L::

    Z[l] = W[l] A[l−1] + b[l]        A[l] = g[l](Z[l])        A[0] = X

Backward, from the output layer (see :mod:`chainrule.functions.pairs`)::

    dZ[L] = c·(A[L] − Y)                    natural pair, fused from the logits
          = ∂L/∂Z[L] in stable primitives   stable route, compiled from the logits
          = dA[L] ⊙ g[L]'(Z[L])             any other pair, dA[L] = ∂L/∂A[L]
    dW[l] = (1/m) dZ[l] A[l−1]ᵀ     db[l] = (1/m) Σ_columns dZ[l]
    dA[l−1] = W[l]ᵀ dZ[l]           dZ[l−1] = dA[l−1] ⊙ g[l−1]'(Z[l−1])

dA and dZ are per example (no 1/m); dW and db are gradients of the cost
J = (1/m) Σ L. Shapes: X (n_x, m), W[l] (n_l, n_{l−1}), b[l] (n_l, 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from typing import Any, NamedTuple, Self

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from chainrule.base.checks import as_float_matrix, check_float_dtype
from chainrule.core import linear, parameters
from chainrule.core.diagnostics import check_backward_inputs
from chainrule.core.initializers import check_layer_dims, initialize
from chainrule.core.parameters import check_gradients, check_parameters
from chainrule.core.shapes import check_linear
from chainrule.core.state import OptimizerState
from chainrule.functions.activations import Activation
from chainrule.functions.activations import activation as lookup_activation
from chainrule.functions.losses import Loss
from chainrule.functions.losses import loss as lookup_loss
from chainrule.functions.pairs import (
    NaturalPair,
    OutputRule,
    domain_problem,
    generic_output_delta,
    mean_cost,
    output_rule,
    per_example_cost,
)

Array = NDArray[np.floating[Any]]
Grads = dict[str, Array]


class LayerCache(NamedTuple):
    """What layer l's forward step keeps for its backward step."""

    A_prev: Array
    W: Array
    b: Array
    Z: Array
    A: Array


def _hidden_activations(
    hidden: str | Activation | Sequence[str | Activation], count: int
) -> list[Activation]:
    if isinstance(hidden, str | Activation):
        return [lookup_activation(hidden)] * count
    names = list(hidden)
    if len(names) != count:
        raise ValueError(
            f"hidden has {len(names)} activations but the network has {count} hidden layers"
        )
    return [lookup_activation(name) for name in names]


class Model:
    """A fully connected L-layer network's maths; any output activation with any loss.

    The forward and backward passes, the cost, the update and the prediction.
    :class:`chainrule.Network` adds training (``fit``) and inspection on top;
    the training layer works on a Model.

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
        ``he``, ``xavier``, ``normalized`` or ``small`` (see :mod:`chainrule.core.initializers`).
    seed : int or None
        Seed of the weight initialization.
    dtype : float32 or float64
        The dtype of the parameters and of every computation.
    fused : bool or None
        The output rule: None fuses natural pairs, True demands one, False
        forces the generic chain rule (see :func:`chainrule.output_delta`).

    Examples
    --------
    >>> net = Model([2, 3, 1], seed=1)
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
        self.layer_dims = check_layer_dims(layer_dims)
        self.dtype = check_float_dtype(dtype)
        L = len(self.layer_dims) - 1
        self.activations: list[Activation] = [
            *_hidden_activations(hidden, L - 1),
            lookup_activation(output),
        ]
        self.loss: Loss = lookup_loss(loss)
        if self.activations[-1].gives_distribution and self.layer_dims[-1] == 1:
            raise ValueError(
                "softmax over one output unit is always 1, whatever the input: use sigmoid "
                "for two classes, or give the output layer one unit per class"
            )
        problem = domain_problem(self.activations[-1], self.loss)
        if problem is not None:
            raise ValueError(
                f"output {self.activations[-1].name} with loss {self.loss.name}: {problem}"
            )
        self.fused = fused
        output_rule(self.activations[-1], self.loss, fused)  # fused=True without a rule raises
        self.init = init
        self.seed = seed
        self.params: dict[str, Array] = initialize(self.layer_dims, init, seed, self.dtype)
        # Training state, so that a later fit (or a saved and loaded model) resumes:
        self.optimizer: OptimizerState | None = None
        self.epochs_trained = 0
        self.rng: np.random.Generator | None = None
        # The fast path's work arrays from the last fit (a training.fast.Workspace), reused
        # by the next one; None frees them (copies, pickles and saved models leave them out).
        self.workspace: object | None = None

    # -- shape and input checks ---------------------------------------------

    @property
    def output_rule(self) -> OutputRule | None:
        """The output layer's rule from the logits, natural or stable (None: generic),
        as ``fused`` picks it now (cached per pair)."""
        return output_rule(self.activations[-1], self.loss, self.fused)

    @property
    def output_pair(self) -> NaturalPair | None:
        """The natural pair the output layer fuses through (None: stable or generic), read
        off ``fused`` as it is now, as :attr:`output_rule` is."""
        rule = self.output_rule
        return rule if isinstance(rule, NaturalPair) else None

    @property
    def L(self) -> int:
        """The number of layers with parameters (the input layer is not counted)."""
        return len(self.layer_dims) - 1

    def __repr__(self) -> str:
        hidden = [g.name for g in self.activations[:-1]]
        return (
            f"{type(self).__name__}({self.layer_dims}, hidden={hidden}, "
            f"output={self.activations[-1].name!r}, loss={self.loss.name!r}, "
            f"dtype={self.dtype.name})"
        )

    def check_params(self) -> None:
        """A ValueError unless ``params`` holds W1, b1, …, WL, bL, each of the network's dtype.

        ``params`` can be assigned (``net.params = …``, ``net.params["W1"] = …``),
        so every pass checks it first: a float64 W[l] in a float32 network would
        otherwise make the arithmetic float64 without a word
        (:func:`chainrule.core.parameters.check_parameters`).
        """
        check_parameters(self.params, self.L, self.dtype)

    def check_input(self, X: ArrayLike) -> Array:
        """X as an (n_x, m) array of the network's dtype, or a ValueError in the course's terms.

        The parameters are checked first (:meth:`check_params`): every pass starts here.
        """
        self.check_params()
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

    def forward(
        self, X: ArrayLike, masks: Sequence[Array] | None = None
    ) -> tuple[Array, list[LayerCache]]:
        """AL = A[L] and the caches (A[l−1], W[l], b[l], Z[l], A[l]) for l = 1 … L.

        ``masks`` turns on inverted dropout: one scaled mask D[l]/keep_prob[l]
        per hidden layer, shape (n_l, m) (see
        :func:`chainrule.training.regularization.dropout_masks`). The next layer
        then sees A[l] ⊙ D[l]/keep_prob[l]; the cache of layer l keeps A[l]
        itself, which g'[l] needs.
        """
        A = self.check_input(X)
        self._check_masks(masks, A.shape[1])
        caches: list[LayerCache] = []
        for l, g in enumerate(self.activations, start=1):
            W, b = parameters.layer(self.params, l)
            check_linear(W, A, b, l, self.layer_dims[0])
            Z = linear.forward(A, W, b)
            A_prev, A = A, g.forward(Z)
            caches.append(LayerCache(A_prev, W, b, Z, A))
            if masks is not None and l < self.L:
                A = A * masks[l - 1]
        return caches[-1].A, caches

    def _check_masks(self, masks: Sequence[Array] | None, m: int) -> None:
        if masks is None:
            return
        if len(masks) != self.L - 1:
            raise ValueError(
                f"masks has {len(masks)} entries but the network has {self.L - 1} hidden layers"
            )
        for l, mask in enumerate(masks, start=1):
            if mask.shape != (self.layer_dims[l], m):
                raise ValueError(
                    f"mask D{l} has shape {mask.shape} but A{l} is ({self.layer_dims[l]}, {m})"
                )

    def backward(
        self,
        AL: ArrayLike,
        Y: ArrayLike,
        caches: Sequence[LayerCache],
        l2: float = 0.0,
        masks: Sequence[Array] | None = None,
    ) -> Grads:
        """Gradients in the course's names.

        Returns ``dZ1 … dZL``, ``dW1 … dWL``, ``db1 … dbL`` and ``dA0 … dA{L−1}``
        (dA[l−1] = W[l]ᵀ dZ[l]); ``dA{L}`` = ∂L/∂A[L] too when the output
        layer takes the generic route (the natural and stable routes never form it).

        ``l2`` = λ adds (λ/m)·W[l] to dW[l], the gradient of (λ/2m)·Σ‖W[l]‖²_F.
        ``masks`` must be the dropout masks the forward pass used: dA[l] is
        multiplied by the same D[l]/keep_prob[l] before dZ[l] is formed.
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
        self._check_masks(masks, AL_arr.shape[1])
        return self.backprop(AL_arr, Y_arr, caches, l2, masks)

    def backprop(
        self,
        AL: Array,
        Y: Array,
        caches: Sequence[LayerCache],
        l2: float = 0.0,
        masks: Sequence[Array] | None = None,
        weights: Array | None = None,
    ) -> Grads:
        """:meth:`backward` on inputs already checked (AL, Y as arrays of the network's dtype).

        ``weights`` (1, m) scales each example's dZ[L] column (sample weights,
        as the training loop normalises them). The training loop and the
        inspection call this once per batch; users call :meth:`backward`.
        """
        grads: Grads = {}
        L, m = self.L, AL.shape[1]
        rule = self.output_rule
        if rule is not None:
            dZ = rule.dZ_from_logits(caches[-1].Z, Y)
        else:
            grads[f"dA{L}"], dZ = generic_output_delta(
                caches[-1].Z, AL, Y, self.activations[-1], self.loss
            )
        if weights is not None:  # (1, m): each example's weight in the cost (sample_weight)
            dZ = dZ * weights
        for l in range(L, 0, -1):
            A_prev, W, _, _, _ = caches[l - 1]
            grads[f"dZ{l}"] = dZ
            # dA[l−1] = W[l]ᵀ dZ[l], dW[l] = (1/m) dZ[l] A[l−1]ᵀ, db[l] = (1/m) Σ dZ[l]
            dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear.backward(dZ, A_prev, W)
            if l2:
                grads[f"dW{l}"] += (l2 / m) * W
            if masks is not None and l > 1:
                dA_prev *= masks[l - 2]
            grads[f"dA{l - 1}"] = dA_prev
            if l > 1:
                cache = caches[l - 2]
                dZ = self.activations[l - 2].backward(dA_prev, cache.Z, cache.A)
        return grads

    def gradients(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        l2: float = 0.0,
        masks: Sequence[Array] | None = None,
    ) -> Grads:
        """Forward then backward on (X, Y): the gradients of J at the current parameters
        (with the L2 term and the dropout masks when given, as in :meth:`backward`)."""
        AL, caches = self.forward(X, masks)
        return self.backprop(AL, self.check_targets(Y, AL.shape[1]), caches, l2, masks)

    # -- cost, update, prediction ------------------------------------------------

    def cost(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        l2: float = 0.0,
        masks: Sequence[Array] | None = None,
    ) -> float:
        """J = (1/m) Σ L(A[L], Y) + (λ/2m) Σ_l ‖W[l]‖²_F, the data term computed stably
        from Z[L] (see output_cost); ``l2`` = λ, ``masks`` as in :meth:`forward`."""
        _, caches = self.forward(X, masks)
        Y_arr = self.check_targets(Y, caches[-1].Z.shape[1])
        return self.cost_from_logits(caches[-1].Z, Y_arr, l2)

    def cost_from_logits(
        self, ZL: Array, Y: Array, l2: float = 0.0, weights: Array | None = None
    ) -> float:
        """J from Z[L] and checked labels Y: the data term by the network's output route,
        each example's loss scaled by ``weights`` (1, m) when given, plus the L2 term."""
        losses = per_example_cost(ZL, Y, self.activations[-1], self.loss, self.fused)
        if weights is not None:
            losses = losses * weights
        cost = mean_cost(losses)
        if l2:
            m = ZL.shape[1]
            squares = sum(
                float(np.sum(np.square(W))) for W, _ in parameters.layers(self.params, self.L)
            )
            cost += l2 / (2 * m) * squares
        return cost

    def update(self, grads: Grads, learning_rate: float) -> None:
        """Gradient descent in place: W[l] −= α·dW[l], b[l] −= α·db[l]."""
        check_gradients(self.params, grads)
        for key, value in self.params.items():
            value -= learning_rate * grads[f"d{key}"]

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Predictions read off A[L] by the loss: 0/1 for bce and hinge, class indices
        (1, m) for cce, A[L] itself for regression losses."""
        AL, _ = self.forward(X)
        return self.loss.predict(AL)

    def __getstate__(self) -> dict[str, Any]:
        """The attributes without the workspace: scratch memory, not part of the model."""
        return {**self.__dict__, "workspace": None}

    def copy(self, dtype: DTypeLike | None = None) -> Self:
        """An independent copy, optionally in another dtype (gradcheck uses float64)."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__getstate__())
        clone.dtype = self.dtype if dtype is None else np.dtype(dtype)
        clone.params = {
            key: value.astype(clone.dtype, copy=True) for key, value in self.params.items()
        }
        clone.optimizer = deepcopy(self.optimizer)
        clone.rng = deepcopy(self.rng)
        return clone
