"""Sample weights: checked, and normalised to mean 1 without overflow.

With sample weights w (m,), each example's loss and dZ[L] column is scaled by

    sᵢ = wᵢ · m / Σⱼ wⱼ        (so Σᵢ sᵢ = m: J = (1/m) Σᵢ sᵢ Lᵢ is a weighted mean)

computed as sᵢ = uᵢ · m / Σⱼ uⱼ with uᵢ = wᵢ / maxⱼ wⱼ in float64: every uᵢ is
in [0, 1] and Σⱼ uⱼ in [1, m], so weights of 1e308 (whose plain sum overflows
and would make every sᵢ 0) give the same scale as weights of 1, and the
result, at most m, is cast to the network's dtype without overflow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from chainrule.base.checks import as_float_matrix

Array = NDArray[np.floating[Any]]


def checked_weights(sample_weight: ArrayLike, m: int) -> Array:
    """``sample_weight`` as a (m,) float64 array of finite weights ≥ 0, not all 0.

    Checked in float64, so that weights beyond float32's range are not turned
    into inf before their scale is taken.
    """
    weights = as_float_matrix(np.reshape(sample_weight, (1, -1)), "sample_weight", np.float64)[0]
    if weights.size != m:
        raise ValueError(f"sample_weight has {weights.size} weights for {m} examples")
    if (weights < 0).any() or not (weights > 0).any():
        raise ValueError("sample_weight must be ≥ 0 with a positive sum")
    return weights


def normalized_weights(sample_weight: ArrayLike, m: int, dtype: DTypeLike) -> Array:
    """The (m,) scale sᵢ = wᵢ · m / Σⱼ wⱼ in ``dtype``, computed without overflow.

    Raises ValueError as :func:`checked_weights` does.

    >>> normalized_weights([1e308, 1e308, 1e308], 3, np.float32).tolist()
    [1.0, 1.0, 1.0]
    >>> normalized_weights([1.0, 3.0], 2, np.float64).tolist()
    [0.5, 1.5]
    """
    weights = checked_weights(sample_weight, m)
    relative = weights / weights.max()
    return (relative * (m / relative.sum())).astype(dtype)
