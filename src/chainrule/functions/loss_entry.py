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
from typing import Any, Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from chainrule.base.checks import as_float_matrix, check_bounds, check_entry_name
from chainrule.base.registry import catalog_entry, reference
from chainrule.symbolic.formulas import compile_numpy, parse_formula

Array = NDArray[np.floating[Any]]

#: Builds ℓ(a, y) from the SymPy module and the symbols a and y.
SympyBuilder = Callable[[Any, Any, Any], Any]
#: Checks labels (already a finite float matrix) and returns them in the
#: layout of A: ``targets(Y, n_units) -> Y``.
TargetCheck = Callable[[Array, int], Array]
#: What a loss's labels are: two classes, one of K classes, or numbers.
Task = Literal["binary", "multiclass", "regression"]


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
    label_rule : str
        The labels this loss accepts, in words, for error messages.
    task : {"binary", "multiclass", "regression"}
        What the labels are. It picks the prediction read off A (each unit
        against :attr:`threshold`, the argmax of each column, or A itself)
        and the metric (accuracy for classes, R² for numbers). A custom loss
        is a regression loss unless told otherwise.
    class_labels : (negative, positive)
        The label values this loss is written for when it codes two classes,
        as the estimators encode them: (0, 1), or (−1, 1) for hinge's margin.
    needs_distribution : bool
        True when every column of A must be a probability vector over the
        units (aₖ > 0, Σₖ aₖ = 1), as cce's −Σₖ yₖ log aₖ assumes.
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
    label_rule: str = "any finite numbers"
    task: Task = "regression"
    class_labels: tuple[float, float] = (0.0, 1.0)
    needs_distribution: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    formula: str | None = None

    def __post_init__(self) -> None:
        if self.task not in get_args(Task):
            raise ValueError(
                f"{self.name}: task must be one of {list(get_args(Task))}, got {self.task!r}"
            )
        negative, positive = self.class_labels
        if not negative < positive:
            raise ValueError(
                f"{self.name}: class_labels are (negative, positive) with negative < positive, "
                f"got {self.class_labels!r}"
            )

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
                (
                    self.name,
                    self.formula,
                    self.domain,
                    self.open_ends,
                    self.task,
                    self.class_labels,
                ),
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

    @property
    def metric(self) -> str:
        """``"accuracy"`` when the labels are classes, ``"r2"`` when they are numbers."""
        return "r2" if self.task == "regression" else "accuracy"

    @property
    def threshold(self) -> float:
        """The midpoint of :attr:`class_labels`, where a binary output switches class
        (0.5 for 0/1 labels, 0 for hinge's ±1)."""
        negative, positive = self.class_labels
        return (negative + positive) / 2

    def predict(self, A: Array) -> NDArray[Any]:
        """The prediction read off A (n_L, m): for a binary task 1 where a > :attr:`threshold`
        else 0, per unit; for a multiclass one the argmax of each column, (1, m); else A."""
        if self.task == "binary":
            return (A > self.threshold).astype(np.int64)
        if self.task == "multiclass":
            return A.argmax(axis=0)[None, :]
        return A

    @classmethod
    def from_expression(
        cls,
        name: str,
        formula: str,
        domain: tuple[float, float] = (-math.inf, math.inf),
        open_ends: tuple[bool, bool] = (True, True),
        task: Task = "regression",
        class_labels: tuple[float, float] = (0.0, 1.0),
    ) -> Loss:
        """A custom loss ℓ(a, y) from a formula in a and y, e.g. ``"(a - y)**4"``.

        dA = ∂ℓ/∂a comes from SymPy; both are compiled to NumPy. The formula is
        parsed without eval (:mod:`chainrule.symbolic.formulas`). The per-example
        loss sums ℓ over the output units; labels may be any finite numbers.
        ``domain`` is the set of a where ℓ is defined (all reals unless given).
        A custom loss is a regression loss (predictions are A, the metric R²)
        unless ``task`` says its labels are classes, coded as ``class_labels``
        (whatever its name: one called "bce" is not bce). The entry keeps its
        formula text, which is how it pickles and saves. Every step keeps to the budget
        of :mod:`chainrule.symbolic.budget`: a formula too large to work with in
        seconds is refused with a ValueError that names the limit.

        >>> L = Loss.from_expression("quartic", "(a - y)**4")
        >>> L.backward([[3.0]], [[1.0]]).tolist()
        [[32.0]]
        """
        import sympy as sp

        check_entry_name(name, "loss")
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
            task=task,
            class_labels=(float(class_labels[0]), float(class_labels[1])),
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
