"""The activation entry: one function g with its value, derivative and SymPy form.

The catalog's entries (:mod:`chainrule.functions.activations`) and the
user's formula entries (:meth:`Activation.from_expression`) are both of this
type. Shapes follow the course: Z and A are (n_l, m), one column per example.
``backward(dA, Z, A) -> dZ`` is one step of the chain rule,
dZ = dA ⊙ g'(Z) for elementwise activations and the vector–Jacobian product
for those that are not (softmax, along axis 0).

An entry pickles without code: a catalog entry as its name and settings, a
formula entry as its formula text (parsed again by the safe parser).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.checks import check_bounds, check_entry_name
from chainrule.base.registry import catalog_entry, reference
from chainrule.symbolic.algebra import in_terms_of_a
from chainrule.symbolic.formulas import compile_numpy, parse_formula

Array = NDArray[np.floating[Any]]

#: Builds g(z) from the SymPy module and the symbol z (kept lazy so that
#: ``import chainrule`` does not import SymPy).
SympyBuilder = Callable[[Any, Any], Any]


@dataclass(frozen=True, eq=False)
class Activation:
    """One activation function g with its value, derivative and SymPy form.

    Parameters
    ----------
    name : str
        The catalog name (``"sigmoid"``) or the user's name for a custom one.
    value : callable
        ``value(Z) -> A`` with A = g(Z), same shape and dtype as Z.
    derivative_fn : callable or None
        ``derivative_fn(Z, A) -> g'(Z)`` for elementwise activations; None for
        softmax, whose derivative is a Jacobian and is applied by ``vjp``.
    sympy_builder : callable
        ``sympy_builder(sp, z)`` returns the SymPy expression of g(z).
    output_range : (low, high)
        The closed hull of the values g can take; the ends are open when
        ``open_ends`` says so. Used to tell when a loss's domain is left.
    vjp : callable or None
        ``vjp(dA, Z, A) -> dZ`` for activations that are not elementwise.
    params : dict
        The settings that pick this member of a family (``negative_slope``).
    formula : str or None
        g(z) as the user typed it, for an entry made by :meth:`from_expression`.
    gives_distribution : bool
        True when every column of A is a probability vector over the units
        (aₖ > 0, Σₖ aₖ = 1): softmax. Over one unit such an A is always 1.
    log_value, log_complement : callable or None
        ``log_value(Z) -> log A`` and ``log_complement(Z) -> log(1 − A)``
        computed from Z without log(0), for activations whose outputs are
        probabilities (sigmoid: log σ(z), log σ(−z); softmax: log softmax,
        no complement). None elsewhere.
    dies_below_zero : bool
        True when g'(z) = 0 for every z ≤ 0 (relu): a unit whose Z ≤ 0 on
        every example gets no gradient and stays dead.
    forward_into_fn : callable or None
        ``forward_into_fn(Z, out) -> out``: A = g(Z) written into ``out``
        without a temporary; ``out`` may be Z itself. None: :meth:`forward_into`
        copies ``forward(Z)`` into ``out``.
    derivative_mask_fn : callable or None
        ``derivative_mask_fn(A, out) -> out``: g'(Z), which is 0 or 1, read
        from A = g(Z) alone and written into the bool array ``out`` (relu:
        A > 0). None when g' takes other values or needs Z.
    """

    name: str
    value: Callable[[Array], Array]
    derivative_fn: Callable[[Array, Array], Array] | None
    sympy_builder: SympyBuilder
    output_range: tuple[float, float] = (-math.inf, math.inf)
    open_ends: tuple[bool, bool] = (True, True)
    vjp: Callable[[Array, Array, Array], Array] | None = None
    params: dict[str, float] = field(default_factory=dict)
    formula: str | None = None
    # What readers of a layer ask of g (pairs, estimators, inspection), instead of its name.
    gives_distribution: bool = False
    log_value: Callable[[Array], Array] | None = None
    log_complement: Callable[[Array], Array] | None = None
    dies_below_zero: bool = False
    forward_into_fn: Callable[[Array, Array], Array] | None = None
    derivative_mask_fn: Callable[[Array, NDArray[np.bool_]], NDArray[np.bool_]] | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Activation:
        # Frozen, and natural pairs are recognized by identity: a deep copy (scikit-learn's
        # clone makes one of every parameter) must be the object itself.
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # No code is pickled: a formula entry is parsed again from its text, a catalog
        # entry looked up again by name and settings (the same object, as pairs need).
        if self.formula is not None:
            args = (self.name, self.formula, self.output_range, self.open_ends)
            return (type(self).from_expression, args)
        return (catalog_entry, ("activation", *reference(self)))

    @property
    def elementwise(self) -> bool:
        """True when A[i, j] depends on Z[i, j] alone (every activation but softmax)."""
        return self.vjp is None

    def forward(self, Z: Array) -> Array:
        """A = g(Z), same shape and dtype as Z."""
        return self.value(Z)

    def forward_into(self, Z: Array, out: Array) -> Array:
        """A = g(Z) written into ``out`` (same shape as Z; it may be Z itself); returns ``out``."""
        if self.forward_into_fn is not None:
            return self.forward_into_fn(Z, out)
        np.copyto(out, self.forward(Z))
        return out

    @property
    def has_derivative_mask(self) -> bool:
        """True when g'(Z) is 0 or 1 and read from A alone (:meth:`derivative_mask`)."""
        return self.derivative_mask_fn is not None

    @property
    def in_place(self) -> bool:
        """True when A may be written over Z in a buffer that both then share.

        The forward then needs no temporary (``forward_into_fn``) and the
        backward step reads A alone (``derivative_mask_fn``), so Z is not
        needed once A is formed.
        """
        return self.forward_into_fn is not None and self.derivative_mask_fn is not None

    def derivative_mask(self, A: Array, out: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """g'(Z) from A = g(Z) as bools written into ``out`` (A's shape): a byte per
        entry, where a float g' would take eight; a TypeError unless
        :attr:`has_derivative_mask`."""
        if self.derivative_mask_fn is None:
            raise TypeError(f"{self.name}'s derivative is not a mask read from A")
        return self.derivative_mask_fn(A, out)

    def derivative(self, Z: Array, A: Array | None = None) -> Array:
        """g'(Z), elementwise; A = g(Z) may be passed to avoid recomputing it."""
        if self.derivative_fn is None:
            raise TypeError(
                f"{self.name} is not elementwise: its derivative is a Jacobian, "
                "apply it with backward(dA, Z, A)"
            )
        return self.derivative_fn(Z, self.forward(Z) if A is None else A)

    def backward(self, dA: Array, Z: Array, A: Array | None = None) -> Array:
        """dZ = dA ⊙ g'(Z) (elementwise), or softmax's vector–Jacobian product."""
        if A is None:
            A = self.forward(Z)
        if self.vjp is not None:
            return self.vjp(dA, Z, A)
        return dA * self.derivative(Z, A)

    @classmethod
    def from_expression(
        cls,
        name: str,
        formula: str,
        output_range: tuple[float, float] = (-math.inf, math.inf),
        open_ends: tuple[bool, bool] = (True, True),
    ) -> Activation:
        """A custom activation from a formula in z, e.g. ``"z/(1 + Abs(z))"``.

        The formula is parsed without eval (:mod:`chainrule.symbolic.formulas`),
        g'(z) = dg/dz comes from SymPy, and both are compiled to NumPy, so the
        entry works wherever a catalog entry does. Where g' is a polynomial in
        a = g(z) (a(1 − a) for sigmoid however it is written, 1 − a² for tanh),
        the compiled g' works from A, as the catalog's do: it stays finite where
        g'(z) as differentiated overflows. The range of g is not inferred: give
        ``output_range`` (e.g. ``(0, 1)``) for it to feed bce. The entry keeps
        its formula text, which is how it pickles and saves. Every step keeps
        to the budget of :mod:`chainrule.symbolic.budget`: a formula too large
        to work with in seconds is refused with a ValueError naming the limit.

        >>> g = Activation.from_expression("softsign", "z/(1 + Abs(z))")
        >>> g.forward(np.array([[1.0, -3.0]])).tolist()
        [[0.5, -0.75]]
        """
        import sympy as sp

        check_entry_name(name, "activation")
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
        return cls(
            name,
            value,
            derivative,
            lambda sp_, symbol: g.xreplace({z: symbol}),
            output_range=check_bounds(output_range, "output_range"),
            open_ends=open_ends,
            formula=formula,
        )

    def sympy(self, z: Any | None = None) -> Any:
        """The SymPy expression g(z) (z defaults to the symbol ``z``)."""
        import sympy as sp

        return self.sympy_builder(sp, sp.Symbol("z", real=True) if z is None else z)

    def __repr__(self) -> str:
        settings = ", ".join(f"{key}={value!r}" for key, value in self.params.items())
        if self.formula is not None:
            settings = f"formula={self.formula!r}"
        return f"Activation({self.name!r}{', ' + settings if settings else ''})"
