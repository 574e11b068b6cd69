"""The fast path of fit: the same mini-batch steps on buffers allocated once.

:meth:`chainrule.Network.forward` and ``backprop`` teach the two passes and
allocate every Z, A, dA and dZ afresh. Training repeats those passes
thousands of times on batches of the same shape, so here the arithmetic is
the same but the memory is not:

* The examples are stored once as rows, ``X_rows`` (m, n_x), C-contiguous.
  A batch is gathered with ``np.take`` into a preallocated (B, n_x) buffer and
  used as A[0] = ``rows.T``, a free transposed view (the full batch in order
  is ``X_rows.T`` itself). If X arrives as the transposed view of row-major
  data, no copy is made at all.
* Every Z[l], A[l] lives in a buffer allocated once per batch size and
  filled with ``out=``: Z[l] = W[l]·A[l−1] by ``np.matmul(out=)``, then
  ``Z += b`` and the activation into A[l]. relu is max(Z, 0) in place, so
  A[l] is Z[l]'s buffer (against a row of zeros, which NumPy runs twice as
  fast as against the scalar). BLAS reads the transposed views through its
  transpose flags, so no hidden transposed copy is made.
* The parameters are views of one flat vector θ, the gradients of one vector
  dθ (:mod:`chainrule.training.flat`), so an update is a few NumPy calls
  however many layers there are. There are two θ vectors: a step reads one and
  writes θ − update into the other, so the parameters before the step, which
  the divergence guard must be able to return to, survive without a copy.
  With plain sgd the backward pass writes α·dW[l], α·db[l] straight into the
  other vector and one subtraction finishes the step, so there is no dθ.
* Backward, the output rule of the network (fused c·(A − Y) for natural
  pairs, the generic chain rule otherwise) gives dZ[L], and the 1/m of
  dW = (1/m) dZ·A[l−1]ᵀ, db = (1/m) Σ dZ is folded into dZ[L] once; with plain
  sgd the learning rate α is folded in too, so dW[l] comes out as α·dW[l]
  and the update is θ − that. Backprop is linear in dZ[L], so every layer
  inherits the factor. db[l] = dZ[l]·1 is a matrix-vector product (a fifth of
  the time of a reduction on small batches). dA[l] = W[l+1]ᵀ·dZ[l+1] is
  written over A[l] (which dW[l+1] has finished with; over Z[l] when g'(Z[l])
  is A[l] itself, as for exp) and
  dZ[l] = dA[l] ⊙ g'(Z[l]) is formed there. For relu, g'(Z[l]) is first
  taken from A[l] > 0 as a byte mask (relu'(0) = 0), one buffer shared by
  the layers: a relu layer holds one float array and a quarter of one, not two.
  dA[0], which no parameter needs, is never formed.

All these arrays, but not the examples, stay on the network after fit
(:class:`Workspace`, ``net.workspace``) for the next fit to reuse: fresh
memory costs the first touch of every page, about a tenth of an epoch on the
benchmark's full batch (in a process that runs only chainrule).

Dropout is not supported here (fit takes the reference path with it), nor a
softmax hidden layer. Every other activation works: relu has its in-place
kernels, the others go through the catalog's ``forward`` and ``derivative``.
The tests check that both paths give the same parameters to 1e-12 in
float64.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from chainrule.functions.activations import RELU, Activation
from chainrule.functions.pairs import generic_output_delta
from chainrule.training.batches import batch_sizes
from chainrule.training.flat import FlatLayout
from chainrule.training.optimizers import SGD, Optimizer

if TYPE_CHECKING:
    from chainrule.core.model import Model

Array = NDArray[np.floating[Any]]
K = TypeVar("K")
V = TypeVar("V")


@dataclass
class _Buffers:
    """The work arrays of one batch size B."""

    Z: list[Array]  # Z[l] (n_l, B), l = 1 … L
    A: list[Array]  # A[l] (n_l, B), l < L, Z[l] itself for relu; becomes dA[l], then dZ[l]
    mask: NDArray[np.bool_]  # (widest relu layer, B): relu'(Z[l]) as bytes, one layer at a time
    zeros: Array  # (1, B): relu's max(Z, 0) against an array runs twice as fast as against 0
    ones: Array  # (B,): db[l] = dZ[l]·1, one matrix-vector product instead of a reduction


@dataclass
class Workspace:
    """The fast path's arrays that outlive one fit, kept as ``net.workspace``.

    The two parameter vectors θ, the gradient vector dθ (None until an
    optimizer other than plain sgd needs it) and, per batch size B of the
    latest fit, the work arrays and the gather buffers. A later fit of the
    network reuses them; one with another layout or dtype makes new ones.
    ``net.copy()``, pickling and saving leave the workspace out, and
    ``net.workspace = None`` frees it.
    """

    layout: FlatLayout
    dtype: np.dtype[Any]  # of the work arrays: the network's dtype
    theta: tuple[Array, Array]
    grad: Array | None = None
    buffers: dict[int, _Buffers] = field(default_factory=dict)
    # (B, n_x), (B, n_y) → the two arrays a batch is gathered into
    rows: dict[tuple[tuple[int, int], tuple[int, int]], tuple[Array, Array]] = field(
        default_factory=dict
    )

    def nbytes(self) -> int:
        """The memory the workspace holds, in bytes."""
        arrays: list[NDArray[Any]] = [*self.theta, *([] if self.grad is None else [self.grad])]
        for buffers in self.buffers.values():
            separate = [A for A, Z in zip(buffers.A, buffers.Z, strict=False) if A is not Z]
            arrays += [*buffers.Z, *separate, buffers.mask, buffers.zeros, buffers.ones]
        for rows in self.rows.values():
            arrays += rows
        return sum(array.nbytes for array in arrays)


def supports(net: Model, keep_prob: Any) -> bool:
    """True when the fast path can train ``net``: no dropout and elementwise hidden layers."""
    return keep_prob is None and all(g.elementwise for g in net.activations[:-1])


class FastSteps:
    """One fit's mini-batch steps, forward and backward, into reused buffers.

    ``forward(columns)`` runs a batch and returns its cost J{t}, A[L] and
    the batch's labels; ``step(optimizer, alpha)`` then backpropagates and
    updates the parameters.

    The parameters live in two flat vectors (:mod:`chainrule.training.flat`)
    while fit runs: a step reads θ from one and writes the updated θ into the
    other, so the parameters before the step stay intact without a copy. They
    are what :meth:`restore` returns to when the next cost is not finite (the
    divergence guard). ``layout`` is ``FlatLayout.of(net.params)``, which fit
    makes before it changes anything (it checks that the parameters share a
    dtype). ``net.params`` holds views of the current vector during fit;
    :meth:`finish` copies the result into the network's own arrays.
    """

    def __init__(
        self,
        net: Model,
        X: Array,
        Y: Array,
        l2: float,
        layout: FlatLayout,
        batch_size: int | None,
    ) -> None:
        self.net, self.l2, self.layout = net, l2, layout
        self.X_rows = np.ascontiguousarray(X.T)  # (m, n_x): free when X is a transposed view
        self.Y_rows = np.ascontiguousarray(Y.T)  # (m, n_L)
        # The network's workspace, taken (so that a fit nested in a callback makes its own)
        # and handed back at finish. Of its batch arrays only those of this fit's batch
        # sizes are kept; the others are let go now, not after the fit.
        kept = net.workspace if isinstance(net.workspace, Workspace) else None
        net.workspace = None
        if kept is None or kept.layout != layout or kept.dtype != net.dtype:
            kept = Workspace(layout, net.dtype, (layout.empty(), layout.empty()))
        sizes = batch_sizes(X.shape[1], batch_size)
        self._kept_buffers = {B: kept.buffers[B] for B in sizes & kept.buffers.keys()}
        self._kept_rows = {key: rows for key, rows in kept.rows.items() if key[0][0] in sizes}
        self.workspace = Workspace(layout, net.dtype, kept.theta, kept.grad)
        self._theta = kept.theta
        layout.packed(net.params, out=self._theta[0])
        self._params = tuple(self.layout.views(theta) for theta in self._theta)
        self._layers = tuple(_by_layer(params, net.L) for params in self._params)
        # dθ's views, made at the first step that needs them (plain sgd never does)
        self.grads: dict[str, Array] = {}
        self._gradient_layers: list[tuple[Array, Array]] = []
        self._own = dict(net.params)  # the network's arrays: they receive the result
        self._current = self._good = 0
        net.params.update(self._params[0])
        self._batch: tuple[_Buffers, Array, Array, Array] | None = None

    def _buffers_for(self, B: int) -> _Buffers:
        """The work arrays for batch size B: this fit's, the last fit's, or new ones."""
        return _reuse(self.workspace.buffers, self._kept_buffers, B, lambda: self._new_buffers(B))

    def _new_buffers(self, B: int) -> _Buffers:
        """Z[l] for every layer; A[l] only where it is not Z[l] (relu works in place)."""
        dims, dtype, hidden = self.net.layer_dims, self.net.dtype, self.net.activations[:-1]
        Z = [np.empty((n, B), dtype) for n in dims[1:]]
        A = [Z_l if g is RELU else np.empty_like(Z_l) for g, Z_l in zip(hidden, Z, strict=False)]
        widest = max((n for g, n in zip(hidden, dims[1:], strict=False) if g is RELU), default=0)
        mask = np.empty((widest, B), bool)
        return _Buffers(Z, A, mask, np.zeros((1, B), dtype), np.ones(B, dtype))

    def _forward(self, buffers: _Buffers, A0: Array) -> tuple[Array, Array]:
        """Z[l] = W[l]·A[l−1] + b[l], A[l] = g[l](Z[l]) into the buffers; returns (Z[L], A[L])."""
        net, A = self.net, A0
        layers = self._layers[self._current]
        for l, g in enumerate(net.activations, start=1):
            W, b = layers[l - 1]
            Z = buffers.Z[l - 1]
            np.matmul(W, A, out=Z)
            Z += b
            if l == net.L:
                return Z, g.forward(Z)
            A = buffers.A[l - 1]
            _activate(g, Z, A, buffers.zeros)
        raise AssertionError("a network has at least one layer")

    def forward(self, columns: slice | NDArray[Any]) -> tuple[float, Array, Array]:
        """Forward on the batch ``columns`` of X: (J{t} with the L2 term, A[L], Y{t}).

        A[L] is valid until ``step``, which turns it into dZ[L] in place.
        """
        if isinstance(columns, slice):
            X_rows, Y_rows = self.X_rows[columns], self.Y_rows[columns]
        else:
            shapes = (len(columns), self.X_rows.shape[1]), (len(columns), self.Y_rows.shape[1])
            X_into, Y_into = _reuse(
                self.workspace.rows,
                self._kept_rows,
                shapes,
                lambda: (np.empty(shapes[0], self.net.dtype), np.empty(shapes[1], self.net.dtype)),
            )
            # mode="clip": the columns come from a permutation, so always in range;
            # NumPy's default mode="raise" gathers into a temporary first (10× slower).
            X_rows = np.take(self.X_rows, columns, axis=0, out=X_into, mode="clip")
            Y_rows = np.take(self.Y_rows, columns, axis=0, out=Y_into, mode="clip")
        A0, Y = X_rows.T, Y_rows.T
        buffers = self._buffers_for(A0.shape[1])
        ZL, AL = self._forward(buffers, A0)
        self._batch = (buffers, A0, Y, AL)
        return self.net.cost_from_logits(ZL, Y, self.l2), AL, Y

    def step(self, optimizer: Optimizer, alpha: float) -> None:
        """Backward on the batch of the last ``forward``, then θ − update into the other vector."""
        if self._batch is None:
            raise RuntimeError("step() needs a forward() first")
        batch, self._batch = self._batch, None
        theta, updated = self._theta[self._current], self._theta[1 - self._current]
        if type(optimizer) is SGD:
            # α·dW[l], α·db[l] go straight into the other vector, which then becomes
            # θ − α·dθ: plain sgd needs no gradient vector at all.
            self._backward(*batch, alpha, into=self._layers[1 - self._current])
            np.subtract(theta, updated, out=updated)
            optimizer.t += 1
        else:
            grad = self._gradient()
            self._backward(*batch, 1.0, into=self._gradient_layers)
            optimizer.step_flat(theta, grad, alpha, updated, self.layout)
        self._use(1 - self._current)

    def _gradient(self) -> Array:
        """dθ (the workspace's, or a new vector), with ``grads`` and the (dW[l], db[l]) views."""
        grad = self.workspace.grad
        if grad is None:
            grad = self.workspace.grad = self.layout.empty()
        if not self.grads:
            self.grads = self.layout.views(grad, prefix="d")
            self._gradient_layers = _by_layer(self.grads, self.net.L, prefix="d")
        return grad

    def checkpoint(self) -> None:
        """The current parameters are good (their cost was finite): keep them until the next."""
        self._good = self._current

    def restore(self) -> None:
        """Back to the parameters of the last :meth:`checkpoint`."""
        self._use(self._good)

    def finish(self) -> None:
        """Copy the current parameters into the network's own arrays and give those back.

        The network keeps the workspace for its next fit.
        """
        for name, own in self._own.items():
            np.copyto(own, self._params[self._current][name])
        self.net.params.update(self._own)
        self.net.workspace = self.workspace

    def adopt_assigned(self) -> None:
        """Take in arrays assigned into ``net.params`` since the last epoch (by a callback).

        Their values become the current parameters, and they are the arrays
        that receive the result at :meth:`finish`, as on the reference path.
        """
        params, current = self.net.params, self._params[self._current]
        for name, view in current.items():
            assigned = params[name]
            if assigned is view:
                continue
            if assigned.shape != view.shape or assigned.dtype != view.dtype:
                raise ValueError(
                    f"{name} was replaced during fit by an array of {assigned.shape} "
                    f"{assigned.dtype}; it must stay {view.shape} {view.dtype}"
                )
            np.copyto(view, assigned)
            self._own[name] = assigned
            params[name] = view

    def _use(self, index: int) -> None:
        self._current = index
        self.net.params.update(self._params[index])

    def _backward(
        self,
        buffers: _Buffers,
        A0: Array,
        Y: Array,
        AL: Array,
        factor: float,
        into: list[tuple[Array, Array]],
    ) -> None:
        """into[l − 1] ← factor·(dW[l], db[l]) for the batch, from dZ[L] = factor/m · ∂L/∂Z[L]."""
        net = self.net
        L, m = net.L, A0.shape[1]
        layers = self._layers[self._current]
        ZL, g_L = buffers.Z[-1], net.activations[-1]
        if net.output_pair is not None:
            dZ = np.subtract(AL, Y, out=AL)  # A[L] is a fresh array: dZ[L] = c·(A[L] − Y)
            dZ *= net.output_pair.constant * factor / m
        elif net.output_rule is not None:  # the stable route, from the logits
            dZ = net.output_rule.dZ_from_logits(ZL, Y)
            dZ *= factor / m
        else:
            dZ = generic_output_delta(ZL, AL, Y, g_L, net.loss)[1]
            dZ *= factor / m
        for l in range(L, 0, -1):
            W = layers[l - 1][0]
            dW, db = into[l - 1]
            A_prev = buffers.A[l - 2] if l > 1 else A0
            np.matmul(dZ, A_prev.T, out=dW)
            np.matmul(dZ, buffers.ones, out=db[:, 0])  # db = Σ over the batch's columns
            if self.l2:
                dW += (factor * self.l2 / m) * W
            if l > 1:  # A[l−1] is done with: it becomes dA[l−1], then dZ[l−1]
                g = net.activations[l - 2]
                dZ = _hidden_delta(g, W, dZ, buffers.Z[l - 2], A_prev, buffers.mask)


def _reuse(mine: dict[K, V], kept: dict[K, V], key: K, make: Callable[[], V]) -> V:
    """``mine[key]``, else the last fit's ``kept[key]``, else ``make()``; mine from then on."""
    value = mine.get(key)
    if value is None:
        value = kept.get(key)
        mine[key] = value = make() if value is None else value
    return value


def _by_layer(views: dict[str, Array], L: int, prefix: str = "") -> list[tuple[Array, Array]]:
    """[(W1, b1), …, (WL, bL)] from ``views`` (``dW1``, ``db1``, … with prefix "d").

    The loops then index layers rather than format names every step.
    """
    return [(views[f"{prefix}W{l}"], views[f"{prefix}b{l}"]) for l in range(1, L + 1)]


def _activate(g: Activation, Z: Array, A: Array, zeros: Array) -> None:
    """A = g(Z) into A: max(Z, 0) for relu (in place, A is Z), the catalog for the others."""
    if g is RELU:
        np.maximum(Z, zeros, out=A)
    else:
        np.copyto(A, g.forward(Z))


def _hidden_delta(
    g: Activation, W: Array, dZ_next: Array, Z: Array, A: Array, mask: NDArray[np.bool_]
) -> Array:
    """dZ[l] = (W[l+1]ᵀ·dZ[l+1]) ⊙ g'(Z[l]), written over A[l] (Z[l] is spent too).

    relu'(Z) is 1 where A = max(Z, 0) > 0, else 0 (relu'(0) = 0), taken as bytes
    before dA overwrites A: a byte mask is written in half the time of a float one.
    A derivative that is A itself (exp'(Z) = A) keeps A, and dA goes into Z's
    buffer instead.
    """
    if g is RELU:
        derivative, into = np.greater(A, 0, out=mask[: A.shape[0]]), A
    else:
        derivative = g.derivative(Z, A)  # before A or Z is overwritten
        into = Z if np.may_share_memory(derivative, A) else A
    dA = np.matmul(W.T, dZ_next, out=into)
    dA *= derivative
    return dA
