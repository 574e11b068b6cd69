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

import difflib
import functools
import itertools
import os
import re
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
from chainrule.functions.activations import CATALOG as ACTIVATION_CATALOG
from chainrule.functions.activations import names as activation_names
from chainrule.functions.losses import CATALOG as LOSS_CATALOG
from chainrule.functions.losses import names as loss_names
from chainrule.functions.pairs import TASK_PAIRS, complete_pair
from chainrule.tools import datasets as catalog_of_datasets
from chainrule.tools import plots
from chainrule.tools.network import Network
from chainrule.training.history import metric_text, number
from chainrule.training.metrics import metric_name
from chainrule.training.optimizers import names as optimizer_names
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
    into one line on stderr and exit 1, and Ctrl-C outside training into exit 130."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ValueError, TypeError, OSError) as error:
            typer.echo(f"error: {error_line(error)}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            # Outside training (which stops cleanly itself): nothing was trained to save.
            typer.echo("interrupted (Ctrl-C)", err=True)
            raise typer.Exit(130) from None

    return run  # type: ignore[return-value]


def error_line(error: Exception) -> str:
    """The error's message on one line; an OSError from the system as ``path: reason``.

    >>> error_line(IsADirectoryError(21, "Is a directory", "adir"))
    'adir: Is a directory'
    """
    if isinstance(error, OSError) and error.strerror and error.filename is not None:
        return f"{error.filename}: {error.strerror}"
    return " ".join(str(error).split())


def check_output(path: Path | None, picture: bool = False, force: bool = True) -> None:
    """Refuse, before any work, an output path that cannot be written, one that exists
    unless ``force`` (``--force``), or for a ``picture`` one whose suffix names no format
    matplotlib writes."""
    if path is None:
        return
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: no directory {path.parent}")
    if path.is_dir():
        raise IsADirectoryError(f"cannot write {path}: it is a directory")
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; pass --force to overwrite it")
    if not os.access(path if path.exists() else path.parent, os.W_OK):
        raise PermissionError(f"cannot write {path}: permission denied")
    if picture:
        plots.picture_format(path)


def plural(count: int, noun: str) -> str:
    """``1 epoch``, ``2 epochs``, ``0 epochs``.

    >>> plural(1, "column"), plural(3, "column")
    ('1 column', '3 columns')
    """
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def check_name(kind: str, name: str, known: list[str], option: str) -> str:
    """``name`` as given when it is one of ``known`` (any case), else a ValueError that
    lists them and suggests the closest ("did you mean 'iris'?", difflib)."""
    lowered = {entry.lower(): entry for entry in known}
    if name.lower() in lowered:
        return name
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    hint = f"; did you mean {lowered[close[0]]!r}?" if close else ""
    raise ValueError(f"unknown {kind} {name!r} for {option}{hint} (known: {', '.join(known)})")


def check_function(kind: str, name: str, catalog: Any, option: str) -> str:
    """``name`` as given when the catalog takes it, a name or a formula; else a ValueError
    that says both and suggests the closest name ("did you mean 'tanh'?", difflib)."""
    try:
        catalog.lookup(name)
    except (ValueError, TypeError) as error:
        known = catalog.names() + sorted(catalog.aliases)
        close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"{option}: {error}{hint}") from None
    return name


def check_names(hidden: str | None, output: str | None, loss: str | None) -> None:
    """The activations and loss of the options, catalog names or formulas, with a
    suggestion for a misspelt name (``output`` is ``--activation`` where ``hidden`` is
    None: plot-pair)."""
    if hidden is not None:
        check_function("activation", hidden, ACTIVATION_CATALOG, "--hidden")
    if output is not None:
        option = "--activation" if hidden is None else "--output"
        check_function("activation", output, ACTIVATION_CATALOG, option)
    if loss is not None:
        check_function("loss", loss, LOSS_CATALOG, "--loss")


def load_split(name: str, seed: int) -> catalog_of_datasets.Dataset:
    """The dataset's train/test split drawn with ``--seed`` (checked first)."""
    check_name("dataset", name, catalog_of_datasets.names(), "--dataset")
    return catalog_of_datasets.load(name.lower(), seed=check_seed(seed, "--seed"))


