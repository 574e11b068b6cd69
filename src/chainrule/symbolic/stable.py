"""The stable route's rewriting: L(g(z), y) and dZ = ∂L/∂z in stable primitives.

For an output activation g and a loss ℓ(a, y), the generic route computes
dZ = ℓ'(a)·g'(z) from a = g(z), and breaks where a saturates (σ(−800) = 0
makes −y/a infinite). Written as functions of the logit z, most pairs are
perfectly finite. This module rewrites them in *atoms* that are computed
stably from z:

================  =====================================  ===========================
family of g       atoms                                    a in atoms
================  =====================================  ===========================
logistic          p = σ(z), q = σ(−z) = 1 − p,              a = p
                  lp = log p = −softplus(−z),
                  lq = log q = −softplus(z)
tanh              the same atoms at 2z                      a = p − q
softmax           pₖ = softmaxₖ(z), qₖ = 1 − pₖ,             aₖ = pₖ
                  lpₖ = zₖ − logsumexp(z),
                  lqₖ = log Σ_{j≠k} e^{zⱼ} − logsumexp(z)
exp               z itself: log a = z, aʳ = e^{rz}           a = eᶻ
================  =====================================  ===========================

The rules, applied bottom up: a linear form c + u·p + v·q becomes
(c + u)·p + (c + v)·q, because p + q = 1 (so 1 − a is q, and 1 − y·a is
(1 − y)·p + q, exact where y = 1 and σ(z) − 1 would round to 0); log p and
log q become lp and lq; every derivative comes from the atoms'
(dp/dz = k·p·q, dlp/dz = k·q, dlq/dz = −k·p, k = 2 for tanh); the result is
cancelled as a rational function of p and q, homogenised (each monomial
multiplied by (p + q)ᵈ so that the coefficients in y cancel symbolically)
and collected, so (1 − y)·p − y·q replaces σ(z) − y. Non-polynomial parts
(Max, Abs, Piecewise, powers γ ∉ ℤ) are kept whole with their arguments rewritten.

Every step is bounded: an expression over :data:`MAX_OPS` operations, or a
polynomial of degree over :data:`MAX_DEGREE` in p and q, gives None (the
caller falls back to the generic route); no general ``simplify`` is run.
SymPy is passed in as ``sp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chainrule.symbolic.algebra import in_terms_of_a, too_big

#: The largest expression (SymPy's count_ops) the rewrite works on.
MAX_OPS = 300
#: The highest degree in p and q that is homogenised and collected.
MAX_DEGREE = 8
#: The atoms' names, in the order the compiled rules take them.
ATOM_NAMES = ("p", "q", "lp", "lq")


@dataclass(frozen=True)
class StableForm:
    """L and dZ of one pair in atoms (see the module docstring).

    ``cost`` is ℓ per unit. ``dZ`` is ∂L/∂z per unit for an elementwise g;
    for softmax it is the diagonal part sᵢ = pᵢ·qᵢ·∂ℓ/∂aᵢ, and
    ``cross``/``power`` give pₖ·∂ℓ/∂aₖ = cross/qₖ^power, so that
    dZᵢ = sᵢ − Σ_{k≠i} crossₖ·pᵢ/qₖ^power (or see ``pairwise``). ``variables`` are the
    compiled rules' arguments: the atoms (or z), then y, then ``parameters``,
    the loss's settings kept as symbols (one value per output unit).
    """

    family: str
    scale: int
    cost: Any
    dZ: Any
    cross: Any | None
    power: int
    variables: tuple[Any, ...]
    parameters: tuple[str, ...]
    #: Softmax only: ``dZ`` is D = ∂ℓ/∂a itself, free of 1/p and 1/q, and
    #: dZᵢ = Σ_{k≠i} pᵢ·pₖ·(Dᵢ − Dₖ) (qᵢ = Σ_{k≠i} pₖ: nothing close to 1 is subtracted).
    pairwise: bool = False


def output_family(sp: Any, g: Any, z: Any) -> tuple[str, int] | None:
    """("logistic", 1), ("tanh", 2) or ("exp", 1) when g is that function, else None.

    Told from the derivative, not the name: g' = a(1 − a) with g(0) = ½ is
    the logistic function, g' = 1 − a² with g(0) = 0 is tanh, g' = a with
    g(0) = 1 is exp (each ODE has one solution), however g is written.
    """
    if sp.count_ops(g) > MAX_OPS:
        return None
    a = sp.Symbol("a", real=True)
    through_a = in_terms_of_a(sp, g, sp.diff(g, z), z, a)
    if through_a is None:
        return None
    known = {
        "logistic": (a - a**2, sp.Rational(1, 2), 1),
        "tanh": (1 - a**2, sp.Integer(0), 2),
        "exp": (a, sp.Integer(1), 1),
    }
    try:  # g(0) numerically, to 30 digits: never a general simplify
        at_zero = complex(g.subs(z, 0).evalf(30))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    for family, (derivative, value, scale) in known.items():
        if sp.expand(through_a - derivative) == 0 and abs(at_zero - float(value)) < 1e-25:
            return family, scale
    return None


def is_softmax(sp: Any, components: list[Any], symbols: list[Any]) -> bool:
    """True when ``components`` are e^{zᵢ}/Σₖ e^{zₖ} in ``symbols``."""
    total = sum(sp.exp(s) for s in symbols)
    return all(
        sp.cancel((c - sp.exp(s) / total).rewrite(sp.exp)) == 0
        for c, s in zip(components, symbols, strict=True)
    )


def _atoms(sp: Any) -> tuple[Any, Any, Any, Any]:
    p, q = sp.Symbol("p", positive=True), sp.Symbol("q", positive=True)
    lp, lq = sp.Symbol("lp", real=True), sp.Symbol("lq", real=True)
    return p, q, lp, lq


def _homogeneous(sp: Any, expr: Any, p: Any, q: Any) -> Any:
    """A polynomial in p, q made homogeneous with p + q = 1, collected by monomial;
    ``expr`` unchanged when it is not a polynomial of bounded degree in p and q."""
    if not expr.has(p, q):
        return expr
    try:
        poly = sp.Poly(expr, p, q)
    except sp.PolynomialError:
        return expr
    degree = poly.total_degree()
    if degree > MAX_DEGREE or len(poly.terms()) > 4 * MAX_DEGREE:
        return expr
    homogeneous = sp.Poly(
        sp.expand(sum(c * p**i * q**j * (p + q) ** (degree - i - j) for (i, j), c in poly.terms())),
        p,
        q,
    )
    return sp.Add(*(_collected(sp, c) * p**i * q**j for (i, j), c in homogeneous.terms() if c != 0))


def _collected(sp: Any, coefficient: Any) -> Any:
    """A coefficient in y, the logs lp, lq and held parts (sign, Abs …) as
    Σ factor(cᵢ)·monomialᵢ over their monomials: 2y(2y − 1)·lp, never
    4y²·lp − 2y·lp + …, or y·s − s + 2|u|, whose terms cancel at y = 1."""
    keys = sorted(
        (s for s in coefficient.free_symbols if s.name in ("lp", "lq") or isinstance(s, sp.Dummy)),
        key=str,
    )
    if not keys:
        return sp.factor(coefficient)
    try:
        poly = sp.Poly(sp.expand(coefficient), *keys)
    except sp.PolynomialError:
        return coefficient
    return sp.Add(
        *(
            sp.factor(c) * sp.Mul(*(k**e for k, e in zip(keys, powers, strict=True)))
            for powers, c in poly.terms()
        )
    )


def _rewrite(sp: Any, expr: Any, p: Any, q: Any, lp: Any, lq: Any) -> Any:
    """Bottom up: linear forms in p, q homogenised, log p → lp, log q → lq."""
    if not expr.args or not expr.has(p, q):
        return expr
    args = [_rewrite(sp, arg, p, q, lp, lq) for arg in expr.args]
    if isinstance(expr, sp.log):
        return _log(sp, args[0], p, q, lp, lq)
    rebuilt = expr.func(*args)
    if rebuilt.is_Add and _degree(sp, rebuilt, p, q) == 1:
        return _homogeneous(sp, rebuilt, p, q)
    if rebuilt.is_Add and len(rebuilt.args) == 2:
        return _conjugate(sp, rebuilt, p, q)
    return rebuilt


def _conjugate(sp: Any, expr: Any, p: Any, q: Any) -> Any:
    """v − √X as (v² − X)/(v + √X), and √X − v as (X − v²)/(√X + v), for v free of
    p and q: 1 − √σ(z) keeps its digits. Where v may be 0 (v = √y) the conjugate is
    taken only for v > 0, since (X − v²)/(√X + v) is 0/0 at X = v = 0."""
    for sign in (1, -1):
        roots = [
            t
            for t in expr.args
            if (sign * t).is_Pow and (sign * t).exp == sp.Rational(1, 2) and t.has(p, q)
        ]
        if len(roots) != 1:
            continue
        root = sign * roots[0]
        v = sign * (roots[0] - expr)  # expr = sign·(root − v)
        if v.has(p, q):
            return expr
        difference = sp.expand(root.base - v**2)
        if _degree(sp, difference, p, q) == 1:
            difference = _homogeneous(sp, difference, p, q)
        conjugate = sign * difference / (root + v)
        if v.is_positive:
            return conjugate
        return sp.Piecewise((conjugate, v > 0), (expr, True))
    return expr


def _degree(sp: Any, expr: Any, p: Any, q: Any) -> int | None:
    """The total degree of expr as a polynomial in p and q, or None when it is not one."""
    try:
        return int(sp.Poly(expr, p, q).total_degree())
    except sp.PolynomialError:
        return None


def _log(sp: Any, argument: Any, p: Any, q: Any, lp: Any, lq: Any) -> Any:
    """log of a rewritten argument: log p → lp, log q → lq, log(1 + x) → log1p(x),
    log cosh(x) → log1p(2 sinh²(x/2)) (both accurate where x is tiny)."""
    from sympy.codegen.cfunctions import log1p

    if isinstance(argument, sp.cosh):
        return log1p(2 * sp.sinh(argument.args[0] / 2) ** 2)
    constant, rest = argument.as_independent(p, q, as_Add=True)
    if argument.is_Add and constant == 1 and rest != 0:
        return log1p(rest)
    expanded = sp.expand_log(sp.log(argument), force=True)
    return expanded.xreplace({sp.log(p): lp, sp.log(q): lq})


def _tidy_rational(sp: Any, expr: Any, p: Any, q: Any) -> Any:
    """expr cancelled in p and q, with its non-polynomial parts held whole, and its
    numerator and denominator homogenised (see :func:`_homogeneous`)."""
    opaque: dict[Any, Any] = {}

    def hide(node: Any) -> Any:
        if not node.args:
            return node
        polynomial = node.is_Add or node.is_Mul or (node.is_Pow and node.exp.is_Integer)
        if polynomial:
            return node.func(*(hide(arg) for arg in node.args))
        if not node.has(p, q):
            return node
        return opaque.setdefault(node, sp.Dummy(f"f{len(opaque)}"))

    hidden = hide(expr)
    if too_big(sp, hidden):
        raise ValueError("too costly to rewrite")
    numerator, denominator = sp.fraction(sp.cancel(hidden))
    back = {dummy: node for node, dummy in opaque.items()}
    return (_factored(sp, numerator, p, q) / _factored(sp, denominator, p, q)).xreplace(back)


def _factored(sp: Any, polynomial: Any, p: Any, q: Any) -> Any:
    """A polynomial homogenised in p, q, then factored where SymPy can, each factor
    collected (4(p(1 − y) − y·q)³·p·q for (a − y)⁴ after sigmoid, not its expansion)."""
    homogeneous = _homogeneous(sp, sp.expand(polynomial), p, q)
    if sp.count_ops(homogeneous) > MAX_OPS:
        return homogeneous
    factors = []
    for factor in sp.Mul.make_args(sp.factor(homogeneous)):
        base, exponent = factor.as_base_exp()
        if base.is_Add:
            expanded = sp.expand(base)
            base = _homogeneous(sp, expanded, p, q) if base.has(p, q) else _collected(sp, expanded)
        factors.append(base**exponent)
    return sp.Mul(*factors)


def _in_atoms(sp: Any, ell: Any, a: Any, a_of: Any, atoms: tuple[Any, ...]) -> Any:
    p, q, lp, lq = atoms
    return _rewrite(sp, ell.xreplace({a: a_of}), p, q, lp, lq)


def _derivative_in_a(sp: Any, ell: Any, atoms: tuple[Any, ...]) -> Any:
    """∂ℓ/∂a for ℓ in atoms with a = p: ∂/∂p − ∂/∂q + (∂/∂lp)/p − (∂/∂lq)/q."""
    p, q, lp, lq = atoms
    return sp.diff(ell, p) - sp.diff(ell, q) + sp.diff(ell, lp) / p - sp.diff(ell, lq) / q


def _dz(sp: Any, ell: Any, atoms: tuple[Any, ...], scale: int) -> Any:
    """dℓ/dz through the atoms: dp/dz = k·p·q, dq/dz = −k·p·q, dlp/dz = k·q, dlq/dz = −k·p."""
    p, q, lp, lq = atoms
    k = sp.Integer(scale)
    return (
        k * p * q * (sp.diff(ell, p) - sp.diff(ell, q))
        + k * q * sp.diff(ell, lp)
        - k * p * sp.diff(ell, lq)
    )


def _q_power(sp: Any, expr: Any, q: Any) -> tuple[Any, int] | None:
    """(N, n) with expr = N/qⁿ and N free of 1/q; None when the denominator has more."""
    numerator, denominator = sp.fraction(expr)
    power = sp.degree(denominator, q) if denominator.has(q) else 0
    rest = sp.cancel(denominator / q**power)
    if rest.has(*[s for s in expr.free_symbols if s.name in ATOM_NAMES]):
        return None
    return numerator / rest, int(power)


def stable_form(sp: Any, family: str, scale: int, ell: Any, a: Any, y: Any) -> StableForm | None:
    """L and dZ for ℓ(a, y) after g of ``family`` in atoms, or None when too costly.

    ``family`` is one of :func:`output_family`'s names or "softmax".
    """
    if sp.count_ops(ell) > MAX_OPS or too_big(sp, ell):
        return None
    parameters = tuple(sorted(s.name for s in ell.free_symbols - {a, y}))
    extra = tuple(sp.Symbol(name, real=True) for name in parameters)
    if family == "exp":
        z = sp.Symbol("z", real=True)
        # log(y·e^{−z}) = log y − z: the logs of a positive loss's arguments are real.
        cost = sp.expand_log(ell.xreplace({a: sp.exp(z)}), force=True)
        dZ = sp.factor_terms(sp.diff(cost, z))
        if sp.count_ops(dZ) > MAX_OPS:
            return None
        return StableForm(family, 1, cost, dZ, None, 0, (z, y, *extra), parameters)
    atoms = _atoms(sp)
    p, q = atoms[0], atoms[1]
    cost = _in_atoms(sp, ell, a, p - q if family == "tanh" else p, atoms)
    if sp.count_ops(cost) > MAX_OPS:
        return None
    variables = (*atoms, y, *extra)
    if family != "softmax":
        dZ = _tidy_rational(sp, _dz(sp, cost, atoms, scale), p, q)
        if sp.count_ops(dZ) > MAX_OPS:
            return None
        return StableForm(family, scale, cost, dZ, None, 0, variables, parameters)
    derivative = _derivative_in_a(sp, cost, atoms)
    tidied = _tidy_rational(sp, derivative, p, q)
    if not any(power.exp.is_negative and power.base.has(p, q) for power in tidied.atoms(sp.Pow)):
        return StableForm(family, 1, cost, tidied, None, 0, variables, parameters, True)
    diagonal = _tidy_rational(sp, p * q * derivative, p, q)
    cross = _q_power(sp, _tidy_rational(sp, p * derivative, p, q), q)
    if cross is None or max(sp.count_ops(diagonal), sp.count_ops(cross[0])) > MAX_OPS:
        return None
    return StableForm(family, 1, cost, diagonal, cross[0], cross[1], variables, parameters)
