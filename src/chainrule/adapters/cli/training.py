"""The ``chainrule`` commands for training and using models: train, evaluate,
predict, gradcheck, plot-pair and datasets. Thin: the library does the work.

A user mistake (a bad option, a missing file, a model file that does not
load, a path that cannot be read or written, a diverging run) prints one
line starting with ``error:`` and exits with status 1, never a traceback.
Options are checked, and output paths tried, before any work is done, so a
mistake never leaves a run half-done.
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import numpy as np
import typer

from chainrule.base.checks import check_integer
from chainrule.functions.pairs import complete_pair
from chainrule.tools import datasets as catalog_of_datasets
from chainrule.tools import plots
from chainrule.tools.gradcheck import gradcheck as check_gradient
from chainrule.tools.model_files import SavedModel, TrainedOn, read_model
from chainrule.tools.model_files import save as save_model
from chainrule.tools.network import Network
from chainrule.training.metrics import metric_name
from chainrule.training.optimizers import optimizer as optimizer_by_name
from chainrule.training.regularization import check_l2
from chainrule.training.trainer import evaluate

Command = TypeVar("Command", bound=Callable[..., Any])

#: The output layer and loss each kind of task gets unless told otherwise.
TASK_DEFAULTS = {
    "binary": ("sigmoid", "bce"),
    "multiclass": ("softmax", "cce"),
    "regression": ("identity", "mse"),
}

#: The largest split seed: scikit-learn's train_test_split takes seeds in [0, 2³² − 1].
MAX_SEED = 2**32 - 1


def user_errors(command: Command) -> Command:
    """Turn ValueError, TypeError and OSError (a file that cannot be read or written)
    into one line on stderr and exit 1."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ValueError, TypeError, OSError) as error:
            typer.echo(f"error: {error_line(error)}", err=True)
            raise typer.Exit(1) from None

    return run  # type: ignore[return-value]


def error_line(error: Exception) -> str:
    """The error's message on one line; an OSError from the system as ``path: reason``.

    >>> error_line(IsADirectoryError(21, "Is a directory", "adir"))
    'adir: Is a directory'
    """
    if isinstance(error, OSError) and error.strerror and error.filename is not None:
        return f"{error.filename}: {error.strerror}"
    return " ".join(str(error).split())


def check_output(path: Path | None, picture: bool = False) -> None:
    """Refuse, before any work, an output path that cannot be written (or, for a
    ``picture``, whose suffix names no format matplotlib writes)."""
    if path is None:
        return
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: no directory {path.parent}")
    if path.is_dir():
        raise IsADirectoryError(f"cannot write {path}: it is a directory")
    if not os.access(path if path.exists() else path.parent, os.W_OK):
        raise PermissionError(f"cannot write {path}: permission denied")
    if picture:
        plots.picture_format(path)


def check_seed(seed: int) -> int:
    """``--seed`` as given, or a ValueError unless it is in [0, MAX_SEED]."""
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"--seed must be an integer in [0, {MAX_SEED}], got {seed}")
    return seed


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
    data: catalog_of_datasets.Dataset,
    layers: str,
    hidden: str,
    output: str | None,
    loss: str | None,
    init: str,
    seed: int,
    dtype: str,
) -> Network:
    """A network for the dataset: n_x inputs, the hidden sizes, n_y outputs."""
    if dtype not in ("float32", "float64"):
        raise ValueError(f"--dtype must be float32 or float64, got {dtype!r}")
    g, L = complete_pair(output, loss, TASK_DEFAULTS[data.task])
    return Network(
        [data.n_x, *hidden_sizes(layers), data.n_y],
        hidden=hidden,
        output=g,
        loss=L,
        init=init,
        seed=seed,
        dtype=np.dtype(dtype),
    )


def _score_line(net: Network, what: str, X: np.ndarray, Y: np.ndarray) -> str:
    cost, score = evaluate(net, X, Y)
    shown = f"{score:.2%}" if metric_name(net.loss) == "accuracy" else f"{score:.4f}"
    return f"{what} {metric_name(net.loss)} {shown}  (cost {cost:.5f}, {X.shape[1]} examples)"


def _keep_prob(dropout: float) -> float | None:
    if not 0 <= dropout < 1:
        raise ValueError(
            f"--dropout is the probability of dropping a unit, in [0, 1); got {dropout}"
        )
    return None if dropout == 0 else 1 - dropout