#: The most parameters a network of the command line may have (800 MB in float64).
MAX_PARAMETERS = 100_000_000

_LAYERS = re.compile(r"\s*\d+(\s*,\s*\d+|\s+\d+)*\s*")


def hidden_sizes(layers: str) -> list[int]:
    """``"16,8"`` or ``"16 8"`` → [16, 8]; ``""`` → [] (no hidden layer); anything else
    (``16,,8``, ``16;8``, ``a``) is a ValueError with the expected form."""
    if not layers.strip():
        return []
    if not _LAYERS.fullmatch(layers):
        raise ValueError(
            f"--layers must be hidden layer sizes separated by commas or spaces, like 16,8 "
            f'or "16 8" ("" for none); got {layers!r}'
        )
    return check_layer_sizes(
        [int(part) for part in re.split(r"[\s,]+", layers.strip())], "--layers"
    )


def check_parameter_count(layer_dims: list[int], dtype: Any) -> None:
    """Refuse, before allocating, a network of more than MAX_PARAMETERS parameters."""
    count = sum((n_prev + 1) * n for n_prev, n in itertools.pairwise(layer_dims))
    if count > MAX_PARAMETERS:
        size = count * np.dtype(dtype).itemsize
        raise ValueError(
            f"--layers: the network {layer_dims} has {count:,} parameters ({size / 1e9:.3g} GB "
            f"in {dtype}); the command line takes at most {MAX_PARAMETERS:,}"
        )


def check_task(data: catalog_of_datasets.Dataset, loss: str | None) -> None:
    """A classification loss on a regression dataset is refused with the advice that fits."""
    if data.task == "regression" and metric_name(LOSS_CATALOG.lookup(loss or "mse")) == "accuracy":
        raise ValueError(
            f"{data.name} is a regression task (real-valued targets), and --loss {loss} is a "
            "classification loss: use --output identity --loss mse (the default for it)"
        )


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
    check_names(hidden, output, loss)
    g, L = complete_pair(output, loss, TASK_PAIRS[data.task])
    check_task(data, L.name)
    layer_dims = [data.n_x, *hidden_sizes(layers), data.n_y]
    check_parameter_count(layer_dims, check_float_dtype(dtype, "--dtype"))
    return Network(
        layer_dims,
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
    shown = f"{score:.2%}" if metric_name(net.loss) == "accuracy" else metric_text(score)
    examples = plural(X.shape[1], "example")
    return f"{what} {metric_name(net.loss)} {shown}  (cost {number(cost)}, {examples})"


def keep_prob(dropout: float) -> float | None:
    """keep_prob = 1 − ``--dropout`` (None: no dropout), or a ValueError unless it is in [0, 1)."""
    meaning = "is the probability of dropping a unit,"
    dropped = check_fraction(dropout, "--dropout", closed=(True, False), meaning=meaning)
    return None if dropped == 0 else 1 - dropped


def fit_options(
    optimizer: str,
    lr: float,
    epochs: int,
    batch_size: int,
    l2: float,
    dropout: float,
    seed: int,
    validation: float = 0.0,
) -> FitOptions:
    """``fit``'s options from train's, each checked before any work (``--batch-size 0``
    is full batch; ``--epochs 0`` is allowed, as fit allows it: the untrained network
    is scored)."""
    full_batch = check_integer("--batch-size", batch_size, 0) == 0
    check_name("optimizer", optimizer, optimizer_names(), "--optimizer")
    meaning = "is the share of the training split held out to score each epoch,"
    held = check_fraction(validation, "--validation", closed=(True, False), meaning=meaning)
    options = FitOptions(
        epochs=epochs,
        learning_rate=lr,
        optimizer=optimizer,
        batch_size=None if full_batch else batch_size,
        l2=l2,
        keep_prob=keep_prob(dropout),
        seed=check_seed(seed, "--seed"),
        validation=held or None,
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
