"""chainrule.course against a line-by-line NumPy transcription of the exercise."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import course
from course_reference import (
    course_case,
    ref_compute_cost,
    ref_L_model_backward,
    ref_L_model_forward,
    ref_linear_backward,
    ref_linear_forward,
    ref_update_parameters,
)


def test_L_model_forward_shapes_caches_and_values():
    X, _, parameters = course_case()
    AL, caches = course.L_model_forward(X, parameters)
    ref_AL, ref_caches = ref_L_model_forward(X, parameters)
    assert AL.shape == (1, 4)
    assert len(caches) == 3
    np.testing.assert_allclose(AL, ref_AL, rtol=0, atol=1e-12)
    for (linear, Z), (ref_linear, ref_Z) in zip(caches, ref_caches, strict=True):
        assert len(linear) == 3
        for mine, ref in zip(linear, ref_linear, strict=True):
            np.testing.assert_array_equal(mine, ref)
        np.testing.assert_allclose(Z, ref_Z, rtol=0, atol=1e-12)


def test_L_model_backward_keys_and_values():
    X, Y, parameters = course_case()
    AL, caches = course.L_model_forward(X, parameters)
    grads = course.L_model_backward(AL, Y, caches)
    ref_AL, ref_caches = ref_L_model_forward(X, parameters)
    ref = ref_L_model_backward(ref_AL, Y, ref_caches)
    expected = {"dA0", "dA1", "dA2", "dW1", "dW2", "dW3", "db1", "db2", "db3"}
    assert set(grads) == expected
    for key in expected:
        assert grads[key].shape == ref[key].shape, key
        np.testing.assert_allclose(grads[key], ref[key], rtol=0, atol=1e-12, err_msg=key)


def test_cost_update_and_single_steps_match_the_transcription():
    X, Y, parameters = course_case(seed=3)
    AL, caches = course.L_model_forward(X, parameters)
    assert abs(course.compute_cost(AL, Y) - ref_compute_cost(AL, Y)) <= 1e-12
    assert np.ndim(course.compute_cost(AL, Y)) == 0
    grads = course.L_model_backward(AL, Y, caches)
    updated = course.update_parameters(parameters, grads, 0.1)
    ref_updated = ref_update_parameters(parameters, grads, 0.1)
    for key in parameters:
        np.testing.assert_allclose(updated[key], ref_updated[key], rtol=0, atol=1e-12)
    Z, linear_cache = course.linear_forward(X, parameters["W1"], parameters["b1"])
    np.testing.assert_allclose(Z, ref_linear_forward(X, parameters["W1"], parameters["b1"])[0])
    assert len(linear_cache) == 3
    dZ = np.random.default_rng(0).standard_normal((4, 4))
    for mine, ref in zip(
        course.linear_backward(dZ, linear_cache),
        ref_linear_backward(dZ, linear_cache),
        strict=True,
    ):
        np.testing.assert_allclose(mine, ref, rtol=0, atol=1e-12)


def test_course_backward_equals_the_network_generic_route():
    X, Y, parameters = course_case(seed=4)
    net = cr.Network([5, 4, 3, 1], fused=False)
    net.params = {key: value.copy() for key, value in parameters.items()}
    net_grads = net.backward(*net.forward(X)[:1], Y, net.forward(X)[1])
    AL, caches = course.L_model_forward(X, parameters)
    grads = course.L_model_backward(AL, Y, caches)
    for key, value in grads.items():
        np.testing.assert_allclose(value, net_grads[key], rtol=1e-12, atol=1e-14)


def test_initialize_parameters_deep_seeds_the_global_generator_as_the_course():
    parameters = course.initialize_parameters_deep([5, 4, 3])
    assert {key: value.shape for key, value in parameters.items()} == {
        "W1": (4, 5),
        "b1": (4, 1),
        "W2": (3, 4),
        "b2": (3, 1),
    }
    # The exercise: np.random.seed(3), then randn(n_l, n_{l-1}) * 0.01 layer by layer.
    draws = np.random.RandomState(3)
    np.testing.assert_array_equal(parameters["W1"], draws.randn(4, 5) * 0.01)
    np.testing.assert_array_equal(parameters["W2"], draws.randn(3, 4) * 0.01)
    assert not parameters["b2"].any()


def test_L_layer_model_learns_and_predict_prints_accuracy(capsys):
    data = cr.datasets.load("breast_cancer", seed=0)
    parameters, costs = course.L_layer_model(
        data.X_train, data.Y_train, [data.n_x, 8, 4, 1], learning_rate=0.05, num_iterations=301
    )
    assert len(costs) == 4
    assert costs[-1] < 0.5 * costs[0]
    p = course.predict(data.X_test, data.Y_test, parameters)
    printed = capsys.readouterr().out
    assert p.shape == data.Y_test.shape
    assert set(np.unique(p)) <= {0, 1}
    accuracy = float(printed.split("Accuracy: ")[1])
    assert accuracy == pytest.approx(np.mean(p == data.Y_test))
    assert accuracy > 0.9


def test_compute_cost_warns_when_AL_saturates():
    with pytest.warns(cr.NumericalWarning, match="fused"):
        cost = course.compute_cost(np.array([[1.0, 0.5]]), np.array([[0.0, 1.0]]))
    assert np.isinf(cost)


def test_softmax_output_and_integer_labels_match_the_fused_network():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((5, 6))
    labels = np.array([[0, 1, 2, 0, 1, 2]])
    net = cr.Network([5, 4, 3], output="softmax", loss="cce", seed=5)
    AL, caches = course.L_model_forward(X, net.params, "softmax")
    grads = course.L_model_backward(AL, labels, caches, "softmax", "cce")
    net_grads = net.gradients(X, labels)
    for key, value in grads.items():
        np.testing.assert_allclose(value, net_grads[key], rtol=1e-10, atol=1e-14)


def test_labels_that_do_not_match_AL():
    X, _, parameters = course_case()
    AL, caches = course.L_model_forward(X, parameters)
    with pytest.raises(ValueError, match=r"Y has shape \(1, 5\) but AL is \(1, 4\)"):
        course.compute_cost(AL, np.ones((1, 5)))
    with pytest.raises(ValueError, match="Y has shape"):
        course.L_model_backward(AL, np.ones((1, 5)), caches)
