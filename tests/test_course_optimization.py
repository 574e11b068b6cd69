"""chainrule.course.optimization against the course's public tests (C2W2 A1).

Inputs and expected values: tests/course_cases/c2w2a1.py, transcribed from
github.com/greyhatguy007/deep-learning-specialization (commit
4f3647d753aee4a80fddb6a58495e0c7b9073072), "C2-Improving Deep Neural Networks: Hyperparameter
Tuning, Regularization and Optimization/week2/pogramming assignments/W2A1/" public_tests.py
and testCases.py. The assertions are that file's (np.allclose, types, shapes) or its
multiple_test (``course_check``).
"""

from __future__ import annotations

import numpy as np

from chainrule.course import optimization as opt
from course_cases import c2w2a1
from course_cases.checks import course_check


def test_update_parameters_with_gd():
    c = c2w2a1.update_parameters_with_gd()
    params_up = opt.update_parameters_with_gd(c["parameters"], c["grads"], c["learning_rate"])
    for key in params_up:
        assert type(params_up[key]) is np.ndarray
        assert params_up[key].shape == c["parameters"][key].shape
        assert np.allclose(params_up[key], c["expected_output"][key])


def test_random_mini_batches_seed_0():
    c = c2w2a1.random_mini_batches()
    output = opt.random_mini_batches(c["X"], c["Y"], c["mini_batch_size"])
    course_check(c["expected_output"], output)


def test_initialize_velocity():
    c = c2w2a1.initialize_velocity()
    course_check(c["expected_output"], opt.initialize_velocity(c["parameters"]))


def test_update_parameters_with_momentum_keeps_its_inputs():
    c = c2w2a1.update_parameters_with_momentum()
    arguments = (c["parameters"], c["grads"], c["v"], c["beta"], c["learning_rate"])
    for _ in range(3):  # multiple_test calls it three times with the same inputs
        course_check(c["expected_output"], opt.update_parameters_with_momentum(*arguments))


def test_initialize_adam():
    c = c2w2a1.initialize_adam()
    course_check(c["expected_output"], opt.initialize_adam(c["parameters"]))


def test_update_parameters_with_adam():
    c = c2w2a1.update_parameters_with_adam()
    vi, si, c1, c2 = c["vi"], c["si"], c["c1"], c["c2"]
    parameters, v, s, vc, sc = opt.update_parameters_with_adam(
        c["parametersi"],
        c["grads"],
        vi,
        si,
        c["t"],
        c["learning_rate"],
        c["beta1"],
        c["beta2"],
        c["epsilon"],
    )
    for got, initial, expected in (
        (v, vi, c["expected_v"]),
        (vc, vi, {key: value * c1 for key, value in c["expected_v"].items()}),
        (s, si, c["expected_s"]),
        (sc, si, {key: value * c2 for key, value in c["expected_s"].items()}),
        (parameters, c["parametersi"], c["expected_parameters"]),
    ):
        assert set(got) == set(expected)
        for key in got:
            assert type(got[key]) is np.ndarray and got[key].shape == initial[key].shape
            assert np.allclose(got[key][0], expected[key]), key


def test_update_lr():
    c = c2w2a1.update_lr()
    output = opt.update_lr(c["learning_rate"], c["epoch_num"], c["decay_rate"])
    assert np.isclose(output, c["expected_output"])


def test_schedule_lr_decay():
    c = c2w2a1.schedule_lr_decay()
    for suffix in ("", "_2"):
        for epoch in ("1", "2"):
            output = opt.schedule_lr_decay(
                c[f"learning_rate{suffix}"],
                c[f"epoch_num_{epoch}{suffix}"],
                c[f"decay_rate{suffix}"],
                c[f"time_interval{suffix}"],
            )
            assert np.isclose(output, c[f"expected_output_{epoch}{suffix}"])


def test_load_dataset_is_the_course_moons():
    from sklearn.datasets import make_moons

    train_X, train_Y = opt.load_dataset()
    assert train_X.shape == (2, 300) and train_Y.shape == (1, 300)
    np.random.seed(3)  # noqa: NPY002 (opt_utils: np.random.seed(3), then make_moons(300, noise=.2))
    X, Y = make_moons(n_samples=300, noise=0.2)
    np.testing.assert_array_equal(train_X, X.T)
    np.testing.assert_array_equal(train_Y, Y.reshape(1, 300))


def test_update_parameters_with_adam_notebook_expected_values():
    c = c2w2a1.adam_expected_values()
    arguments = (c["learning_rate"], c["beta1"], c["beta2"], c["epsilon"])
    parameters = opt.update_parameters_with_adam(
        c["parametersi"], c["grads"], c["vi"], c["si"], c["t"], *arguments
    )[0]
    course_check(c["expected_parameters"], parameters)


def test_schedule_lr_decay_notebook_expected_output():
    c = c2w2a1.schedule_lr_decay_expected_output()
    for epoch in ("1", "2"):
        output = opt.schedule_lr_decay(
            c["learning_rate"], c[f"epoch_num_{epoch}"], c["decay_rate"], c["time_interval"]
        )
        assert output == c[f"expected_{epoch}"]


def test_random_mini_batches_notebook_printed_output():
    c = c2w2a1.random_mini_batches_printed()
    batches = opt.random_mini_batches(c["X"], c["Y"], c["mini_batch_size"])
    assert [(X.shape, Y.shape) for X, Y in batches] == c["expected_shapes"]
    np.testing.assert_array_almost_equal(batches[0][0][0][0:3], c["expected_sanity_check"])
