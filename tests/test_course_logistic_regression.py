"""chainrule.course.logistic_regression against the course's public tests (C1W2 A2).

Inputs and expected values: tests/course_cases/w2a2.py, transcribed from
github.com/greyhatguy007/deep-learning-specialization (commit
bb72981390583e8ea83d900ed21720fadd297961), C1-NeuralNetworksAndDeepLearning/week2/W2A2/
public_tests.py; the assertions below are that file's, with its tolerances (np.allclose).
"""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.course import logistic_regression as lr
from course_cases import w2a2


def test_sigmoid():
    output = lr.sigmoid(w2a2.sigmoid()["x"])
    assert type(output) is np.ndarray
    assert np.allclose(output, [0.5, 0.88079708])
    assert np.allclose(lr.sigmoid(1), 0.7310585)


@pytest.mark.parametrize("case", [w2a2.initialize_with_zeros_1, w2a2.initialize_with_zeros_2])
def test_initialize_with_zeros(case):
    dim = case()["dim"]
    w, b = lr.initialize_with_zeros(dim)
    assert type(b) is float and b == 0.0
    assert type(w) is np.ndarray and w.shape == (dim, 1) and not w.any()


def test_propagate():
    c = w2a2.propagate()
    grads, cost = lr.propagate(c["w"], c["b"], c["X"], c["Y"])
    assert type(grads["dw"]) is np.ndarray and grads["dw"].shape == c["w"].shape
    assert np.allclose(grads["dw"], c["expected_dw"])
    assert np.allclose(grads["db"], c["expected_db"])
    assert np.allclose(cost, c["expected_cost"])
    assert isinstance(cost, np.ndarray) and cost.ndim == 0  # np.squeeze(np.array(cost))


def test_optimize(capsys):
    c = w2a2.optimize()
    w = c["w"].copy()
    params, grads, costs = lr.optimize(
        c["w"], c["b"], c["X"], c["Y"], num_iterations=101, learning_rate=0.1, print_cost=True
    )
    assert type(costs) is list and len(costs) == 2
    assert np.allclose(costs, c["expected_cost"])
    for got, expected in ((grads["dw"], c["expected_dw"]), (params["w"], c["expected_w"])):
        assert type(got) is np.ndarray and got.shape == w.shape and np.allclose(got, expected)
    assert np.allclose(grads["db"], c["expected_db"])
    assert np.allclose(params["b"], c["expected_b"])
    np.testing.assert_array_equal(c["w"], w)  # copied, as the notebook's deepcopy
    assert capsys.readouterr().out.splitlines() == [
        "Cost after iteration 0: 5.801545",
        "Cost after iteration 100: 0.310571",
    ]


def test_predict():
    c = w2a2.predict()
    pred = lr.predict(c["w"], c["b"], c["X"])
    assert type(pred) is np.ndarray and pred.shape == (1, c["X"].shape[1])
    assert np.allclose(pred, [[1.0, 0.0, 1.0]])


def test_model(capsys):
    c = w2a2.model()
    expected = c["expected_output"]
    d = lr.model(c["X"], c["Y"], c["x_test"], c["y_test"], num_iterations=50, learning_rate=0.01)
    assert type(d["costs"]) is list and len(d["costs"]) == 1
    assert np.allclose(d["costs"], expected["costs"])
    assert type(d["w"]) is np.ndarray and d["w"].shape == (c["X"].shape[0], 1)
    assert np.allclose(d["w"], expected["w"]) and np.allclose(d["b"], expected["b"])
    for key, m in (("Y_prediction_test", 3), ("Y_prediction_train", 7)):
        assert type(d[key]) is np.ndarray and d[key].shape == (1, m)
        assert np.allclose(d[key], expected[key])
    assert d["learning_rate"] == 0.01 and d["num_iterations"] == 50
    assert capsys.readouterr().out == ""  # accuracies print only with print_cost


def test_propagate_notebook_expected_output():
    c = w2a2.notebook_propagate()
    grads, cost = lr.propagate(c["w"], c["b"], c["X"], c["Y"])
    assert type(grads["db"]) is np.float64  # the notebook cell's assertion
    np.testing.assert_allclose(grads["dw"], c["expected_dw"], rtol=1e-7)
    assert grads["db"] == pytest.approx(c["expected_db"], rel=1e-12)
    assert cost == pytest.approx(c["expected_cost"], rel=1e-12)
