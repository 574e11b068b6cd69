"""The parameters' layout: the dict ``W1, b1, …, WL, bL`` and what may be asked of it.

For ``layer_dims = [n_0, n_1, …, n_L]``, layer l has W[l] of shape (n_l, n_{l−1})
and b[l] of shape (n_l, 1); gradients use the same names with a ``d`` in front
(``dW1``, ``db1``). Every module that reads or writes the dict by name goes
through these functions, so the layout is written down once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

Array = NDArray[np.floating[Any]]


def names(L: int, prefix: str = "") -> list[str]:
    """``["W1", "b1", …, "WL", "bL"]`` (``dW1``, ``db1``, … with prefix "d").

    >>> names(2, prefix="d")
    ['dW1', 'db1', 'dW2', 'db2']
    """
    return [f"{prefix}{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]


def shapes(layer_dims: Sequence[int]) -> dict[str, tuple[int, int]]:
    """Each parameter's shape: W[l] (n_l, n_{l−1}), b[l] (n_l, 1).

    >>> shapes([3, 2, 1])
    {'W1': (2, 3), 'b1': (2, 1), 'W2': (1, 2), 'b2': (1, 1)}
    """
    found: dict[str, tuple[int, int]] = {}
    for l in range(1, len(layer_dims)):
        found[f"W{l}"] = (layer_dims[l], layer_dims[l - 1])
        found[f"b{l}"] = (layer_dims[l], 1)
    return found


def layer(params: Mapping[str, Array], l: int, prefix: str = "") -> tuple[Array, Array]:
    """(W[l], b[l]) of ``params`` (or (dW[l], db[l]) with prefix "d")."""
    return params[f"{prefix}W{l}"], params[f"{prefix}b{l}"]


def layers(params: Mapping[str, Array], L: int, prefix: str = "") -> list[tuple[Array, Array]]:
    """[(W1, b1), …, (WL, bL)]: loops can index layers instead of formatting names."""
    return [layer(params, l, prefix) for l in range(1, L + 1)]


def check_parameters(params: Mapping[str, Any], L: int, dtype: DTypeLike) -> None:
    """A ValueError unless ``params`` holds exactly W1, b1, …, WL, bL, each of ``dtype``.

    A float64 W[l] in a float32 network would otherwise make the arithmetic
    float64 without a word. Shapes are checked layer by layer as a pass runs
    (:func:`chainrule.core.shapes.check_linear`).
    """
    expected, dtype = names(L), np.dtype(dtype)
    missing = [key for key in expected if key not in params]
    unexpected = [key for key in params if key not in expected]
    if missing or unexpected:
        raise ValueError(
            f"params must hold {', '.join(expected)} for this {L}-layer network; "
            f"missing {missing or 'none'}, unexpected {unexpected or 'none'}"
        )
    for key in expected:
        found = getattr(params[key], "dtype", type(params[key]).__name__)
        if found != dtype:
            raise ValueError(
                f"{key} is {found}, but this network is {dtype}: assign "
                f"{key}.astype(np.{dtype}), or make the network with dtype={found}"
            )


def check_gradients(params: Mapping[str, Array], grads: Mapping[str, Array]) -> None:
    """A ValueError unless grads holds d<name> with the shape of each parameter <name>."""
    missing = [f"d{key}" for key in params if f"d{key}" not in grads]
    if missing:
        raise ValueError(f"grads lacks {', '.join(missing)}")
    for key, value in params.items():
        if grads[f"d{key}"].shape != value.shape:
            raise ValueError(
                f"d{key} has shape {grads[f'd{key}'].shape} but {key} is {value.shape}"
            )
