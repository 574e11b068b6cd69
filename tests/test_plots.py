"""The PNG pictures: they are written, and the data behind them is right."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from scipy import special

import chainrule as cr
from chainrule.tools import plots

PNG = b"\x89PNG\r\n\x1a\n"


def _figures_drawn(monkeypatch) -> list:
    drawn: list = []
    real = plots._write

    def keep(figure, path):
        drawn.append(figure)
        return real(figure, path)

    monkeypatch.setattr(plots, "_write", keep)
    return drawn


def test_learning_curve_labels_both_panels(tmp_path, monkeypatch):
    drawn = _figures_drawn(monkeypatch)
    X = np.random.default_rng(0).standard_normal((2, 40))
    Y = (X[0:1] > 0).astype(float)
    net = cr.Network([2, 3, 1], seed=0)
    history = net.fit(X, Y, epochs=4, learning_rate=0.1, validation=0.25, verbose=0)
    path = plots.learning_curve(history, tmp_path / "curve.png")
    assert path.read_bytes()[:8] == PNG
    cost_axis, metric_axis = drawn[0].axes
    assert (cost_axis.get_xlabel(), cost_axis.get_ylabel()) == ("epoch", "cost J")
    assert metric_axis.get_ylabel() == "accuracy"
    for axis in (cost_axis, metric_axis):
        assert [t.get_text() for t in axis.get_legend().get_texts()] == ["training", "validation"]
    np.testing.assert_array_equal(cost_axis.lines[0].get_ydata(), history.cost)
    assert matplotlib.get_backend().lower() == "agg"


def test_output_layer_shows_where_the_generic_route_breaks(tmp_path, monkeypatch):
    drawn = _figures_drawn(monkeypatch)
    # NumericalWarning is a RuntimeWarning, an error in this suite: the function must contain it.
    plots.output_layer("sigmoid", "bce", tmp_path / "pair.png", y=1.0)
    top = drawn[0].axes[0]
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


def test_output_layer_for_a_pair_without_a_rule_draws_one_route(tmp_path, monkeypatch):
    drawn = _figures_drawn(monkeypatch)
    plots.output_layer("softsign", "mse", tmp_path / "softsign.png", y=0.5)
    (axis,) = drawn[0].axes
    z = axis.lines[0].get_xdata()
    softsign = z / (1 + np.abs(z))
    np.testing.assert_allclose(
        axis.lines[0].get_ydata(), 2 * (softsign - 0.5) / (1 + np.abs(z)) ** 2
    )
    assert "generic route only" in axis.get_title()
    plots.output_layer("softmax", "cce", tmp_path / "softmax.png")


def test_output_layer_draws_the_stable_route(tmp_path, monkeypatch):
    drawn = _figures_drawn(monkeypatch)
    plots.output_layer("sigmoid", "-(3*y*log(a) + (1-y)*log(1-a))", tmp_path / "w.png", y=1.0)
    top, _ = drawn[0].axes
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert "stable: from the logits" in labels and "generic route gives NaN/inf" in labels
    z = top.lines[0].get_xdata()
    np.testing.assert_allclose(
        top.lines[0].get_ydata(), -3 * special.expit(-z), rtol=1e-12, atol=1e-300
    )


def test_decision_boundary_needs_two_features(tmp_path):
    net = cr.Network([3, 2, 1])
    with pytest.raises(ValueError, match=r"needs 2-D inputs, X is \(3, 5\)"):
        plots.decision_boundary(net, np.zeros((3, 5)), np.zeros((1, 5)), tmp_path / "b.png")
    net2 = cr.Network([2, 4, 3], output="softmax", loss="cce")
    X = np.random.default_rng(1).standard_normal((2, 9))
    path = plots.decision_boundary(net2, X, np.eye(3)[np.arange(9) % 3].T, tmp_path / "b.png")
    assert path.read_bytes()[:8] == PNG
