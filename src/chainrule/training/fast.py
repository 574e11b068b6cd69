"""The fast path of fit: the reference path's mini-batch steps on buffers allocated once.

The arithmetic is the reference path's, by the same kernels: the linear step
(:mod:`chainrule.core.linear`), the output rule (``NaturalPair.dZ`` or the
generic chain rule), each activation's entry and the optimizer's update. What
differs is where the results are stored:

* Examples. An in-order full batch is X itself (A[0] = X, whatever its
  layout). Mini-batches are gathered from X and Y stored as rows, ``X_rows``
  (m, n_x) and ``Y_rows`` (m, n_L), C-contiguous, made at the first gather: no
  copy when X is the transposed view of row-major data; from the course's
  C-contiguous (n_x, m) a copy made in cache-sized tiles (:func:`rows_of`). A
  batch is gathered into a reused (B, n_x) buffer and used as A[0] =
  ``rows.T``, a transposed view.
* Parameters. W[l] and b[l] are views of a flat vector θ
  (:mod:`chainrule.training.flat`). There are two θ vectors: a step reads one
  and writes the updated parameters into the other, so the parameters before
  the step (those the divergence guard returns to) survive without a copy.
  The gradients dW[l], db[l] are views of one vector dθ, made only for an
  optimizer that cannot take α folded into the gradient
  (``Optimizer.folds_into_gradient``); for one that can, the backward pass
  writes α·dW[l], α·db[l] into the other θ vector and ``step_folded`` finishes
  the step there.
* Work arrays, one set per batch size B: Z[l] (n_l, B) for every layer; A[l]
  for l < L, which is Z[l]'s own buffer when the activation works in place
  (``Activation.in_place``); one bool buffer as wide as the widest hidden
  layer whose g' is a mask read from A (``Activation.derivative_mask``), shared
  by those layers; a ones vector (B,) for db[l] = dZ[l]·1.
* Backward. dZ[L] is written over A[L] (a fresh array from the output
  activation) with 1/m (and α, when folded) multiplied in once; backprop is
  linear in dZ[L], so every dW[l], db[l] (and the (λ/m)·W[l] added to dW[l])
  carries the same factor. Layer by layer, dW[l] and db[l] are formed first,
  from dZ[l] and A[l−1]; then, for l > 1, g'(Z[l−1]) is taken (as a mask or
  from the entry) while A[l−1] and Z[l−1] still hold their values, and
  dA[l−1] = W[l]ᵀ·dZ[l] is written over A[l−1], or over Z[l−1] when
  g'(Z[l−1]) is A[l−1] itself (exp); dZ[l−1] = dA[l−1] ⊙ g'(Z[l−1]) is formed
  there. dA[0] is never formed.

The work arrays, the θ and dθ vectors and the gather buffers, but not the
examples, stay on the network after fit (:class:`Workspace`,
``net.workspace``) for the next fit to reuse.

Dropout is not supported here (fit takes the reference path with it), nor a
softmax hidden layer. The tests check that both paths give the same
parameters to 1e-12 in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from chainrule.core import linear, parameters
from chainrule.functions.activations import Activation
from chainrule.functions.pairs import NaturalPair, generic_output_delta
from chainrule.training.batches import batch_sizes
from chainrule.training.flat import FlatLayout
from chainrule.training.optimizers import Optimizer

if TYPE_CHECKING:
    from chainrule.core.model import Model

Array = NDArray[np.floating[Any]]
K = TypeVar("K")
V = TypeVar("V")


@dataclass
class _Buffers:
    """The work arrays of one batch size B."""

    Z: list[Array]  # Z[l] (n_l, B), l = 1 … L
    A: list[Array]  # A[l] (n_l, B), l < L, Z[l] itself when g[l] is in place; → dA[l] → dZ[l]
    mask: NDArray[np.bool_]  # (widest layer with a mask g', B): g'(Z[l]), one layer at a time
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
            arrays += [*buffers.Z, *separate, buffers.mask, buffers.ones]
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
        self.X, self.Y = X, Y
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
        self._layers = tuple(parameters.layers(params, net.L) for params in self._params)
        # dθ's views, made at the first step that needs them (plain sgd never does)
        self.grads: dict[str, Array] = {}
        self._gradient_layers: list[tuple[Array, Array]] = []
        self._own = dict(net.params)  # the network's arrays: they receive the result
        self._current = self._good = 0
        net.params.update(self._params[0])
        self._batch: tuple[_Buffers, Array, Array, Array] | None = None

    @cached_property
    def X_rows(self) -> Array:
        """X as rows (m, n_x), C-contiguous: X.T itself for row-major data, else a copy."""
        return rows_of(self.X)

    @cached_property
    def Y_rows(self) -> Array:
        """Y as rows (m, n_L), C-contiguous."""
        return rows_of(self.Y)

    def _buffers_for(self, B: int) -> _Buffers:
        """The work arrays for batch size B: this fit's, the last fit's, or new ones."""
        return _reuse(self.workspace.buffers, self._kept_buffers, B, lambda: self._new_buffers(B))

    def _new_buffers(self, B: int) -> _Buffers:
        """Z[l] for every layer; A[l] only where it is not Z[l] (the activation is not in place)."""
        dims, dtype, hidden = self.net.layer_dims, self.net.dtype, self.net.activations[:-1]
        Z = [np.empty((n, B), dtype) for n in dims[1:]]
        A = [Z_l if g.in_place else np.empty_like(Z_l) for g, Z_l in zip(hidden, Z, strict=False)]
        masked = (n for g, n in zip(hidden, dims[1:], strict=False) if g.has_derivative_mask)
        return _Buffers(Z, A, np.empty((max(masked, default=0), B), bool), np.ones(B, dtype))

    def _forward(self, buffers: _Buffers, A0: Array) -> tuple[Array, Array]:
        """Z[l] = W[l]·A[l−1] + b[l], A[l] = g[l](Z[l]) into the buffers; returns (Z[L], A[L])."""
        net, A = self.net, A0
        layers = self._layers[self._current]
        for l, g in enumerate(net.activations, start=1):
            W, b = layers[l - 1]
            Z = linear.forward(A, W, b, out=buffers.Z[l - 1])
            if l == net.L:
                return Z, g.forward(Z)
            A = g.forward_into(Z, buffers.A[l - 1])
        raise AssertionError("a network has at least one layer")

    def forward(self, columns: slice | NDArray[Any]) -> tuple[float, Array, Array]:
        """Forward on the batch ``columns`` of X: (J{t} with the L2 term, A[L], Y{t}).

        A[L] is valid until ``step``, which turns it into dZ[L] in place.
        """
        if isinstance(columns, slice):
            A0, Y = self.X[:, columns], self.Y[:, columns]
        else:
            shapes = (len(columns), self.X_rows.shape[1]), (len(columns), self.Y_rows.shape[1])
            X_into, Y_into = _reuse(
                self.workspace.rows,
                self._kept_rows,
                shapes,
                lambda: (np.empty(shapes[0], self.net.dtype), np.empty(shapes[1], self.net.dtype)),
            )
            # mode="clip": the columns come from a permutation, so always in range;
            # NumPy's default mode="raise" gathers into a temporary first. The method,
            # not np.take, which wraps it in Python.
            A0 = self.X_rows.take(columns, axis=0, out=X_into, mode="clip").T
            Y = self.Y_rows.take(columns, axis=0, out=Y_into, mode="clip").T
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
        if optimizer.folds_into_gradient:
            # α·dW[l], α·db[l] go straight into the other vector, which then becomes
            # θ − α·dθ: no gradient vector at all.
            self._backward(*batch, alpha, into=self._layers[1 - self._current])
            optimizer.step_folded(theta, updated, out=updated)
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
            self._gradient_layers = parameters.layers(self.grads, self.net.L, prefix="d")
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
        rule = net.output_rule  # looked up once a batch
        if isinstance(rule, NaturalPair):  # A[L] is a fresh array: dZ[L] is written over it
            dZ = rule.dZ(AL, Y, scale=factor / m, out=AL)
        elif rule is not None:  # the stable route, from the logits
            dZ = rule.dZ_from_logits(buffers.Z[-1], Y)
            dZ *= factor / m
        else:
            dZ = generic_output_delta(buffers.Z[-1], AL, Y, net.activations[-1], net.loss)[1]
            dZ *= factor / m
        for l in range(L, 0, -1):
            W = layers[l - 1][0]
            dW, db = into[l - 1]
            A_prev = buffers.A[l - 2] if l > 1 else A0
            linear.parameter_gradients(dZ, A_prev, scale=1, dW=dW, db=db, ones=buffers.ones)
            if self.l2:
                dW += (factor * self.l2 / m) * W
            if l > 1:  # A[l−1] is done with: it becomes dA[l−1], then dZ[l−1]
                g = net.activations[l - 2]
                dZ = _hidden_delta(g, W, dZ, buffers.Z[l - 2], A_prev, buffers.mask)


#: Columns of X per tile in :func:`rows_of`.
_TILE_COLUMNS = 2048


def rows_of(X: Array) -> Array:
    """Xᵀ as a C-contiguous (m, n) array: X.T itself when that is C-contiguous, else a copy.

    The copy is made tile by tile: as many rows of X as fill one 64-byte cache
    line of a row of Xᵀ, by up to ``_TILE_COLUMNS`` columns, so that each
    tile's cache lines are read and written while they stay in the cache (a
    plain ``np.ascontiguousarray(X.T)`` of a C-contiguous X takes every element
    from another cache line). The values are copied, not computed: the fit
    sees the same Xᵀ whichever layout X came in.
    """
    rows = X.T
    if rows.flags.c_contiguous:
        return rows
    out = np.empty(rows.shape, X.dtype)
    n, m = X.shape
    strip = max(1, 64 // X.itemsize)
    for i in range(0, n, strip):
        X_strip, out_strip = X[i : i + strip], out[:, i : i + strip]
        for j in range(0, m, _TILE_COLUMNS):
            out_strip[j : j + _TILE_COLUMNS] = X_strip[:, j : j + _TILE_COLUMNS].T
    return out


def _reuse(mine: dict[K, V], kept: dict[K, V], key: K, make: Callable[[], V]) -> V:
    """``mine[key]``, else the last fit's ``kept[key]``, else ``make()``; mine from then on."""
    value = mine.get(key)
    if value is None:
        value = kept.get(key)
        mine[key] = value = make() if value is None else value
    return value


def _hidden_delta(
    g: Activation, W: Array, dZ_next: Array, Z: Array, A: Array, mask: NDArray[np.bool_]
) -> Array:
    """dZ[l] = (W[l+1]ᵀ·dZ[l+1]) ⊙ g'(Z[l]), written over A[l] (Z[l] is spent too).

    g'(Z[l]) is taken before dA overwrites A: as a byte mask read from A when
    the entry has one, else from the entry's derivative. A derivative that is A
    itself (exp'(Z) = A) keeps A, and dA goes into Z's buffer instead.
    """
    derivative: NDArray[Any]
    if g.has_derivative_mask:
        derivative, into = g.derivative_mask(A, mask[: A.shape[0]]), A
    else:
        derivative = g.derivative(Z, A)  # before A or Z is overwritten
        into = Z if np.may_share_memory(derivative, A) else A
    dA = linear.input_gradient(dZ_next, W, out=into)
    dA *= derivative
    return dA
