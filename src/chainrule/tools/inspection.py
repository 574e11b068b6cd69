"""A look inside every layer: gradient sizes, saturated units and dead ReLUs.

For each layer l, on a batch (X, Y) at the network's current parameters:

* ‖dW[l]‖ (Frobenius norm): falling by orders of magnitude towards the input
  means vanishing gradients, growing means exploding ones;
* mean |dZ[l]|, the per-example error signal reaching the layer;
* the share of *saturated* units, for activations bounded on both sides
  (sigmoid, tanh, softsign): entries of A[l] within 1% of the range's width
  from a bound, where g' is nearly 0 and the gradient barely passes;
* the share of *dead* ReLUs: units whose Z[l] ≤ 0 on every example, so
  relu' = 0 and they never learn again.

:func:`layer_stats` computes them once (``net.inspect(X, Y)`` returns them as
an :class:`Inspection`, a table in a terminal, in ``print`` and in a notebook); a
:class:`Recorder`, used as a callback ``recorder(epoch, history, net)`` or through
``fit(..., record=True)``, keeps them per epoch and plots the gradient norms per
layer over the epochs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from rich.table import Table

from chainrule.base import display
from chainrule.functions.activations import Activation
from chainrule.training.figures import new_figure, save

if TYPE_CHECKING:
    from chainrule.core.model import Model
    from chainrule.training.picture import Picture

Array = NDArray[np.floating[Any]]

#: A unit is saturated when A lies within this share of the range's width from a bound.
SATURATION_MARGIN = 0.01


@dataclass(frozen=True)
class LayerStats:
    """One layer's statistics; ``saturated`` and ``dead`` are None where they do not apply."""

    layer: int
    activation: str
    dW_norm: float
    mean_abs_dZ: float
    saturated: float | None
    dead: float | None


def saturated_share(g: Activation, A: Array) -> float | None:
    """The share of A's entries within 1% of the range's width from a bound of g.

    None for activations unbounded on a side, or not elementwise (softmax).
    """
    low, high = g.output_range
    if not g.elementwise or not (math.isfinite(low) and math.isfinite(high)):
        return None
    margin = SATURATION_MARGIN * (high - low)
    return float(np.mean((A - low < margin) | (high - A < margin)))


def dead_share(g: Activation, Z: Array) -> float | None:
    """The share of units whose Z ≤ 0 on every example, for an activation whose g' is 0
    there (relu: ``dies_below_zero``); None for other activations, whose units never die."""
    if not g.dies_below_zero:
        return None
    return float(np.mean(np.all(Z <= 0, axis=1)))


def layer_stats(net: Model, X: ArrayLike, Y: ArrayLike) -> list[LayerStats]:
    """Per layer: ‖dW‖, mean |dZ|, saturated and dead shares, on (X, Y) at net's parameters."""
    AL, caches = net.forward(X)
    grads = net.backprop(AL, net.check_targets(Y, AL.shape[1]), caches)
    return [
        LayerStats(
            l,
            g.name,
            float(np.linalg.norm(grads[f"dW{l}"])),
            float(np.mean(np.abs(grads[f"dZ{l}"]))),
            saturated_share(g, cache.A),
            dead_share(g, cache.Z),
        )
        for l, (g, cache) in enumerate(zip(net.activations, caches, strict=True), start=1)
    ]


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


#: The columns of an inspection table.
COLUMNS = ("layer", "g", "‖dW‖", "mean |dZ|", "saturated", "dead ReLUs")


def _cells(row: LayerStats) -> list[str]:
    return [
        str(row.layer),
        row.activation,
        f"{row.dW_norm:.3e}",
        f"{row.mean_abs_dZ:.3e}",
        _share(row.saturated),
        _share(row.dead),
    ]


def stats_table(stats: Sequence[LayerStats], title: str | None = None) -> Table:
    """A rich table with one row per layer."""
    table = Table(title=title)
    for column in COLUMNS:
        table.add_column(column, justify="left" if column == "g" else "right")
    for row in stats:
        table.add_row(*_cells(row))
    return table


