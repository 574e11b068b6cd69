"""Shape errors in the course's terms: the layer, the names, the shapes and the likely cause."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import course
from course_reference import course_case


def test_W2_that_does_not_fit_A1_names_layer_2_in_the_network():
    X, _, _ = course_case()
    net = cr.Network([5, 4, 3, 1])
    net.params["W2"] = np.ones((3, 5))  # made for X (5 features), not A1 (4 units)
    with pytest.raises(ValueError) as error:
        net.forward(X)
    message = str(error.value)
    assert "layer 2" in message
    assert "W2 is (3, 5)" in message
    assert "A1 must be (5, m)" in message
    assert "got (4, 4)" in message
    assert "as if it were made for X" in message


def test_W2_that_does_not_fit_A1_names_layer_2_in_L_model_forward():
    X, _, parameters = course_case()
    parameters["W2"] = np.ones((3, 5))
    with pytest.raises(ValueError, match=r"layer 2: W2 is \(3, 5\), so A1 must be \(5, m\)"):
        course.L_model_forward(X, parameters)


def test_X_passed_where_A1_belongs():
    X, _, parameters = course_case()
    with pytest.raises(ValueError) as error:
        cr.shapes.check_linear(parameters["W2"], X, parameters["b2"], layer=2, n_x=5)
    assert str(error.value) == (
        "layer 2: W2 is (3, 4), so A1 must be (4, m); got (5, 4) — did you pass X instead of A1?"
    )
    with pytest.raises(
        ValueError, match=r"W is \(3, 4\), so A_prev must be \(4, m\); got \(5, 4\)"
    ):
        course.linear_activation_forward(X, parameters["W2"], parameters["b2"], "relu")


def test_transposed_W_and_b():
    X, _, parameters = course_case()
    with pytest.raises(ValueError, match=r"W looks transposed"):
        course.linear_forward(X, parameters["W1"].T, parameters["b1"])
    with pytest.raises(ValueError, match=r"b must be \(4, 1\); got \(1, 4\) — did you transpose b"):
        course.linear_forward(X, parameters["W1"], parameters["b1"].T)


def test_rank_1_arrays_get_the_reshape_hint():
    X, _, parameters = course_case()
    with pytest.raises(ValueError, match=r"reshape\(4, 1\)"):
        course.linear_forward(X, parameters["W1"], np.zeros(4))
    with pytest.raises(ValueError, match=r"X.reshape\(5, 1\).*X.reshape\(1, 5\)"):
        cr.Network([5, 1]).forward(np.zeros(5))
    net = cr.Network([5, 4, 1])
    net.params["b2"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"b2 must be 2-D.*reshape\(1, 1\)"):
        net.forward(X)


def test_backward_shapes():
    X, _, parameters = course_case()
    _, cache = course.linear_forward(X, parameters["W1"], parameters["b1"])
    with pytest.raises(ValueError, match=r"dZ must have the shape of Z, \(n_l, m\) = \(4, 4\)"):
        course.linear_backward(np.ones((4, 5)), cache)
    with pytest.raises(ValueError, match=r"a cache is \(\(A_prev, W, b\), Z\)"):
        course.linear_activation_backward(np.ones((4, 4)), cache, "relu")
