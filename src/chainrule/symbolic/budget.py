"""How big a SymPy expression is, measured before SymPy is asked to work on it.

Every formula operation of chainrule (parsing, differentiating, compiling,
tidying, deriving) stays within a budget: an expression is measured first,
in time linear in its number of distinct subexpressions, and a step whose
cost grows with the measure is either skipped (tidying: the unsimplified
form is still correct) or refused with a ValueError that names the limit
(compiling an expression too large to run). Three measures:

* ``nodes``: the size of the expression written out as a tree, repeated
  subexpressions counted each time (what printing and lambdify walk);
* ``depth``: the nesting depth of that tree;
* ``terms``: an upper estimate of the number of monomials of its numerator
  and denominator once brought over a common denominator and expanded
  (what ``cancel``, ``together`` and ``factor`` work on):
  (t₁ + … + t_k)ⁿ counts C(k + n − 1, n), a product multiplies, a sum of
  fractions n₁/d₁ + n₂/d₂ counts (n₁d₂ + n₂d₁)/(d₁d₂); a function's argument
  or a non-integer power is one more variable (its own terms still count
  towards the largest found anywhere in the expression);
* ``generators``: the number of distinct variables that polynomial
  algorithms would see (symbols, function applications and non-integer
  powers that hold a symbol): multivariate factoring grows fast with them.

The numbers are capped at :data:`CAP`, so measuring never builds huge integers.
"""

from __future__ import annotations

from math import comb
from typing import Any, NamedTuple

#: Measures are capped here: beyond it every limit is exceeded anyway.
CAP = 10**12
#: The most tree nodes an expression compiled to NumPy (g, g', ℓ, ∂ℓ/∂a) may have.
MAX_COMPILED_NODES = 20_000
#: The most tree nodes an expression may have for a derivation step beyond differentiating.
MAX_SYMBOLIC_NODES = 2_000
#: The most monomials (estimated) that cancel, together or factor may be asked to handle.
MAX_TERMS = 200
#: The largest integer power that cancel or factor may be asked to handle.
MAX_POWER = 16
#: The most generators an expression given to cancel or factor may have (the
#: catalog's derivations have at most 8; a**a**…**a ten deep has 11 and takes 10 s).
MAX_GENERATORS = 8


class Size(NamedTuple):
    """The measures of one expression (see the module docstring)."""

    nodes: int
    depth: int
    terms: int
    generators: int


def measure(expr: Any) -> Size:
    """The :class:`Size` of a SymPy expression, in one pass over its distinct subexpressions."""
    sizes: dict[Any, tuple[int, int, int, int, int]] = {}
    stack: list[tuple[Any, bool]] = [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        if node in sizes:
            continue
        if not children_done:
            stack.append((node, True))
            stack.extend((arg, False) for arg in node.args if arg not in sizes)
            continue
        sizes[node] = _combine(node, [sizes[arg] for arg in node.args])
    nodes, depth, numerator, denominator, worst = sizes[expr]
    generators = sum(1 for node in sizes if _is_generator(node))
    return Size(nodes, depth, min(CAP, max(worst, numerator + denominator)), generators)


def _is_generator(node: Any) -> bool:
    if node.is_Symbol:
        return True
    if not node.free_symbols:
        return False
    return bool(node.is_Function or (node.is_Pow and not node.exp.is_Integer))


def _combine(
    node: Any, children: list[tuple[int, int, int, int, int]]
) -> tuple[int, int, int, int, int]:
    """(nodes, depth, numerator terms, denominator terms, worst terms below) of ``node``."""
    nodes = min(CAP, 1 + sum(child[0] for child in children))
    depth = 1 + max((child[1] for child in children), default=0)
    worst = max((max(child[4], child[2] + child[3]) for child in children), default=0)
    numerator, denominator = 1, 1
    if node.is_Add:
        numerator, denominator = 0, 1
        for _, _, n, d, _ in children:
            numerator = min(CAP, numerator * d + n * denominator)
            denominator = min(CAP, denominator * d)
    elif node.is_Mul:
        for _, _, n, d, _ in children:
            numerator, denominator = min(CAP, numerator * n), min(CAP, denominator * d)
    elif node.is_Pow and node.exp.is_Integer:
        _, _, n, d, _ = children[0]
        power = int(node.exp)
        if power < 0:
            n, d = d, n
        numerator, denominator = _multichoose(n, abs(power)), _multichoose(d, abs(power))
    return nodes, depth, numerator, denominator, min(CAP, worst)


def _multichoose(count: int, power: int) -> int:
    """The number of monomials of (t₁ + … + t_count)^power, capped at :data:`CAP`."""
    if count <= 1 or power == 0:
        return 1
    if power > 64 or count > 10**6:
        return CAP
    return min(CAP, comb(count + power - 1, power))


def highest_power(sp: Any, expr: Any) -> int:
    """The largest |n| of an integer power xⁿ in ``expr`` (0 when there is none)."""
    return max(
        (abs(int(power.exp)) for power in expr.atoms(sp.Pow) if power.exp.is_Integer),
        default=0,
    )


def too_costly(sp: Any, expr: Any) -> bool:
    """True when cancel, together or factor could take long on ``expr``: too many
    nodes, estimated terms or generators, or an integer power beyond :data:`MAX_POWER`."""
    size = measure(expr)
    return (
        size.nodes > MAX_SYMBOLIC_NODES
        or size.terms > MAX_TERMS
        or size.generators > MAX_GENERATORS
        or highest_power(sp, expr) > MAX_POWER
    )


def check_compilable(expr: Any, what: str) -> None:
    """A ValueError naming the limit when ``expr`` is too large to compile to NumPy."""
    size = measure(expr)
    if size.nodes > MAX_COMPILED_NODES:
        raise ValueError(
            f"{what} has {size.nodes if size.nodes < CAP else 'over ' + str(CAP)} nodes "
            f"written out, the limit is {MAX_COMPILED_NODES}: write the formula more simply"
        )
