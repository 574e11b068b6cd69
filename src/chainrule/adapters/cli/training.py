"""The ``chainrule`` commands for training and using models: train, evaluate,
predict, gradcheck, plot-pair and datasets. Thin: the library does the work.

The commands live in :mod:`~chainrule.adapters.cli.train` (train, gradcheck),
:mod:`~chainrule.adapters.cli.evaluate` (evaluate, predict) and here (plot-pair,
datasets); :mod:`~chainrule.adapters.cli.options` holds what they share, the
rule for user errors included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from chainrule.adapters.cli.evaluate import evaluate_command, predict
from chainrule.adapters.cli.options import (
    ACTIVATION_CATALOG,
    ACTIVATIONS,
    LOSS_CATALOG,
    LOSSES,
    check_names,
    check_output,
    user_errors,
)
from chainrule.adapters.cli.train import gradcheck, train
from chainrule.tools import datasets as catalog_of_datasets
from chainrule.tools import plots


@user_errors
def plot_pair(
    activation: Annotated[
        str, typer.Option(help=f"the output activation g[L]: {ACTIVATIONS}")
    ] = "sigmoid",
    loss: Annotated[str, typer.Option(help=f"the loss L: {LOSSES}")] = "bce",
    out: Annotated[
        Path, typer.Option(help="where to write the picture (PNG; .pdf, .svg: by suffix)")
    ] = Path("pair.png"),
    y: Annotated[float, typer.Option(help="the label")] = 1.0,
    force: Annotated[bool, typer.Option("--force", help="overwrite --out if it exists")] = False,
) -> None:
    """Draw dZ[L] over z for the fused and the generic route, and shade where the generic
    one breaks (overflow, or outputs outside the loss's domain)."""
    check_output(out, picture=True, force=force)
    check_names(None, activation, loss)
    g, L = ACTIVATION_CATALOG.lookup(activation), LOSS_CATALOG.lookup(loss)
    if g.elementwise:
        try:
            L.targets(np.full((1, 1), y), 1)
        except ValueError:
            raise ValueError(f"--y {y:g} is not a label of {L.name}: {L.label_rule}") from None
    plots.output_layer(g, L, out, y)
    typer.echo(f"output-layer picture written to {out}")


def datasets() -> None:
    """List the datasets `train --dataset` accepts."""
    for name in catalog_of_datasets.names():
        typer.echo(f"{name:<14} {catalog_of_datasets.SUMMARIES[name]}")


def register(app: typer.Typer) -> None:
    """Add these commands to the ``chainrule`` app."""
    app.command("train")(train)
    app.command("evaluate")(evaluate_command)
    app.command("predict")(predict)
    app.command("gradcheck")(gradcheck)
    app.command("plot-pair")(plot_pair)
    app.command("datasets")(datasets)
