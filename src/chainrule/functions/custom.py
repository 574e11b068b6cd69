"""Activations and losses from formulas: the derivative by SymPy, both compiled to NumPy.

``Activation.from_expression("softsign", "z/(1 + Abs(z))")`` and
``Loss.from_expression("quartic", "(a - y)**4")`` land here. The formula is
parsed safely (:mod:`chainrule.formulas`), differentiated by SymPy
(g'(z) = dg/dz, dA = ∂ℓ/∂a), and value and derivative are compiled to NumPy,
so the result works wherever a catalog entry does: a hidden or output layer
of a Network, ``output_delta``, ``derive`` and ``gradcheck``. Where g' is a
polynomial in a = g(z), as :func:`chainrule.derive` finds it (a(1 − a) for
sigmoid however it is written, a for exp, 1 − a² for tanh), the compiled g'
works from A, as the catalog's do: it stays finite where the derivative as
differentiated overflows.

What SymPy cannot tell cheaply is the range of g, so a custom activation's
``output_range`` is (−∞, ∞) unless the caller gives it; with a loss whose
domain is narrower (bce, cce, poisson), ``domain_problem`` then reports the
pair and a Network refuses it. Pass ``output_range=(0, 1)`` when g maps into
(0, 1). Likewise a custom loss's ``domain`` is all reals unless given.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.formulas import compile_numpy, parse_formula
from chainrule.functions.activations import Activation
from chainrule.functions.losses import Loss

Array = NDArray[np.floating[Any]]
Bounds = tuple[float, float]
OpenEnds = tuple[bool, bool]


def _check_name(name: str, kind: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"a custom {kind} needs a non-empty name, got {name!r}")
    return name


def _check_bounds(bounds: Bounds, what: str) -> Bounds:
    low, high = (float(bound) for bound in bounds)
    if math.isnan(low) or math.isnan(high) or not low < high:
        raise ValueError(f"{what} must be (low, high) with low < high, got {bounds!r}")
    return low, high


def activation_from_expression(
    name: str,
    formula: str,
    output_range: Bounds = (-math.inf, math.inf),
    open_ends: OpenEnds = (True, True),
) -> Activation:
    """An elementwise activation g(z) from a formula in z; g'(z) by SymPy.

    Parameters
    ----------
    name : str
        Shown in messages, derivations and ``repr``.
    formula : str
        g(z), e.g. ``"z/(1 + Abs(z))"`` (see :mod:`chainrule.formulas` for what is allowed).
    output_range, open_ends
        The values g takes, when known: ``(0, 1)`` lets it feed bce.

    Examples
    --------
    >>> import numpy as np
    >>> g = activation_from_expression("softsign", "z/(1 + Abs(z))")
    >>> g.forward(np.array([[1.0, -3.0]])).tolist()
    [[0.5, -0.75]]
    """
    import sympy as sp

    _check_name(name, "activation")
    from chainrule.derive import in_terms_of_a  # derive imports the catalog this module fills

    g = parse_formula(formula, ("z",))
    z, a = sp.Symbol("z", real=True), sp.Symbol("a", real=True)
    value = compile_numpy(g, [z])
    g_prime = sp.diff(g, z)
    through_a = in_terms_of_a(sp, g, g_prime, z, a)
    if through_a is not None and through_a.has(a):
        # g' = P(a), as derive finds it (a(1 − a) for any way of writing sigmoid): from A,
        # it stays finite where g'(z) as differentiated overflows (e^800/(1 + e^800)²).
        from_a = compile_numpy(through_a, [a])
        derivative: Callable[[Array, Array], Array] = lambda Z, A: from_a(A)  # noqa: E731
    else:
        from_z = compile_numpy(g_prime, [z])
        derivative = lambda Z, A: from_z(Z)  # noqa: E731
    return Activation(
        name,
        value,
        derivative,
        lambda sp_, symbol: g.xreplace({z: symbol}),
        output_range=_check_bounds(output_range, "output_range"),
        open_ends=open_ends,
    )


def loss_from_expression(
    name: str,
    formula: str,
    domain: Bounds = (-math.inf, math.inf),
    open_ends: OpenEnds = (True, True),
) -> Loss:
    """A loss ℓ(a, y) from a formula in a and y; dA = ∂ℓ/∂a by SymPy.

    The per-example loss sums ℓ over the output units, as for the catalog's
    losses; labels may be any finite numbers and predictions are A itself.

    Examples
    --------
    >>> L = loss_from_expression("quartic", "(a - y)**4")
    >>> L.backward([[3.0]], [[1.0]]).tolist()
    [[32.0]]
    """
    import sympy as sp

    _check_name(name, "loss")
    ell = parse_formula(formula, ("a", "y"))
    a, y = sp.Symbol("a", real=True), sp.Symbol("y", real=True)
    elementwise = compile_numpy(ell, [a, y])
    gradient = compile_numpy(sp.diff(ell, a), [a, y])

    def expression(sp_: Any, a_: Any, y_: Any) -> Any:
        return ell.xreplace({a: a_, y: y_})

    return Loss(
        name,
        elementwise,
        gradient,
        expression,
        domain=_check_bounds(domain, "domain"),
        open_ends=open_ends,
    )
