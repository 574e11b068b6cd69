"""Check a learner's course function against chainrule's reference, and say why it differs.

>>> import numpy as np
>>> from chainrule.course import check
>>> def linear_backward(dZ, cache):
...     A_prev, W, b = cache
...     m = A_prev.shape[1]
...     return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1) / m   # db without keepdims
>>> report = check(linear_backward, cases=5)
>>> report.passed, sorted(report.causes)
(False, ['keepdims'])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainrule.base.checks import check_integer
from chainrule.course.checking.report import CheckReport
from chainrule.course.checking.runner import check_with, find_spec
from chainrule.course.checking.spec import Spec
from chainrule.course.checking.specs_application import SPECS as APPLICATION
from chainrule.course.checking.specs_deep import SPECS as DEEP
from chainrule.course.checking.specs_gradient_checking import SPECS as GRADIENT_CHECKING
from chainrule.course.checking.specs_improving import SPECS as IMPROVING
from chainrule.course.checking.specs_logistic_planar import SPECS as LOGISTIC_PLANAR

SPECS: tuple[Spec, ...] = DEEP + APPLICATION + LOGISTIC_PLANAR + IMPROVING + GRADIENT_CHECKING


def check(
    function: Callable[..., Any], assignment: str | None = None, cases: int = 20, seed: int = 0
) -> CheckReport:
    """Run a learner's ``function`` beside chainrule's reference and explain the differences.

    ``function`` is the learner's implementation of a function of the course's
    assignments, recognised by its ``__name__``; a name several assignments
    share (``initialize_parameters``, ``forward_propagation``, ``compute_cost``,
    ``update_parameters``, ``predict`` …) needs ``assignment`` ("planar", "deep",
    "gradient_checking", …). It runs on the course's public test inputs, the
    function's edge cases and ``cases`` random cases drawn with ``seed``.

    Returns a :class:`CheckReport`: ``passed`` is True only when every output of
    every case agrees at the course's tolerance (``np.allclose`` defaults);
    ``causes`` names the kinds of mistake that explain the differences;
    ``str(report)`` explains the first failing case.
    """
    if not callable(function):
        raise TypeError(f"check takes the function itself, got {type(function).__name__}")
    spec = find_spec(getattr(function, "__name__", ""), assignment, SPECS)
    return check_with(
        spec, function, check_integer("cases", cases, 0), check_integer("seed", seed, 0)
    )


__all__ = ["SPECS", "CheckReport", "check"]
