"""The loss entry: one loss ℓ(a, y) with its value, gradient dA, SymPy form and label rules.

The per-example loss L(a, y) = Σₖ ℓ(aₖ, yₖ) sums over the output units
(rows); the cost J = (1/m) Σᵢ L(A[:, i], Y[:, i]) is its mean over the
examples (columns). dA = ∂L/∂A is per example, *no* 1/m. The catalog's
entries (:mod:`chainrule.functions.losses`) and the user's formula entries
(:meth:`Loss.from_expression`) are both of this type; an entry pickles
without code (name and settings, or formula text).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from chainrule.base.checks import as_float_matrix, check_bounds
from chainrule.base.checks import check_entry_name as _check_name
from chainrule.base.registry import catalog_entry, reference
from chainrule.symbolic.formulas import compile_numpy, parse_formula

Array = NDArray[np.floating[Any]]

#: Builds ℓ(a, y) from the SymPy module and the symbols a and y.
SympyBuilder = Callable[[Any, Any, Any], Any]
#: Checks labels (already a finite float matrix) and returns them in the
#: layout of A: ``targets(Y, n_units) -> Y``.
TargetCheck = Callable[[Array, int], Array]


@dataclass(frozen=True, eq=False)
class Loss:
    """One loss ℓ(a, y) with its value, gradient dA, SymPy form and label rules.

    Parameters
    ----------
    name : str
        The catalog name (``"bce"``) or the user's name for a custom loss.
    elementwise : callable
        ``elementwise(A, Y) -> ℓ`` for each unit and example, shape (n_L, m).
    gradient : callable
        ``gradient(A, Y) -> dA`` with dA = ∂L/∂A, per example, shape (n_L, m).
    sympy_builder : callable
        ``sympy_builder(sp, a, y)`` returns ℓ(a, y) as a SymPy expression.
    domain : (low, high)
        The values of a for which ℓ is defined; the ends are open when
        ``open_ends`` says so (bce: a in (0, 1)).
    targets : callable
        Validates labels and puts them in the layout of A.
    predict_fn : callable
        Reads a prediction off A (class labels, or A itself for regression).
    label_rule : str
        The labels this loss accepts, in words, for error messages.
    params : dict
        The settings that pick this member of a family (huber's ``delta``).
    formula : str or None
        ℓ(a, y) as the user typed it, for an entry made by :meth:`from_expression`.
    """

    name: str
    elementwise: Callable[[Array, Array], Array]
    gradient: Callable[[Array, Array], Array]
    sympy_builder: SympyBuilder
    domain: tuple[float, float] = (-math.inf, math.inf)
    open_ends: tuple[bool, bool] = (True, True)
    targets: TargetCheck = field(default=lambda Y, n_units: Y)
    predict_fn: Callable[[Array], NDArray[Any]] = field(default=lambda A: A)
    label_rule: str = "any finite numbers"
    params: dict[str, float] = field(default_factory=dict)
    formula: str | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Loss:
        # Frozen, and natural pairs are recognized by identity: a deep copy (scikit-learn's
        # clone makes one of every parameter) must be the object itself.
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # No code is pickled: a formula entry is parsed again from its text, a catalog
        # entry looked up again by name and settings (the same object, as pairs need).
        if self.formula is not None:
            return (
                type(self).from_expression,
                (self.name, self.formula, self.domain, self.open_ends),
            )
        return (catalog_entry, ("loss", *reference(self)))

    # -- labels -------------------------------------------------------------

    def prepare_targets(
        self, Y: ArrayLike, n_units: int, m: int | None = None, dtype: DTypeLike = np.float64
    ) -> Array:
        """Validate labels Y for this loss and return them as an (n_units, m) float matrix.

        Raises ValueError for non-finite values, a shape that does not match
        (n_units, m), or labels outside the loss's domain (bce with y = 2).
        """
        Y_arr = as_float_matrix(Y, "Y", dtype)
        prepared = self.targets(Y_arr, n_units)
        if prepared.shape[0] != n_units or (m is not None and prepared.shape[1] != m):
            expected = f"({n_units}, {'m' if m is None else m})"
            raise ValueError(
                f"{self.name}: Y has shape {Y_arr.shape} but the output layer A is {expected}"
                + (
                    f"; {self.name} labels are {self.label_rule}"
                    if prepared.shape[0] != n_units
                    else ""
                )
            )
        return prepared

    def check_outputs(self, A: Array) -> None:
        """A ValueError unless every entry of A lies in the loss's domain."""
        low, high = self.domain
        if np.any(A < low) or np.any(A > high):
            left = "(" if self.open_ends[0] else "["
            right = ")" if self.open_ends[1] else "]"
            raise ValueError(
                f"{self.name} needs a in {left}{low:g}, {high:g}{right}; A has values in "
                f"[{A.min():g}, {A.max():g}] — is the output activation's range inside "
                "the loss's domain?"
            )

    def _prepare(self, A: ArrayLike, Y: ArrayLike) -> tuple[Array, Array]:
        A_arr = as_float_matrix(A, "A")
        self.check_outputs(A_arr)
        Y_arr = self.prepare_targets(Y, A_arr.shape[0], A_arr.shape[1], A_arr.dtype)
        return A_arr, Y_arr

    # -- values and gradients --------------------------------------------------

    def per_example(self, A: ArrayLike, Y: ArrayLike) -> Array:
        """L for each example, shape (1, m): ℓ summed over the output units."""
        A_arr, Y_arr = self._prepare(A, Y)
        return self.elementwise(A_arr, Y_arr).sum(axis=0, keepdims=True)

    def forward(self, A: ArrayLike, Y: ArrayLike) -> float:
        """The cost J = (1/m) Σᵢ L(A[:, i], Y[:, i]) as a float."""
        return float(np.mean(self.per_example(A, Y)))

    def backward(self, A: ArrayLike, Y: ArrayLike) -> Array:
        """dA = ∂L/∂A per example, shape of A (no 1/m: that belongs to dW and db)."""
        A_arr, Y_arr = self._prepare(A, Y)
        return self.gradient(A_arr, Y_arr)

    def predict(self, A: Array) -> NDArray[Any]:
        """The prediction read off A: labels for classification losses, A otherwise."""
        return self.predict_fn(A)

    @classmethod
    def from_expression(
        cls,
        name: str,
        formula: str,
        domain: tuple[float, float] = (-math.inf, math.inf),
        open_ends: tuple[bool, bool] = (True, True),
    ) -> Loss:
        """A custom loss ℓ(a, y) from a formula in a and y, e.g. ``"(a - y)**4"``.

        dA = ∂ℓ/∂a comes from SymPy; both are compiled to NumPy. The formula is
        parsed without eval (:mod:`chainrule.symbolic.formulas`). The per-example
        loss sums ℓ over the output units; labels may be any finite numbers and
        predictions are A itself. ``domain`` is the set of a where ℓ is defined
        (all reals unless given). The entry keeps its formula text, which is how
        it pickles and saves. Every step keeps to the budget of
        :mod:`chainrule.symbolic.budget`: a formula too large to work with in
        seconds is refused with a ValueError that names the limit.

        >>> L = Loss.from_expression("quartic", "(a - y)**4")
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

        return cls(
            name,
            elementwise,
            gradient,
            expression,
            domain=check_bounds(domain, "domain"),
            open_ends=open_ends,
            formula=formula,
        )

    def sympy(self, a: Any | None = None, y: Any | None = None) -> Any:
        """ℓ(a, y) as a SymPy expression (a and y default to real symbols)."""
        import sympy as sp

        a = sp.Symbol("a", real=True) if a is None else a
        y = sp.Symbol("y", real=True) if y is None else y
        return self.sympy_builder(sp, a, y)

    def __repr__(self) -> str:
        settings = ", ".join(f"{key}={value!r}" for key, value in self.params.items())
        if self.formula is not None:
            settings = f"formula={self.formula!r}"
        return f"Loss({self.name!r}{', ' + settings if settings else ''})"
