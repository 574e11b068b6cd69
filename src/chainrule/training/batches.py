"""Mini-batches: which columns of X each step sees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.checks import check_integer


def check_batch_size(batch_size: int | None, name: str = "batch_size") -> int | None:
    """batch_size as given, or a ValueError unless it is a positive integer or None."""
    return None if batch_size is None else check_integer(name, batch_size, 1)


def mini_batches(
    m: int, batch_size: int | None, rng: np.random.Generator
) -> Iterator[slice | NDArray[Any]]:
    """The column selections of one epoch.

    ``batch_size=None``: one full batch, the examples in order (a slice, so no
    copy is made). Otherwise the m columns are shuffled with ``rng`` and cut
    into batches of ``batch_size``; the last one keeps the remainder
    (m mod batch_size columns) when m is not a multiple. The order is that of
    ``rng.permutation(m)``.

    >>> [b.tolist() for b in mini_batches(5, 2, np.random.default_rng(0))]
    [[2, 4], [3, 0], [1]]
    """
    if batch_size is None:
        yield slice(None)
        return
    # rng.permutation(m) shuffled in place, held as int32 when m allows: half the memory
    order = np.arange(m, dtype=np.int32 if m < 2**31 else np.int64)
    rng.shuffle(order)
    for start in range(0, m, batch_size):
        yield order[start : start + batch_size]


def batch_sizes(m: int, batch_size: int | None) -> set[int]:
    """The sizes of the batches :func:`mini_batches` yields for m examples.

    >>> sorted(batch_sizes(10, 4)), sorted(batch_sizes(10, None)), sorted(batch_sizes(3, 8))
    ([2, 4], [10], [3])
    """
    if batch_size is None:
        return {m}
    return {min(batch_size, m), m % batch_size} - {0}
