"""``class_weight``: a weight per class, turned into a weight per example.

As scikit-learn means it: a dict ``{class: weight}`` (classes missing from it
weigh 1), or ``"balanced"``, which weighs class c by m / (K · m_c) so that
every class carries the same total weight (m examples, K classes present, m_c
of class c). Each example then weighs its class's weight, multiplied into its
``sample_weight`` when there is one.

The class of an example is read off the labels as the loss codes them
(:attr:`chainrule.functions.loss_entry.Loss.task`): a binary loss's one label
per example (0/1, or hinge's ±1), a multiclass loss's row of the largest label
(the one-hot or smoothed column). A regression loss, or several binary labels
per example (multilabel), has no single class per example, and is refused.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.checks import is_real
from chainrule.functions.loss_entry import Loss

Array = NDArray[np.floating[Any]]
ClassWeight = Mapping[Any, float] | str | None


def check_class_weight(class_weight: ClassWeight, name: str = "class_weight") -> ClassWeight:
    """None, "balanced", or a dict of finite weights ≥ 0; else a ValueError."""
    if class_weight is None or class_weight == "balanced":
        return class_weight
    if not isinstance(class_weight, Mapping):
        raise ValueError(
            f'{name} must be a dict {{class: weight}}, "balanced" or None, got {class_weight!r}'
        )
    for label, weight in class_weight.items():
        if not (is_real(weight) and math.isfinite(weight) and weight >= 0):
            raise ValueError(f"{name}[{label!r}] must be a finite weight ≥ 0, got {weight!r}")
    return class_weight


def example_classes(Y: Array, loss: Loss) -> NDArray[Any]:
    """The class of each example, (m,): the label (binary) or the row index (multiclass)."""
    if loss.task == "binary":
        if Y.shape[0] != 1:
            raise ValueError(
                f"class_weight needs one class per example, and {loss.name} has {Y.shape[0]} "
                "labels per example (multilabel): weigh the examples with sample_weight instead"
            )
        return Y[0]
    if loss.task == "multiclass":
        return np.argmax(Y, axis=0)
    raise ValueError(
        f"class_weight needs a classification loss, and {loss.name} is a regression loss: "
        "weigh the examples with sample_weight instead"
    )


def class_example_weights(class_weight: ClassWeight, Y: Array, loss: Loss) -> Array | None:
    """Each example's weight from its class, (m,) in Y's dtype, or None without class_weight.

    >>> from chainrule.functions.losses import BCE
    >>> class_example_weights("balanced", np.array([[0.0, 0.0, 0.0, 1.0]]), BCE).tolist()
    [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0]
    """
    if check_class_weight(class_weight) is None:
        return None
    classes = example_classes(Y, loss)
    present, counts = np.unique(classes, return_counts=True)
    if class_weight == "balanced":
        per_class = {
            c.item(): classes.size / (present.size * n)
            for c, n in zip(present, counts, strict=True)
        }
    else:
        assert isinstance(class_weight, Mapping)
        unknown = [label for label in class_weight if label not in set(present.tolist())]
        if unknown:
            raise ValueError(
                f"class_weight names classes {unknown} that no label has; "
                f"the classes are {present.tolist()}"
            )
        per_class = {c.item(): float(class_weight.get(c.item(), 1.0)) for c in present}
    return np.array([per_class[c] for c in classes.tolist()], dtype=Y.dtype)
