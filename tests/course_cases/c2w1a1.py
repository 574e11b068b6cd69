# ruff: noqa: E501  (the course seeds NumPy's global generator; a cited path)
"""C2W1 A1 (Initialization): the course's public test cases.

Transcribed from github.com/greyhatguy007/deep-learning-specialization,
commit fa8b368576b005ff9e4754420d46c2650e84d7af,
"C2-Improving Deep Neural Networks: Hyperparameter Tuning, Regularization and Optimization/week1/programming assignments/W1A1/public_tests.py".
"""

import numpy as np
from numpy import array  # noqa: F401


def initialize_parameters_zeros():
    layer_dims = [3, 2, 1]
    expected_output = {
        "W1": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        "b1": np.array([[0.0], [0.0]]),
        "W2": np.array([[0.0, 0.0]]),
        "b2": np.array([[0.0]]),
    }

    return locals()


def initialize_parameters_random():
    layer_dims = [3, 2, 1]
    expected_output = {
        "W1": np.array(
            [[17.88628473, 4.36509851, 0.96497468], [-18.63492703, -2.77388203, -3.54758979]]
        ),
        "b1": np.array([[0.0], [0.0]]),
        "W2": np.array([[-0.82741481, -6.27000677]]),
        "b2": np.array([[0.0]]),
    }

    return locals()


def initialize_parameters_he():

    layer_dims = [3, 1, 2]
    expected_output = {
        "W1": np.array([[1.46040903, 0.3564088, 0.07878985]]),
        "b1": np.array([[0.0]]),
        "W2": np.array([[-2.63537665], [-0.39228616]]),
        "b2": np.array([[0.0], [0.0]]),
    }

    return locals()


# --- from Initialization.ipynb (same folder and commit): the He cell's "Expected output" ---


def notebook_initialize_parameters_he():
    layers_dims = [2, 4, 1]
    expected_output = {
        "W1": np.array(
            [
                [1.78862847, 0.43650985],
                [0.09649747, -1.8634927],
                [-0.2773882, -0.35475898],
                [-0.08274148, -0.62700068],
            ]
        ),
        "b1": np.array([[0.0], [0.0], [0.0], [0.0]]),
        "W2": np.array([[-0.03098412, -0.33744411, -0.92904268, 0.62552248]]),
        "b2": np.array([[0.0]]),
    }
    return locals()
