"""chainrule.course.deep against the course's own public tests (C1W4, both assignments).

Inputs and expected values: tests/course_cases/w4a1.py and w4a2.py, transcribed from
github.com/greyhatguy007/deep-learning-specialization (commit
8b0a2b5552f0529e05c1b5746d4a480e00491711), C1-NeuralNetworksAndDeepLearning/week4/
W4A1/public_tests.py and W4A2/public_tests.py. ``course_check`` is the course's
multiple_test (types, keys, shapes, 6 decimals).
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import course
from chainrule.course import deep
from course_cases import w4a1, w4a2
from course_cases.checks import course_check


def test_initialize_parameters_seeds_1():
    c = w4a1.initialize_parameters()
    course_check(c["expected_output"], deep.initialize_parameters(c["n_x"], c["n_h"], c["n_y"]))


def test_initialize_parameters_deep_seeds_3_and_scales_by_0_01():
    c = w4a1.initialize_parameters_deep()
    course_check(c["expected_output"], deep.initialize_parameters_deep(c["layer_dims"]))


def test_linear_forward():
    c = w4a1.linear_forward()
    course_check(c["expected_output"], deep.linear_forward(c["A_prev"], c["W"], c["b"]))


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_linear_activation_forward(activation):
    c = w4a1.linear_activation_forward()
    output = deep.linear_activation_forward(c["A_prev"], c["W"], c["b"], activation)
    course_check(c[f"expected_output_{activation}"], output)


def test_L_model_forward_values_and_caches():
    c = w4a1.L_model_forward()
    course_check(c["expected_output"], deep.L_model_forward(c["X"], c["parameters"]))


def test_compute_cost():
    c = w4a1.compute_cost()
    cost = deep.compute_cost(c["AL"], c["Y"])
    assert np.allclose(c["expected_output"], cost)  # the course's single_test
    assert isinstance(cost, np.ndarray) and cost.ndim == 0


def test_linear_backward():
    c = w4a1.linear_backward()
    course_check(c["expected_output"], deep.linear_backward(c["dZ"], c["linear_cache"]))


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_linear_activation_backward(activation):
    c = w4a1.linear_activation_backward()
    output = deep.linear_activation_backward(c["dA"], c["linear_activation_cache"], activation)
    course_check(c[f"expected_output_{activation}"], output)


def test_L_model_backward_reads_sigmoid_prime_from_Z_not_AL():
    c = w4a1.L_model_backward()
    # The course's AL is randn, not σ(Z2): the cache detector says so, the values are the course's.
    with pytest.warns(cr.MistakeWarning, match="inconsistent"):
        grads = deep.L_model_backward(c["AL"], c["Y"], c["caches"])
    course_check(c["expected_output"], grads)


def test_update_parameters():
    c = w4a1.update_parameters()
    kept = {key: value.copy() for key, value in c["parameters"].items()}
    course_check(c["expected_output"], deep.update_parameters(c["parameters"], c["grads"], 0.1))
    for key, value in kept.items():
        np.testing.assert_array_equal(c["parameters"][key], value)


def test_dnn_utils_helpers_return_what_the_course_returns():
    Z = np.array([[-1.0, 0.0, 2.0]])
    A, cache = deep.sigmoid(Z)
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-Z)), rtol=1e-15)
    assert cache is not None and np.array_equal(cache, Z)
    A, cache = deep.relu(Z)
    assert np.array_equal(A, [[0.0, 0.0, 2.0]]) and np.array_equal(cache, Z)
    dA = np.array([[3.0, -2.0, 5.0]])
    assert np.array_equal(deep.relu_backward(dA, Z), [[0.0, 0.0, 5.0]])
    s = 1 / (1 + np.exp(-Z))
    np.testing.assert_allclose(deep.sigmoid_backward(dA, Z), dA * s * (1 - s), rtol=1e-15)


@pytest.mark.parametrize("model", ["two_layer_model", "L_layer_model"])
def test_models_reproduce_the_course_parameters_and_costs(model, capsys):
    c = getattr(w4a2, model)()
    target = getattr(deep, model)
    first = (c["X"], c["Y"], c["layers_dims"], c["learning_rate"], c["num_iterations"])
    course_check(c["expected_output1"], target(*first))
    course_check(c["expected_output2"], target(*c["second_input"]))
    # Latest revision (the one transcribed): costs.append runs when `i % 100 == 0 or
    # i == num_iterations`, and the second clause never holds, so 2 or 3 iterations keep one
    # cost (the expected lists above have length 1); `print_cost and i % 100 == 0 or
    # i == num_iterations - 1` prints the last iteration even with print_cost=False.
    printed = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in printed] == [
        "Cost after iteration 1",
        "Cost after iteration 2",
    ]


def test_L_model_backward_equals_the_network_on_a_consistent_cache():
    c = w4a1.L_model_forward()
    X, parameters = c["X"], c["parameters"]
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    AL, caches = deep.L_model_forward(X, parameters)
    grads = deep.L_model_backward(AL, Y, caches)
    for fused in (False, None):
        net = cr.Network([5, 4, 3, 1], fused=fused)
        net.params = {key: value.copy() for key, value in parameters.items()}
        net_grads = net.gradients(X, Y)
        assert set(grads) <= set(net_grads)
        for key, value in grads.items():  # dA0 … dA2, dW1 … dW3, db1 … db3
            np.testing.assert_allclose(value, net_grads[key], rtol=1e-12, atol=1e-12, err_msg=key)


def test_predict_prints_the_accuracy_and_returns_floats(capsys):
    c = w4a1.L_model_forward()
    Y = np.array([[0, 1, 1, 0]])
    p = deep.predict(c["X"], Y, c["parameters"])
    assert p.dtype == np.float64 and np.array_equal(p, [[0.0, 1.0, 0.0, 0.0]])
    assert capsys.readouterr().out == "Accuracy: 0.75\n"


def test_the_C1W4_names_stay_importable_from_chainrule_course():
    for name in deep.__all__:
        assert getattr(course, name) is getattr(deep, name)
