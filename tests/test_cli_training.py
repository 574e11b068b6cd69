"""The training commands, through typer's CliRunner, and the "Must show" results."""

from __future__ import annotations

import errno
import os
import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from typer.testing import CliRunner

import chainrule as cr
from chainrule import datasets
from chainrule.adapters.cli import app
from chainrule.io import TrainedOn, read_model

runner = CliRunner()


PNG = b"\x89PNG\r\n\x1a\n"


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
    labels = predicted.output.split()
    expected = cr.load(model).predict(data.X_test)[0].tolist()
    assert labels == [data.class_names[k] for k in expected]  # the classes by name
    probabilities = _run("predict", str(model), "--input", str(csv), "--proba").output.split()
    A = np.array([[float(v) for v in row.split(",")] for row in probabilities]).T
    np.testing.assert_allclose(A, cr.load(model).forward(data.X_test)[0], rtol=1e-9)
    np.testing.assert_allclose(A.sum(axis=0), 1.0)

    # --raw: the test rows as scikit-learn splits the raw iris features, standardized by
    # the command with the recorded split's statistics.
    raw = load_iris()
    X_train_raw, X_raw = train_test_split(
        raw.data, test_size=0.2, random_state=0, stratify=raw.target
    )
    standardized = StandardScaler().fit(X_train_raw).transform(X_raw).T
    np.testing.assert_allclose(standardized, data.X_test, atol=1e-12)
    np.savetxt(csv, X_raw, delimiter=",")
    from_raw = _run("predict", str(model), "--input", str(csv), "--raw")
    assert from_raw.output.split() == labels


def test_predict_raw_needs_a_model_that_records_its_data(tmp_path):
    model, csv = tmp_path / "net.npz", tmp_path / "x.csv"
    cr.save(cr.Network([4, 3, 3], output="softmax", loss="cce"), model)
    np.savetxt(csv, np.ones((2, 4)), delimiter=",")
    result = _run("predict", str(model), "--input", str(csv), "--raw", code=1)
    assert "does not record the data it was trained on" in result.output


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
            ["train", "-d", "diabetes", "--optimizer", "sgd", "--lr", "1e6", "--batch-size", "8"],
            "training diverged in epoch",
        ),
        (["evaluate", "absent.npz"], "no model file at absent.npz"),
        (["train", "--save", "no/such/dir/m.npz"], "cannot write no/such/dir/m.npz"),
        (["plot-pair", "--y", "2"], "--y 2 is not a label of bce: 0/1 classes"),
        (["plot-pair", "--activation", "sigmod"], "did you mean 'sigmoid'?"),
        (["train", "--dtype", "float16"], "--dtype must be float32 or float64"),
        (["derive", "-l", "nope"], "unknown loss 'nope'"),
        (["derive", "-f", "html"], "--format must be text, latex or markdown, got 'html'"),
        (["derive", "-l", "log("], "formula 'log(' rejected"),
        (["derive", "--all", "-f", "latex"], "--all prints a text or markdown table"),
        (["plot-pair", "--out", "p.xyz"], ".xyz is not a format matplotlib writes; use one of"),
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
    assert result.exit_code == 1, result.output
    assert f"error: the model takes 4 features and {csv} has 3 columns" in result.output


def test_an_empty_csv_is_one_error_line_and_no_warning(tmp_path):
    model, csv = tmp_path / "m.npz", tmp_path / "empty.csv"
    cr.save(cr.Network([4, 3], output="softmax", loss="cce"), model)
    csv.write_text("")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "input contained no data" would raise here
        result = runner.invoke(app, ["predict", str(model), "--input", str(csv)])
    assert result.exit_code == 1, result.output
    assert (
        result.output.strip()
        == f"error: {csv} has no rows; give one example per row, 4 numbers each"
    )


def test_evaluate_refuses_a_dataset_with_other_features_than_the_model(tmp_path):
    model = tmp_path / "m.npz"
    cr.save(cr.Network([4, 3], output="softmax", loss="cce"), model)
    result = runner.invoke(app, ["evaluate", str(model), "-d", "breast_cancer", "--seed", "0"])
    assert result.exit_code == 1, result.output
    assert "the model takes 4 features and gives 3 outputs; breast_cancer has 30 features" in (
        result.output
    )


