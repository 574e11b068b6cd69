"""The ``chainrule`` commands for training and using models: train, evaluate,
predict, gradcheck, plot-pair and datasets. Thin: the library does the work.

A user mistake (a bad option, a missing file, a model file that does not
load, a diverging run) prints one line starting with ``error:`` and exits
with status 1, never a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import numpy as np
import typer

import chainrule as cr
from chainrule import plots
from chainrule.training.metrics import metric_name
from chainrule.training.trainer import evaluate

Command = TypeVar("Command", bound=Callable[..., Any])

#: The output layer and loss each kind of task gets unless told otherwise.
TASK_DEFAULTS = {
    "binary": ("sigmoid", "bce"),
    "multiclass": ("softmax", "cce"),
    "regression": ("identity", "mse"),
}


def user_errors(command: Command) -> Command:
    """Turn ValueError, TypeError and FileNotFoundError into one line on stderr and exit 1."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ValueError, TypeError, FileNotFoundError) as error:
            message = " ".join(str(error).split())
            typer.echo(f"error: {message}", err=True)
            raise typer.Exit(1) from None

    return run  # type: ignore[return-value]


def hidden_sizes(layers: str) -> list[int]:
    """``"16,8"`` → [16, 8]; ``""`` → [] (no hidden layer)."""
    try:
        sizes = [int(part) for part in layers.replace(" ", "").split(",") if part]
    except ValueError:
        raise ValueError(f"--layers must be hidden layer sizes like 16,8; got {layers!r}") from None
    if any(n < 1 for n in sizes):
        raise ValueError(f"--layers sizes must be positive; got {layers!r}")
    return sizes


def build_network(
    data: cr.datasets.Dataset,
    layers: str,
    hidden: str,
    output: str | None,
    loss: str | None,
    init: str,
    seed: int,
    dtype: str,
) -> cr.Network:
    """A network for the dataset: n_x inputs, the hidden sizes, n_y outputs."""
    default_output, default_loss = TASK_DEFAULTS[data.task]
    return cr.Network(
        [data.n_x, *hidden_sizes(layers), data.n_y],
        hidden=hidden,
        output=output or default_output,
        loss=loss or default_loss,
        init=init,
        seed=seed,
        dtype=np.dtype(dtype),
    )


def _score_line(net: cr.Network, what: str, X: np.ndarray, Y: np.ndarray) -> str:
    cost, score = evaluate(net, X, Y)
    shown = f"{score:.2%}" if metric_name(net.loss) == "accuracy" else f"{score:.4f}"
    return f"{what} {metric_name(net.loss)} {shown}  (cost {cost:.5f}, {X.shape[1]} examples)"


def _keep_prob(dropout: float) -> float | None:
    if not 0 <= dropout < 1:
        raise ValueError(
            f"--dropout is the probability of dropping a unit, in [0, 1); got {dropout}"
        )
    return None if dropout == 0 else 1 - dropout


DatasetOption = Annotated[
    str, typer.Option("--dataset", "-d", help="a name from `chainrule datasets`")
]
SeedOption = Annotated[
    int, typer.Option(help="seed of the split, the weights, shuffling and dropout")
]
LayersOption = Annotated[str, typer.Option(help="hidden layer sizes, e.g. 16,8 ('' for none)")]
HiddenOption = Annotated[str, typer.Option(help="the hidden layers' activation")]
OutputOption = Annotated[str | None, typer.Option(help="output activation (default: by task)")]
LossOption = Annotated[str | None, typer.Option(help="loss (default: by task)")]
L2Option = Annotated[float, typer.Option(help="L2 strength λ")]
DropoutOption = Annotated[
    float,
    typer.Option(
        help="probability of dropping a hidden unit (inverted dropout, keep_prob = 1 − this)"
    ),
]


