"""Shape checks in the course's terms: dimensional analysis of Z[l] = W[l] A[l−1] + b[l].

W[l] is (n_l, n_{l−1}), so A[l−1] must be (n_{l−1}, m) and b[l] must be
(n_l, 1); backward, dZ[l] has the shape of Z[l], (n_l, m). When something
does not fit, the ValueError names the layer (when it is known), the arrays
in the course's names and their shapes, and the likely cause, e.g.

    layer 2: W2 is (3, 4), so A1 must be (4, m); got (5, 4) — did you pass X instead of A1?
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.checks import as_float_matrix

Array = NDArray[np.floating[Any]]


def _names(layer: int | None) -> tuple[str, str, str, str]:
    """(prefix, W, b, A_prev) as the course names them, with or without the layer number."""
    if layer is None:
        return "", "W", "b", "A_prev"
    A_prev = "X (A0)" if layer == 1 else f"A{layer - 1}"
    return f"layer {layer}: ", f"W{layer}", f"b{layer}", A_prev


def _refuse_rank(array: Array, name: str) -> None:
    """Raise the rank-1 (or other rank) error with its reshape hint, if the rank is wrong."""
    if np.ndim(array) != 2:
        as_float_matrix(array, name)


def _input_hint(
    W: Array, A_prev: Array, layer: int | None, n_x: int | None, A_name: str, W_name: str
) -> str:
    n_in = W.shape[1]
    if layer is not None and layer > 1 and n_x is not None:
        if A_prev.shape[0] == n_x != n_in:
            return f" — did you pass X instead of {A_name}?"
        if n_in == n_x != A_prev.shape[0]:
            return (
                f" — {W_name} has n_x = {n_x} columns, as if it were made for X: "
                f"{W_name} must be (n_{layer}, n_{layer - 1}) = ({W.shape[0]}, {A_prev.shape[0]})"
            )
    if W.shape[0] == A_prev.shape[0]:
        return f" — {W_name} looks transposed: W[l] is (n_l, n_(l−1)), so Z = W·A needs {W_name}.T"
    transposed = A_prev.shape[1] == n_in
    if layer is None:
        also = ", or A_prev transposed (examples are columns)" if transposed else ""
        return f" — did you pass X or another layer's A instead of A_prev{also}?"
    if transposed:
        return f" — {A_name} looks transposed: examples are columns, (n, m)"
    return ""


def check_linear(
    W: Array, A_prev: Array, b: Array, layer: int | None = None, n_x: int | None = None
) -> None:
    """Check that Z = W A_prev + b can be formed; a ValueError in the course's terms otherwise.

    Parameters
    ----------
    W : (n_l, n_{l−1}) array
    A_prev : (n_{l−1}, m) array
    b : (n_l, 1) array
    layer : int or None
        l, when the caller knows it (the message then says ``W2``, ``A1``).
    n_x : int or None
        The number of input features, to recognize X passed where A[l−1] belongs.
    """
    if W.ndim == A_prev.ndim == 2 and W.shape[1] == A_prev.shape[0] and b.shape == (W.shape[0], 1):
        return  # the common case, kept cheap: Network.forward runs this on every layer
    prefix, W_name, b_name, A_name = _names(layer)
    for array, name in ((W, W_name), (A_prev, A_name), (b, b_name)):
        _refuse_rank(array, name)
    if W.shape[1] != A_prev.shape[0]:
        hint = _input_hint(W, A_prev, layer, n_x, A_name, W_name)
        raise ValueError(
            f"{prefix}{W_name} is {W.shape}, so {A_name} must be ({W.shape[1]}, m); "
            f"got {A_prev.shape}{hint}"
        )
    if b.shape != (W.shape[0], 1):
        hint = f" — did you transpose {b_name}?" if b.shape == (1, W.shape[0]) else ""
        raise ValueError(
            f"{prefix}{W_name} is {W.shape}, so {b_name} must be ({W.shape[0]}, 1); "
            f"got {b.shape}{hint}"
        )


def check_delta(
    dZ: Array, W: Array, A_prev: Array, layer: int | None = None, name: str = "dZ"
) -> None:
    """Check that dZ (or dA) has the shape of Z[l] = W[l] A[l−1] + b[l], (n_l, m)."""
    prefix = "" if layer is None else f"layer {layer}: "
    label = name if layer is None else f"{name}{layer}"
    _refuse_rank(dZ, label)
    expected = (W.shape[0], A_prev.shape[1])
    if dZ.shape != expected:
        hint = " — did you transpose it?" if dZ.shape == expected[::-1] else ""
        raise ValueError(
            f"{prefix}{label} must have the shape of Z, (n_l, m) = {expected} "
            f"(W is {W.shape}, A_prev has m = {A_prev.shape[1]} columns); got {dZ.shape}{hint}"
        )