@pytest.mark.parametrize(
    "command",
    [[], ["train"], ["evaluate"], ["predict"], ["gradcheck"], ["plot-pair"], ["datasets"]],
)
def test_help_everywhere(command):
    result = _run(*command, "--help")
    assert "Usage" in result.output


def test_zero_epochs_scores_and_saves_the_untrained_network(tmp_path):
    model = tmp_path / "m.npz"
    result = _run("train", "-d", "iris", "--epochs", "0", "--save", str(model))
    assert "0 epochs" in result.output and "model saved" in result.output
    untrained = cr.Network([4, 16, 8, 3], hidden="relu", output="softmax", loss="cce", seed=0)
    saved = cr.load(model)
    assert saved.epochs_trained == 0
    for key, value in untrained.params.items():
        np.testing.assert_array_equal(saved.params[key], value)
    plotted = runner.invoke(app, ["train", "-d", "iris", "--epochs", "0", "--plot", "c.png"])
    assert plotted.exit_code == 1 and "--plot draws the cost per epoch" in plotted.output


@pytest.fixture
def iris_model(tmp_path):
    """A saved iris model and a CSV of its test examples."""
    model, csv = tmp_path / "iris.npz", tmp_path / "x.csv"
    cr.save(cr.Network([4, 3], output="softmax", loss="cce"), model)
    np.savetxt(csv, cr.datasets.load("iris").X_test.T, delimiter=",")
    return model, csv


OUTPUT_OPTIONS = {
    "train --save": ["train", "-d", "iris", "--epochs", "2", "--save"],
    "train --plot": ["train", "-d", "iris", "--epochs", "2", "--plot"],
    "train --boundary": ["train", "-d", "moons", "--epochs", "2", "--boundary"],
    "predict --output": ["predict", "{model}", "-i", "{csv}", "--output"],
    "plot-pair --out": ["plot-pair", "--out"],
}


def _with_output(option: str, iris_model, path) -> list[str]:
    model, csv = iris_model
    return [arg.format(model=model, csv=csv) for arg in OUTPUT_OPTIONS[option]] + [str(path)]


@pytest.mark.parametrize("option", list(OUTPUT_OPTIONS))
def test_an_output_path_that_is_a_directory_is_refused_before_any_work(
    tmp_path, iris_model, option
):
    directory = tmp_path / "adir"
    directory.mkdir()
    result = runner.invoke(app, _with_output(option, iris_model, directory))
    assert result.exit_code == 1, result.output
    assert result.output.strip() == f"error: cannot write {directory}: it is a directory"


@pytest.mark.parametrize("option", list(OUTPUT_OPTIONS))
def test_an_unwritable_output_path_is_refused_before_any_work(
    tmp_path, iris_model, option, monkeypatch
):
    # os.access stands in for a directory without write permission (tests may run as root).
    target = tmp_path / "out.png"
    monkeypatch.setattr(os, "access", lambda path, mode: path != tmp_path)
    result = runner.invoke(app, _with_output(option, iris_model, target))
    assert result.exit_code == 1, result.output
    assert result.output.strip() == f"error: cannot write {target}: permission denied"


def test_an_os_error_while_writing_is_one_line_naming_the_path(tmp_path, monkeypatch):
    import matplotlib.figure

    target = tmp_path / "pair.png"

    def refuse(figure, path, **options):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", refuse)
    result = runner.invoke(app, ["plot-pair", "--out", str(target)])
    assert result.exit_code == 1, result.output
    assert result.output.strip() == f"error: {target}: Permission denied"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--epochs", "-1"], "--epochs must be an integer ≥ 0, got -1"),
        (["--lr", "0"], "--lr must be finite and > 0"),
        (["--batch-size", "-1"], "--batch-size must be an integer ≥ 0"),
        (["--optimizer", "nesterov"], "unknown optimizer 'nesterov'"),
        (["--seed", "-1"], "--seed must be an integer in [0, 4294967295], got -1"),
        (["--dtype", "nope"], "--dtype must be float32 or float64, got 'nope'"),
        (["--boundary", "b.png", "--save", "m.npz"], "--boundary draws 2-D inputs, and iris has 4"),
    ],
)
def test_train_checks_its_options_before_it_starts(tmp_path, monkeypatch, options, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["train", "-d", "iris", "--epochs", "2", *options])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {message}"), result.output
    assert os.listdir() == []  # and nothing written


