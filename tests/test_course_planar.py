"""chainrule.course.planar against the course's public tests (C1W3 A1).

Inputs and expected values: tests/course_cases/w3a1.py, transcribed from
github.com/greyhatguy007/deep-learning-specialization (commit
afe61ac39d8ab279f21e7aa8060a015b2de2c980), C1-NeuralNetworksAndDeepLearning/week3/W3A1/
public_tests.py and testCases_v2.py; the checks are that file's (types, shapes, np.allclose).
"""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.course import planar
from course_cases import w3a1


def _same(expected, output):
    assert set(output) == set(expected)
    for key, value in expected.items():
        assert type(output[key]) is np.ndarray, key
        assert output[key].shape == value.shape, key
        assert np.allclose(output[key], value), key


def test_layer_sizes():
    c = w3a1.layer_sizes()
    for X, Y, expected in (
        (c["X"], c["Y"], c["expected_output"]),
        (c["X_2"], c["Y_2"], c["expected_output_2"]),
    ):
        output = planar.layer_sizes(X, Y)
        assert type(output) is tuple and output == expected


def test_initialize_parameters_draws_without_seeding():
    # Older revisions seeded 2 inside initialize_parameters; the latest (transcribed) test
    # seeds 2 itself before the call and the function draws unseeded: so does chainrule's.
    c = w3a1.initialize_parameters()
    _same(c["expected_output"], planar.initialize_parameters(c["n_x"], c["n_h"], c["n_y"]))


def test_forward_propagation():
    c = w3a1.forward_propagation()
    A2, cache = planar.forward_propagation(c["X"], c["parameters"])
    assert type(A2) is np.ndarray and A2.shape == c["expected_A2"].shape
    assert np.allclose(A2, c["expected_A2"])
    _same(c["expected_cache"], cache)


def test_compute_cost_returns_a_float():
    c = w3a1.compute_cost()
    output = planar.compute_cost(c["A2"], c["Y"])
    assert type(output) is float
    assert np.isclose(output, c["expected_output"])


def test_backward_propagation_reads_tanh_prime_from_A1():
    c = w3a1.backward_propagation()
    _same(
        c["expected_output"],
        planar.backward_propagation(c["parameters"], c["cache"], c["X"], c["Y"]),
    )


def test_update_parameters():
    c = w3a1.update_parameters()
    _same(c["expected_output"], planar.update_parameters(c["parameters"], c["grads"]))


def test_nn_model_seeds_3():
    c = w3a1.nn_model()
    np.random.seed(0)  # noqa: NPY002 (nn_model seeds 3 itself: any state before gives the same)
    _same(c["expected_output"], planar.nn_model(c["X"], c["Y"], c["n_h"], print_cost=False))


def test_predict():
    c = w3a1.predict()
    assert np.array_equal(planar.predict(c["parameters"], c["X"]), c["expected_output"])


def test_load_planar_dataset():
    X, Y = planar.load_planar_dataset()
    assert X.shape == (2, 400) and X.dtype == np.float64
    assert Y.shape == (1, 400) and Y.dtype == np.uint8
    assert Y[0, :200].sum() == 0 and Y[0, 200:].sum() == 200
    # planar_utils.load_planar_dataset's first draws: np.random.seed(1), t noise then r noise.
    draws = np.random.RandomState(1)
    t = np.linspace(0, 3.12, 200) + draws.randn(200) * 0.2
    r = 4 * np.sin(4 * t) + draws.randn(200) * 0.2
    np.testing.assert_array_equal(X[:, :200], np.c_[r * np.sin(t), r * np.cos(t)].T)


def test_notebook_expected_cost():
    c = w3a1.notebook_compute_cost()
    assert planar.compute_cost(c["a2"], c["Y_assess"]) == pytest.approx(
        c["expected_cost"], rel=1e-12
    )


def test_nn_model_prints_the_notebook_lines(capsys):
    c = w3a1.notebook_nn_model_printed()
    planar.nn_model(c["X_assess"], c["Y_assess"], 4, num_iterations=10000, print_cost=True)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 10
    for i, line in c["expected_lines"].items():
        assert printed[i // 1000] == line


def test_nn_model_on_the_flower_reaches_the_notebook_accuracy():
    c = w3a1.notebook_planar_accuracy()
    X, Y = planar.load_planar_dataset()
    parameters = planar.nn_model(X, Y, n_h=c["n_h"], num_iterations=c["num_iterations"])
    predictions = planar.predict(parameters, X)
    accuracy = float(
        (np.dot(Y, predictions.T) + np.dot(1 - Y, 1 - predictions.T))[0, 0] / Y.size * 100
    )
    assert int(accuracy) == c["expected_accuracy_percent"]
