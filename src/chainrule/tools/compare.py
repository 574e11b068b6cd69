"""Compare your grads (or parameters) dict with a reference, key by key, and say why they differ.

>>> import numpy as np
>>> reference = {"dW1": np.array([[0.5, -1.0]]), "db1": np.array([[0.25]])}
>>> print(compare({"dW1": -reference["dW1"], "db1": reference["db1"]}, reference))
dW1 differs from the reference: max |yours − reference| = 2, relative difference 1.
Likely cause: sign flipped: yours = −reference.

The causes recognised, in the order they are tried: a missing or extra key, a
transposed array, db summed over the wrong axis (over the units, axis 0,
instead of over the examples, axis 1), another shape mismatch, the sign
flipped, a constant factor m or 1/m (m is read off the dA arrays' columns
when the dicts hold any), and keys shifted by one layer (your ``dA1`` holds
the reference's ``dA0``). When every key is sign-flipped, the report points
at dA[L]. Without an m to go by, a constant factor is reported as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.base.display import Table

Array = NDArray[np.floating[Any]]

_KEY = re.compile(r"^([A-Za-z_]+?)(\d+)$")


@dataclass(frozen=True)
class KeyReport:
    """How one key compares: ``status`` is "equal", "differs", "missing" or "extra"."""

    key: str
    status: str
    max_abs: float | None = None
    relative: float | None = None
    cause: str | None = None

    def __str__(self) -> str:
        if self.status == "missing":
            return f"{self.key} is missing from yours. Likely cause: {self.cause}."
        if self.status == "extra":
            return f"{self.key} is in yours but not in the reference. Likely cause: {self.cause}"
        if self.status == "equal":
            return f"{self.key} matches"
        amount = (
            ""
            if self.max_abs is None
            else f": max |yours − reference| = {self.max_abs:.3g}, relative difference "
            f"{self.relative:.3g}"
        )
        return f"{self.key} differs from the reference{amount}.\nLikely cause: {self.cause}."


@dataclass(frozen=True, repr=False)
class Comparison:
    """The outcome of :func:`compare`; true when every key matches.

    ``str()`` names the first key that differs (in the reference's order), by
    how much, and the likely cause, then lists the other keys that differ.
    """

    keys: tuple[KeyReport, ...]
    summary: str | None = None

    @property
    def differing(self) -> list[KeyReport]:
        """The keys that are missing, extra or differ, in order."""
        return [report for report in self.keys if report.status != "equal"]

    @property
    def first(self) -> KeyReport | None:
        """The first key that differs, or None when everything matches."""
        differing = self.differing
        return differing[0] if differing else None

    def __bool__(self) -> bool:
        return not self.differing

    def __str__(self) -> str:
        first = self.first
        if first is None:
            return f"all {len(self.keys)} keys match"
        lines = [str(first)]
        if self.summary:
            lines.append(self.summary)
        others = [report.key for report in self.differing[1:]]
        if others:
            lines.append(f"Also different: {', '.join(others)}.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        first = self.first
        if first is None:
            return f"Comparison(all {len(self.keys)} keys match)"
        return (
            f"Comparison({len(self.differing)} of {len(self.keys)} keys differ, "
            f"first {first.key}: {first.cause})"
        )

    def table(self) -> Table:
        """Every key in order: status, max |yours − reference|, relative difference, cause.

        Titled with the verdict and, when set, followed by the summary; prints
        as text and shows as HTML in a notebook.
        """
        first = self.first
        title = (
            f"all {len(self.keys)} keys match"
            if first is None
            else f"{len(self.differing)} of {len(self.keys)} keys differ; the first is {first.key}"
        )
        rows = [
            [
                report.key,
                report.status,
                "—" if report.max_abs is None else f"{report.max_abs:.3g}",
                "—" if report.relative is None else f"{report.relative:.3g}",
                report.cause or "",
            ]
            for report in self.keys
        ]
        headers = ["key", "status", "max |yours − ref|", "relative", "likely cause"]
        return Table(headers, rows, title=title, footer=self.summary)

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _close(a: Array, b: Array, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _shifted_key(key: str, step: int) -> str | None:
    match = _KEY.match(key)
    if match is None:
        return None
    index = int(match.group(2)) + step
    return f"{match.group(1)}{index}" if index >= 0 else None


def _infer_m(*dicts: Mapping[str, Array]) -> int | None:
    for values in dicts:
        for key, value in values.items():
            if key.startswith("dA") and value.ndim == 2:
                return int(value.shape[1])
    return None


def _factor(mine: Array, reference: Array, rtol: float, atol: float) -> float | None:
    """c when mine = c · reference (least squares, and the fit is close), else None."""
    norm = float(np.vdot(reference, reference))
    if norm == 0:
        return None
    c = float(np.vdot(reference, mine)) / norm
    return c if _close(mine, c * reference, rtol, atol) else None


def _shift_cause(
    key: str, mine: Mapping[str, Array], reference: Mapping[str, Array], rtol: float, atol: float
) -> str | None:
    for step in (1, -1):
        other = _shifted_key(key, step)
        if other is not None and other in mine and _close(mine[other], reference[key], rtol, atol):
            return (
                f"keys shifted by one layer: your {other} holds the reference's {key} "
                f"(the course stores dA[l−1] = W[l]ᵀ dZ[l] under 'dA{{l−1}}')"
            )
    return None


def _shape_cause(key: str, mine: Array, reference: Array, rtol: float, atol: float) -> str:
    if mine.shape == reference.shape[::-1] and _close(mine.T, reference, rtol, atol):
        return (
            f"transposed: yours is {mine.shape}, the reference {reference.shape}, and yours.T "
            f"matches (dW[l] = (1/m) dZ[l] A[l−1]ᵀ is (n_l, n_(l−1)))"
        )
    if key.startswith("db") and reference.ndim == 2 and reference.shape[1] == 1:
        rule = "db[l] = (1/m) np.sum(dZ[l], axis=1, keepdims=True)"
        if mine.shape == (reference.shape[0],):
            values = (
                "the right values" if _close(mine, reference[:, 0], rtol, atol) else "other values"
            )
            return f"shape {mine.shape} with {values} instead of {reference.shape}: " + (
                f"keepdims=True is missing ({rule})"
            )
        if np.isclose(mine.sum(), reference.sum(), rtol=rtol, atol=atol * max(1, mine.size)):
            if mine.ndim == 0:
                return (
                    f"summed over every axis: yours is a number, the reference "
                    f"{reference.shape}; {rule} sums over the examples only (axis 1)"
                )
            return (
                f"summed over the wrong axis: yours is {mine.shape}, the reference "
                f"{reference.shape}; {rule} sums over the examples (axis 1), and yours "
                f"sums over the units (axis 0)"
            )
    return f"shape mismatch: yours is {mine.shape}, the reference {reference.shape}"


def _value_cause(key: str, a: Array, b: Array, m: int | None, rtol: float, atol: float) -> str:
    factor = _factor(a, b, rtol, atol)
    if factor is not None and np.isclose(factor, -1):
        return "sign flipped: yours = −reference"
    if factor is not None:
        flipped = "sign flipped and " if factor < 0 else ""
        size = abs(factor)
        if m is not None and np.isclose(size, m):
            return f"{flipped}off by a factor m = {m}: the 1/m is missing"
        if m is not None and np.isclose(size, 1 / m):
            return f"{flipped}off by a factor 1/m = 1/{m}: divided by m twice"
        return f"off by a constant factor {factor:.6g}"
    if a.ndim == 2 and a.shape[0] == a.shape[1] and _close(a.T, b, rtol, atol):
        return "transposed: yours.T matches"
    worst = np.unravel_index(int(np.argmax(np.abs(a - b))), a.shape)
    return (
        f"values differ; the largest gap is at {key}{list(map(int, worst))}: yours "
        f"{a[worst]:.6g}, reference {b[worst]:.6g}"
    )


def _report(
    key: str,
    mine: Mapping[str, Array],
    reference: Mapping[str, Array],
    m: int | None,
    rtol: float,
    atol: float,
) -> KeyReport:
    b = reference[key]
    if key in mine and _close(mine[key], b, rtol, atol):
        return KeyReport(key, "equal")
    shifted = _shift_cause(key, mine, reference, rtol, atol)
    if key not in mine:
        return KeyReport(key, "missing", cause=shifted or f"yours has no {key}")
    a = mine[key]
    if a.shape != b.shape:
        return KeyReport(key, "differs", cause=shifted or _shape_cause(key, a, b, rtol, atol))
    gap = a - b
    denominator = float(np.linalg.norm(a) + np.linalg.norm(b))
    return KeyReport(
        key,
        "differs",
        float(np.max(np.abs(gap))),
        float(np.linalg.norm(gap)) / denominator if denominator else 0.0,
        shifted or _value_cause(key, a, b, m, rtol, atol),
    )


def _as_arrays(values: Mapping[str, ArrayLike], name: str) -> dict[str, Array]:
    if not isinstance(values, Mapping):
        raise TypeError(f"{name} must be a dict of arrays, got {type(values).__name__}")
    return {key: np.asarray(value, dtype=np.float64) for key, value in values.items()}


def compare(
    mine: Mapping[str, ArrayLike],
    reference: Mapping[str, ArrayLike],
    rtol: float = 1e-6,
    atol: float = 1e-9,
    m: int | None = None,
) -> Comparison:
    """Compare two grads or parameters dicts key by key, with the likely cause of each difference.

    Parameters
    ----------
    mine, reference : dict of arrays
        Your dict and the reference (for instance :func:`chainrule.course.L_model_backward`'s).
    rtol, atol : float
        Two arrays match when ``np.allclose(yours, reference, rtol, atol)``.
    m : int or None
        The number of examples, to name a factor m; read off the ``dA`` arrays when None.

    Returns
    -------
    Comparison
        Falsy when anything differs; ``str()`` explains the first difference.
    """
    mine_arrays, reference_arrays = _as_arrays(mine, "mine"), _as_arrays(reference, "reference")
    if m is None:
        m = _infer_m(reference_arrays, mine_arrays)
    reports = [
        _report(key, mine_arrays, reference_arrays, m, rtol, atol) for key in reference_arrays
    ]
    for key in mine_arrays:
        if key not in reference_arrays:
            reports.append(
                KeyReport(key, "extra", cause=f"the reference has no {key}; a misnamed key?")
            )
    differing = [report for report in reports if report.status == "differs"]
    summary = None
    if len(differing) == len(reports) and all(
        (report.cause or "").startswith("sign flipped") for report in differing
    ):
        summary = (
            "Every key has its sign flipped: the error starts at the output layer. "
            "dA[L] = −(Y/A[L] − (1 − Y)/(1 − A[L])), with the minus sign in front."
        )
    return Comparison(tuple(reports), summary)