def test_a_command_line_that_does_not_parse_is_a_usage_error():
    # The README's rule: click's own parsing errors keep its usage message and status 2.
    result = runner.invoke(app, ["train", "--epochs", "many"])
    assert result.exit_code == 2 and "Usage" in result.output


@pytest.mark.parametrize(("suffix", "magic"), [(".pdf", b"%PDF"), (".svg", b"<?xml"), ("", PNG)])
def test_pictures_take_the_format_of_their_suffix(tmp_path, suffix, magic):
    path = tmp_path / f"pair{suffix}"
    _run("plot-pair", "--out", str(path))
    assert path.read_bytes().startswith(magic)


@pytest.mark.parametrize("loss", ["mse", "huber", "mae", "poisson"])
def test_gradcheck_passes_on_unscaled_regression_targets(loss):
    result = _run("gradcheck", "-d", "diabetes", "--loss", loss)
    assert "passed" in result.output
    Y = cr.datasets.load("diabetes").Y_train[:, :16]
    assert f"targets divided by their RMS {np.sqrt(np.mean(Y**2)):.4g}" in result.output


def test_gradcheck_on_scaled_targets_still_catches_a_wrong_gradient(monkeypatch):
    real = cr.Network.gradients

    def off_by_a_little(self, *args, **kwargs):
        grads = real(self, *args, **kwargs)
        grads["dW1"] = grads["dW1"] * (1 + 1e-5)
        return grads

    monkeypatch.setattr(cr.Network, "gradients", off_by_a_little)
    result = _run("gradcheck", "-d", "diabetes", code=1)
    assert "FAILED" in result.output and "dW1" in result.output


def test_evaluate_scores_on_the_recorded_split_by_default(tmp_path):
    model = tmp_path / "m.npz"
    trained = _run("train", "-d", "iris", "--epochs", "5", "--seed", "3", "--save", str(model))
    assert read_model(model).trained_on == TrainedOn("iris", 3)
    evaluated = _run("evaluate", str(model))
    assert _test_score(evaluated.output) == _test_score(trained.output)
    assert "warning" not in evaluated.output


def test_evaluate_warns_when_the_file_records_no_data(tmp_path):
    model = tmp_path / "m.npz"
    net = cr.Network([4, 3], output="softmax", loss="cce", seed=3)
    cr.save(net, model)
    result = _run("evaluate", str(model), "-d", "iris")
    assert result.output.startswith(
        f"warning: {model} does not record the data it was trained on; using iris split with "
        "seed 3 (choose with --dataset and --seed)"
    )
    data = cr.datasets.load("iris", seed=3)
    accuracy = float(np.mean(net.predict(data.X_test)[0] == data.Y_test.argmax(axis=0)))
    assert _test_score(result.output) == pytest.approx(accuracy, abs=5e-5)


# --- issue 14: nothing lost, nothing hangs -------------------------------------------------


