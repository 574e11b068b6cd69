"""What the ``chainrule`` commands share: the error rule, the common options, and how
options become a network and :class:`~chainrule.training.options.FitOptions`.

A user mistake (a bad option, a missing file, a model file that does not
load, a path that cannot be read or written, a diverging run) prints one
line starting with ``error:`` and exits with status 1, never a traceback.
Options are checked, and output paths tried, before any work is done, so a
mistake never leaves a run half-done. Each option is checked by the library's
own validator (:mod:`chainrule.base.checks`), named as the command line spells it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import numpy as np
import typer

from chainrule.base.checks import (
    check_float_dtype,
    check_fraction,
    check_integer,
    check_layer_sizes,
    check_seed,
)
from chainrule.functions.activations import names as activation_names
from chainrule.functions.losses import names as loss_names
from chainrule.functions.pairs import TASK_PAIRS, complete_pair
from chainrule.tools import datasets as catalog_of_datasets
from chainrule.tools import plots
from chainrule.tools.network import Network
from chainrule.training.metrics import metric_name
from chainrule.training.options import FitOptions
from chainrule.training.trainer import evaluate

Command = TypeVar("Command", bound=Callable[..., Any])

#: How the command line spells the fit options it exposes, for the messages.
FIT_OPTION_NAMES = {
    "epochs": "--epochs",
    "learning_rate": "--lr",
    "batch_size": "--batch-size",
    "l2": "--l2",
    "seed": "--seed",
}


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


def load_split(name: str, seed: int) -> catalog_of_datasets.Dataset:
    """The dataset's train/test split drawn with ``--seed`` (checked first)."""
    return catalog_of_datasets.load(name, seed=check_seed(seed, "--seed"))


def hidden_sizes(layers: str) -> list[int]:
    """``"16,8"`` → [16, 8]; ``""`` → [] (no hidden layer)."""
    try:
        sizes = [int(part) for part in layers.replace(" ", "").split(",") if part]
    except ValueError:
        raise ValueError(f"--layers must be hidden layer sizes like 16,8; got {layers!r}") from None
    return check_layer_sizes(sizes, "--layers")


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
    g, L = complete_pair(output, loss, TASK_PAIRS[data.task])
    return Network(
        [data.n_x, *hidden_sizes(layers), data.n_y],
        hidden=hidden,
        output=g,
        loss=L,
        init=init,
        seed=seed,
        dtype=check_float_dtype(dtype, "--dtype"),
    )


def score_line(net: Network, what: str, X: np.ndarray, Y: np.ndarray) -> str:
    """``test accuracy 95.00%  (cost 0.12345, 114 examples)``: the metric and the cost."""
    cost, score = evaluate(net, X, Y)
    shown = f"{score:.2%}" if metric_name(net.loss) == "accuracy" else f"{score:.4f}"
    return f"{what} {metric_name(net.loss)} {shown}  (cost {cost:.5f}, {X.shape[1]} examples)"


def keep_prob(dropout: float) -> float | None:
    """keep_prob = 1 − ``--dropout`` (None: no dropout), or a ValueError unless it is in [0, 1)."""
    meaning = "is the probability of dropping a unit,"
    dropped = check_fraction(dropout, "--dropout", closed=(True, False), meaning=meaning)
    return None if dropped == 0 else 1 - dropped


def fit_options(
    optimizer: str, lr: float, epochs: int, batch_size: int, l2: float, dropout: float, seed: int
) -> FitOptions:
    """``fit``'s options from train's, each checked before any work (``--batch-size 0``
    is full batch; ``--epochs 0`` is allowed, as fit allows it: the untrained network
    is scored)."""
    full_batch = check_integer("--batch-size", batch_size, 0) == 0
    options = FitOptions(
        epochs=epochs,
        learning_rate=lr,
        optimizer=optimizer,
        batch_size=None if full_batch else batch_size,
        l2=l2,
        keep_prob=keep_prob(dropout),
        seed=check_seed(seed, "--seed"),
    )
    return options.checked(FIT_OPTION_NAMES)


DatasetOption = Annotated[
    str, typer.Option("--dataset", "-d", help="a name from `chainrule datasets`")
]
SeedOption = Annotated[
    int, typer.Option(help="seed of the split, the weights, shuffling and dropout")
]
LayersOption = Annotated[str, typer.Option(help="hidden layer sizes, e.g. 16,8 ('' for none)")]
#: The names each option takes, read off the catalogs (a new entry shows up by itself).
ACTIVATIONS, LOSSES = ", ".join(activation_names()), ", ".join(loss_names())
HiddenOption = Annotated[str, typer.Option(help=f"the hidden layers' activation: {ACTIVATIONS}")]
OutputOption = Annotated[
    str | None, typer.Option(help=f"output activation (default: by task): {ACTIVATIONS}")
]
LossOption = Annotated[str | None, typer.Option(help=f"loss (default: by task): {LOSSES}")]
L2Option = Annotated[float, typer.Option(help="L2 strength λ")]
DropoutOption = Annotated[
    float,
    typer.Option(
        help="probability of dropping a hidden unit (inverted dropout, keep_prob = 1 − this)"
    ),
]
