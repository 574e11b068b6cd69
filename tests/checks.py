"""Comparison helpers and input samplers shared by the tests (no chainrule maths here)."""

from __future__ import annotations

import numpy as np


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """max |actual − expected| / max |expected| (0 when both are zero).

    A norm-wise relative error: entries far below the largest one (a derivative
    that crosses zero) are judged on the scale of the whole array.
    """
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    scale = float(np.max(np.abs(expected), initial=0.0))
    error = float(np.max(np.abs(actual - expected), initial=0.0))
    return error if scale == 0 else error / scale


def away_from_zero(
    rng: np.random.Generator, shape: tuple[int, ...], high: float = 4.0
) -> np.ndarray:
    """Uniform magnitudes in [0.05, high] with random signs: no kink at z = 0 is hit."""
    return rng.uniform(0.05, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def one_hot(labels: np.ndarray, K: int) -> np.ndarray:
    """(K, m) one-hot columns for integer labels of shape (m,)."""
    return np.eye(K)[labels].T.copy()
