"""``chainrule train`` and ``chainrule gradcheck``: a network on a bundled dataset."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from chainrule.adapters.cli.options import (
    DatasetOption,
    DropoutOption,
    HiddenOption,
    L2Option,
    LayersOption,
    LossOption,
    OutputOption,
    SeedOption,
    build_network,
    check_name,
    check_output,
    fit_options,
    keep_prob,
    load_split,
    plural,
    score_line,
    user_errors,
)
from chainrule.base.checks import check_integer
from chainrule.core.initializers import names as initializer_names
from chainrule.tools import plots
from chainrule.tools.gradcheck import gradcheck as check_gradient
from chainrule.tools.model_files import TrainedOn
from chainrule.tools.model_files import save as save_model
from chainrule.tools.network import Network
from chainrule.training.guard import DivergenceWarning, TrainingDiverged
from chainrule.training.history import History, number
from chainrule.training.optimizers import names as optimizer_names
from chainrule.training.options import FitOptions
from chainrule.training.trainer import fit


def last_good_path(save: Path) -> Path:
    """Where a diverged run's last good model goes: ``m.npz`` → ``m-last-good.npz``."""
    return save.with_name(f"{save.stem}-last-good{save.suffix or '.npz'}")


def run_fit(net: Network, X: np.ndarray, Y: np.ndarray, options: FitOptions) -> tuple[History, str]:
    """fit, and what went wrong as text: the TrainingDiverged error or the DivergenceWarning
    ("" when nothing did). Other warnings are shown as usual."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DivergenceWarning)
        try:
            history = fit(net, X, Y, options)
        except TrainingDiverged as error:
            return error.history, str(error)
    trouble = ""
    for shown in caught:
        if issubclass(shown.category, DivergenceWarning):
            trouble = str(shown.message)
        else:
            warnings.warn_explicit(shown.message, shown.category, shown.filename, shown.lineno)
    return history, trouble


def save_outputs(
    net: Network,
    history: History,
    paths: tuple[Path | None, Path | None],
    trouble: str,
    force: bool,
    trained_on: TrainedOn,
) -> None:
    """Write the model (beside the requested path as ``…-last-good.npz`` after divergence)
    and the learning curve that were asked for, and say so."""
    save, plot = paths
    if save is not None:
        target = last_good_path(save) if trouble else save
        if trouble and target.exists() and not force:
            typer.echo(f"the last good model was not saved: {target} exists (--force)", err=True)
        else:
            what = "last good model" if trouble else "model"
            typer.echo(f"{what} saved to {save_model(net, target, trained_on)}")
    if plot is not None and len(history):
        plots.learning_curve(history, plot, trained_on.dataset)
        typer.echo(f"learning curve written to {plot}")
    elif plot is not None:
        typer.echo(f"no learning curve: no epoch completed, so {plot} was not written", err=True)


@user_errors
def train(
    dataset: DatasetOption = "breast_cancer",
    layers: LayersOption = "16,8",
    hidden: HiddenOption = "relu",
    output: OutputOption = None,
    loss: LossOption = None,
    optimizer: Annotated[str, typer.Option(help=", ".join(optimizer_names()))] = "adam",
    lr: Annotated[float, typer.Option(help="learning rate α")] = 0.001,
    epochs: Annotated[int, typer.Option(help="passes over the training split")] = 100,
    batch_size: Annotated[int, typer.Option(help="mini-batch size; 0 for full batch")] = 32,
    l2: L2Option = 0.0,
    dropout: DropoutOption = 0.0,
    init: Annotated[str, typer.Option(help=", ".join(initializer_names()))] = "he",
    dtype: Annotated[str, typer.Option(help="float64 or float32")] = "float64",
    seed: SeedOption = 0,
    validation: Annotated[
        float,
        typer.Option(help="share of the training split held out and scored each epoch (0: none)"),
    ] = 0.1,
    save: Annotated[Path | None, typer.Option(help="write the trained model here (.npz)")] = None,
    plot: Annotated[
        Path | None, typer.Option(help="write the learning curve here (PNG; .pdf, .svg: by suffix)")
    ] = None,
    boundary: Annotated[
        Path | None, typer.Option(help="write the decision boundary here (a picture, 2-D data)")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite existing output files")] = False,
) -> None:
    """Train a network on a dataset. Each epoch is scored on a validation share of the
    training split; the test split is scored once, at the end.

    Ctrl-C stops after the current mini-batch, saves the model and the curve asked for,
    and exits with status 130. A run that diverges saves its last good model beside
    the requested path (m-last-good.npz) and the curve, and exits with status 1.
    """
    options = fit_options(optimizer, lr, epochs, batch_size, l2, dropout, seed, validation)
    check_name("initializer", init, initializer_names(), "--init")
    if plot is not None and epochs == 0:
        raise ValueError("--plot draws the cost per epoch, so it needs --epochs ≥ 1")
    check_output(save, force=force)
    check_output(plot, picture=True, force=force)
    check_output(boundary, picture=True, force=force)
    if save is not None and save.suffix.lower() != ".npz":
        typer.echo(f"warning: {save} will be an .npz archive, whatever its suffix", err=True)
    data = load_split(dataset, seed)
    if boundary is not None and data.n_x != 2:
        raise ValueError(f"--boundary draws 2-D inputs, and {dataset} has {data.n_x} features")
    net = build_network(data, layers, hidden, output, loss, init, seed, dtype)
    typer.echo(
        f"{data.name}: network {net.layer_dims}, {hidden} → {net.activations[-1].name}, "
        f"loss {net.loss.name}, {optimizer} α={lr:g}, {plural(epochs, 'epoch')}, "
        f"{'full batch' if batch_size == 0 else f'batches of {batch_size}'}"
        + (f", λ={l2:g}" if l2 else "")
        + (f", dropout {dropout:g}" if dropout else "")
        + (f", validation {validation:g} of the training split" if validation else "")
    )
    history, trouble = run_fit(net, data.X_train, data.Y_train, options)
    if trouble:
        typer.echo(
            f"{'warning' if history.stopped == 'diverging' else 'error'}: {trouble}", err=True
        )
    if history:
        typer.echo(f"epoch {len(history)}: cost {number(history[-1])}")
    typer.echo(score_line(net, "training", data.X_train, data.Y_train))
    typer.echo(score_line(net, "test", data.X_test, data.Y_test))
    save_outputs(net, history, (save, plot), trouble, force, TrainedOn(data.name, seed))
    if boundary is not None:
        plots.decision_boundary(net, data.X_test, data.Y_test, boundary, f"{dataset}: test split")
        typer.echo(f"decision boundary written to {boundary}")
    if history.stopped == "interrupted":
        typer.echo(f"interrupted (Ctrl-C) after {plural(len(history), 'epoch')}", err=True)
        raise typer.Exit(130)
    if trouble:
        raise typer.Exit(1)


@user_errors
def gradcheck(
    dataset: DatasetOption = "breast_cancer",
    layers: LayersOption = "8,4",
    hidden: HiddenOption = "tanh",
    output: OutputOption = None,
    loss: LossOption = None,
    l2: L2Option = 0.0,
    dropout: DropoutOption = 0.0,
    examples: Annotated[int, typer.Option(help="how many training examples to check on")] = 16,
    seed: SeedOption = 0,
) -> None:
    """Check backward's gradients against centred differences (exit 1 when they disagree).

    Regression targets are divided by their root mean square first (see
    target_scale in chainrule.adapters.cli.train); class labels are checked as they are.
    """
    check_integer("--examples", examples, 1)
    data = load_split(dataset, seed)
    net = build_network(data, layers, hidden, output, loss, "he", seed, "float64")
    used = min(examples, data.X_train.shape[1])
    Y = data.Y_train[:, :used]
    scale = target_scale(data.task, Y)
    result = check_gradient(
        net, data.X_train[:, :used], Y / scale, l2=l2, keep_prob=keep_prob(dropout), seed=seed
    )
    scaled = "" if scale == 1 else f", targets divided by their RMS {scale:.4g}"
    every = f" (all of its training split; {examples:,} asked)" if used < examples else ""
    typer.echo(
        f"network {net.layer_dims} on {plural(used, 'example')} of {data.name}{every}{scaled}"
    )
    typer.echo(str(result))
    typer.echo("passed" if result.passed() else "FAILED")
    if not result.passed():
        raise typer.Exit(1)


def target_scale(task: str, Y: np.ndarray) -> float:
    """What gradcheck divides the targets by: their root mean square for regression, else 1.

    The centred difference loses about u·|J|/ε to rounding (u ≈ 1.1e-16, the
    float64 unit roundoff), so its relative error is about u·|J|/(ε·‖g‖). For
    targets of size s the cost grows faster than its gradient (mse: J ~ s²,
    g ~ s; mae, huber: J ~ s, g ~ 1), and the error grows as s: the course's
    ε = 1e-7 and threshold 2e-7 assume J and g of order 1, and diabetes'
    targets (s ≈ 150) reach the threshold with a correct backward. Dividing by
    a positive constant keeps every regression loss's labels valid (poisson's
    stay ≥ 0) and runs the same backward code; the threshold stays the course's.
    Class labels (0/1, one-hot) are already of order 1.
    """
    rms = float(np.sqrt(np.mean(Y**2)))
    return rms if task == "regression" and rms > 0 else 1.0
