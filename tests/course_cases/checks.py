"""The course's checks, as assertions: its ``multiple_test`` (datatype, shape, value) in one.

The course's test_utils.py compares recursively: the same type (``isinstance``)
for every leaf, the same keys for a dict, the same length for a tuple or list,
the same shape for an array, and values with
``np.testing.assert_array_almost_equal`` (6 decimals) for arrays, ``==``
otherwise. This raises instead of printing, and also requires a tuple where
the course returns a tuple and a list where it returns a list.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def course_check(expected: Any, actual: Any, where: str = "output") -> None:
    """Assert that ``actual`` passes the course's datatype, shape and value checks."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {type(actual)} is not a dict"
        assert set(actual) == set(expected), f"{where}: keys {sorted(actual)} != {sorted(expected)}"
        for key, value in expected.items():
            course_check(value, actual[key], f"{where}[{key!r}]")
    elif isinstance(expected, tuple | list):
        assert isinstance(actual, type(expected)), f"{where}: {type(actual)} != {type(expected)}"
        assert len(actual) == len(expected), f"{where}: length {len(actual)} != {len(expected)}"
        for index, (value, got) in enumerate(zip(expected, actual, strict=True)):
            course_check(value, got, f"{where}[{index}]")
    else:
        assert isinstance(actual, type(expected)), f"{where}: {type(actual)} != {type(expected)}"
        if hasattr(expected, "shape"):
            assert actual.shape == expected.shape, f"{where}: {actual.shape} != {expected.shape}"
            np.testing.assert_array_almost_equal(actual, expected, err_msg=where)
        else:
            assert actual == expected, f"{where}: {actual!r} != {expected!r}"