@dataclass(frozen=True)
class Inspection:
    """The result of ``net.inspect(X, Y)``: a :class:`LayerStats` per layer, shown as a table.

    ``print(inspection)`` and a terminal (rich) show one row per layer; so does
    a notebook (HTML), and :meth:`table` gives that table as an object.
    """

    layers: tuple[LayerStats, ...]
    title: str = "inside the network"

    def table(self) -> display.Table:
        """The table: text for ``print``, HTML in a notebook."""
        return display.Table(COLUMNS, [_cells(row) for row in self.layers], self.title)

    def __rich__(self) -> Table:
        return stats_table(self.layers, self.title)

    def __str__(self) -> str:
        return str(self.table())

    def __repr__(self) -> str:
        norms = [row.dW_norm for row in self.layers]
        spread = f", ‖dW‖ {min(norms):.2e} … {max(norms):.2e}" if norms else ""
        return f"Inspection({self.title!r}, {len(self.layers)} layers{spread})"

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def inspect_network(net: Model, X: ArrayLike, Y: ArrayLike) -> Inspection:
    """The statistics of :func:`layer_stats` as an :class:`Inspection`."""
    return Inspection(tuple(layer_stats(net, X, Y)))


class Recorder:
    """Keeps :func:`layer_stats` per epoch: a fit callback ``recorder(epoch, history, net)``.

    ``fit(..., record=True)`` makes one and keeps it in ``net.recording``; it
    can also be passed in ``callbacks=`` or called by hand after any epoch.
    """

    def __init__(self, X: ArrayLike, Y: ArrayLike) -> None:
        self.X, self.Y = X, Y
        self.epochs: list[int] = []
        self.stats: list[list[LayerStats]] = []

    def __call__(self, epoch: int, history: object, net: Model) -> None:
        self.epochs.append(int(epoch))
        self.stats.append(layer_stats(net, self.X, self.Y))

    def gradient_norms(self) -> Array:
        """‖dW[l]‖ per epoch and layer, shape (epochs, L)."""
        return np.array([[row.dW_norm for row in epoch] for epoch in self.stats])

    def __repr__(self) -> str:
        layers = len(self.stats[0]) if self.stats else 0
        return f"Recorder({len(self.epochs)} epochs recorded, {layers} layers)"

    def table(self, epoch_index: int = -1) -> Inspection:
        """One recorded epoch (the last by default), titled with its epoch: prints as a table."""
        if not self.stats:
            raise ValueError("nothing recorded yet: call the recorder after an epoch")
        return Inspection(tuple(self.stats[epoch_index]), f"epoch {self.epochs[epoch_index]}")

    def plot(self, path: str | Path | None = None) -> Picture:
        """‖dW[l]‖ per layer over the epochs (log scale), and the unit shares.

        Returns the matplotlib Figure (shown inline in a notebook) and writes it
        to ``path`` when given (format by suffix, PNG without one).
        """
        if not self.stats:
            raise ValueError("nothing recorded yet: call the recorder after an epoch")
        norms = self.gradient_norms()
        figure, axes = new_figure(1, 2, (10, 4))
        left, right = axes[0]
        for index, row in enumerate(self.stats[0]):
            label = f"dW{row.layer} ({row.activation})"
            left.plot(self.epochs, np.maximum(norms[:, index], 1e-300), label=label)
            for kind, style, values in (
                ("saturated", "-", [epoch[index].saturated for epoch in self.stats]),
                ("dead", "--", [epoch[index].dead for epoch in self.stats]),
            ):
                if values[0] is not None:
                    right.plot(self.epochs, values, style, label=f"layer {row.layer} {kind}")
        left.set_yscale("log")
        left.set(xlabel="epoch", ylabel="‖dW[l]‖", title="gradient norm per layer")
        left.legend()
        right.set(
            xlabel="epoch",
            ylabel="share of units",
            ylim=(-0.02, 1.02),
            title="saturated units and dead ReLUs",
        )
        if right.get_legend_handles_labels()[0]:
            right.legend()
        return save(figure, path)
