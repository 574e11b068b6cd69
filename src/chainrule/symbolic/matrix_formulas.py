"""Matrix formulas of backprop as SymPy matrix expressions: printed, shaped, evaluated.

A formula such as dW[l] = (1/m) dZ[l] A[l−1]ᵀ is one SymPy matrix expression
(``MatMul``, ``Transpose``, ``MatAdd``, ``HadamardProduct``, ``OneMatrix`` over
``MatrixSymbol``\\ s named in LaTeX, ``W^{[2]}``). The same expression is

* printed in the course's notation, as Unicode text (``W[2]ᵀ dZ[2]``) or LaTeX,
  in the order it was written;
* shape-checked: SymPy refuses a product whose inner sizes differ, and
  :func:`shape_text` shows (n_l × m)(m × n_{l−1}) = n_l × n_{l−1};
* evaluated, with NumPy arrays or with SymPy matrices of high-precision numbers,
  by :func:`evaluate`: so the formula shown is the formula run.

An :class:`Elementwise` factor is a SymPy scalar expression applied entry by
entry, such as g'[1] = 1 − A[1]² read off :func:`chainrule.tools.derive`; NumPy
runs it through :func:`chainrule.symbolic.formulas.compile_numpy`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from chainrule.symbolic.formulas import compile_numpy

_LAYER = re.compile(r"\^\{\[(\d+)\]\}")
_SUPERSCRIPTS = {"2": "²", "3": "³", "4": "⁴"}


@dataclass(frozen=True)
class Elementwise:
    """A scalar SymPy expression applied entry by entry to equally shaped matrices.

    ``arguments`` pairs each scalar symbol of ``expression`` with the name of the
    matrix whose entries it takes (the symbol ``A^{[1]}`` takes A[1]'s entries).
    Invariant: every free symbol of ``expression`` is one of those symbols.
    """

    name: str
    expression: Any
    arguments: tuple[tuple[Any, str], ...]

    def text(self) -> str:
        """The expression in Unicode, e.g. ``1 − A[1]²``."""
        return unicode_scalar(self.expression)

    def latex(self) -> str:
        """The expression in LaTeX."""
        import sympy as sp

        return str(sp.latex(self.expression))


def text_name(name: str) -> str:
    """``W^{[2]}`` → ``W[2]``; ``lambda`` → ``λ``."""
    return _LAYER.sub(r"[\1]", name).replace("lambda", "λ")


def unicode_scalar(expr: Any) -> str:
    """A scalar SymPy expression on one line: 1 − A[1]², A[1]·(1 − A[1])."""
    import sympy as sp

    text = text_name(sp.sstr(expr))
    text = re.sub(r"\*\*(\d)\b", lambda m: _SUPERSCRIPTS.get(m.group(1), "^" + m.group(1)), text)
    text = text.replace("**", "^").replace("*", "·").replace(" - ", " − ").replace("(-", "(−")
    return "−" + text[1:] if text.startswith("-") else text


def _wrap(text: str, expr: Any) -> str:
    import sympy as sp

    return f"({text})" if isinstance(expr, sp.MatAdd | sp.HadamardProduct) else text


def _coefficient_text(coefficient: Any, matrices: list[Any]) -> tuple[str, str]:
    """(prefix, suffix) for a scalar coefficient: (1/m), (λ/m), 2, −; D[1]/keep_prob."""
    import sympy as sp

    if coefficient == 1:
        return "", ""
    if coefficient == -1:
        return "−", ""
    numerator, denominator = sp.fraction(coefficient)
    if numerator == 1 and denominator.is_Symbol and len(matrices) == 1:
        return "", "/" + text_name(str(denominator))
    if coefficient.is_Number:
        return f"{coefficient} ", ""
    return f"({unicode_scalar(coefficient)}) ", ""


def text(expr: Any, elementwise: dict[str, Elementwise]) -> str:
    """The matrix expression in the course's Unicode notation, in the order written."""
    import sympy as sp

    if isinstance(expr, sp.MatrixSymbol):
        if expr.name in elementwise:
            inner = elementwise[expr.name]
            shown = inner.text()
            return f"({shown})" if inner.expression.is_Add else shown
        return text_name(expr.name)
    if isinstance(expr, sp.Transpose):
        return _wrap_transposed(text(expr.arg, elementwise), expr.arg) + "ᵀ"
    if isinstance(expr, sp.OneMatrix):
        rows, cols = expr.shape
        return "1ₘ" if cols == 1 else f"ones({rows}, {cols})"
    if isinstance(expr, sp.MatMul):
        coefficient, matrices = expr.as_coeff_matrices()
        prefix, suffix = _coefficient_text(coefficient, matrices)
        body = " ".join(_wrap(text(x, elementwise), x) for x in matrices)
        return prefix + body + suffix
    if isinstance(expr, sp.MatAdd):
        parts = [text(term, elementwise) for term in expr.args]
        joined = parts[0]
        for part in parts[1:]:
            joined += f" − {part[1:]}" if part.startswith("−") else f" + {part}"
        return joined
    if isinstance(expr, sp.HadamardProduct):
        return " ⊙ ".join(_wrap(text(x, elementwise), x) for x in expr.args)
    raise TypeError(f"no text form for {type(expr).__name__}")


def _wrap_transposed(shown: str, expr: Any) -> str:
    import sympy as sp

    return shown if isinstance(expr, sp.MatrixSymbol) else f"({shown})"


def latex(expr: Any, elementwise: dict[str, Elementwise]) -> str:
    """The matrix expression in LaTeX, in the order written."""
    import sympy as sp

    def wrap(x: Any) -> str:
        shown = latex(x, elementwise)
        if isinstance(x, sp.MatAdd | sp.HadamardProduct):
            return rf"\left({shown}\right)"
        return shown

    if isinstance(expr, sp.MatrixSymbol):
        if expr.name in elementwise:
            return rf"\left({elementwise[expr.name].latex()}\right)"
        return str(expr.name)
    if isinstance(expr, sp.Transpose):
        inner = latex(expr.arg, elementwise)
        return (
            f"{{{inner}}}^{{T}}"
            if isinstance(expr.arg, sp.MatrixSymbol)
            else rf"\left({inner}\right)^{{T}}"
        )
    if isinstance(expr, sp.OneMatrix):
        return rf"\mathbf{{1}}_{{{sp.latex(expr.shape[0])} \times {sp.latex(expr.shape[1])}}}"
    if isinstance(expr, sp.MatMul):
        coefficient, matrices = expr.as_coeff_matrices()
        prefix = (
            "" if coefficient == 1 else "-" if coefficient == -1 else sp.latex(coefficient) + " "
        )
        return prefix + " ".join(wrap(x) for x in matrices)
    if isinstance(expr, sp.MatAdd):
        parts = [latex(term, elementwise) for term in expr.args]
        return parts[0] + "".join(
            f" - {p[1:]}" if p.startswith("-") else f" + {p}" for p in parts[1:]
        )
    if isinstance(expr, sp.HadamardProduct):
        return r" \odot ".join(wrap(x) for x in expr.args)
    raise TypeError(f"no LaTeX form for {type(expr).__name__}")


def _shape(expr: Any) -> str:
    rows, cols = expr.shape
    return f"({rows} × {cols})"


def shape_text(expr: Any) -> str:
    """The shapes multiplied in a formula's leading term and the result's shape:
    ``(n_2 × m)(m × n_1) = n_2 × n_1``."""
    import sympy as sp

    term = expr.args[0] if isinstance(expr, sp.MatAdd) else expr
    if isinstance(term, sp.MatMul):
        factors = "".join(_shape(x) for x in term.as_coeff_matrices()[1])
    elif isinstance(term, sp.HadamardProduct):
        factors = " ⊙ ".join(_shape(x) for x in term.args)
    else:
        factors = _shape(term)
    rows, cols = expr.shape
    return f"{factors} = {rows} × {cols}"


class NumpyBackend:
    """Evaluates with NumPy arrays; elementwise factors compiled by compile_numpy."""

    @staticmethod
    def hadamard(left: Any, right: Any) -> Any:
        return left * right

    @staticmethod
    def ones(rows: int, cols: int) -> Any:
        import numpy as np

        return np.ones((rows, cols))

    @staticmethod
    def scalar(value: Any) -> Any:
        return float(value)

    @staticmethod
    def apply(entry: Elementwise, values: dict[str, Any]) -> Any:
        symbols = tuple(symbol for symbol, _ in entry.arguments)
        function = _compiled(entry.expression, symbols)
        return function(*(values[name] for _, name in entry.arguments))


@lru_cache(maxsize=256)
def _compiled(expression: Any, symbols: tuple[Any, ...]) -> Any:
    return compile_numpy(expression, symbols)


class SympyBackend:
    """Evaluates with SymPy matrices (of exact or high-precision numbers, or symbols)."""

    @staticmethod
    def hadamard(left: Any, right: Any) -> Any:
        return left.multiply_elementwise(right)

    @staticmethod
    def ones(rows: int, cols: int) -> Any:
        import sympy as sp

        return sp.ones(rows, cols)

    @staticmethod
    def scalar(value: Any) -> Any:
        return value

    @staticmethod
    def apply(entry: Elementwise, values: dict[str, Any]) -> Any:
        import sympy as sp

        matrices = [values[name] for _, name in entry.arguments]
        rows, cols = matrices[0].shape
        return sp.Matrix(
            rows,
            cols,
            lambda i, k: entry.expression.xreplace(
                {symbol: M[i, k] for (symbol, _), M in zip(entry.arguments, matrices, strict=True)}
            ),
        )


def evaluate(
    expr: Any,
    values: dict[str, Any],
    scalars: dict[Any, Any],
    elementwise: dict[str, Elementwise],
    backend: Any,
) -> Any:
    """The value of a matrix expression: matrices by name from ``values``, scalar
    symbols (m, λ, keep_prob) from ``scalars``, elementwise factors applied."""
    import sympy as sp

    def run(x: Any) -> Any:
        return evaluate(x, values, scalars, elementwise, backend)

    if isinstance(expr, sp.MatrixSymbol):
        if expr.name in elementwise:
            return backend.apply(elementwise[expr.name], values)
        return values[expr.name]
    if isinstance(expr, sp.Transpose):
        return run(expr.arg).T
    if isinstance(expr, sp.OneMatrix):
        rows, cols = (int(sp.sympify(n).xreplace(scalars)) for n in expr.shape)
        return backend.ones(rows, cols)
    if isinstance(expr, sp.MatMul):
        coefficient, matrices = expr.as_coeff_matrices()
        result = run(matrices[0])
        for factor in matrices[1:]:
            result = result @ run(factor)
        return backend.scalar(sp.sympify(coefficient).xreplace(scalars)) * result
    if isinstance(expr, sp.MatAdd):
        total = run(expr.args[0])
        for term in expr.args[1:]:
            total = total + run(term)
        return total
    if isinstance(expr, sp.HadamardProduct):
        result = run(expr.args[0])
        for factor in expr.args[1:]:
            result = backend.hadamard(result, run(factor))
        return result
    raise TypeError(f"cannot evaluate {type(expr).__name__}")
