"""Objects that read well: a short repr, a summary for str, a notebook display with the facts."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.inspect import Recorder


def _short(text: str, lines: int) -> None:
    assert len(text.splitlines()) <= lines, text
    assert "array(" not in text


def _fitted(epochs: int = 500):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 60))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    net = cr.Network([2, 5, 1], hidden="tanh", seed=1)
    history = net.fit(X, Y, epochs=epochs, learning_rate=0.5, validation=0.25, verbose=0)
    return net, X, Y, history


def test_history_is_a_summary_not_every_number():
    _, _, _, history = _fitted(500)
    text = str(history)
    _short(text, 14)
    assert "500 epochs" in text
    best = int(np.argmin(history.val_cost))
    row = next(line for line in text.splitlines() if line.startswith("val cost"))
    # first, best, the best's epoch (from 1), last
    assert row.split()[2:] == [
        f"{history.val_cost[0]:.5g}",
        f"{history.val_cost[best]:.5g}",
        str(best + 1),
        f"{history.val_cost[-1]:.5g}",
    ]
    assert len(repr(history)) < 100 and "500 epochs" in repr(history)
    html = history._repr_html_()
    assert "<table>" in html and "val accuracy" in html and f"{history.cost[-1]:.5g}" in html


def test_an_empty_history():
    history = cr.History("accuracy")
    assert str(history) == "History: no epochs"
    assert "no epochs" in repr(history)


def test_inspection_and_the_recording_print_as_tables():
    net, X, Y, _ = _fitted(3)
    inspection = net.inspect(X, Y)
    for shown in (str(inspection), str(inspection.table())):
        assert "‖dW‖" in shown and "mean |dZ|" in shown and "object at 0x" not in shown
        assert f"{inspection.layers[0].dW_norm:.3e}" in shown
    assert "<table>" in inspection._repr_html_() and "<table>" in inspection.table()._repr_html_()
    assert repr(inspection).startswith("Inspection(") and len(repr(inspection)) < 100
    net.fit(X, Y, epochs=3, learning_rate=0.1, verbose=0, record=True)
    printed = str(net.recording.table())
    assert "object at 0x" not in printed and printed.startswith("epoch 2")
    assert "‖dW‖" in printed
    assert repr(net.recording) == "Recorder(3 epochs recorded, 2 layers)"
    assert Recorder(X, Y).__repr__() == "Recorder(0 epochs recorded, 0 layers)"


def test_derivation_str_is_its_text_and_it_shows_as_maths():
    d = cr.derive("bce", "sigmoid")
    assert str(d) == d.text()
    assert repr(d) == "Derivation('bce + sigmoid', natural, c = 1, dZ = a - y)"
    assert "\\begin{aligned}" in d._repr_latex_()
    assert "natural pair" in d._repr_markdown_()


def test_the_pair_table_is_short_to_repr_and_a_table_to_print():
    table = cr.derive_all()
    natural = len(table.natural_pairs())
    assert repr(table) == f"PairTable({len(table.rows)} pairs, {natural} natural)"
    lines = str(table).splitlines()
    assert len(lines) == len(table.rows) + 3  # title, headers, rule
    assert any(line.split()[:3] == ["bce", "sigmoid", "yes,"] for line in lines)
    assert "| bce | sigmoid | yes, c = 1 |" in table._repr_markdown_()


def test_gradcheck_result():
    net, X, Y, _ = _fitted(2)
    result = cr.gradcheck(net, X, Y)
    assert repr(result).startswith("GradcheckResult(difference=") and "passed" in repr(result)
    assert "array" not in repr(result)
    text = str(result)
    _short(text, net.L * 2 + 5)
    assert "dW1" in text and "worst entries" in text
    html = result._repr_html_()
    assert "<table>" in html and "dW1" in html and f"{result.difference:.3e}" in html


def test_comparison():
    reference = {"dW1": np.array([[0.5, -1.0]]), "db1": np.array([[0.25]])}
    differs = cr.compare({"dW1": -reference["dW1"], "db1": reference["db1"]}, reference)
    assert repr(differs) == (
        "Comparison(1 of 2 keys differ, first dW1: sign flipped: yours = −reference)"
    )
    html = differs._repr_html_()
    assert "sign flipped" in html and "dW1" in html and "db1" in html
    assert repr(cr.compare(reference, reference)) == "Comparison(all 2 keys match)"
    assert "all 2 keys match" in cr.compare(reference, reference)._repr_html_()


def test_dataset_shows_names_shapes_classes_and_split_not_arrays():
    data = cr.datasets.load("breast_cancer")
    assert repr(data) == "Dataset('breast_cancer', binary, n_x=30, train=455, test=114)"
    text = str(data)
    _short(text, 8)
    counts = np.bincount(data.Y_train[0].astype(int))
    assert f"{data.class_names[0]} {counts[0]}, {data.class_names[1]} {counts[1]}" in text
    assert "(30, 455)" in text and "(1, 114)" in text
    assert "(30, 455)" in data._repr_html_() and "<table>" in data._repr_html_()


@pytest.mark.parametrize(
    ("sizes", "output", "loss", "route"),
    [([30, 20, 7, 1], "sigmoid", "bce", "fused"), ([4, 3, 3], "softmax", "mse", "generic")],
)
def test_network_summary_counts_every_parameter(capsys, sizes, output, loss, route):
    net = cr.Network(sizes, hidden="relu", output=output, loss=loss)
    table = net.summary()
    printed = capsys.readouterr().out
    assert printed.strip() == str(table).strip()
    total = sum(w.size for w in net.params.values())
    assert f"total parameters: {total:,}" in printed
    assert f"output route: {route}" in printed and f"loss: {loss}" in printed
    for l in range(1, net.L + 1):
        assert str(net.params[f"W{l}"].shape) in printed
        assert str(net.params[f"b{l}"].shape) in printed
    assert f"total parameters: {total:,}" in net._repr_html_()
    assert net.summary(show=False) is not None and capsys.readouterr().out == ""
    assert len(repr(net)) < 120
