"""The checker's specs for C1W4's dnn_utils helpers and the application's models."""

from __future__ import annotations

import numpy as np

from chainrule.course import application, dnn_utils
from chainrule.course.checking.spec import Case, Spec, examples, labels, randn, sizes


def _Z_case(rng: np.random.Generator, edge: str | None) -> Case:
    Z = randn(rng, int(rng.integers(1, 5)), examples(rng, edge))
    if edge == "Z = 0 under relu":
        Z[0, 0] = 0.0
    return {"Z": Z}


def _backward_helper_case(rng: np.random.Generator, edge: str | None) -> Case:
    Z = _Z_case(rng, edge)["Z"]
    return {"dA": randn(rng, *Z.shape), "cache": Z}


def _application_case(rng: np.random.Generator, edge: str | None) -> Case:
    n_x, n_h, m = int(rng.integers(2, 6)), int(rng.integers(1, 5)), examples(rng, edge)
    return {
        "X": randn(rng, n_x, m),
        "Y": labels(rng, m),
        "layers_dims": (n_x, n_h, 1),
        "learning_rate": 0.05,
        "num_iterations": 3,
        "print_cost": False,
    }


def _L_application_case(rng: np.random.Generator, edge: str | None) -> Case:
    case = _application_case(rng, edge)
    dims = [case["X"].shape[0], *sizes(rng, edge, 2), 1]
    return case | {"layers_dims": dims}


def _application_predict_case(rng: np.random.Generator, edge: str | None) -> Case:
    n_x, m = int(rng.integers(2, 5)), examples(rng, edge)
    params = {
        "W1": randn(rng, 3, n_x),
        "b1": randn(rng, 3, 1),
        "W2": randn(rng, 1, 3),
        "b2": randn(rng, 1, 1),
    }
    return {"X": randn(rng, n_x, m), "y": labels(rng, m), "parameters": params}


SPECS = (
    Spec("sigmoid", "deep", dnn_utils.sigmoid, _Z_case, outputs=("A", "cache"), edges=("m = 1",)),
    Spec(
        "relu", "deep", dnn_utils.relu, _Z_case, outputs=("A", "cache"), edges=("Z = 0 under relu",)
    ),
    Spec(
        "sigmoid_backward",
        "deep",
        dnn_utils.sigmoid_backward,
        _backward_helper_case,
        outputs=("dZ",),
        edges=("m = 1",),
    ),
    Spec(
        "relu_backward",
        "deep",
        dnn_utils.relu_backward,
        _backward_helper_case,
        outputs=("dZ",),
        edges=("Z = 0 under relu",),
    ),
    Spec(
        "two_layer_model",
        "deep",
        application.two_layer_model,
        _application_case,
        outputs=("parameters", "costs"),
        edges=("m = 1",),
        seeded=True,
    ),
    Spec(
        "L_layer_model",
        "deep",
        application.L_layer_model,
        _L_application_case,
        outputs=("parameters", "costs"),
        edges=("m = 1",),
        seeded=True,
    ),
    Spec(
        "predict",
        "deep",
        application.predict,
        _application_predict_case,
        outputs=("p",),
        edges=("m = 1",),
    ),
)
