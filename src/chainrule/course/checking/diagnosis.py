"""Why two results differ: the tags of the mistakes that explain a learner's output.

For one case, the learner's result and the reference's are laid flat
(:mod:`~chainrule.course.checking.outputs`) and compared leaf by leaf. A leaf
that differs is explained, when it can be, by one of these tags:

* ``sign``: the reference's negative;
* ``scale``: the reference times a constant (a missing or extra 1/m, m, 2, λ/m,
  keep_prob), named when it is one of the case's constants;
* ``transpose``: the reference transposed;
* ``keepdims``: the right values in the wrong shape ((n,) for (n, 1));
* ``layer offset``: the value of the same output one layer up or down;
* ``cache``: a cache holding another of the reference's arrays, or in another order;
* any tag of the function's own mutants (``axis``, ``elementwise``,
  ``derivative``, ``missing derivative``, …): the learner's leaf equals what
  that planted mistake computes on this case;
* ``random state``: for a function that draws random numbers, right shapes and
  scale but other numbers, as when the course's seeding is not followed;
* ``shape``: a wrong shape no tag above explains.

A leaf that differs in value with none of these stays untagged ("values
differ"). Exceptions are tagged ``exception``; a failed matrix product or
broadcast names the shapes, and adds ``elementwise`` or ``transpose`` when the
message shows which.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.course.checking.outputs import (
    as_array,
    close,
    describe,
    largest_difference,
    values_close,
)


@dataclass(frozen=True)
class Finding:
    """One output that differs from the reference, and what explains it."""

    output: str
    tag: str | None
    detail: str
    difference: float | None = None


def _layer_shifted(path: str, step: int) -> str | None:
    """``dW2`` → ``dW3`` for step 1: the last layer number written after a letter in the
    path (a key such as ``W1``, ``dA0``); None when there is none (tuple indices are not layers)."""
    match = list(re.finditer(r"(?<=[A-Za-z])\d+", path))
    if not match:
        return None
    last = match[-1]
    shifted = int(last.group()) + step
    if shifted < 0:
        return None
    return path[: last.start()] + str(shifted) + path[last.end() :]


def _scale_name(factor: float, constants: Mapping[str, float]) -> str:
    for name, value in constants.items():
        if value and np.isclose(factor, value, rtol=1e-6):
            return f" (= {name})"
        if value and np.isclose(factor, 1 / value, rtol=1e-6):
            return f" (= 1/{name})"
    return ""


def _same_shape_tag(
    got: np.ndarray, want: np.ndarray, constants: Mapping[str, float]
) -> tuple[str, str] | None:
    """sign, scale or (square) transpose for two arrays of the same shape."""
    want_f, got_f = want.astype(float), got.astype(float)
    if not np.any(want_f):
        return None
    if values_close(got_f, -want_f):
        return "sign", "has the opposite sign"
    factor = float(np.vdot(got_f, want_f) / np.vdot(want_f, want_f))
    if (
        np.isfinite(factor)
        and abs(factor - 1) > 1e-6
        and factor
        and values_close(got_f, factor * want_f)
    ):
        return "scale", f"is off by a factor {factor:.6g}{_scale_name(factor, constants)}"
    if got_f.ndim == 2 and got_f.shape[0] == got_f.shape[1] and values_close(got_f, want_f.T):
        return "transpose", "is the transpose of the expected value"
    return None


def _reshaped_tag(got: np.ndarray, want: np.ndarray) -> tuple[str, str] | None:
    """transpose or keepdims for two arrays of different shapes."""
    if want.ndim == 2 and got.shape == want.T.shape and values_close(got.astype(float), want.T):
        return "transpose", f"is {got.shape}, the transpose of the expected {want.shape}"
    if got.size == want.size and values_close(got.reshape(want.shape).astype(float), want):
        return "keepdims", f"has the right values in shape {got.shape} instead of {want.shape}"
    return None


def explain_leaf(
    path: str,
    got: Any,
    want_leaves: Mapping[str, Any],
    mutant_leaves: Sequence[tuple[str, Mapping[str, Any]]],
    constants: Mapping[str, float],
) -> Finding:
    """The finding for one differing leaf ``path`` whose learner value is ``got``."""
    want = want_leaves[path]
    difference = largest_difference(got, want)
    for tag, leaves_of_mutant in mutant_leaves:
        if path in leaves_of_mutant and close(got, leaves_of_mutant[path]):
            return Finding(path, tag, f"matches the planted mistake '{tag}'", difference)
    got_array, want_array = as_array(got), as_array(want)
    if got_array is not None and want_array is not None:
        if got_array.shape == want_array.shape:
            found = _same_shape_tag(got_array, want_array, constants)
        else:
            found = _reshaped_tag(got_array, want_array)
        if found is not None:
            return Finding(path, found[0], found[1], difference)
    for step in (1, -1):
        other = _layer_shifted(path, step)
        if other is not None and other in want_leaves and close(got, want_leaves[other]):
            return Finding(path, "layer offset", f"holds the expected {other}", difference)
    cache_match = [
        other for other, value in want_leaves.items() if other != path and close(got, value)
    ]
    if cache_match and ("cache" in path or "[" in path):
        return Finding(path, "cache", f"holds what belongs in {cache_match[0]}", difference)
    if got_array is not None and want_array is not None and got_array.shape != want_array.shape:
        return Finding(
            path, "shape", f"is {describe(got)} where {describe(want)} is expected", difference
        )
    if got_array is None or want_array is None:
        return Finding(path, "shape", f"is {describe(got)} where {describe(want)} is expected")
    return Finding(path, None, "has other values", difference)


def explain_missing(path: str, got_leaves: Mapping[str, Any], want: Any) -> Finding:
    """A reference output the learner's result lacks: shifted keys, or a missing output."""
    for step in (1, -1):
        other = _layer_shifted(path, step)
        if other is not None and other in got_leaves and close(got_leaves[other], want):
            return Finding(path, "layer offset", f"is found under {other} instead")
    return Finding(path, "shape", "is missing from the result")


