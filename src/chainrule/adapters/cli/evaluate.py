"""``chainrule evaluate`` and ``chainrule predict``: a saved model on data."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from chainrule.adapters.cli.options import check_output, load_split, score_line, user_errors
from chainrule.tools import datasets as catalog_of_datasets
from chainrule.tools.model_files import SavedModel, read_model
from chainrule.tools.network import Network


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

    Files written by ``train --save`` record the dataset and seed they were trained on.
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
