"""chainrule.course.gradient_checking against the course's public tests (C2W1 A3).

Inputs and expected values: tests/course_cases/c2w1a3.py (see its citation:
greyhatguy007/deep-learning-specialization, commit ab0f9935659adfe9fa429ef5588a379608bcd5e0,
.../week1/programming assignments/W1A3/public_tests.py, testCases.py, Gradient_Checking.ipynb).
The course checks with np.allclose / np.isclose; the values here are also exact.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.course import gradient_checking as gc
from course_cases import c2w1a3


@pytest.mark.parametrize("name", ["forward_propagation", "backward_propagation", "gradient_check"])
def test_one_dimensional(name):
    c = getattr(c2w1a3, name)()
    output = getattr(gc, name)(c["x"], c["theta"])
    assert np.allclose(c["expected_output"], output)  # the course's single_test
    assert output == c["expected_output"]


def test_gradient_check_prints_the_verdict(capsys):
    gc.gradient_check(2, 4, print_msg=True)
    assert "works perfectly fine! difference = 2.919335883291695e-10" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("backward", "index", "verdict"),
    [
        (gc.backward_propagation_n, 0, "There is a mistake in the backward propagation!"),
        (gc.backward_propagation_n_correct, 1, "Your backward propagation works perfectly fine!"),
    ],
)
def test_gradient_check_n(backward, index, verdict, capsys):
    c = c2w1a3.gradient_check_n()
    X, Y, parameters = c["x"], c["y"], c["parameters"]
    _, cache = gc.forward_propagation_n(X, Y, parameters)
    difference = gc.gradient_check_n(parameters, backward(X, Y, cache), X, Y, 1e-7, True)
    assert not isinstance(difference, np.ndarray)  # the notebook's assertion
    assert np.isclose(difference, c["expected_values"][index])
    assert difference == c["expected_values"][index]
    assert verdict in capsys.readouterr().out


def test_the_planted_mistakes_are_dW2_and_db1_only():
    c = c2w1a3.gradient_check_n()
    _, cache = gc.forward_propagation_n(c["x"], c["y"], c["parameters"])
    course = gc.backward_propagation_n(c["x"], c["y"], cache)
    correct = gc.backward_propagation_n_correct(c["x"], c["y"], cache)
    assert list(course) == list(correct)
    for key, value in correct.items():
        factor = {"dW2": 2, "db1": 4}.get(key, 1)
        np.testing.assert_array_equal(course[key], value * factor, err_msg=key)


def test_the_correct_gradients_equal_the_network_ones():
    c = c2w1a3.gradient_check_n()
    X, Y, parameters = c["x"], c["y"].reshape(1, -1), c["parameters"]
    _, cache = gc.forward_propagation_n(X, Y, parameters)
    grads = gc.backward_propagation_n_correct(X, Y, cache)
    net = cr.Network([4, 5, 3, 1])
    net.params = {key: value.copy() for key, value in parameters.items()}
    net_grads = net.gradients(X, Y)
    for key in ("dW1", "db1", "dW2", "db2", "dW3", "db3"):
        np.testing.assert_allclose(grads[key], net_grads[key], rtol=1e-12, atol=1e-15)


def test_vectors_round_trip():
    parameters = c2w1a3.gradient_check_n()["parameters"]
    theta, keys = gc.dictionary_to_vector(parameters)
    assert theta.shape == (47, 1) and keys[:21] == ["W1"] * 20 + ["b1"]
    back = gc.vector_to_dictionary(theta)
    for key, value in parameters.items():
        np.testing.assert_array_equal(back[key], value)
    grads = {f"d{key}": value for key, value in parameters.items()}
    np.testing.assert_array_equal(gc.gradients_to_vector(grads), theta)
