"""Pictures: learning curves, decision boundaries, and the output layer's two routes.

Every function builds a matplotlib Figure without pyplot (a
:class:`~chainrule.training.picture.Picture`) and returns it: the user's
backend is left as it was, and in a notebook the figure shows inline when
it is a cell's last expression. With ``path`` the figure is also written
there; the path's suffix picks the format (``.png``, ``.pdf``, ``.svg``, … :
see :func:`picture_format`), a path without one gets PNG.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.functions.activations import Activation
from chainrule.functions.activations import activation as lookup_activation
from chainrule.functions.losses import Loss
from chainrule.functions.losses import loss as lookup_loss
from chainrule.functions.pairs import (
    NumericalWarning,
    generic_output_delta,
    output_route,
)
from chainrule.tools.output import output_delta
from chainrule.training.figures import new_figure, picture_format, save

if TYPE_CHECKING:
    from chainrule.core.model import Model
    from chainrule.training.history import History
    from chainrule.training.picture import Picture

__all__ = ["decision_boundary", "learning_curve", "output_layer", "picture_format"]


def learning_curve(
    history: History,
    path: str | Path | None = None,
    title: str | None = None,
    validation_label: str = "validation",
) -> Picture:
    """Cost (left) and metric (right) per epoch, training and validation
    (the second curve is called ``validation_label``): ``history.plot(...)``."""
    return history.plot(path, title, validation_label)


def decision_boundary(
    net: Model,
    X: ArrayLike,
    Y: ArrayLike,
    path: str | Path | None = None,
    title: str | None = None,
    resolution: int = 300,
) -> Picture:
    """The network's output over the plane, with the examples on top (X is (2, m)).

    The course's planar picture: net.predict on a resolution × resolution grid
    covering the examples (0.5 beyond them), as filled contours, and the
    examples coloured by their class (Y's row for one output unit, the row of
    the largest entry for several).
    """
    X_arr = net.check_input(X)
    if X_arr.shape[0] != 2:
        raise ValueError(f"a decision boundary needs 2-D inputs, X is {X_arr.shape}")
    Y_arr = net.check_targets(Y, X_arr.shape[1])
    classes = Y_arr.argmax(axis=0) if Y_arr.shape[0] > 1 else (Y_arr[0] > 0.5).astype(int)
    low, high = X_arr.min(axis=1) - 0.5, X_arr.max(axis=1) + 0.5
    u, v = np.meshgrid(
        np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution)
    )
    grid = np.vstack([u.ravel(), v.ravel()]).astype(net.dtype)
    predicted = np.asarray(net.predict(grid))
    if predicted.shape[0] > 1:  # several independent binary units: colour by the first
        predicted = predicted[:1]
    figure, axes = new_figure(size=(6, 5))
    axis = axes[0][0]
    axis.contourf(u, v, predicted.reshape(u.shape), alpha=0.3, cmap="coolwarm")
    scatter = axis.scatter(
        X_arr[0], X_arr[1], c=classes, cmap="coolwarm", s=14, edgecolors="black", linewidths=0.3
    )
    axis.legend(*scatter.legend_elements(), title="class", loc="upper right")
    axis.set_xlabel("x₁")
    axis.set_ylabel("x₂")
    axis.set_title(title or "decision boundary")
    return save(figure, path)


def _pair_inputs(
    g: Activation, L: Loss, z: NDArray[np.float64], y: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if not g.elementwise:
        # Two classes, logits (z, 0), true class the first: dZ[0] is shown.
        Z = np.vstack([z, np.zeros_like(z)])
        Y = np.vstack([np.ones_like(z), np.zeros_like(z)])
        return Z, Y
    return z[None, :], np.full((1, z.size), y)


def _generic_where_defined(
    Z: NDArray[np.float64], Y: NDArray[np.float64], g: Activation, L: Loss
) -> NDArray[np.float64]:
    """The generic route's dZ[L] (first unit), NaN where A[L] leaves the loss's domain
    (tanh's −1 < a ≤ 0 under bce): the picture shades it instead of refusing the pair."""
    A = g.forward(Z)
    low, high = L.domain
    outside = ((A < low) | (A > high)).any(axis=0)
    inside = np.clip(A, low, high)  # at a bound the generic route's 1/a gives inf: shaded too
    dZ = generic_output_delta(Z, inside, Y, g, L)[1][0]
    return np.where(outside, np.nan, dZ)


def output_layer(
    activation: str | Activation,
    loss: str | Loss,
    path: str | Path | None = None,
    y: float = 1.0,
    z_range: tuple[float, float] = (-800.0, 800.0),
) -> Picture:
    """dZ[L] over z for the natural or stable route and the generic one, and where it breaks.

    Top: dZ = ∂L/∂z for one output unit with label ``y`` (softmax: two
    classes, logits (z, 0), true class the first). Bottom: the generic
    route's error |generic − fused|; z where the generic route gives NaN or
    inf is shaded. For a pair with neither a natural nor a stable rule only
    the generic chain rule is drawn. The z axis is linear within
    ±10 and logarithmic beyond, so that both the bend and the far ends
    (where float64 saturates: σ(z) rounds to 1 above z ≈ 37 and to 0 below
    z ≈ −745) are visible.
    """
    g, L = lookup_activation(activation), lookup_loss(loss)
    z = _logit_grid(*z_range)
    Z, Y = _pair_inputs(g, L, z, y)
    route = output_route(g, L)  # natural or stable: from the logits; else generic only
    natural = route != "generic"
    with warnings.catch_warnings(), np.errstate(over="ignore"):
        # The generic route's overflow (and exp's, far out) is what this picture shows.
        warnings.simplefilter("ignore", NumericalWarning)
        generic = _generic_where_defined(Z, Y, g, L)
        fused = output_delta(Z, Y, g, L, fused=None)[0] if natural else None
    broken = ~np.isfinite(generic)
    figure, axes = new_figure(2 if natural else 1, 1, (8, 7 if natural else 4.5))
    top = axes[0][0]
    if fused is not None:
        top.plot(
            z, _finite(fused), color="tab:blue", linewidth=2.5, label=f"{route}: from the logits"
        )
    top.plot(z, _finite(generic), color="tab:red", linestyle="--", label="generic: dA·g'(z)")
    # The y range of |z| ≤ 10: exp's dZ = e^z − y would otherwise span 300 decades.
    central = (generic if fused is None else fused)[np.abs(z) <= 10]
    low, high = np.nanmin(_finite(central)), np.nanmax(_finite(central))
    pad = 0.08 * max(high - low, 1e-3)
    top.set_ylim(low - pad, high + pad)
    for axis in (row[0] for row in axes):
        _shade(axis, z, broken)
        axis.set_xscale("symlog", linthresh=10)
    top.set_xlabel("z (the logit)")
    top.set_ylabel("dZ = ∂L/∂z")
    label = f"y = {y:g}" if g.elementwise else "class 1 of (z, 0)"
    top.set_title(
        f"output layer: {g.name} with {L.name}, {label}"
        + ("" if natural else " (no natural or stable rule: generic route only)")
    )
    top.grid(alpha=0.3)
    top.legend(loc="best")
    if fused is not None:
        bottom = axes[1][0]
        with np.errstate(invalid="ignore"):
            error = np.abs(generic - fused)
        bottom.semilogy(
            z,
            np.where(np.isfinite(error) & (error > 0), error, np.nan),
            color="tab:red",
            label="|generic − fused|",
        )
        bottom.set_xlabel("z (the logit)")
        bottom.set_ylabel("absolute error of the generic route")
        bottom.grid(alpha=0.3)
        bottom.legend(loc="best")
    return save(figure, path)


def _finite(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """NaN where values are NaN or ±inf, so that matplotlib leaves a gap."""
    return np.where(np.isfinite(values), values, np.nan)


def _logit_grid(low: float, high: float, linear: float = 10.0) -> NDArray[np.float64]:
    """z from low to high: dense and even within ±linear, geometric beyond."""
    if not low < high:
        raise ValueError(f"z_range must be (low, high) with low < high, got {(low, high)}")
    middle = np.linspace(max(low, -linear), min(high, linear), 801)
    parts = [middle]
    if low < -linear:
        parts.insert(0, -np.geomspace(-low, linear, 400, endpoint=False))
    if high > linear:
        parts.append(np.geomspace(linear, high, 401)[1:])
    return np.concatenate(parts)


def _shade(axis: Any, z: NDArray[np.float64], broken: NDArray[np.bool_]) -> None:
    """Shade each run of z where the generic route is NaN or inf (labelled once)."""
    edges = np.flatnonzero(np.diff(np.r_[0, broken.astype(int), 0]))
    for number, (start, stop) in enumerate(zip(edges[::2], edges[1::2], strict=True)):
        axis.axvspan(
            z[start],
            z[stop - 1],
            color="grey",
            alpha=0.25,
            label="generic route gives NaN/inf" if number == 0 else None,
        )
