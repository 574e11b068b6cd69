"""The output layer's chain rule done symbolically, with SymPy.

For a loss ℓ(a, y) and an output activation a = g(z)::

    dA = ∂ℓ/∂a              g'(z)             dZ = dA · g'(z)

and the pair is *natural* when dZ simplifies to c·(a − y) for a constant c.
Everything is read off the catalog's SymPy expressions, so the formulas shown
are those of the functions the network runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from chainrule.functions.activations import SOFTMAX, Activation, activation
from chainrule.functions.losses import CCE, Loss, loss


@dataclass(frozen=True)
class Derivation:
    """dA, g' and dZ for one (loss, activation) pair, as SymPy expressions in a, y and z."""

    loss_function: Loss
    activation_function: Activation
    loss: Any
    dA: Any
    g: Any
    g_prime: Any
    g_prime_in_a: Any | None
    dZ: Any
    natural: bool
    constant: Any | None

    def text(self) -> str:
        """The derivation as Unicode text, in the course's notation."""
        import sympy as sp

        def show(expr: Any) -> str:
            return str(sp.pretty(expr, use_unicode=True)).replace("\n", "\n      ")

        g_prime = self.g_prime_in_a if self.g_prime_in_a is not None else self.g_prime
        verdict = (
            f"natural pair: dZ[L] = {show(self.constant)}·(a − y)"
            if self.natural
            else "not a natural pair: dZ[L] must be computed as dA[L]·g'(Z[L])"
        )
        return "\n".join(
            [
                f"L(a, y) = {show(self.loss)}    "
                f"({self.loss_function.name}, a = {self.activation_function.name}(z))",
                f"dA[L]   = {show(self.dA)}",
                f"g'(Z[L]) = {show(g_prime)}",
                f"dZ[L]   = {show(self.dZ)}",
                verdict,
            ]
        )


def _in_terms_of_a(sp: Any, expr: Any, g: Any, z: Any, a: Any) -> Any | None:
    """Rewrite expr(z) through a = g(z) when g can be inverted; None otherwise."""
    try:
        inverses = sp.solve(sp.Eq(a, g), z)
    except (NotImplementedError, ValueError):
        return None
    if len(inverses) != 1:
        return None
    return sp.simplify(sp.factor(sp.simplify(expr.subs(z, inverses[0]))))


@lru_cache(maxsize=256)
def _derive(L: Loss, g_function: Activation) -> Derivation:
    import sympy as sp

    a = sp.Symbol("a", real=True)
    y = sp.Symbol("y", real=True)
    z = sp.Symbol("z", real=True)
    ell = L.sympy(a, y)
    dA = sp.diff(ell, a)
    if g_function is SOFTMAX:
        if L is not CCE:
            raise ValueError(
                "softmax is not elementwise: derive it with cce (dZ = a − y), "
                "or see the Jacobian form in the docs"
            )
        # With Σₖ yₖ = 1: ∂/∂zᵢ (−Σₖ yₖ log aₖ) = −yᵢ + aᵢ Σₖ yₖ = aᵢ − yᵢ.
        g = g_function.sympy(z)
        return Derivation(L, g_function, ell, dA, g, a * (1 - a), a * (1 - a), a - y, True, 1)
    g = g_function.sympy(z)
    g_prime = sp.simplify(sp.diff(g, z))
    g_prime_in_a = _in_terms_of_a(sp, g_prime, g, z, a)
    if g_prime_in_a is not None:
        dZ = sp.factor(sp.simplify(dA * g_prime_in_a))
    else:
        dZ = sp.simplify(dA.subs(a, g) * g_prime)
    ratio = sp.simplify(dZ / (a - y))
    natural = not ratio.free_symbols
    return Derivation(
        L, g_function, ell, dA, g, g_prime, g_prime_in_a, dZ, natural, ratio if natural else None
    )


def derive(loss_: str | Loss, activation_: str | Activation) -> Derivation:
    """Derive dA[L], g'(Z[L]) and dZ[L] for a loss and an output activation.

    Examples
    --------
    >>> d = derive("bce", "sigmoid")
    >>> d.natural, str(d.dZ)
    (True, 'a - y')
    """
    return _derive(loss(loss_), activation(activation_))
