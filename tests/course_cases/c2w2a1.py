# ruff: noqa: NPY002, E501  (the course seeds NumPy's global generator; a cited path)
"""C2W2 A1 (Optimization Methods): the course's public test cases.

Transcribed from github.com/greyhatguy007/deep-learning-specialization,
commit 4f3647d753aee4a80fddb6a58495e0c7b9073072,
"C2-Improving Deep Neural Networks: Hyperparameter Tuning, Regularization and Optimization/week2/pogramming assignments/W2A1/public_tests.py", with the *_test_case() generators of testCases.py in the
same folder inlined (marked "from testCases").
"""

import numpy as np
from numpy import array  # noqa: F401


def update_parameters_with_gd():
    parameters, grads, learning_rate = update_parameters_with_gd_test_case()
    learning_rate = 0.01

    expected_output = {
        "W1": np.array(
            [[1.63535156, -0.62320365, -0.53718766], [-1.07799357, 0.85639907, -2.29470142]]
        ),
        "b1": np.array([[1.74604067], [-0.75184921]]),
        "W2": np.array(
            [
                [0.32171798, -0.25467393, 1.46902454],
                [-2.05617317, -0.31554548, -0.3756023],
                [1.1404819, -1.09976462, -0.1612551],
            ]
        ),
        "b2": np.array([[-0.88020257], [0.02561572], [0.57539477]]),
    }

    return locals()


def random_mini_batches():
    np.random.seed(1)
    mini_batch_size = 2
    X = np.random.randn(7, 3)
    Y = np.random.randn(1, 3) < 0.5
    expected_output = [
        (
            np.array(
                [
                    [-0.52817175, -0.61175641],
                    [-2.3015387, 0.86540763],
                    [0.3190391, -0.7612069],
                    [-2.06014071, 1.46210794],
                    [1.13376944, -0.38405435],
                    [-0.87785842, -0.17242821],
                    [-1.10061918, 0.58281521],
                ]
            ),
            np.array([[False, False]]),
        ),
        (
            np.array(
                [
                    [1.62434536],
                    [-1.07296862],
                    [1.74481176],
                    [-0.24937038],
                    [-0.3224172],
                    [-1.09989127],
                    [0.04221375],
                ]
            ),
            np.array([[False]]),
        ),
    ]
    return locals()


def initialize_velocity():
    parameters = initialize_velocity_test_case()
    expected_output = {
        "dW1": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        "db1": np.array([[0.0], [0.0]]),
        "dW2": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        "db2": np.array([[0.0], [0.0], [0.0]]),
    }
    return locals()


def update_parameters_with_momentum():
    parameters, grads, v = update_parameters_with_momentum_test_case()
    beta = 0.9
    learning_rate = 0.01
    expected_parameters = {
        "W1": np.array(
            [[1.62544598, -0.61290114, -0.52907334], [-1.07347112, 0.86450677, -2.30085497]]
        ),
        "b1": np.array([[1.74493465], [-0.76027113]]),
        "W2": np.array(
            [
                [0.31930698, -0.24990073, 1.4627996],
                [-2.05974396, -0.32173003, -0.38320915],
                [1.13444069, -1.0998786, -0.1713109],
            ]
        ),
        "b2": np.array([[-0.87809283], [0.04055394], [0.58207317]]),
    }
    expected_v = {
        "dW1": np.array(
            [[-0.11006192, 0.11447237, 0.09015907], [0.05024943, 0.09008559, -0.06837279]]
        ),
        "dW2": np.array(
            [
                [-0.02678881, 0.05303555, -0.06916608],
                [-0.03967535, -0.06871727, -0.08452056],
                [-0.06712461, -0.00126646, -0.11173103],
            ]
        ),
        "db1": np.array([[-0.01228902], [-0.09357694]]),
        "db2": np.array([[0.02344157], [0.16598022], [0.07420442]]),
    }
    expected_output = (expected_parameters, expected_v)
    return locals()


def initialize_adam():
    parameters = initialize_adam_test_case()
    expected_v = {
        "dW1": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        "db1": np.array([[0.0], [0.0]]),
        "dW2": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        "db2": np.array([[0.0], [0.0], [0.0]]),
    }
    expected_s = {
        "dW1": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        "db1": np.array([[0.0], [0.0]]),
        "dW2": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        "db2": np.array([[0.0], [0.0], [0.0]]),
    }
    expected_output = (expected_v, expected_s)
    return locals()


def update_parameters_with_adam():
    parametersi, grads, vi, si = update_parameters_with_adam_test_case()

    t = 2
    learning_rate = 0.02
    beta1 = 0.8
    beta2 = 0.888
    epsilon = 1e-2

    c1 = 1.0 / (1 - beta1**t)
    c2 = 1.0 / (1 - beta2**t)

    expected_v = {
        "dW1": np.array([-0.22012384, 0.22894474, 0.18031814]),
        "dW2": np.array([-0.05357762, 0.10607109, -0.13833215]),
        "db1": np.array([-0.02457805]),
        "db2": np.array([0.04688314]),
    }
    expected_s = {
        "dW1": np.array([0.13567261, 0.14676395, 0.09104097]),
        "dW2": np.array([8.03757060e-03, 3.15030152e-02, 5.35801947e-02]),
        "db1": np.array([0.00169142]),
        "db2": np.array([0.00615448]),
    }
    expected_parameters = {
        "W1": np.array([1.63942428, -0.6268425, -0.54320974]),
        "W2": np.array([0.33356139, -0.26425199, 1.47707772]),
        "b1": np.array([1.75854357]),
        "b2": np.array([-0.89228024]),
    }

    return locals()