def test_ctrl_c_saves_the_model_and_the_curve_and_exits_130(tmp_path):
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    source = str(Path(cr.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    model, curve = tmp_path / "m.npz", tmp_path / "c.png"
    command = [sys.executable, "-m", "chainrule", "train", "--save", str(model)]
    command += ["--plot", str(curve), "--epochs", "100000"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().startswith("breast_cancer: network")
            time.sleep(1.5)
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=120)
        finally:
            child.kill()
    assert child.returncode == 130, err
    assert "interrupted (Ctrl-C)" in err
    assert f"model saved to {model}" in out and f"learning curve written to {curve}" in out
    assert curve.read_bytes().startswith(PNG)
    net = read_model(model).network
    assert all(np.isfinite(value).all() for value in net.params.values())


def test_a_rising_cost_saves_the_last_good_model_and_the_curve(tmp_path):
    model, curve = tmp_path / "m.npz", tmp_path / "c.png"
    args = ["train", "-d", "diabetes", "--optimizer", "sgd", "--lr", "100", "--batch-size", "0"]
    result = _run(*args, "--save", str(model), "--plot", str(curve), code=1)
    assert "more than 1000 times" in result.output and "smaller one" in result.output
    last_good = tmp_path / "m-last-good.npz"
    assert f"last good model saved to {last_good}" in result.output
    assert not model.exists() and curve.read_bytes().startswith(PNG)
    net = read_model(last_good).network
    data = datasets.load("diabetes", seed=0)
    assert np.isfinite(net.cost(data.X_train, data.Y_train))
    # scientific notation, never a row of digits
    assert re.search(r"cost \d\.\d+e\+\d\d", result.output), result.output


def test_a_diverged_run_saves_the_last_good_model(tmp_path):
    model = tmp_path / "m.npz"
    args = ["train", "-d", "diabetes", "--optimizer", "sgd", "--lr", "1e6", "--batch-size", "8"]
    result = _run(*args, "--save", str(model), code=1)
    assert "error: training diverged" in result.output
    net = read_model(tmp_path / "m-last-good.npz").network
    assert all(np.isfinite(value).all() for value in net.params.values())


def test_outputs_are_not_overwritten_without_force(tmp_path):
    model = tmp_path / "m.npz"
    model.write_bytes(b"precious")
    args = ["train", "-d", "iris", "--epochs", "1", "--save", str(model)]
    result = _run(*args, code=1)
    assert "exists; pass --force to overwrite it" in result.output
    assert model.read_bytes() == b"precious"
    _run(*args, "--force")
    assert read_model(model).network.layer_dims[0] == 4
    table = tmp_path / "p.csv"
    table.write_text("keep me\n")
    predict = ["predict", str(model), "-i", str(tmp_path / "x.csv"), "--output", str(table)]
    assert "exists; pass --force" in _run(*predict, code=1).output


def test_save_with_another_suffix_warns_that_the_file_is_an_npz(tmp_path):
    result = _run("train", "-d", "iris", "--epochs", "1", "--save", str(tmp_path / "m.pkl"))
    assert "will be an .npz archive" in result.output
    assert read_model(tmp_path / "m.pkl").network.layer_dims[0] == 4


@pytest.mark.parametrize(("layers", "dims"), [("16,8", [4, 16, 8, 3]), ("16 8", [4, 16, 8, 3])])
def test_layers_take_commas_or_spaces(tmp_path, layers, dims):
    _run("train", "-d", "iris", "--epochs", "1", "--layers", layers, "--save", str(tmp_path / "m"))
    assert read_model(tmp_path / "m").network.layer_dims == dims


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layers", "16,,8"], 'like 16,8 or "16 8"'),
        (["--layers", "16;8"], 'like 16,8 or "16 8"'),
        (["--layers", "1000000000"], "parameters"),
        (["-d", "irsi"], "did you mean 'iris'?"),
        (["--hidden", "rleu"], "did you mean 'relu'?"),
        (["--loss", "bec"], "did you mean 'bce'?"),
        (["--optimizer", "adma"], "did you mean 'adam'?"),
        (["-d", "diabetes", "--loss", "bce"], "diabetes is a regression task"),
        (["-d", "diabetes", "--output", "softmax"], "use --output identity --loss mse"),
        (["--validation", "1"], "--validation is the share"),
    ],
)
def test_train_mistakes_are_one_line_with_the_way_out(args, message):
    result = runner.invoke(app, ["train", "--epochs", "1", *args])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], lines


def test_the_dataset_name_takes_any_case_and_one_epoch_is_singular():
    result = _run("train", "-d", "Iris", "--epochs", "1")
    assert "1 epoch," in result.output and "1 epochs" not in result.output


def test_the_bar_scores_a_validation_share_and_the_test_split_once(monkeypatch):
    from chainrule.adapters.cli import train as train_module

    seen = []
    real_fit = train_module.fit

    def spy(net, X, Y, options):
        seen.append((X.shape[1], options.validation))
        return real_fit(net, X, Y, options)

    monkeypatch.setattr(train_module, "fit", spy)
    result = _run("train", "-d", "iris", "--epochs", "2", "--seed", "0")
    data = datasets.load("iris", seed=0)
    assert seen == [(data.X_train.shape[1], 0.1)]  # a fraction of the training split
    assert result.output.count("test accuracy") == 1
    assert "val cost" in result.output
    no_validation = _run("train", "-d", "iris", "--epochs", "2", "--validation", "0")
    assert "val cost" not in no_validation.output


