"""SymPy expressions compiled to NumPy functions, within the budget of
:mod:`chainrule.symbolic.budget`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from chainrule.symbolic.budget import check_compilable


def compile_numpy(expression: Any, variables: Sequence[Any]) -> Callable[..., Any]:
    """A NumPy function of ``variables`` computing ``expression`` (SciPy for erf).

    Raises ValueError when the expression, written out, has more than
    :data:`chainrule.symbolic.budget.MAX_COMPILED_NODES` nodes or nests too deeply.

    The expression is one :mod:`chainrule.symbolic.formulas` built, never a user's string, so
    ``lambdify`` only prints SymPy's own tree as NumPy calls. The function
    returns an array shaped like its first argument, in that argument's dtype.
    DiracDelta (the derivative of ``sign`` and ``Heaviside``) evaluates to 0.
    """
    import numpy as np
    import sympy as sp

    check_compilable(expression, "the expression")

    # DiracDelta, the derivative of sign and Heaviside, is 0 wherever it can be evaluated
    # (away from 0, and at 0 as the frameworks take relu'(0) and sign'(0)).
    def almost_everywhere(x: Any, *order: Any) -> Any:
        return np.zeros_like(x, dtype=float)

    # Called by name, not rewritten: SymPy's NumPy printer turns Heaviside and Max into
    # Piecewise and runs simplify_logic on the conditions, which can take minutes.
    # Heaviside(x, h0) is h0 at 0 (SymPy's default 1/2), as np.heaviside.
    by_name = {
        "DiracDelta": almost_everywhere,
        "Heaviside": lambda x, at_zero=0.5: np.heaviside(x, at_zero),
        "Max": lambda *args: functools.reduce(np.maximum, args),
        "Min": lambda *args: functools.reduce(np.minimum, args),
    }
    try:
        compiled = sp.lambdify(list(variables), expression, modules=[by_name, "scipy", "numpy"])
    except (SyntaxError, RecursionError, MemoryError):  # Python's parser: nested too deeply
        raise ValueError(
            "the expression is nested too deeply to compile: write the formula more simply"
        ) from None

    def evaluate(first: Any, *rest: Any) -> Any:
        result = np.asarray(compiled(first, *rest))
        if result.shape != first.shape:
            return np.broadcast_to(result, first.shape).astype(first.dtype)
        return result.astype(first.dtype, copy=False)

    return evaluate
