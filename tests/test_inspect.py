"""net.inspect and fit(record=True): per-layer statistics checked against direct computation."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.image import imread

import chainrule as cr
from chainrule.inspect import Recorder, layer_stats
from chainrule.training.picture import DPI


def _data(seed=0, n_x=4, m=50):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    return X, (X[:1] + X[1:2] > 0).astype(float)


def test_inspect_matches_a_direct_computation():
    X, Y = _data()
    net = cr.Network([4, 6, 5, 1], hidden=["relu", "tanh"], seed=3)
    net.params["b1"][:2] = -100.0  # two dead ReLUs
    net.params["W2"] *= 50  # saturate tanh
    stats = net.inspect(X, Y)
    AL, caches = net.forward(X)
    grads = net.backward(AL, Y, caches)
    relu_row, tanh_row, sigmoid_row = stats.layers
    assert relu_row.dead == pytest.approx(2 / 6)
    assert relu_row.saturated is None
    assert tanh_row.dead is None
    assert tanh_row.saturated == pytest.approx(np.mean(np.abs(caches[1].A) > 0.98))
    assert tanh_row.saturated > 0.5
    assert sigmoid_row.saturated == pytest.approx(
        np.mean((caches[2].A < 0.01) | (caches[2].A > 0.99))
    )
    for row in stats.layers:
        assert row.dW_norm == pytest.approx(np.sqrt(np.sum(grads[f"dW{row.layer}"] ** 2)))
        assert row.mean_abs_dZ == pytest.approx(np.abs(grads[f"dZ{row.layer}"]).mean())
    text = str(stats)
    assert "dead ReLUs" in text
    assert "33.3%" in text


def test_fit_record_keeps_every_epoch_and_plots(tmp_path):
    X, Y = _data(seed=1)
    net = cr.Network([4, 8, 8, 8, 1], hidden="sigmoid", init="small", seed=0)
    history = net.fit(X, Y, epochs=12, learning_rate=0.5, record=True)
    recording = net.recording
    assert recording.epochs == list(range(12))
    norms = recording.gradient_norms()
    assert norms.shape == (12, 4)
    # Vanishing gradients: sigmoid layers with small weights shrink dW towards the input.
    assert np.all(norms[:, 0] < norms[:, 3])
    final = layer_stats(net, X, Y)
    assert [row.dW_norm for row in recording.stats[-1]] == pytest.approx(
        [row.dW_norm for row in final]
    )
    assert len(history) == 12
    path = tmp_path / "norms.png"
    figure = recording.plot(path)
    image = imread(path)
    width, height = figure.get_size_inches() * DPI
    assert image.shape[:2] == (round(height), round(width))
    assert image[..., :3].std() > 0.05  # lines were drawn, not a blank canvas


def test_recorder_as_a_callback_and_its_errors(tmp_path):
    X, Y = _data(seed=2)
    net = cr.Network([4, 3, 1], seed=1)
    recorder = Recorder(X, Y)
    with pytest.raises(ValueError, match="nothing recorded"):
        recorder.plot(tmp_path / "empty.png")
    recorder(0, None, net)
    net.fit(X, Y, epochs=5, learning_rate=0.1)
    recorder(5, None, net)
    assert recorder.epochs == [0, 5]
    assert recorder.stats[0][0].dW_norm != recorder.stats[1][0].dW_norm
    assert recorder.table().title == "epoch 5"
    assert net.recording is None
