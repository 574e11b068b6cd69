"""Pictures (matplotlib, Agg backend): learning curves, decision boundaries,
and the output layer's two routes.

Every function writes the figure to ``path``, closes it and returns the path.
The path's suffix picks the format (``.png``, ``.pdf``, ``.svg``, … : see
:func:`picture_format`); a path without one gets PNG.
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
from chainrule.functions.pairs import NumericalWarning, output_route
from chainrule.tools.output import output_delta

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from chainrule.core.model import Model
    from chainrule.training.history import History


def _figure(rows: int = 1, columns: int = 1, size: tuple[float, float] = (7, 4.5)) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(rows, columns, figsize=size, squeeze=False)


def picture_format(path: str | Path) -> str:
    """The format matplotlib writes for ``path``: its suffix, or ``png`` without one.

    Raises ValueError naming the formats matplotlib writes when the suffix is not one.

    >>> picture_format("curve.PDF"), picture_format("curve")
    ('pdf', 'png')
    """
    from matplotlib.backend_bases import FigureCanvasBase

    suffix = Path(path).suffix.lower().lstrip(".")
    if not suffix:
        return "png"
    known = FigureCanvasBase.get_supported_filetypes()
    if suffix not in known:
        raise ValueError(
            f"cannot write a picture to {path}: .{suffix} is not a format matplotlib writes; "
            f"use one of {', '.join('.' + name for name in sorted(known))}"
        )
    return suffix


def _write(figure: Figure, path: str | Path) -> Path:
    import matplotlib.pyplot as plt

    target = Path(path)
    try:
        # Passed, not left to savefig, so that a path without a suffix is written as is.
        picture = picture_format(target)
        with np.errstate(over="ignore", invalid="ignore"):  # lines far beyond the axes' limits
            figure.tight_layout()
            figure.savefig(target, dpi=110, format=picture)
    finally:
        plt.close(figure)
    return target


def learning_curve(
    history: History,
    path: str | Path,
    title: str | None = None,
    validation_label: str = "validation",
) -> Path:
    """Cost (left) and metric (right) per epoch, training and validation
    (the second curve is called ``validation_label``)."""
    figure, axes = _figure(1, 2, (10, 4))
    epochs = np.arange(1, len(history) + 1)
    panels = (
        ("cost J", history.cost, history.val_cost),
        (history.metric_name, history.metric, history.val_metric),
    )
    for axis, (label, train, validation) in zip(axes[0], panels, strict=True):
        axis.plot(epochs, train, label="training", color="tab:blue")
        if validation:
            axis.plot(epochs, validation, label=validation_label, color="tab:orange")
        axis.set_xlabel("epoch")
        axis.set_ylabel(label)
        axis.set_title(f"{label} per epoch")
        axis.grid(alpha=0.3)
        axis.legend()
    if title:
        figure.suptitle(title)
    return _write(figure, path)


def decision_boundary(
    net: Model,
    X: ArrayLike,
    Y: ArrayLike,
    path: str | Path,
    title: str | None = None,
    resolution: int = 300,
) -> Path:
    """The network's predicted class over the plane, with the examples on top (X is (2, m))."""
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
    figure, axes = _figure(size=(6, 5))
    axis = axes[0][0]
    axis.contourf(u, v, predicted.reshape(u.shape), alpha=0.3, cmap="coolwarm")
    scatter = axis.scatter(
        X_arr[0], X_arr[1], c=classes, cmap="coolwarm", s=14, edgecolors="black", linewidths=0.3
    )
    axis.legend(*scatter.legend_elements(), title="class", loc="upper right")
    axis.set_xlabel("x₁")
    axis.set_ylabel("x₂")
    axis.set_title(title or "decision boundary")
    return _write(figure, path)


def _pair_inputs(
    g: Activation, L: Loss, z: NDArray[np.float64], y: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if g.name == "softmax":
        # Two classes, logits (z, 0), true class the first: dZ[0] is shown.
        Z = np.vstack([z, np.zeros_like(z)])
        Y = np.vstack([np.ones_like(z), np.zeros_like(z)])
        return Z, Y
    return z[None, :], np.full((1, z.size), y)


def output_layer(
    activation: str | Activation,
    loss: str | Loss,
    path: str | Path,
    y: float = 1.0,
    z_range: tuple[float, float] = (-800.0, 800.0),
) -> Path:
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
        generic = output_delta(Z, Y, g, L, fused=False)[0]
        fused = output_delta(Z, Y, g, L, fused=None)[0] if natural else None
    broken = ~np.isfinite(generic)
    figure, axes = _figure(2 if natural else 1, 1, (8, 7 if natural else 4.5))
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
    label = "class 1 of (z, 0)" if g.name == "softmax" else f"y = {y:g}"
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
    return _write(figure, path)


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