@user_errors
def train(
    dataset: DatasetOption = "breast_cancer",
    layers: LayersOption = "16,8",
    hidden: HiddenOption = "relu",
    output: OutputOption = None,
    loss: LossOption = None,
    optimizer: Annotated[str, typer.Option(help="sgd, momentum, rmsprop or adam")] = "adam",
    lr: Annotated[float, typer.Option(help="learning rate α")] = 0.001,
    epochs: Annotated[int, typer.Option(help="passes over the training split")] = 100,
    batch_size: Annotated[int, typer.Option(help="mini-batch size; 0 for full batch")] = 32,
    l2: L2Option = 0.0,
    dropout: DropoutOption = 0.0,
    init: Annotated[str, typer.Option(help="he, xavier, normalized or small")] = "he",
    dtype: Annotated[str, typer.Option(help="float64 or float32")] = "float64",
    seed: SeedOption = 0,
    save: Annotated[Path | None, typer.Option(help="write the trained model here (.npz)")] = None,
    plot: Annotated[Path | None, typer.Option(help="write the learning curve here (PNG)")] = None,
    boundary: Annotated[
        Path | None, typer.Option(help="write the decision boundary here (PNG, 2-D data)")
    ] = None,
) -> None:
    """Train a network on a dataset and report the held-out (test split) result."""
    for target in (save, plot, boundary):
        if target is not None and not target.parent.is_dir():
            raise FileNotFoundError(f"cannot write {target}: no directory {target.parent}")
    data = cr.datasets.load(dataset, seed=seed)
    net = build_network(data, layers, hidden, output, loss, init, seed, dtype)
    typer.echo(
        f"{dataset}: network {net.layer_dims}, {hidden} → {net.activations[-1].name}, "
        f"loss {net.loss.name}, {optimizer} α={lr:g}, {epochs} epochs, "
        f"{'full batch' if batch_size == 0 else f'batches of {batch_size}'}"
        + (f", λ={l2:g}" if l2 else "")
        + (f", dropout {dropout:g}" if dropout else "")
    )
    history = net.fit(
        data.X_train,
        data.Y_train,
        epochs=epochs,
        learning_rate=lr,
        optimizer=optimizer,
        batch_size=None if batch_size == 0 else batch_size,
        l2=l2,
        keep_prob=_keep_prob(dropout),
        validation=(data.X_test, data.Y_test),
        seed=seed,
    )
    typer.echo(f"epoch {len(history)}: cost {history[-1]:.5f}")
    typer.echo(_score_line(net, "training", data.X_train, data.Y_train))
    typer.echo(_score_line(net, "test", data.X_test, data.Y_test))
    if save is not None:
        typer.echo(f"model saved to {cr.save(net, save)}")
    if plot is not None:
        curve = plots.learning_curve(history, plot, dataset, validation_label="test split")
        typer.echo(f"learning curve written to {curve}")
    if boundary is not None:
        written = plots.decision_boundary(
            net, data.X_test, data.Y_test, boundary, f"{dataset}: test split"
        )
        typer.echo(f"decision boundary written to {written}")


@user_errors
def evaluate_command(
    model: Annotated[Path, typer.Argument(help="a model file written by train --save")],
    dataset: DatasetOption = "breast_cancer",
    seed: SeedOption = 0,
) -> None:
    """Score a saved model on a dataset's test split (the same split train used with that seed)."""
    net = cr.load(model)
    data = cr.datasets.load(dataset, seed=seed)
    typer.echo(_score_line(net, "test", data.X_test, data.Y_test))


@user_errors
def predict(
    model: Annotated[Path, typer.Argument(help="a model file written by train --save")],
    input: Annotated[Path, typer.Option("--input", "-i", help="CSV, one example per row")],
    output: Annotated[Path | None, typer.Option(help="write the predictions here (CSV)")] = None,
) -> None:
    """Predict for the examples of a CSV file, one example per row.

    Each row holds n_x numbers in the form the model was trained on (the
    datasets are standardized with their training split's statistics).
    """
    net = cr.load(model)
    if not input.is_file():
        raise FileNotFoundError(f"no input file at {input}")
    try:
        rows = np.loadtxt(input, delimiter=",", ndmin=2, dtype=np.float64)
    except ValueError as error:
        raise ValueError(f"{input}: not a CSV of numbers: {error}") from None
    predictions = np.asarray(net.predict(rows.T)).T
    if output is not None:
        np.savetxt(output, predictions, delimiter=",", fmt="%.10g")
        typer.echo(f"{len(predictions)} predictions written to {output}")
    else:
        for row in predictions:
            typer.echo(",".join(f"{value:.10g}" for value in row))


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
    """Check backward's gradients against centred differences (exit 1 when they disagree)."""
    data = cr.datasets.load(dataset, seed=seed)
    net = build_network(data, layers, hidden, output, loss, "he", seed, "float64")
    if examples < 1:
        raise ValueError(f"--examples must be ≥ 1, got {examples}")
    result = cr.gradcheck(
        net,
        data.X_train[:, :examples],
        data.Y_train[:, :examples],
        l2=l2,
        keep_prob=_keep_prob(dropout),
        seed=seed,
    )
    typer.echo(f"network {net.layer_dims} on {examples} {dataset} examples")
    typer.echo(str(result))
    typer.echo("passed" if result.passed() else "FAILED")
    if not result.passed():
        raise typer.Exit(1)


@user_errors
def plot_pair(
    activation: Annotated[str, typer.Option(help="the output activation g[L]")] = "sigmoid",
    loss: Annotated[str, typer.Option(help="the loss L")] = "bce",
    out: Annotated[Path, typer.Option(help="where to write the PNG")] = Path("pair.png"),
    y: Annotated[float, typer.Option(help="the label")] = 1.0,
) -> None:
    """Draw dZ[L] over z for the fused and the generic route, and where the generic one breaks."""
    typer.echo(f"output-layer picture written to {plots.output_layer(activation, loss, out, y)}")


def datasets() -> None:
    """List the datasets `train --dataset` accepts."""
    for name in cr.datasets.names():
        typer.echo(f"{name:<14} {cr.datasets.SUMMARIES[name]}")


def register(app: typer.Typer) -> None:
    """Add these commands to the ``chainrule`` app."""
    app.command("train")(train)
    app.command("evaluate")(evaluate_command)
    app.command("predict")(predict)
    app.command("gradcheck")(gradcheck)
    app.command("plot-pair")(plot_pair)
    app.command("datasets")(datasets)
