"""The Deep Learning Specialization's NumPy assignments on chainrule, one module per assignment.

- :mod:`chainrule.course.logistic_regression`: C1W2, Logistic Regression with a
  Neural Network mindset
- :mod:`chainrule.course.planar`: C1W3, Planar data classification with one hidden layer
- :mod:`chainrule.course.deep`: C1W4, Building your Deep Neural Network: Step by Step,
  and Deep Neural Network: Application
- :mod:`chainrule.course.initialization`: C2W1, Initialization
- :mod:`chainrule.course.regularization`: C2W1, Regularization
- :mod:`chainrule.course.gradient_checking`: C2W1, Gradient Checking
- :mod:`chainrule.course.optimization`: C2W2, Optimization Methods

Each function has the notebook's name, arguments, return values (tuples,
dicts, keys, caches) and dtypes, seeds NumPy's global generator where the
notebook does, and passes the course's published test cases. The C1W4
functions are also importable from ``chainrule.course`` itself.
"""

from __future__ import annotations

from chainrule.course import (
    deep,
    gradient_checking,
    initialization,
    logistic_regression,
    optimization,
    planar,
    regularization,
)
from chainrule.course.checking import CheckReport, check
from chainrule.course.deep import (
    L_layer_model,
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    initialize_parameters_deep_application,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    predict,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    two_layer_model,
    update_parameters,
)

__all__ = [
    "CheckReport",
    "L_layer_model",
    "L_model_backward",
    "L_model_forward",
    "check",
    "compute_cost",
    "deep",
    "gradient_checking",
    "initialization",
    "initialize_parameters",
    "initialize_parameters_deep",
    "initialize_parameters_deep_application",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "logistic_regression",
    "optimization",
    "planar",
    "predict",
    "regularization",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "two_layer_model",
    "update_parameters",
]
