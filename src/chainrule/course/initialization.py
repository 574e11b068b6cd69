# ruff: noqa: NPY002  (the course seeds and draws from NumPy's global generator, as here)
"""C2W1 assignment 1, "Initialization": zeros, large random and He initializations.

Each returns ``{"W1": (n_1, n_0), "b1": (n_1, 1), …}`` for
``layers_dims = [n_0, n_1, …, n_L]``, with b = 0. The random ones seed
NumPy's global generator with 3, as the notebook, so they reproduce its
numbers; chainrule's own :func:`chainrule.core.initializers.initialize` offers the
same scales (``"he"``: √(2/n_{l−1})) drawn from ``numpy.random.default_rng``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from chainrule.core.initializers import check_layer_dims
from chainrule.course.common import Parameters


def _layers(layers_dims: Sequence[int], W: Callable[[int, int], np.ndarray]) -> Parameters:
    layers_dims = check_layer_dims(layers_dims)
    parameters: Parameters = {}
    for l in range(1, len(layers_dims)):
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        parameters[f"W{l}"] = W(n, n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def initialize_parameters_zeros(layers_dims: Sequence[int]) -> Parameters:
    """W[l] = 0 and b[l] = 0: every unit of a layer stays the same (symmetry is never broken)."""
    return _layers(layers_dims, lambda n, n_prev: np.zeros((n, n_prev)))


def initialize_parameters_random(layers_dims: Sequence[int]) -> Parameters:
    """``np.random.seed(3)``, W[l] = randn(n_l, n_{l−1}) · 10: large weights that saturate σ."""
    np.random.seed(3)
    return _layers(layers_dims, lambda n, n_prev: np.random.randn(n, n_prev) * 10)


def initialize_parameters_he(layers_dims: Sequence[int]) -> Parameters:
    """``np.random.seed(3)``, W[l] = randn(n_l, n_{l−1}) · √(2 / n_{l−1}) (He et al., 2015)."""
    np.random.seed(3)
    return _layers(
        layers_dims, lambda n, n_prev: np.random.randn(n, n_prev) * np.sqrt(2.0 / n_prev)
    )
