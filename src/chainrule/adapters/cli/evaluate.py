"""``chainrule evaluate`` and ``chainrule predict``: a saved model on data."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from chainrule.adapters.cli.options import (
    check_output,
    load_split,
    plural,
    score_line,
    user_errors,
)
from chainrule.tools import datasets as catalog_of_datasets
from chainrule.tools.model_files import SavedModel, read_model
from chainrule.tools.network import Network
from chainrule.training.metrics import metric_name


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
    data = load_split(name, seed)
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

    Files written by train --save record the dataset and seed they were trained on.
    """
    saved = read_model(model)
    name, split_seed = evaluation_split(saved, model, dataset, seed)
    data = matching_data(saved.network, name, split_seed)
    typer.echo(score_line(saved.network, "test", data.X_test, data.Y_test))


def recorded_data(saved: SavedModel, path: Path) -> catalog_of_datasets.Dataset:
    """The dataset split the model file records, or a ValueError when it records none."""
    if saved.trained_on is None:
        raise ValueError(
            f"{path} does not record the data it was trained on, so --raw has no statistics "
            "to standardize with: standardize the rows as the training data was, or save "
            "the model with chainrule train --save"
        )
    return matching_data(saved.network, saved.trained_on.dataset, saved.trained_on.seed)


#: The separators a CSV may use between numbers.
SEPARATORS = (",", ";", "\t")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_layout(lines: list[str]) -> tuple[str | None, int]:
    """(the separator, the rows to skip): the separator of ``,``, ``;`` and tab found in the
    first line (None: whitespace or one column), and 1 when that line is a header (no
    field a number, as pandas writes the column names), else 0."""
    first = next((line for line in lines if line.strip()), "")
    separator = max(SEPARATORS, key=first.count) if any(c in first for c in SEPARATORS) else None
    fields = [field.strip().strip('"') for field in first.split(separator)]
    header = any(fields) and not any(_is_number(field) for field in fields if field)
    return separator, int(header)


def read_examples(path: Path, n_x: int) -> np.ndarray:
    """The examples of a CSV file, one per row, as X (n_x, m); a ValueError names what is wrong.

    Separated by ``,``, ``;`` or tabs, with or without a header row; a missing
    or NaN value is reported at its row and column as the file counts them.
    """
    if not path.is_file():
        raise FileNotFoundError(f"no input file at {path}")
    lines = path.read_text(errors="replace").splitlines()
    separator, skip = csv_layout(lines)
    with warnings.catch_warnings():
        # An empty file is reported below in words, not by numpy's warning beside the error.
        warnings.filterwarnings("ignore", "loadtxt: input contained no data", UserWarning)
        try:
            rows = np.loadtxt(path, delimiter=separator, ndmin=2, dtype=np.float64, skiprows=skip)
        except ValueError as error:
            raise ValueError(f"{path}: not a CSV of numbers: {error}") from None
    if rows.size == 0:
        raise ValueError(f"{path} has no rows; give one example per row, {n_x} numbers each")
    if rows.shape[1] != n_x:
        raise ValueError(
            f"the model takes {plural(n_x, 'feature')} and {path} has "
            f"{plural(rows.shape[1], 'column')} (one example per row)"
        )
    bad = np.argwhere(~np.isfinite(rows))
    if bad.size:
        row, column = bad[0]
        raise ValueError(
            f"{path}: row {row + 1 + skip}, column {column + 1} is {rows[row, column]} "
            f"({plural(len(bad), 'value')} not finite in all; rows and columns counted from 1)"
        )
    return rows.T


def named_predictions(saved: SavedModel, predictions: np.ndarray) -> np.ndarray:
    """The class names of the dataset the model file records for class predictions (one
    column of indices, or 0/1), else the predictions as they are."""
    net, recorded = saved.network, saved.trained_on
    if recorded is None or metric_name(net.loss) != "accuracy" or predictions.shape[1] != 1:
        return predictions
    names = load_split(recorded.dataset, recorded.seed).class_names
    indices = predictions[:, 0].astype(int)
    if not names or indices.min() < 0 or indices.max() >= len(names):
        return predictions
    return np.asarray(names, dtype=object)[indices][:, None]


@user_errors
def predict(
    model: Annotated[Path, typer.Argument(help="a model file written by train --save")],
    input: Annotated[
        Path, typer.Option("--input", "-i", help="CSV, one example per row (, ; or tab)")
    ],
    output: Annotated[Path | None, typer.Option(help="write the predictions here (CSV)")] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw", help="the rows are raw features: standardize them as the training split was"
        ),
    ] = False,
    proba: Annotated[
        bool,
        typer.Option("--proba", help="print A[L] (the class probabilities) instead of classes"),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="overwrite --output if it exists")] = False,
) -> None:
    """Predict for the examples of a CSV file, one example per row.

    Each row holds n_x numbers in the form the model was trained on: the
    datasets are standardized with their training split's mean and standard
    deviation. With --raw the rows are raw features, standardized here with
    the statistics of the split the model file records (train --save). Classes
    are printed by name where the recorded dataset has names; --proba prints
    the output layer's A[L] instead (probabilities for a sigmoid or softmax output).
    """
    check_output(output, force=force)
    saved = read_model(model)
    net = saved.network
    if proba and metric_name(net.loss) != "accuracy":
        raise ValueError(f"--proba: {net.loss.name} is a regression loss; its outputs are values")
    X = read_examples(input, net.layer_dims[0])
    if raw:
        X = recorded_data(saved, model).standardize(X)
    if proba:
        predictions = np.asarray(net.forward(X)[0]).T
    else:
        predictions = named_predictions(saved, np.asarray(net.predict(X)).T)
    texts = [
        ",".join(value if isinstance(value, str) else f"{value:.10g}" for value in row)
        for row in predictions
    ]
    if output is not None:
        output.write_text("".join(f"{text}\n" for text in texts))
        typer.echo(f"{plural(len(texts), 'prediction')} written to {output}")
    else:
        for text in texts:
            typer.echo(text)