def test_version_help_and_demo():
    assert _run("--version").output.strip() == cr.__version__
    assert "Usage" in _run("-h").output
    plain = _run()
    assert (
        "Usage" in plain.output and "demo" in plain.output and "Gradient check" not in plain.output
    )
    for command in ["train", "gradcheck", "predict", "evaluate", "plot-pair", "derive", "demo"]:
        text = _run(command, "-h").output
        assert "``" not in text and ":func:" not in text and ":class:" not in text, command


def test_gradcheck_says_how_many_examples_it_used():
    result = _run("gradcheck", "-d", "iris", "--examples", "1000000000")
    data = datasets.load("iris", seed=0)
    assert (
        f"on {data.X_train.shape[1]} examples of iris (all of its training split" in result.output
    )
    assert "1,000,000,000 asked" in result.output
    assert "on 1 example of iris" in _run("gradcheck", "-d", "iris", "--examples", "1").output


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("header", [False, True])
def test_predict_reads_csvs_with_any_separator_and_an_optional_header(tmp_path, separator, header):
    data = datasets.load("iris", seed=0)
    model = tmp_path / "m.npz"
    _run("train", "-d", "iris", "--epochs", "1", "--save", str(model))
    csv = tmp_path / "x.csv"
    names = separator.join(f"feature {k}" for k in range(4))
    np.savetxt(csv, data.X_test.T, delimiter=separator, header=names if header else "", comments="")
    rows = _run("predict", str(model), "-i", str(csv)).output.split()
    assert len(rows) == data.X_test.shape[1]


def test_a_nan_in_a_csv_is_reported_at_the_files_row_and_column(tmp_path):
    model = tmp_path / "m.npz"
    cr.save(cr.Network([3, 2], output="softmax", loss="cce"), model)
    csv = tmp_path / "x.csv"
    csv.write_text("a;b;c\n1;2;3\n4;5;6\n7;nan;9\n")
    result = _run("predict", str(model), "-i", str(csv), code=1)
    assert "row 4, column 2 is nan" in result.output
    csv.write_text("1,2\n")
    assert "takes 3 features and" in _run("predict", str(model), "-i", str(csv), code=1).output
    csv.write_text("1\n")
    assert "has 1 column (one" in _run("predict", str(model), "-i", str(csv), code=1).output


def test_plot_pair_draws_a_pair_whose_generic_route_breaks_and_shades_it(tmp_path, monkeypatch):
    from chainrule.tools import plots

    drawn = {}
    real = plots._generic_where_defined

    def spy(Z, Y, g, L):
        drawn["dZ"] = real(Z, Y, g, L)
        drawn["z"] = Z[0]
        return drawn["dZ"]

    monkeypatch.setattr(plots, "_generic_where_defined", spy)
    out = tmp_path / "p.png"
    result = _run("plot-pair", "--activation", "tanh", "--loss", "bce", "--out", str(out))
    assert "written" in result.output and out.read_bytes().startswith(PNG)
    z, dZ = drawn["z"], drawn["dZ"]
    # tanh(z) ≤ 0 for z ≤ 0 is outside bce's (0, 1): undefined there, shaded; defined at z = 1,
    # where dZ = −(1/a)·(1 − a²) with a = tanh(z), y = 1.
    assert np.isnan(dZ[z < 0]).all()
    k = np.argmin(np.abs(z - 1.0))
    np.testing.assert_allclose(dZ[k], -(1 / np.tanh(z[k])) * (1 - np.tanh(z[k]) ** 2), rtol=1e-9)


def test_ctrl_c_outside_training_exits_130_without_a_traceback(monkeypatch):
    from chainrule.adapters.cli import options

    def interrupted(name, seed):
        raise KeyboardInterrupt

    monkeypatch.setattr(options.catalog_of_datasets, "load", interrupted)
    result = runner.invoke(app, ["train", "-d", "iris"])
    assert result.exit_code == 130 and "interrupted (Ctrl-C)" in result.output
