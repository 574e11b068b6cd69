# ruff: noqa: NPY002  (the course seeds and draws from NumPy's global generator)
"""C1W2 A2 (Logistic Regression with a Neural Network mindset): the course's public tests.

Transcribed (inputs and expected values) from github.com/greyhatguy007/deep-learning-specialization,
commit bb72981390583e8ea83d900ed21720fadd297961,
C1-NeuralNetworksAndDeepLearning/week2/W2A2/public_tests.py. The assertions' inline
values (sigmoid's [0.5, 0.88079708], predict's [[1., 0., 1.]], …) are in the tests.
"""

import numpy as np
from numpy import array  # noqa: F401


def sigmoid():
    x = np.array([0, 2])
    return locals()


def initialize_with_zeros_1():
    dim = 3
    return locals()


def initialize_with_zeros_2():
    dim = 4
    return locals()


def propagate():
    w, b = (
        np.array([[1.0], [2.0], [-1]]),
        2.5,
    )
    X = np.array([[1.0, 2.0, -1.0, 0], [3.0, 4.0, -3.2, 1], [3.0, 4.0, -3.2, -3.5]])
    Y = np.array([[1, 1, 0, 0]])

    expected_dw = np.array([[-0.03909333], [0.12501464], [-0.99960809]])
    expected_db = np.float64(0.288106326429569)
    expected_grads = {"dw": expected_dw, "db": expected_db}
    expected_cost = np.array(2.0424567983978403)
    expected_output = (expected_grads, expected_cost)

    return locals()


def optimize():
    w, b, X, Y = (
        np.array([[1.0], [2.0]]),
        2.0,
        np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]),
        np.array([[1, 0, 1]]),
    )
    expected_w = np.array([[-0.70916784], [-0.42390859]])
    expected_b = np.float64(2.26891346)
    expected_params = {"w": expected_w, "b": expected_b}

    expected_dw = np.array([[0.06188603], [-0.01407361]])
    expected_db = np.float64(-0.04709353)
    expected_grads = {"dw": expected_dw, "db": expected_db}

    expected_cost = [5.80154532, 0.31057104]
    expected_output = (expected_params, expected_grads, expected_cost)

    return locals()


def predict():
    w = np.array([[0.3], [0.5], [-0.2]])
    b = -0.33333
    X = np.array([[1.0, -0.3, 1.5], [2, 0, 1], [0, -1.5, 2]])

    return locals()


def model():
    np.random.seed(0)

    expected_output = {
        "costs": [np.array(0.69314718)],
        "Y_prediction_test": np.array([[1.0, 1.0, 0.0]]),
        "Y_prediction_train": np.array([[1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0]]),
        "w": np.array([[0.08639757], [-0.08231268], [-0.11798927], [0.12866053]]),
        "b": -0.03983236094816321,
    }

    # Use 3 samples for training
    b, Y, X = (
        1.5,
        np.array([1, 0, 0, 1, 0, 0, 1]).reshape(1, 7),
        np.random.randn(4, 7),
    )

    # Use 6 samples for testing
    x_test = np.random.randn(4, 3)
    y_test = np.array([0, 1, 0])

    return locals()


# --- from Logistic_Regression_with_a_Neural_Network_mindset.ipynb (same folder and commit):
# the propagate cell and its "Expected output" ---


def notebook_propagate():
    w = np.array([[1.0], [2]])
    b = 1.5
    X = np.array([[1.0, -2.0, -1.0], [3.0, 0.5, -3.2]])
    Y = np.array([[1, 1, 0]])
    expected_dw = np.array([[0.25071532], [-0.06604096]])
    expected_db = -0.1250040450043965
    expected_cost = 0.15900537707692405
    return locals()
