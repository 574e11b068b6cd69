"""Every parameter of a network in one contiguous vector, W1, b1, W2, … as views.

Training updates every W[l] and b[l] the same way each step. Held as views
of one vector θ (and their gradients as views of one vector dθ), an update
is a handful of NumPy calls over θ instead of a handful per parameter, and
copying or swapping all the parameters is one operation. The layout is the
order of ``net.params`` (W1, b1, W2, b2, …) with each array C-contiguous::

    θ = [W1 (n_1·n_0) | b1 (n_1) | W2 (n_2·n_1) | b2 (n_2) | …]

>>> import numpy as np
>>> layout = FlatLayout.of({"W1": np.ones((2, 3)), "b1": np.zeros((2, 1))})
>>> layout.size
8
>>> theta = np.arange(8.0)
>>> layout.views(theta)["b1"].ravel().tolist()
[6.0, 7.0]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]

#: Elements per block when an update walks θ in blocks (see :func:`blocks`):
#: 262,144 float32 are 1 MiB an array, so the half dozen arrays of an Adam step
#: stay in the L3 cache through its twelve passes. On the benchmark's large
#: network smaller blocks were slower (more calls) and one block for all of θ
#: too (the arrays no longer fit the cache).
BLOCK = 262_144


@dataclass(frozen=True)
class FlatLayout:
    """Where each parameter sits in the flat vector: names, shapes and dtype."""

    names: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]
    dtype: np.dtype[Any]
    size: int  # elements in θ: the number of parameters

    @classmethod
    def of(cls, params: Mapping[str, Array]) -> FlatLayout:
        """The layout of ``params`` in their order; they must share one dtype."""
        dtypes = {value.dtype for value in params.values()}
        if len(dtypes) != 1:
            first = next(iter(params.values())).dtype
            others = [
                f"{name} is {value.dtype}" for name, value in params.items() if value.dtype != first
            ]
            raise ValueError(
                f"the parameters must share one dtype: {next(iter(params))} is {first}, "
                f"but {', '.join(others)}"
            )
        shapes = tuple(value.shape for value in params.values())
        size = sum(value.size for value in params.values())
        return cls(tuple(params), shapes, dtypes.pop(), size)

    def empty(self) -> Array:
        """A new uninitialised vector of the layout's size and dtype."""
        return np.empty(self.size, self.dtype)

    def views(self, flat: Array, prefix: str = "") -> dict[str, Array]:
        """``{prefix + name: view}``: each parameter's place in ``flat``, in its shape."""
        views, start = {}, 0
        for name, shape in zip(self.names, self.shapes, strict=True):
            stop = start + int(np.prod(shape))
            views[prefix + name] = flat[start:stop].reshape(shape)
            start = stop
        return views

    def packed(
        self, arrays: Mapping[str, Array], prefix: str = "", out: Array | None = None
    ) -> Array:
        """``out`` (a new vector if None) with each of ``arrays`` (``prefix + name``) in place."""
        flat = self.empty() if out is None else out
        for name, view in self.views(flat, prefix).items():
            np.copyto(view, arrays[name])
        return flat


def blocks(size: int) -> Iterator[slice]:
    """Slices of ``BLOCK`` elements covering range(size), the last one shorter."""
    for start in range(0, size, BLOCK):
        yield slice(start, min(start + BLOCK, size))
