"""Checks every public entry point applies to the arrays it is handed."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray


def as_float_matrix(
    value: ArrayLike, name: str, dtype: DTypeLike | None = None
) -> NDArray[np.floating[Any]]:
    """Return ``value`` as a finite 2-D float array, without copying when it already is one.

    ``dtype`` None keeps a float32 or float64 input as it is and turns integers
    and booleans into float64. Raises TypeError for non-numeric input and
    ValueError for a rank other than 2 (with the reshape that fixes a rank-1
    array), for an empty array (no units or no examples: a cost over m = 0
    examples is 0/0) or for NaN and inf (with where the first one is).
    """
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    if dtype is None:
        dtype = array.dtype if array.dtype.kind == "f" else np.float64
    array = array.astype(dtype, copy=False)
    if array.ndim != 2:
        hint = ""
        if array.ndim == 1:
            n = array.shape[0]
            hint = (
                f"; a rank-1 array is ambiguous: use {name}.reshape({n}, 1) for one example "
                f"of {n} features or {name}.reshape(1, {n}) for one unit over {n} examples"
            )
        raise ValueError(f"{name} must be 2-D (units, examples), got shape {array.shape}{hint}")
    if array.size == 0:
        raise ValueError(
            f"{name} is empty, shape {array.shape}: it needs at least one row and one column "
            f"(one unit and one example)"
        )
    if not _all_finite(array):
        bad = np.argwhere(~np.isfinite(array))[0]
        where = (int(bad[0]), int(bad[1]))
        raise ValueError(
            f"{name} contains NaN or inf ({int((~np.isfinite(array)).sum())} entries), "
            f"first at {name}[{where[0]}, {where[1]}] = {array[where]}"
        )
    return array


def _all_finite(array: NDArray[Any]) -> bool:
    """True when no entry is NaN or ±inf, without a temporary of the array's size.

    One pass: the sum is finite when every entry is (NaN and inf propagate),
    unless finite entries overflow it; only then do min and max decide, being
    NaN or ±inf exactly when some entry is. (A matrix-vector product with ones
    sums twice as fast on two cores, but its BLAS threads touch a buffer that
    adds about a hundred KiB to a small network's training.)
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.add.reduce(array, axis=None)):
            return True
    return bool(np.isfinite(array.min()) and np.isfinite(array.max()))


def is_real(value: Any) -> bool:
    """True for a real number, Python's or NumPy's (``np.float32(0.1)``), but not a bool.

    >>> is_real(np.float32(0.5)), is_real(2), is_real(True), is_real("1")
    (True, True, False, False)
    """
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_integer(value: Any) -> bool:
    """True for an integer, Python's or NumPy's, but not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_integer(name: str, value: Any, minimum: int) -> int:
    """``value`` as an int, or a ValueError unless it is an integer ≥ ``minimum`` (bools refused).

    NumPy integers are accepted; floats are refused even when whole, so that a
    misplaced argument (a learning rate given as ``epochs``) is caught.
    """
    if not is_integer(value) or value < minimum:
        wanted = "a positive integer" if minimum == 1 else f"an integer ≥ {minimum}"
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return int(value)


def check_entry_name(name: str, kind: str) -> str:
    """``name`` for a custom activation or loss, or a ValueError when it is empty."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"a custom {kind} needs a non-empty name, got {name!r}")
    return name


def check_bounds(bounds: tuple[float, float], what: str) -> tuple[float, float]:
    """(low, high) as floats with low < high (±inf allowed), or a ValueError naming ``what``."""
    low, high = (float(bound) for bound in bounds)
    if math.isnan(low) or math.isnan(high) or not low < high:
        raise ValueError(f"{what} must be (low, high) with low < high, got {bounds!r}")
    return low, high


# --- one validator per setting: the API, the estimators and the command line call these,
# each passing the name its caller spells the setting with ("l2", "--l2").

#: The largest seed: NumPy's RandomState, and so scikit-learn, take seeds in [0, 2³² − 1].
MAX_SEED = 2**32 - 1


class DtypeError(TypeError, ValueError):
    """A dtype other than float32 or float64.

    Both a TypeError (what a network raises for a wrong dtype) and a ValueError
    (what scikit-learn estimators raise for a bad hyperparameter), as
    scikit-learn's own ``InvalidParameterError`` is.
    """


def check_float_dtype(dtype: Any, name: str = "dtype") -> np.dtype[Any]:
    """``dtype`` as a NumPy dtype, or a :class:`DtypeError` unless it is float32 or float64.

    >>> check_float_dtype("float32")
    dtype('float32')
    """
    try:
        checked = np.dtype(dtype)
    except TypeError:
        checked = None
    if checked not in (np.float32, np.float64):
        shown = repr(dtype) if isinstance(dtype, str) or checked is None else checked
        raise DtypeError(f"{name} must be float32 or float64, got {shown}")
    return checked


def check_layer_sizes(sizes: Any, name: str, at_least: int = 0, form: str = "") -> list[int]:
    """``sizes`` as a list of ints, or a ValueError unless it holds ≥ ``at_least`` positive
    integers (bools refused; a layer of 0 units, or −1, would fail later in NumPy's terms).

    ``form`` describes the expected list in the message (``"[n_x, n_1, …, n_L] with "``).
    """
    values = list(sizes)
    if len(values) < at_least or any(not is_integer(n) or n < 1 for n in values):
        count = f"at least {at_least} " if at_least else ""
        raise ValueError(f"{name} must be {form}{count}positive integers, got {sizes!r}")
    return [int(n) for n in values]


def check_learning_rate(learning_rate: Any, name: str = "learning_rate") -> float:
    """α as a float, or a TypeError unless it is a number and a ValueError unless it is
    finite and > 0."""
    if not is_real(learning_rate):
        raise TypeError(f"{name} must be a number, got {type(learning_rate).__name__}")
    if not 0 < learning_rate < math.inf:
        raise ValueError(f"{name} must be finite and > 0, got {learning_rate!r}")
    return float(learning_rate)


def check_l2(l2: Any, name: str = "l2") -> float:
    """λ as a float, or a ValueError unless it is finite and ≥ 0."""
    if not is_real(l2) or not 0 <= l2 < math.inf:
        raise ValueError(f"{name} (λ) must be a finite number ≥ 0, got {l2!r}")
    return float(l2)


def check_fraction(
    value: Any, name: str, closed: tuple[bool, bool] = (False, False), meaning: str = ""
) -> float:
    """``value`` as a float, or a ValueError unless it is a real number in the unit interval,
    each end included where ``closed`` says: keep_prob ∈ (0, 1], a dropout rate ∈ [0, 1),
    a validation share ∈ (0, 1). ``meaning`` says what the number is, for the message."""
    low_ok = is_real(value) and (0 <= value if closed[0] else 0 < value)
    if not (low_ok and (value <= 1 if closed[1] else value < 1)):
        interval = f"{'[' if closed[0] else '('}0, 1{']' if closed[1] else ')'}"
        raise ValueError(f"{name} {meaning or 'must be'} in {interval}; got {value!r}")
    return float(value)


def check_seed(seed: Any, name: str = "seed", maximum: int | None = MAX_SEED) -> int:
    """``seed`` as an int, or a ValueError unless it is an integer in [0, ``maximum``]
    (None: any integer ≥ 0, as ``numpy.random.default_rng`` takes)."""
    if not is_integer(seed) or seed < 0 or (maximum is not None and seed > maximum):
        wanted = "≥ 0" if maximum is None else f"in [0, {maximum}]"
        raise ValueError(f"{name} must be an integer {wanted}, got {seed!r}")
    return int(seed)
