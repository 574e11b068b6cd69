"""chainrule.course.initialization and .regularization against the course's public tests (C2W1).

Inputs and expected values: tests/course_cases/c2w1a1.py and c2w1a2.py, transcribed from
github.com/greyhatguy007/deep-learning-specialization, "C2-Improving Deep Neural Networks:
Hyperparameter Tuning, Regularization and Optimization/week1/programming assignments/"
W1A1/public_tests.py (commit fa8b368576b005ff9e4754420d46c2650e84d7af) and
W1A2/public_tests.py (commit 09ed17be1760cd395528d3171674550700067718). ``course_check``
is the course's multiple_test (types, keys, shapes, 6 decimals).
"""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.course import initialization, regularization
from course_cases import c2w1a1, c2w1a2
from course_cases.checks import course_check


@pytest.mark.parametrize("name", ["zeros", "random", "he"])
def test_initializations(name):
    c = getattr(c2w1a1, f"initialize_parameters_{name}")()
    target = getattr(initialization, f"initialize_parameters_{name}")
    course_check(c["expected_output"], target(c["layer_dims"]))


def test_compute_cost_with_regularization():
    c = c2w1a2.compute_cost_with_regularization()
    cost = regularization.compute_cost_with_regularization(
        c["A3"], c["Y"], c["parameters"], c["lambd"]
    )
    assert isinstance(cost, np.float64)
    assert np.allclose(cost, c["expected_output"])


def test_backward_propagation_with_regularization():
    c = c2w1a2.backward_propagation_with_regularization()
    grads = regularization.backward_propagation_with_regularization(
        c["X"], c["Y"], c["cache"], c["lambd"]
    )
    course_check(c["expected_output"], grads)


def test_forward_propagation_with_dropout_seeds_1_and_keeps_boolean_masks():
    c = c2w1a2.forward_propagation_with_dropout()
    A3, cache = regularization.forward_propagation_with_dropout(
        c["X"], c["parameters"], c["keep_prob"]
    )
    course_check(c["expected_output"], (A3, cache))
    assert cache[1].dtype == bool and cache[6].dtype == bool


def test_backward_propagation_with_dropout():
    c = c2w1a2.backward_propagation_with_dropout()
    grads = regularization.backward_propagation_with_dropout(
        c["X"], c["Y"], c["cache"], c["keep_prob"]
    )
    course_check(c["expected_output"], grads)


def test_without_dropout_or_lambda_both_backward_passes_agree():
    c = c2w1a2.forward_propagation_with_dropout()
    _, cache = regularization.forward_propagation_with_dropout(c["X"], c["parameters"], 1.0)
    Y = np.array([[1, 1, 0, 1, 0]])
    plain = [item for index, item in enumerate(cache) if index not in (1, 6)]
    dropout = regularization.backward_propagation_with_dropout(c["X"], Y, cache, 1.0)
    l2 = regularization.backward_propagation_with_regularization(c["X"], Y, tuple(plain), 0.0)
    for key, value in dropout.items():
        np.testing.assert_allclose(l2[key], value, rtol=1e-14, atol=0, err_msg=key)


def test_initialize_parameters_he_notebook_expected_output():
    c = c2w1a1.notebook_initialize_parameters_he()
    course_check(c["expected_output"], initialization.initialize_parameters_he(c["layers_dims"]))
