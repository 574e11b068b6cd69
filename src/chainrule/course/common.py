"""What the course modules share: array aliases, label reshaping, parameter-dict checks."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.floating[Any]]
Parameters = dict[str, Array]


def labels_like(Y: ArrayLike, AL: Array) -> NDArray[Any]:
    """Y reshaped to AL's (n_L, m), as the course's ``Y.reshape(AL.shape)``, or a clear error."""
    Y_arr = np.asarray(Y)
    if Y_arr.size != AL.size:
        raise ValueError(f"Y has shape {Y_arr.shape} but AL is {AL.shape}: one label per column")
    return Y_arr.reshape(AL.shape)


def as_labels(Y: ArrayLike) -> Array:
    """Y as float64 (booleans and integers too), so that 1 − Y and A − Y are defined."""
    return np.asarray(Y, dtype=np.float64)


def layer_count(parameters: dict[str, Any]) -> int:
    """L for a dict ``W1, b1, …, WL, bL``, or a ValueError naming what is missing."""
    L = len(parameters) // 2
    missing = [key for l in range(1, L + 1) for key in (f"W{l}", f"b{l}") if key not in parameters]
    if missing or len(parameters) % 2:
        raise ValueError(
            f"parameters must hold W1, b1, …, WL, bL; got keys {sorted(parameters)}"
            + (f" (missing {', '.join(missing)})" if missing else "")
        )
    return L


def gradient_for(grads: dict[str, Any], name: str, value: Array) -> Array:
    """grads[d<name>] as an array of value's shape, or a ValueError in the course's terms."""
    grad = grads.get(f"d{name}")
    if grad is None:
        raise ValueError(f"grads lacks d{name}; it must hold d<name> for every parameter")
    grad = np.asarray(grad)
    if grad.shape != value.shape:
        raise ValueError(f"d{name} is {grad.shape} but {name} is {value.shape}")
    return grad