def fit_settings(
    optimizer: str, lr: float, epochs: int, batch_size: int, l2: float, dropout: float
) -> dict[str, Any]:
    """``Network.fit``'s settings from train's options, each checked before any work.

    ``--epochs 0`` is allowed, as ``fit`` allows it: the untrained network is scored.
    """
    if not 0 < lr < math.inf:
        raise ValueError(f"--lr must be finite and > 0, got {lr}")
    return {
        "epochs": check_integer("--epochs", epochs, 0),
        "learning_rate": lr,
        "optimizer": optimizer_by_name(optimizer),
        "batch_size": check_integer("--batch-size", batch_size, 0) or None,
        "l2": check_l2(l2),
        "keep_prob": _keep_prob(dropout),
    }


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
    plot: Annotated[
        Path | None, typer.Option(help="write the learning curve here (PNG; .pdf, .svg: by suffix)")
    ] = None,
    boundary: Annotated[
        Path | None, typer.Option(help="write the decision boundary here (a picture, 2-D data)")
    ] = None,
) -> None:
    """Train a network on a dataset and report the held-out (test split) result."""
    settings = fit_settings(optimizer, lr, epochs, batch_size, l2, dropout)
    if plot is not None and epochs == 0:
        raise ValueError("--plot draws the cost per epoch, so it needs --epochs ≥ 1")
    check_output(save)
    check_output(plot, picture=True)
    check_output(boundary, picture=True)
    data = catalog_of_datasets.load(dataset, seed=check_seed(seed))
    if boundary is not None and data.n_x != 2:
        raise ValueError(f"--boundary draws 2-D inputs, and {dataset} has {data.n_x} features")
    net = build_network(data, layers, hidden, output, loss, init, seed, dtype)
    typer.echo(
        f"{dataset}: network {net.layer_dims}, {hidden} → {net.activations[-1].name}, "
        f"loss {net.loss.name}, {optimizer} α={lr:g}, {epochs} epochs, "
        f"{'full batch' if batch_size == 0 else f'batches of {batch_size}'}"
        + (f", λ={l2:g}" if l2 else "")
        + (f", dropout {dropout:g}" if dropout else "")
    )
    history = net.fit(
        data.X_train, data.Y_train, validation=(data.X_test, data.Y_test), seed=seed, **settings
    )
    if history:
        typer.echo(f"epoch {len(history)}: cost {history[-1]:.5f}")
    typer.echo(_score_line(net, "training", data.X_train, data.Y_train))
    typer.echo(_score_line(net, "test", data.X_test, data.Y_test))
    if save is not None:
        typer.echo(f"model saved to {save_model(net, save, TrainedOn(dataset, seed))}")
    if plot is not None:
        plots.learning_curve(history, plot, dataset, validation_label="test split")
        typer.echo(f"learning curve written to {plot}")
    if boundary is not None:
        plots.decision_boundary(net, data.X_test, data.Y_test, boundary, f"{dataset}: test split")
        typer.echo(f"decision boundary written to {boundary}")


def evaluation_split(
    saved: SavedModel, path: Path, dataset: str | None, seed: int | None
) -> tuple[str, int]:
    """The dataset and seed to score on: the options, else those the file records.

    A file without a record (saved from Python, or by an older chainrule)
    falls back to breast_cancer and the network's seed, which ``train`` also
    gives the split, and says so on stderr.
    """
    recorded = saved.trained_on
    if recorded is not None:
        return dataset or recorded.dataset, recorded.seed if seed is None else seed
    name = dataset or "breast_cancer"
    split_seed = seed if seed is not None else saved.network.seed or 0
    if dataset is None or seed is None:
        typer.echo(
            f"warning: {path} does not record the data it was trained on; using {name} "
            f"split with seed {split_seed} (choose with --dataset and --seed)",
            err=True,
        )
    return name, split_seed


def matching_data(net: Network, name: str, seed: int) -> catalog_of_datasets.Dataset:
    """The dataset split, or a ValueError unless the network takes its features and
    gives its outputs."""
    data = catalog_of_datasets.load(name, seed=check_seed(seed))
    n_x, n_y = net.layer_dims[0], net.layer_dims[-1]
    if (n_x, n_y) != (data.n_x, data.n_y):
        raise ValueError(
            f"the model takes {n_x} features and gives {n_y} outputs; {data.name} has "
            f"{data.n_x} features and {data.n_y} outputs: pass the dataset it was trained on "
            "with --dataset"
        )
    return data


