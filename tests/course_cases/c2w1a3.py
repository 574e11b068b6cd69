# ruff: noqa: NPY002, E501  (the course seeds NumPy's global generator; a cited path)
"""C2W1 A3 (Gradient Checking): the course's public test cases.

Transcribed from github.com/greyhatguy007/deep-learning-specialization,
commit ab0f9935659adfe9fa429ef5588a379608bcd5e0, in
"C2-Improving Deep Neural Networks: Hyperparameter Tuning, Regularization and Optimization/week1/programming assignments/W1A3/":
public_tests.py (forward_propagation, backward_propagation, gradient_check), testCases.py
(gradient_check_n_test_case) and Gradient_Checking.ipynb (the cell after gradient_check_n:
``expected_values = [0.2850931567761623, 1.1890913024229996e-07]``, with and without the
two mistakes that backward_propagation_n plants).
"""

import numpy as np


def forward_propagation():
    x, theta = 2, 4
    expected_output = 8
    return locals()


def backward_propagation():
    x, theta = 2, 4
    expected_output = 2
    return locals()


def gradient_check():
    x, theta = 2, 4
    expected_output = 2.919335883291695e-10
    return locals()


def gradient_check_n():
    np.random.seed(1)
    x = np.random.randn(4, 3)
    y = np.array([1, 1, 0])
    W1 = np.random.randn(5, 4)
    b1 = np.random.randn(5, 1)
    W2 = np.random.randn(3, 5)
    b2 = np.random.randn(3, 1)
    W3 = np.random.randn(1, 3)
    b3 = np.random.randn(1, 1)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}
    expected_values = [0.2850931567761623, 1.1890913024229996e-07]
    return locals()
