"""What a course function returned, laid flat: one named leaf per array or number.

A function's result (a tuple of arrays, a dict of gradients, caches nested
as the course nests them) becomes a dict from a path to a leaf, e.g.
``{"dA_prev": …, "dW": …, "db": …}`` for ``linear_backward`` or
``{"caches[0][0][1]": …}`` for the W kept in the first layer's cache, so
that two results can be compared leaf by leaf and a difference named.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: The course's tolerance: its tests compare with ``np.allclose`` defaults.
RTOL, ATOL = 1e-5, 1e-8


def leaves(value: Any, names: Sequence[str] = (), path: str = "") -> dict[str, Any]:
    """The leaves of ``value`` by path; ``names`` name a top-level tuple's items."""
    if isinstance(value, Mapping):
        found: dict[str, Any] = {}
        for key, item in value.items():
            found |= leaves(item, (), f"{path}[{key!r}]" if path else str(key))
        return found
    if isinstance(value, tuple | list):
        found = {}
        for index, item in enumerate(value):
            if not path and index < len(names):
                found |= leaves(item, (), names[index])
            else:
                found |= leaves(item, (), f"{path or 'return'}[{index}]")
        return found
    return {path or (names[0] if len(names) == 1 else "return"): value}


def as_array(value: Any) -> np.ndarray | None:
    """A numeric leaf as an array (a Python or NumPy number becomes a 0-d array); else None."""
    if isinstance(value, bool | np.bool_):
        return np.asarray(value, dtype=float)
    if isinstance(value, int | float | np.number | np.ndarray):
        array = np.asarray(value)
        return array if array.dtype.kind in "biuf" else None
    return None


def close(got: Any, want: Any) -> bool:
    """True when two leaves agree: same shape and values within the course's tolerance."""
    got_array, want_array = as_array(got), as_array(want)
    if got_array is None or want_array is None:
        return bool(got == want) if type(got) is type(want) else False
    if got_array.shape != want_array.shape:
        return False
    return bool(
        np.allclose(got_array.astype(float), want_array.astype(float), rtol=RTOL, atol=ATOL)
    )


def values_close(got: np.ndarray, want: np.ndarray) -> bool:
    """``close`` for two arrays already of the same shape."""
    return bool(np.allclose(got, want, rtol=RTOL, atol=ATOL))


def largest_difference(got: Any, want: Any) -> float | None:
    """max |got − want| for two numeric leaves of the same shape, else None."""
    got_array, want_array = as_array(got), as_array(want)
    if got_array is None or want_array is None or got_array.shape != want_array.shape:
        return None
    if got_array.size == 0:
        return 0.0
    difference = float(np.max(np.abs(got_array.astype(float) - want_array.astype(float))))
    return difference if math.isfinite(difference) else math.inf


def describe(value: Any) -> str:
    """A short description of a leaf: its shape for arrays, its type otherwise."""
    array = as_array(value)
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if array is not None:
        return f"a {type(value).__name__}"
    return f"a {type(value).__name__}"


def snapshot(arguments: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of the arguments, to see afterwards whether a function changed them."""
    return copy.deepcopy(arguments)


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The paths of the argument leaves that differ between two snapshots (in place edits)."""
    old, new = leaves(before), leaves(after)
    return [
        path
        for path, value in old.items()
        if path in new
        and not (
            (
                as_array(value) is not None
                and as_array(new[path]) is not None
                and np.array_equal(np.asarray(value), np.asarray(new[path]), equal_nan=True)
            )
            or (as_array(value) is None and _same(value, new[path]))
        )
    ]


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b
