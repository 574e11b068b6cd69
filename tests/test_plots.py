"""The pictures: figures built without pyplot, files written on request, the data behind them."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import special

import chainrule as cr

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def svg_backend():
    """A backend that is not Agg, restored afterwards: chainrule must leave it alone."""
    before = matplotlib.get_backend()
    matplotlib.use("svg")
    yield "svg"
    matplotlib.use(before)


def _trained(epochs=4):
    X = np.random.default_rng(0).standard_normal((2, 40))
    Y = (X[0:1] > 0).astype(float)
    net = cr.Network([2, 3, 1], seed=0)
    history = net.fit(X, Y, epochs=epochs, learning_rate=0.1, validation=0.25, verbose=0)
    return net, X, Y, history


def test_plots_is_an_attribute_of_chainrule_and_imports_no_pyplot():
    assert cr.plots.learning_curve is not None
    assert "plots" in cr.__all__
    code = "import sys, chainrule; print('matplotlib.pyplot' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"


def test_every_plot_returns_a_figure_and_leaves_the_backend(svg_backend, tmp_path):
    net, X, Y, history = _trained()
    pyplot_loaded = "matplotlib.pyplot" in sys.modules
    figures = [
        history.plot(),
        cr.plots.learning_curve(history),
        cr.plots.output_layer("sigmoid", "bce"),
        cr.plots.decision_boundary(net, X, Y, resolution=30),
    ]
    net.fit(X, Y, epochs=2, learning_rate=0.1, verbose=0, record=True)
    figures.append(net.recording.plot())
    for figure in figures:
        assert isinstance(figure, Figure)
        assert figure._repr_png_()[:8] == PNG  # what a notebook shows
    assert matplotlib.get_backend() == svg_backend
    assert ("matplotlib.pyplot" in sys.modules) == pyplot_loaded
    assert list(tmp_path.iterdir()) == []  # no path, no file


def test_a_path_writes_the_file_by_its_suffix(svg_backend, tmp_path):
    net, X, Y, history = _trained()
    history.plot(tmp_path / "curve.png")
    cr.plots.decision_boundary(net, X, Y, tmp_path / "boundary", resolution=20)
    net.fit(X, Y, epochs=2, learning_rate=0.1, verbose=0, record=True)
    net.recording.plot(tmp_path / "norms.png")
    cr.plots.output_layer("tanh", "mse", tmp_path / "pair.svg", y=0.5)
    for name in ("curve.png", "boundary", "norms.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG
    assert b"<svg" in (tmp_path / "pair.svg").read_bytes()[:500]
    with pytest.raises(ValueError, match=r"\.xyz is not a format"):
        history.plot(tmp_path / "curve.xyz")
    assert matplotlib.get_backend() == svg_backend


def test_learning_curve_labels_both_panels():
    _, _, _, history = _trained()
    cost_axis, metric_axis = cr.plots.learning_curve(history).axes
    assert (cost_axis.get_xlabel(), cost_axis.get_ylabel()) == ("epoch", "cost J")
    assert metric_axis.get_ylabel() == "accuracy"
    for axis in (cost_axis, metric_axis):
        assert [t.get_text() for t in axis.get_legend().get_texts()] == ["training", "validation"]
    np.testing.assert_array_equal(cost_axis.lines[0].get_ydata(), history.cost)
    np.testing.assert_array_equal(metric_axis.lines[1].get_ydata(), history.val_metric)


def test_output_layer_shows_where_the_generic_route_breaks():
    # NumericalWarning is a RuntimeWarning, an error in this suite: the function must contain it.
    top = cr.plots.output_layer("sigmoid", "bce", y=1.0).axes[0]
    fused, generic = top.lines[0].get_ydata(), top.lines[1].get_ydata()
    z = top.lines[0].get_xdata()
    # σ(z) rounds to 1 above z ≈ 36.7 (log 2^53), where dA = −1/a + 0/0 is NaN; below
    # z ≈ −709.8 (log of the largest float) dA = −1/σ(z) overflows and dZ is not finite.
    assert not np.isfinite(generic[(z > 37) | (z < -710)]).any()
    assert np.isfinite(generic[(z < 36) & (z > -709)]).all()
    # The fused dZ = σ(z) − y is exact to absolute rounding (σ(z) − 1 cancels for large z).
    np.testing.assert_allclose(fused, -special.expit(-z), rtol=0, atol=1e-15)
    assert "generic route gives NaN/inf" in [t.get_text() for t in top.get_legend().get_texts()]
    assert top.get_xlabel() == "z (the logit)" and top.get_ylabel() == "dZ = ∂L/∂z"


def test_output_layer_for_a_pair_without_a_rule_draws_one_route():
    (axis,) = cr.plots.output_layer("softsign", "mse", y=0.5).axes
    z = axis.lines[0].get_xdata()
    softsign = z / (1 + np.abs(z))
    np.testing.assert_allclose(
        axis.lines[0].get_ydata(), 2 * (softsign - 0.5) / (1 + np.abs(z)) ** 2
    )
    assert "generic route only" in axis.get_title()
    cr.plots.output_layer("softmax", "cce")


def test_output_layer_draws_the_stable_route():
    top, _ = cr.plots.output_layer("sigmoid", "-(3*y*log(a) + (1-y)*log(1-a))", y=1.0).axes
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert "stable: from the logits" in labels and "generic route gives NaN/inf" in labels
    z = top.lines[0].get_xdata()
    np.testing.assert_allclose(
        top.lines[0].get_ydata(), -3 * special.expit(-z), rtol=1e-12, atol=1e-300
    )


def test_decision_boundary_contours_the_prediction_over_the_plane():
    net = cr.Network([3, 2, 1])
    with pytest.raises(ValueError, match=r"needs 2-D inputs, X is \(3, 5\)"):
        cr.plots.decision_boundary(net, np.zeros((3, 5)), np.zeros((1, 5)))
    net2 = cr.Network([2, 4, 3], output="softmax", loss="cce")
    X = np.random.default_rng(1).standard_normal((2, 9))
    (axis,) = cr.plots.decision_boundary(net2, X, np.eye(3)[np.arange(9) % 3].T).axes
    np.testing.assert_array_equal(axis.collections[-1].get_offsets(), X.T)  # the points on top
    assert axis.get_title() == "decision boundary"
