"""The checker's specs for C2W1 A3, Gradient Checking."""

from __future__ import annotations

import numpy as np

from chainrule.course import gradient_checking
from chainrule.course.checking.spec import Case, Spec, examples, labels, randn


def _n_case(rng: np.random.Generator, edge: str | None) -> Case:
    m = examples(rng, edge)
    shapes = gradient_checking.COURSE_SHAPES
    keys = ("W1", "b1", "W2", "b2", "W3", "b3")
    params = {key: randn(rng, *shape) for key, shape in zip(keys, shapes, strict=True)}
    return {"X": randn(rng, 4, m), "Y": labels(rng, m), "parameters": params}


def _n_backward_case(rng: np.random.Generator, edge: str | None) -> Case:
    case = _n_case(rng, edge)
    _, cache = gradient_checking.forward_propagation_n(case["X"], case["Y"], case["parameters"])
    return {"X": case["X"], "Y": case["Y"], "cache": cache}


def _check_n_case(rng: np.random.Generator, edge: str | None) -> Case:
    case = _n_case(rng, edge)
    _, cache = gradient_checking.forward_propagation_n(case["X"], case["Y"], case["parameters"])
    grads = gradient_checking.backward_propagation_n_correct(case["X"], case["Y"], cache)
    return {"parameters": case["parameters"], "gradients": grads, "X": case["X"], "Y": case["Y"]}


def _x_theta(rng: np.random.Generator, edge: str | None) -> Case:
    return {"x": float(rng.uniform(-3, 3)), "theta": float(rng.uniform(-3, 3))}


SPECS = (
    Spec(
        "forward_propagation",
        "gradient_checking",
        gradient_checking.forward_propagation,
        _x_theta,
        outputs=("J",),
        formulas={"J": "J = θ · x"},
    ),
    Spec(
        "backward_propagation",
        "gradient_checking",
        gradient_checking.backward_propagation,
        _x_theta,
        outputs=("dtheta",),
        formulas={"dtheta": "dθ = x"},
    ),
    Spec(
        "gradient_check",
        "gradient_checking",
        gradient_checking.gradient_check,
        _x_theta,
        outputs=("difference",),
        formulas={
            "difference": "‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖), "
            "gradapprox = (J(θ + ε) − J(θ − ε)) / (2ε)"
        },
    ),
    Spec(
        "forward_propagation_n",
        "gradient_checking",
        gradient_checking.forward_propagation_n,
        _n_case,
        outputs=("cost", "cache"),
        edges=("m = 1",),
    ),
    Spec(
        "backward_propagation_n",
        "gradient_checking",
        gradient_checking.backward_propagation_n,
        _n_backward_case,
        edges=("m = 1",),
    ),
    Spec(
        "gradient_check_n",
        "gradient_checking",
        gradient_checking.gradient_check_n,
        _check_n_case,
        outputs=("difference",),
        formulas={"difference": "‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖)"},
    ),
    Spec(
        "dictionary_to_vector",
        "gradient_checking",
        gradient_checking.dictionary_to_vector,
        lambda rng, edge: {"parameters": _n_case(rng, edge)["parameters"]},
        outputs=("theta", "keys"),
    ),
    Spec(
        "gradients_to_vector",
        "gradient_checking",
        gradient_checking.gradients_to_vector,
        lambda rng, edge: {
            "gradients": gradient_checking.backward_propagation_n_correct(
                **_n_backward_case(rng, edge)
            )
        },
        outputs=("theta",),
    ),
    Spec(
        "vector_to_dictionary",
        "gradient_checking",
        gradient_checking.vector_to_dictionary,
        lambda rng, edge: {"theta": randn(rng, 47, 1)},
    ),
)
