# ruff: noqa: NPY002  (the course seeds and draws from NumPy's global generator)
"""C1W3 A1 (Planar data classification with one hidden layer): the course's public tests.

Transcribed (inputs and expected values) from github.com/greyhatguy007/deep-learning-specialization,
commit afe61ac39d8ab279f21e7aa8060a015b2de2c980,
C1-NeuralNetworksAndDeepLearning/week3/W3A1/public_tests.py, with nn_model_test_case from
testCases_v2.py in the same folder. The assertions' inline values are in the tests.
"""

import numpy as np
from numpy import array  # noqa: F401


def layer_sizes():
    np.random.seed(1)
    X = np.random.randn(5, 3)
    Y = np.random.randn(2, 3)
    expected_output = (5, 4, 2)
    # and, drawn next from the same generator:
    X_2 = np.random.randn(7, 5)
    Y_2 = np.random.randn(5, 5)
    expected_output_2 = (7, 4, 5)
    return locals()


def initialize_parameters():
    np.random.seed(2)
    n_x, n_h, n_y = 3, 5, 2

    expected_output = {
        "W1": np.array(
            [
                [-0.00416758, -0.00056267, -0.02136196],
                [0.01640271, -0.01793436, -0.00841747],
                [0.00502881, -0.01245288, -0.01057952],
                [-0.00909008, 0.00551454, 0.02292208],
                [0.00041539, -0.01117925, 0.00539058],
            ]
        ),
        "b1": np.array([[0.0], [0.0], [0.0], [0.0], [0.0]]),
        "W2": np.array(
            [
                [-5.96159700e-03, -1.91304965e-04, 1.17500122e-02, -7.47870949e-03, 9.02525097e-05],
                [
                    -8.78107893e-03,
                    -1.56434170e-03,
                    2.56570452e-03,
                    -9.88779049e-03,
                    -3.38821966e-03,
                ],
            ]
        ),
        "b2": np.array([[0.0], [0.0]]),
    }

    return locals()


def forward_propagation():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    b1 = np.random.randn(4, 1)
    b2 = np.array([[-1.3]])

    parameters = {
        "W1": np.array(
            [
                [-0.00416758, -0.00056267],
                [-0.02136196, 0.01640271],
                [-0.01793436, -0.00841747],
                [0.00502881, -0.01245288],
            ]
        ),
        "W2": np.array([[-0.01057952, -0.00909008, 0.00551454, 0.02292208]]),
        "b1": b1,
        "b2": b2,
    }
    expected_A1 = np.array(
        [
            [0.9400694, 0.94101876, 0.94118266],
            [-0.67151964, -0.62547205, -0.65709025],
            [0.29034152, 0.31196971, 0.33449821],
            [-0.22397799, -0.25730819, -0.2197236],
        ]
    )
    expected_A2 = np.array([[0.21292656, 0.21274673, 0.21295976]])

    expected_Z1 = np.array(
        [
            [1.7386459, 1.74687437, 1.74830797],
            [-0.81350569, -0.73394355, -0.78767559],
            [0.29893918, 0.32272601, 0.34788465],
            [-0.2278403, -0.2632236, -0.22336567],
        ]
    )

    expected_Z2 = np.array([[-1.30737426, -1.30844761, -1.30717618]])
    expected_cache = {"Z1": expected_Z1, "A1": expected_A1, "Z2": expected_Z2, "A2": expected_A2}
    expected_output = (expected_A2, expected_cache)

    return locals()


def compute_cost():
    np.random.seed(1)
    Y = np.random.randn(1, 5) > 0
    A2 = np.array([[0.5002307, 0.49985831, 0.50023963, 0.25, 0.7]])

    expected_output = 0.5447066599017815
    return locals()


def backward_propagation():
    np.random.seed(1)
    X = np.random.randn(3, 7)
    Y = np.random.randn(1, 7) > 0
    parameters = {
        "W1": np.random.randn(9, 3),
        "W2": np.random.randn(1, 9),
        "b1": np.array([[0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0]]),
        "b2": np.array([[0.0]]),
    }

    cache = {
        "A1": np.random.randn(9, 7),
        "A2": np.random.randn(1, 7),
        "Z1": np.random.randn(9, 7),
        "Z2": np.random.randn(1, 7),
    }

    expected_output = {
        "dW1": np.array(
            [
                [-0.24468458, -0.24371232, 0.15959609],
                [0.7370069, -0.64785999, 0.23669823],
                [0.47936123, -0.01516428, 0.01566728],
                [0.03361075, -0.0930929, 0.05581073],
                [0.52445178, -0.03895358, 0.09180612],
                [-0.17043596, 0.13406378, -0.20952062],
                [0.76144791, -0.41766018, 0.02544078],
                [0.22164791, -0.33081645, 0.19526915],
                [0.25619969, -0.09561825, 0.05679075],
            ]
        ),
        "db1": np.array(
            [
                [0.1463639],
                [-0.33647992],
                [-0.51738006],
                [-0.07780329],
                [-0.57889514],
                [0.28357278],
                [-0.39756864],
                [-0.10510329],
                [-0.13443244],
            ]
        ),
        "dW2": np.array(
            [
                [
                    -0.35768529,
                    0.22046323,
                    -0.29551566,
                    -0.12202786,
                    0.18809552,
                    0.13700323,
                    0.35892872,
                    -0.02220353,
                    -0.03976687,
                ]
            ]
        ),
        "db2": np.array([[-0.78032466]]),
    }

    return locals()


