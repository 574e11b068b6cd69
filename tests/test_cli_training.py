"""The training commands, through typer's CliRunner, and the "Must show" results."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from chainrule import datasets
from chainrule.cli import app

runner = CliRunner()


def _run(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def _test_score(output: str) -> float:
    match = re.search(r"^test (accuracy|r2) ([\d.]+)(%?)", output, re.MULTILINE)
    assert match, output
    return float(match[2]) / (100 if match[3] else 1)


# The README's "Training from the command line" table: dataset, options, the least test score.
MUST_SHOW = [
    ("breast_cancer", ["--layers", "16,8", "--lr", "0.001", "--epochs", "100"], 0.97),
    ("digits", ["--layers", "64", "--lr", "0.001", "--epochs", "60"], 0.97),
    ("iris", ["--layers", "8", "--lr", "0.01", "--epochs", "100", "--batch-size", "16"], 0.95),
    ("wine", ["--layers", "8", "--lr", "0.01", "--epochs", "100", "--batch-size", "16"], 0.95),
    ("planar", ["--layers", "8", "--hidden", "tanh", "--lr", "0.01", "--epochs", "300"], 0.90),
    ("diabetes", ["--layers", "8", "--lr", "0.5", "--epochs", "200", "--seed", "5"], 0.45),
]


@pytest.mark.slow
@pytest.mark.parametrize(("dataset", "options", "least"), MUST_SHOW, ids=[m[0] for m in MUST_SHOW])
def test_must_show_held_out_results(dataset, options, least):
    result = _run("train", "--dataset", dataset, "--optimizer", "adam", *options)
    assert _test_score(result.output) >= least


@pytest.mark.slow
@pytest.mark.skipif(not datasets.FASHION_MNIST_DIR.is_dir(), reason="dataset-fashion-mnist absent")
@pytest.mark.skipif(
    os.environ.get("CHAINRULE_FASHION") != "1",
    reason="minutes of training: run with CHAINRULE_FASHION=1 (see the README)",
)
def test_must_show_fashion_mnist():
    result = _run(
        "train",
        "-d",
        "fashion_mnist",
        "--layers",
        "256,128",
        "--lr",
        "0.001",
        "--epochs",
        "10",
        "--batch-size",
        "128",
        "--dtype",
        "float32",
    )
    assert "[784, 256, 128, 10]" in result.output
    assert _test_score(result.output) >= 0.88


def test_train_save_evaluate_predict_and_the_learning_curve(tmp_path):
    model, curve = tmp_path / "iris.npz", tmp_path / "curve.png"
    trained = _run(
        "train",
        "-d",
        "iris",
        "--layers",
        "8",
        "--lr",
        "0.01",
        "--epochs",
        "20",
        "--save",
        str(model),
        "--plot",
        str(curve),
    )
    assert curve.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    evaluated = _run("evaluate", str(model), "-d", "iris")
    assert _test_score(evaluated.output) == _test_score(trained.output)
    data = cr.datasets.load("iris")
    csv = tmp_path / "x.csv"
    np.savetxt(csv, data.X_test.T, delimiter=",")
    predicted = _run("predict", str(model), "--input", str(csv))
    labels = [int(line) for line in predicted.output.split()]
    assert labels == cr.load(model).predict(data.X_test)[0].tolist()


def test_plot_pair_and_decision_boundary_write_pngs(tmp_path):
    pair, boundary = tmp_path / "pair.png", tmp_path / "boundary.png"
    _run("plot-pair", "--activation", "sigmoid", "--loss", "bce", "--out", str(pair))
    _run("train", "-d", "moons", "--layers", "8", "--epochs", "5", "--boundary", str(boundary))
    for path in (pair, boundary):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_gradcheck_and_datasets_commands():
    result = _run("gradcheck", "-d", "iris", "--l2", "0.5", "--dropout", "0.2", "--examples", "8")
    assert "passed" in result.output and "W1" in result.output
    listed = _run("datasets").output
    assert all(name in listed for name in datasets.names())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "-d", "mnist"], "unknown dataset 'mnist'"),
        (["train", "--layers", "16,x"], "--layers must be hidden layer sizes"),
        (["train", "--optimizer", "nesterov", "--epochs", "1"], "unknown optimizer 'nesterov'"),
        (["train", "--output", "relu", "--loss", "bce"], "output relu with loss bce"),
        (["train", "--dropout", "1.5"], "--dropout is the probability"),
        (
            ["train", "-d", "diabetes", "--optimizer", "sgd", "--lr", "1e6", "--batch-size", "0"],
            "training diverged in epoch",
        ),
        (["evaluate", "absent.npz"], "no model file at absent.npz"),
        (["train", "--save", "no/such/dir/m.npz"], "cannot write no/such/dir/m.npz"),
        (["plot-pair", "--activation", "tanh", "--loss", "bce"], "bce needs a in"),
        (["train", "--dtype", "float16"], "dtype must be float32 or float64"),
    ],
)
def test_user_mistakes_print_one_line_and_exit_1(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert "Traceback" not in result.output


def test_a_bad_model_file_and_a_bad_csv_are_user_mistakes(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a model")
    result = runner.invoke(app, ["evaluate", str(bad)])
    assert (
        result.exit_code == 1
        and "error:" in result.output
        and "not a chainrule model" in (result.output)
    )
    model = tmp_path / "m.npz"
    cr.save(cr.Network([4, 3], output="softmax", loss="cce"), model)
    csv = tmp_path / "x.csv"
    csv.write_text("1,2,three,4\n")
    result = runner.invoke(app, ["predict", str(model), "--input", str(csv)])
    assert result.exit_code == 1 and "not a CSV of numbers" in result.output
    csv.write_text("1,2,3\n")
    result = runner.invoke(app, ["predict", str(model), "--input", str(csv)])
    assert result.exit_code == 1 and "X (A0) must be (4, m)" in result.output


@pytest.mark.parametrize(
    "command",
    [[], ["train"], ["evaluate"], ["predict"], ["gradcheck"], ["plot-pair"], ["datasets"]],
)
def test_help_everywhere(command):
    result = _run(*command, "--help")
    assert "Usage" in result.output
