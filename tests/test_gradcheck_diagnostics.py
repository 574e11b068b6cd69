"""gradcheck's per-parameter verdicts, kinks and worst entries."""

from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.tools.gradcheck import has_kink


def _data(n_x=3, m=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_x, m)), (rng.random((1, m)) > 0.5).astype(float)


def test_scaled_db2_is_the_only_failing_parameter(monkeypatch):
    X, Y = _data()
    net = cr.Network([3, 4, 3, 1], hidden="tanh", init="xavier", seed=2)
    net.params["b2"] += 0.3  # db2 away from 0, so a 1% error is measurable
    honest = cr.gradcheck(net, X, Y)
    assert honest.passed()
    assert honest.failing() == []

    backward = cr.Network.backprop

    def scaled_db2(self, *args, **kwargs):
        grads = backward(self, *args, **kwargs)
        grads["db2"] = grads["db2"] * 1.01
        return grads

    monkeypatch.setattr(cr.Network, "backprop", scaled_db2)
    result = cr.gradcheck(net, X, Y)
    assert not result.passed()
    assert result.failing() == ["db2"]
    assert result.per_parameter["b2"] > 1e-3
    assert all(value < 2e-7 for name, value in result.per_parameter.items() if name != "b2")
    assert result.worst(1)[0][0].startswith("db2[")
    text = str(result)
    assert "FAILED (db2)" in text
    assert [line.split()[0] for line in text.splitlines() if line.endswith("FAILED")] == ["db2"]


def test_relu_kink_is_reported_as_a_kink_not_a_failure():
    X, Y = _data(seed=1)
    net = cr.Network([3, 4, 1], hidden="relu", seed=1)
    # Put unit 0 of layer 1 just past its kink on example 0: Z1[0, 0] = 1e-9.
    net.params["b1"][0, 0] = 1e-9 - float(net.params["W1"][0] @ X[:, 0])
    result = cr.gradcheck(net, X, Y)
    assert result.kinks["b1"][0, 0]
    assert result.kinks["W1"][0].any()
    assert not result.kinks["W2"].any()
    # The straddling centred difference is wrong there (about half relu'): not a bug in backward.
    gap = abs(result.analytic["b1"][0, 0] - result.numeric["b1"][0, 0])
    assert gap > 1e-3 * abs(result.analytic["b1"][0, 0])
    assert result.passed()
    assert result.failing() == []
    assert float(result) > 2e-7  # the course's all-entries number would have flagged it
    assert "db1[0, 0]" in result.kink_entries
    assert "kinks:" in str(result)


def test_which_activations_have_kinks():
    assert has_kink(cr.activation("relu"))
    assert has_kink(cr.activation("leaky_relu"))
    assert has_kink(cr.activation("selu"))
    assert not has_kink(cr.activation("elu"))  # alpha = 1: g' is continuous
    assert not has_kink(cr.activation("tanh"))
    assert not has_kink(cr.activation("softmax"))


def test_float32_network_is_checked_in_float64():
    X, Y = _data()
    net = cr.Network([3, 4, 1], hidden="tanh", dtype=np.float32)
    result = cr.gradcheck(net, X, Y)
    assert result.analytic["W1"].dtype == np.float64
    assert result.passed()
    assert net.params["W1"].dtype == np.float32
