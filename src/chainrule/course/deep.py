"""C1W4, both assignments: "Building your Deep Neural Network: Step by Step" and the Application.

Everything a learner's notebook names, in one module: the ``dnn_utils``
helpers (:mod:`chainrule.course.dnn_utils`), the step-by-step functions
(:mod:`chainrule.course.step_by_step`) and the application's models
(:mod:`chainrule.course.application`).
"""

from __future__ import annotations

from chainrule.course.application import (
    L_layer_model,
    initialize_parameters_deep_application,
    predict,
    two_layer_model,
)
from chainrule.course.dnn_utils import relu, relu_backward, sigmoid, sigmoid_backward
from chainrule.course.step_by_step import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    update_parameters,
)

__all__ = [
    "L_layer_model",
    "L_model_backward",
    "L_model_forward",
    "compute_cost",
    "initialize_parameters",
    "initialize_parameters_deep",
    "initialize_parameters_deep_application",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "predict",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "two_layer_model",
    "update_parameters",
]