def update_lr():
    learning_rate = 0.5
    epoch_num = 2
    decay_rate = 1
    expected_output = 0.16666666666666666

    return locals()


def schedule_lr_decay():
    learning_rate = 0.5
    epoch_num_1 = 100
    epoch_num_2 = 10
    decay_rate = 1
    time_interval = 100
    expected_output_1 = 0.25
    expected_output_2 = 0.5

    # and the test's second pair of cases:
    learning_rate_2 = 0.3
    epoch_num_1_2 = 1000
    epoch_num_2_2 = 100
    decay_rate_2 = 0.25
    time_interval_2 = 100
    expected_output_1_2 = 0.085714285
    expected_output_2_2 = 0.24
    return locals()


# --- from testCases.py (same folder and commit) ---


def update_parameters_with_gd_test_case():
    np.random.seed(1)
    learning_rate = 0.01
    W1 = np.random.randn(2, 3)
    b1 = np.random.randn(2, 1)
    W2 = np.random.randn(3, 3)
    b2 = np.random.randn(3, 1)

    dW1 = np.random.randn(2, 3)
    db1 = np.random.randn(2, 1)
    dW2 = np.random.randn(3, 3)
    db2 = np.random.randn(3, 1)

    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

    return parameters, grads, learning_rate


def initialize_velocity_test_case():
    np.random.seed(1)
    W1 = np.random.randn(2, 3)
    b1 = np.random.randn(2, 1)
    W2 = np.random.randn(3, 3)
    b2 = np.random.randn(3, 1)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return parameters


def update_parameters_with_momentum_test_case():
    np.random.seed(1)
    W1 = np.random.randn(2, 3)
    b1 = np.random.randn(2, 1)
    W2 = np.random.randn(3, 3)
    b2 = np.random.randn(3, 1)

    dW1 = np.random.randn(2, 3)
    db1 = np.random.randn(2, 1)
    dW2 = np.random.randn(3, 3)
    db2 = np.random.randn(3, 1)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    v = {
        "dW1": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        "dW2": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        "db1": np.array([[0.0], [0.0]]),
        "db2": np.array([[0.0], [0.0], [0.0]]),
    }
    return parameters, grads, v


def initialize_adam_test_case():
    np.random.seed(1)
    W1 = np.random.randn(2, 3)
    b1 = np.random.randn(2, 1)
    W2 = np.random.randn(3, 3)
    b2 = np.random.randn(3, 1)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return parameters


def update_parameters_with_adam_test_case():
    np.random.seed(1)
    v, s = (
        {
            "dW1": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
            "dW2": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
            "db1": np.array([[0.0], [0.0]]),
            "db2": np.array([[0.0], [0.0], [0.0]]),
        },
        {
            "dW1": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
            "dW2": np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
            "db1": np.array([[0.0], [0.0]]),
            "db2": np.array([[0.0], [0.0], [0.0]]),
        },
    )
    W1 = np.random.randn(2, 3)
    b1 = np.random.randn(2, 1)
    W2 = np.random.randn(3, 3)
    b2 = np.random.randn(3, 1)

    dW1 = np.random.randn(2, 3)
    db1 = np.random.randn(2, 1)
    dW2 = np.random.randn(3, 3)
    db2 = np.random.randn(3, 1)

    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

    return parameters, grads, v, s


# --- from Optimization_methods.ipynb (same folder and commit): its "Expected values" and
# "Expected output" cells and the printed output of the random_mini_batches cell ---


def adam_expected_values():
    """The markdown cell after update_parameters_with_adam: every row, not only row 0."""
    parametersi, grads, vi, si = update_parameters_with_adam_test_case()
    t, learning_rate, beta1, beta2, epsilon = 2, 0.02, 0.8, 0.888, 1e-2
    expected_parameters = {
        "W1": np.array(
            [[1.63942428, -0.6268425, -0.54320974], [-1.08782943, 0.85036983, -2.2865723]]
        ),
        "W2": np.array(
            [
                [0.33356139, -0.26425199, 1.47707772],
                [-2.04538458, -0.30744933, -0.36903141],
                [1.14873036, -1.09256871, -0.15734651],
            ]
        ),
        "b1": np.array([[1.75854357], [-0.74616067]]),
        "b2": np.array([[-0.89228024], [0.02707193], [0.56782561]]),
    }
    return locals()


def schedule_lr_decay_expected_output():
    learning_rate = 0.5
    epoch_num_1 = 10
    epoch_num_2 = 100
    decay_rate = 0.3
    time_interval = 100
    expected_1 = 0.5
    expected_2 = 0.3846153846153846
    return locals()


def random_mini_batches_printed():
    """random_mini_batches_test_case() of testCases.py, and what the notebook's cell printed."""
    np.random.seed(1)
    mini_batch_size = 64
    X = np.random.randn(12288, 148)
    Y = np.random.randn(1, 148) < 0.5
    expected_shapes = [((12288, 64), (1, 64)), ((12288, 64), (1, 64)), ((12288, 20), (1, 20))]
    expected_sanity_check = np.array([0.90085595, -0.7612069, 0.2344157])  # batches[0][0][0][0:3]
    return locals()