def update_parameters():
    parameters = {
        "W1": np.array(
            [
                [-0.00615039, 0.0169021],
                [-0.02311792, 0.03137121],
                [-0.0169217, -0.01752545],
                [0.00935436, -0.05018221],
            ]
        ),
        "W2": np.array([[-0.0104319, -0.04019007, 0.01607211, 0.04440255]]),
        "b1": np.array([[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07], [-2.54560700e-06]]),
        "b2": np.array([[9.14954378e-05]]),
    }

    grads = {
        "dW1": np.array(
            [
                [0.00023322, -0.00205423],
                [0.00082222, -0.00700776],
                [-0.00031831, 0.0028636],
                [-0.00092857, 0.00809933],
            ]
        ),
        "dW2": np.array([[-1.75740039e-05, 3.70231337e-03, -1.25683095e-03, -2.55715317e-03]]),
        "db1": np.array([[1.05570087e-07], [-3.81814487e-06], [-1.90155145e-07], [5.46467802e-07]]),
        "db2": np.array([[-1.08923140e-05]]),
    }

    expected_W1 = np.array(
        [
            [-0.00643025, 0.01936718],
            [-0.02410458, 0.03978052],
            [-0.01653973, -0.02096177],
            [0.01046864, -0.05990141],
        ]
    )
    expected_b1 = np.array(
        [[-1.02420756e-06], [1.27373948e-05], [8.32996807e-07], [-3.20136836e-06]]
    )
    expected_W2 = np.array([[-0.01041081, -0.04463285, 0.01758031, 0.04747113]])
    expected_b2 = np.array([[0.00010457]])

    expected_output = {"W1": expected_W1, "b1": expected_b1, "W2": expected_W2, "b2": expected_b2}

    return locals()


def nn_model():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    Y = np.random.randn(1, 3) > 0
    n_h = 4
    # The test then runs nn_model on testCases_v2.nn_model_test_case() (seed 1, the same X
    # and Y) with print_cost=True, calls np.random.seed(3) and checks nn_model(X, Y, n_h,
    # print_cost=False) against:
    expected_output = {
        "W1": np.array(
            [
                [0.56305445, -1.03925886],
                [0.7345426, -1.36286875],
                [-0.72533346, 1.33753027],
                [0.74757629, -1.38274074],
            ]
        ),
        "b1": np.array([[-0.22240654], [-0.34662093], [0.33663708], [-0.35296113]]),
        "W2": np.array([[1.82196893, 3.09657075, -2.98193564, 3.19946508]]),
        "b2": np.array([[0.21344644]]),
    }
    return locals()


def predict():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    parameters = {
        "W1": np.array(
            [
                [-0.00615039, 0.0169021],
                [-0.02311792, 0.03137121],
                [-0.0169217, -0.01752545],
                [0.00935436, -0.05018221],
            ]
        ),
        "W2": np.array([[-0.0104319, -0.04019007, 0.01607211, 0.04440255]]),
        "b1": np.array([[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07], [-2.54560700e-06]]),
        "b2": np.array([[9.14954378e-05]]),
    }
    expected_output = np.array([[True, False, True]])

    return locals()


# --- from Planar_data_classification_with_one_hidden_layer.ipynb and testCases_v2.py (same
# folder and commit): the notebook's "Expected output" cells ---


def notebook_compute_cost():
    """testCases_v2.compute_cost_test_case() and the cell's expected ``cost = 0.69305876…``."""
    np.random.seed(1)
    Y_assess = np.random.randn(1, 3) > 0
    a2 = np.array([[0.5002307, 0.49985831, 0.50023963]])
    expected_cost = 0.6930587610394646
    return locals()


def notebook_nn_model_printed():
    """nn_model_test's print_cost=True run on testCases_v2.nn_model_test_case()."""
    np.random.seed(1)
    X_assess = np.random.randn(2, 3)
    Y_assess = np.random.randn(1, 3) > 0
    expected_lines = {
        0: "Cost after iteration 0: 0.693198",
        1000: "Cost after iteration 1000: 0.000219",
        2000: "Cost after iteration 2000: 0.000108",
        8000: "Cost after iteration 8000: 0.000027",
        9000: "Cost after iteration 9000: 0.000024",
    }
    return locals()


def notebook_planar_accuracy():
    """Section 5.2: nn_model(X, Y, n_h=4, num_iterations=10000) on the flower: Accuracy 90%."""
    n_h, num_iterations = 4, 10000
    expected_accuracy_percent = 90  # printed as 'Accuracy: %d' % … + '%'
    return locals()