@user_errors
def evaluate_command(
    model: Annotated[Path, typer.Argument(help="a model file written by train --save")],
    dataset: Annotated[
        str | None,
        typer.Option(
            "--dataset", "-d", help="a name from `chainrule datasets` (default: recorded)"
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="seed of the split (default: recorded)")] = None,
) -> None:
    """Score a saved model on a dataset's test split (the same split train used with that seed).

    Files written by ``train --save`` record the dataset and seed they were trained on.
    """
    saved = read_model(model)
    name, split_seed = evaluation_split(saved, model, dataset, seed)
    data = matching_data(saved.network, name, split_seed)
    typer.echo(_score_line(saved.network, "test", data.X_test, data.Y_test))


def recorded_data(saved: SavedModel, path: Path) -> catalog_of_datasets.Dataset:
    """The dataset split the model file records, or a ValueError when it records none."""
    if saved.trained_on is None:
        raise ValueError(
            f"{path} does not record the data it was trained on, so --raw has no statistics "
            "to standardize with: standardize the rows as the training data was, or save "
            "the model with chainrule train --save"
        )
    return matching_data(saved.network, saved.trained_on.dataset, saved.trained_on.seed)


def read_examples(path: Path, n_x: int) -> np.ndarray:
    """The examples of a CSV file, one per row, as X (n_x, m); a ValueError names what is wrong."""
    if not path.is_file():
        raise FileNotFoundError(f"no input file at {path}")
    with warnings.catch_warnings():
        # An empty file is reported below in words, not by numpy's warning beside the error.
        warnings.filterwarnings("ignore", "loadtxt: input contained no data", UserWarning)
        try:
            rows = np.loadtxt(path, delimiter=",", ndmin=2, dtype=np.float64)
        except ValueError as error:
            raise ValueError(f"{path}: not a CSV of numbers: {error}") from None
    if rows.size == 0:
        raise ValueError(f"{path} has no rows; give one example per row, {n_x} numbers each")
    if rows.shape[1] != n_x:
        raise ValueError(
            f"the model takes {n_x} features and {path} has {rows.shape[1]} columns "
            "(one example per row)"
        )
    return rows.T


@user_errors
def predict(
    model: Annotated[Path, typer.Argument(help="a model file written by train --save")],
    input: Annotated[Path, typer.Option("--input", "-i", help="CSV, one example per row")],
    output: Annotated[Path | None, typer.Option(help="write the predictions here (CSV)")] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw", help="the rows are raw features: standardize them as the training split was"
        ),
    ] = False,
) -> None:
    """Predict for the examples of a CSV file, one example per row.

    Each row holds n_x numbers in the form the model was trained on: the
    datasets are standardized with their training split's mean and standard
    deviation. With ``--raw`` the rows are raw features, standardized here with
    the statistics of the split the model file records (``train --save``).
    """
    check_output(output)
    saved = read_model(model)
    net = saved.network
    X = read_examples(input, net.layer_dims[0])
    if raw:
        X = recorded_data(saved, model).standardize(X)
    predictions = np.asarray(net.predict(X)).T
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
    """Check backward's gradients against centred differences (exit 1 when they disagree).

    Regression targets are divided by their root mean square first (see
    :func:`target_scale`); class labels are checked as they are.
    """
    if examples < 1:
        raise ValueError(f"--examples must be ≥ 1, got {examples}")
    data = catalog_of_datasets.load(dataset, seed=check_seed(seed))
    net = build_network(data, layers, hidden, output, loss, "he", seed, "float64")
    Y = data.Y_train[:, :examples]
    scale = target_scale(data.task, Y)
    result = check_gradient(
        net, data.X_train[:, :examples], Y / scale, l2=l2, keep_prob=_keep_prob(dropout), seed=seed
    )
    scaled = "" if scale == 1 else f", targets divided by their RMS {scale:.4g}"
    typer.echo(f"network {net.layer_dims} on {examples} {dataset} examples{scaled}")
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


@user_errors
def plot_pair(
    activation: Annotated[str, typer.Option(help="the output activation g[L]")] = "sigmoid",
    loss: Annotated[str, typer.Option(help="the loss L")] = "bce",
    out: Annotated[
        Path, typer.Option(help="where to write the picture (PNG; .pdf, .svg: by suffix)")
    ] = Path("pair.png"),
    y: Annotated[float, typer.Option(help="the label")] = 1.0,
) -> None:
    """Draw dZ[L] over z for the fused and the generic route, and where the generic one breaks."""
    check_output(out, picture=True)
    plots.output_layer(activation, loss, out, y)
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
