"""Weight initialization: W[l] is (n_l, n_{l−1}) and b[l] starts at zero, (n_l, 1).

==============  =============================================  ====================
name            W[l] = randn(n_l, n_{l−1}) ×                   suits
==============  =============================================  ====================
``he``          √(2 / n_{l−1})                                 relu and its kin
``xavier``      √(2 / (n_{l−1} + n_l))  (Glorot normal)        tanh, sigmoid
``normalized``  1 / √n_{l−1}  (the course's application)       deep course models
``small``       0.01  (the course's first exercise)            tiny, shallow nets
==============  =============================================  ====================
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from chainrule.base.checks import check_layer_sizes
from chainrule.core import parameters

_SCALES: dict[str, Callable[[int, int], float]] = {
    "he": lambda n_prev, n: math.sqrt(2 / n_prev),
    "xavier": lambda n_prev, n: math.sqrt(2 / (n_prev + n)),
    "glorot": lambda n_prev, n: math.sqrt(2 / (n_prev + n)),
    "normalized": lambda n_prev, n: 1 / math.sqrt(n_prev),
    "small": lambda n_prev, n: 0.01,
}


def names() -> list[str]:
    """The initializer names."""
    return sorted(_SCALES)


def check_layer_dims(layer_dims: Sequence[int]) -> list[int]:
    """``[n_x, n_1, …, n_L]`` as a list of ints, or a ValueError unless they are ≥ 2 positive
    integers (:func:`~chainrule.base.checks.check_layer_sizes`)."""
    return check_layer_sizes(layer_dims, "layer_dims", at_least=2, form="[n_x, n_1, …, n_L] with ")


def initialize(
    layer_dims: Sequence[int], method: str, seed: int | None, dtype: DTypeLike
) -> dict[str, NDArray[Any]]:
    """Parameters ``W1, b1, …, WL, bL`` for ``layer_dims = [n_x, n_1, …, n_L]``.

    The random numbers are drawn in float64 from ``numpy.random.default_rng(seed)``
    and then cast, so the same seed gives the same network in every dtype.
    """
    layer_dims = check_layer_dims(layer_dims)
    if method not in _SCALES:
        raise ValueError(f"unknown init {method!r}; known: {', '.join(names())}")
    rng = np.random.default_rng(seed)
    params: dict[str, NDArray[Any]] = {}
    for name, (n, n_prev) in parameters.shapes(layer_dims).items():
        if name.startswith("W"):
            scale = _SCALES[method](n_prev, n)
            params[name] = (rng.standard_normal((n, n_prev)) * scale).astype(dtype)
        else:
            params[name] = np.zeros((n, 1), dtype=dtype)
    return params