def random_state_findings(
    findings: list[Finding], got_leaves: Mapping[str, Any], want_leaves: Mapping[str, Any]
) -> list[Finding]:
    """Untagged findings on a seeded function become ``random state`` when the shapes are
    right and the spread is alike (the same distribution, other draws)."""
    result = []
    for finding in findings:
        got, want = as_array(got_leaves.get(finding.output)), as_array(want_leaves[finding.output])
        alike = (
            finding.tag is None
            and got is not None
            and want is not None
            and got.shape == want.shape
            and want.size > 1
            and np.std(want) > 0
            and 0.5 < np.std(got) / np.std(want) < 2
        )
        if alike:
            finding = Finding(
                finding.output,
                "random state",
                "has the right shape and spread but other random numbers",
                finding.difference,
            )
        result.append(finding)
    return result


_LIBRARIES = (
    str(Path(__file__).resolve().parents[2]),
    str(Path(np.__file__).resolve().parent),
)
_MATMUL = re.compile(r"matmul: Input operand \d has a mismatch in its core dimension")
_DOT = re.compile(r"shapes \(([\d, ]*)\) and \(([\d, ]*)\) not aligned")
_BROADCAST = re.compile(r"operands could not be broadcast together with shapes (.*)")


def explain_exception(error: BaseException) -> tuple[set[str], str]:
    """(tags, one-paragraph explanation) for an exception raised by the learner's function."""
    last = traceback.format_exception_only(type(error), error)[-1].strip()
    frames = traceback.extract_tb(error.__traceback__)
    # The learner's line: the last frame outside chainrule and NumPy that has source.
    line = next(
        (
            frame.line
            for frame in reversed(frames)
            if frame.line and not frame.filename.startswith(_LIBRARIES)
        ),
        "",
    )
    where = f" in `{line}`" if line else ""
    tags = {"exception"}
    message = str(error)
    if _MATMUL.search(message) or _DOT.search(message):
        tags.add("transpose")
        shapes = _DOT.search(message)
        detail = f" shapes ({shapes.group(1)}) and ({shapes.group(2)})" if shapes else ""
        text = (
            f"the matrix product{where} failed: its inner sizes differ{detail}. "
            "A product (a × b)(b × c) needs the columns of the first to match the rows "
            "of the second: most often one factor needs its transpose."
        )
    elif broadcast := _BROADCAST.search(message):
        tags.add("elementwise")
        text = (
            f"an elementwise operation{where} failed on shapes "
            f"{broadcast.group(1)}: `*` multiplies entry by entry; "
            "where the formula has a matrix product, use np.dot or @."
        )
    else:
        text = f"it raised {last}{where}"
    return tags, text
