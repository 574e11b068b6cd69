"""Algebra shared by the derivations and the formula entries.

``tidy`` prints an expression the way the course writes it (a(1 − a),
2(a − y)), never starting an unbounded simplification; ``in_terms_of_a``
finds g'(z) written through a = g(z) (σ' = a(1 − a), tanh' = 1 − a²), which
both :mod:`chainrule.tools.derive` (to show it) and
:mod:`chainrule.functions.custom` (to compute g' from A) use. SymPy is passed
in as ``sp`` so that importing chainrule does not import it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from chainrule.symbolic.budget import MAX_SYMBOLIC_NODES, measure, too_costly
from chainrule.symbolic.formulas import compile_numpy

#: Points at which a polynomial g'(z) = P(g(z)) is fitted and then checked.
_FIT_POINTS = ("-1.3", "-0.45", "0.35", "0.8", "1.7", "2.3")
_FIT_DIGITS = 30


def _without_leading_minus(sp: Any, expr: Any) -> Any:
    """−a(a − 1) → a(1 − a) and 2(y − a)(a − 1) → 2(a − y)(1 − a): the course's signs.

    Factors that start with a minus (y − a) are flipped to a − y; a minus
    left over is absorbed by flipping one factor without y, (a − 1) → (1 − a).
    """
    if not expr.is_Mul:
        return expr
    coefficient, factors_ = expr.as_coeff_mul()
    factors = list(factors_)
    for index, factor in enumerate(factors):
        if factor.is_Add and factor.could_extract_minus_sign():
            factors[index], coefficient = -factor, -coefficient
    # A polynomial factor, (a − 1) → (1 − a), absorbs a leftover minus; (eᶻ + 1) does not.
    flippable = [
        index
        for index, factor in enumerate(factors)
        if factor.as_base_exp()[0].is_Add
        and factor.as_base_exp()[1].is_odd
        and not factor.has(sp.Function)
    ]
    if coefficient < 0 and flippable:
        base, exponent = factors[flippable[0]].as_base_exp()
        factors[flippable[0]], coefficient = (-base) ** exponent, -coefficient
    leading = [] if coefficient == 1 else [coefficient]
    return sp.Mul(*leading, *factors, evaluate=False)


#: The largest integer multiple of z in an exponential that is tidied: cancel takes
#: exp(n·z) as exp(z)ⁿ, and exp(10**12*z) never comes back (exp(10**6*z) takes 0.5 s).
_MAX_TIDY_EXP_MULTIPLE = 10**6


def too_big(sp: Any, expr: Any) -> bool:
    """True when cancelling or factoring could grind: the limits of
    :func:`chainrule.symbolic.budget.too_costly`, or an exponential of a large
    integer multiple (cancel takes exp(n·z) as exp(z)ⁿ)."""
    return too_costly(sp, expr) or any(
        coefficient.is_Rational and abs(coefficient.p) > _MAX_TIDY_EXP_MULTIPLE
        for exponential in expr.atoms(sp.exp)
        for coefficient in exponential.args[0].as_coefficients_dict().values()
    )


def tidy(sp: Any, expr: Any) -> Any:
    """The shortest of expr, its expansion and its factored form (no general simplify).

    Ties go to the factored form, as the course writes a(1 − a) and 2(a − y).
    """
    if too_big(sp, expr):
        return expr
    try:
        factored = _without_leading_minus(sp, sp.factor(sp.cancel(expr)))
        expanded = sp.expand(expr)
    except (sp.PolynomialError, NotImplementedError, TypeError):
        return expr
    return min([factored, expanded, expr], key=sp.count_ops)


def in_terms_of_a(sp: Any, g: Any, g_prime: Any, z: Any, a: Any) -> Any | None:
    """g'(z) as a polynomial P(a) of degree ≤ 2 in a = g(z), or None when it is not one.

    P is fitted at three points, checked at three more to 25 digits relative
    to g's scale, and then confirmed symbolically: g' − P(g) must cancel to 0.
    This finds sigmoid' = a(1 − a), tanh' = 1 − a², exp' = a without
    ``solve``, which is slow or hangs on activations like gelu. None, too,
    when g' is beyond the budget of :mod:`chainrule.symbolic.budget` (then
    the caller uses g'(z) as differentiated, which is still right).
    """
    if not g_prime.has(z):
        return g_prime
    if g.has(sp.Piecewise, sp.Heaviside, sp.Max, sp.Min, sp.Abs, sp.sign):
        return None
    if measure(g_prime).nodes > MAX_SYMBOLIC_NODES:
        return None
    if not _finite_at_fit_points(g, g_prime, z):
        return None  # exact values would take long (exp(exp(exp(z))) at 2.3 has 10⁵ digits)
    coefficients = _fit(sp, g, g_prime, z)
    if coefficients is None:
        return None
    # The exact coefficients: rationals (0.3·z has slope 3/10), or rational multiples of
    # π, e, √2, √3, π² (π·z, √2·z); the symbolic check rejects a wrong guess. Found by
    # continued fractions, in bounded time (nsimplify's PSLQ search takes seconds).
    exact = [_exact(sp, c) for c in coefficients]
    if any(c is None for c in exact):
        return None
    polynomial = sum(c * a**power for power, c in enumerate(exact))
    if _cancels(sp, g_prime - polynomial.subs(a, g)):
        return tidy(sp, polynomial)
    return None


def _exact(sp: Any, number: Any) -> Any | None:
    """r·k for a rational r of denominator ≤ 10⁹ and k in 1, π, e, √2, √3, π² with
    |number − r·k| ≤ 10⁻²⁰·(1 + |number|); None when there is none."""
    import mpmath

    with mpmath.workdps(_FIT_DIGITS + 10):
        value = mpmath.mpf(str(number))
        for constant in (sp.Integer(1), sp.pi, sp.E, sp.sqrt(2), sp.sqrt(3), sp.pi**2):
            ratio = value / mpmath.mpf(str(constant.evalf(_FIT_DIGITS + 10)))
            rational = Fraction(mpmath.nstr(ratio, _FIT_DIGITS + 5)).limit_denominator(10**9)
            if abs(ratio - mpmath.mpf(rational.numerator) / rational.denominator) <= (
                mpmath.mpf(10) ** -20 * (1 + abs(value))
            ):
                return sp.Rational(rational.numerator, rational.denominator) * constant
    return None


def _fit(sp: Any, g: Any, g_prime: Any, z: Any) -> list[Any] | None:
    """c₀, c₁, c₂ (SymPy floats) with g' = c₀ + c₁g + c₂g² at the six fit points, or None.

    g and g' are evaluated with mpmath at 30 digits through compiled functions
    (evalf would re-evaluate shared subexpressions and can take exponential time).
    """
    import mpmath

    value, slope = (sp.lambdify([z], f, modules="mpmath") for f in (g, g_prime))
    with mpmath.workdps(_FIT_DIGITS + 10):
        try:
            points = [mpmath.mpf(p) for p in _FIT_POINTS]
            values = [(value(p), slope(p)) for p in points]
            if not all(isinstance(v, mpmath.mpf) and isinstance(d, mpmath.mpf) for v, d in values):
                return None
            system = mpmath.matrix([[1, v, v**2] for v, _ in values[:3]])
            solved = mpmath.lu_solve(system, mpmath.matrix([d for _, d in values[:3]]))
        except (ValueError, ZeroDivisionError, TypeError, ArithmeticError):
            return None
        coefficients = [solved[power] for power in range(3)]
        scale = max(abs(d) for _, d in values)
        tolerance = mpmath.mpf(10) ** -(_FIT_DIGITS - 5) * (scale if scale else 1)
        for v, d in values[3:]:
            fitted = sum(c * v**power for power, c in enumerate(coefficients))
            if abs(fitted - d) > tolerance:
                return None  # no polynomial of degree ≤ 2: g' is not written through a
        # A term below the tolerance at every point is rounding noise: it is 0.
        largest = max(abs(v) for v, _ in values)
        return [
            sp.Float(0 if abs(c) * largest**power <= tolerance else c, _FIT_DIGITS)
            for power, c in enumerate(coefficients)
        ]


def _cancels(sp: Any, expr: Any) -> bool:
    """True when ``expr`` (in z) is identically 0; False, too, when checking is too costly."""
    combined = expr.rewrite(sp.exp)
    if too_costly(sp, combined):
        return False
    return bool(sp.cancel(sp.together(combined)) == 0)


def _finite_at_fit_points(g: Any, g_prime: Any, z: Any) -> bool:
    """True when g and g' are finite floats at every fit point, evaluated with NumPy."""
    import numpy as np

    points = np.array([float(p) for p in _FIT_POINTS])
    with np.errstate(all="ignore"):
        for function in (g, g_prime):
            values = np.asarray(compile_numpy(function, [z])(points), dtype=float)
            if not np.isfinite(values).all():
                return False
    return True
