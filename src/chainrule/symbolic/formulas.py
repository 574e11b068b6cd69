"""Formulas typed by a user, parsed safely into SymPy expressions.

``parse_formula("z/(1 + Abs(z))", ("z",))`` returns the SymPy expression of
softsign. The string is never handed to ``eval``, ``exec`` or ``sympify``
(which calls ``eval``): it is checked character by character, parsed by
Python's ``ast`` module into a syntax tree, every node of that tree is checked
against a whitelist, and only then is the SymPy expression built, node by
node, by this module. What a formula may contain:

* the variables it is declared with (``z`` for an activation; ``a`` and ``y``
  for a loss) and the constants ``pi`` and ``E``;
* numbers (``2``, ``0.5``, ``1e-3``), kept exact (``0.5`` becomes 1/2);
* ``+ - * / **`` and unary minus;
* calls, with positional arguments only, to the functions of
  :data:`FUNCTIONS` (``exp``, ``log``, ``sqrt``, ``tanh``, ``Abs``, ``Max``, ``erf`` …).

Anything else (attribute access, subscripts, strings, lambda, keywords,
comprehensions, unknown names, a formula over :data:`MAX_LENGTH` characters,
nested deeper than :data:`MAX_DEPTH` or with calls nested deeper than
:data:`MAX_CALL_DEPTH`, more than :data:`MAX_EXTREMUM_ARGUMENTS` arguments
to Max and Min, an exact number beyond :data:`MAX_EXACT_BITS`) raises a ValueError that says what
was found, before any part of the formula is evaluated. So does a part
without a variable that is not a finite real number (``1/0``, ``log(0)``,
``sqrt(-1)``, ``exp(exp(1000))``, ``10**400``): each such part is worked out in
floats as it is built, before SymPy sees it, and so is an exponent beyond
:data:`MAX_EXPONENT`.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, cast

from chainrule.symbolic.compiled import compile_numpy

#: The longest formula accepted, in characters.
MAX_LENGTH = 2000
#: The deepest nesting accepted: parentheses, and levels of the syntax tree.
MAX_DEPTH = 100
#: The deepest nesting of function calls accepted (exp(exp(…)) 30 deep): the
#: derivative of a chain of n calls multiplies n factors of up to n levels each.
MAX_CALL_DEPTH = 30
#: The most arguments Max and Min may have in one formula, all calls together:
#: SymPy compares every pair of them (nested calls merge), and the derivative
#: of Max of n arguments has n terms of n − 1 factors.
MAX_EXTREMUM_ARGUMENTS = 24
#: The largest exponent a power may have. SymPy computes powers of exact numbers
#: exactly (``9**9**9`` is an integer of 370 million digits, and (1 + 10**-20)**(10**25)
#: never finishes), and no activation or loss needs a degree beyond this.
MAX_EXPONENT = 1000
#: The most bits an exact number may have (numerator and denominator together):
#: ((1.00000000000000000001)**1000)**1000 would otherwise be computed exactly, a
#: rational of 70 million bits that takes SymPy minutes.
MAX_EXACT_BITS = 100_000

__all__ = ["CONSTANTS", "FUNCTIONS", "compile_numpy", "parse_formula"]

#: The largest decimal exponent of a number (1e-400): the floats stop at about ±308.
_MAX_DECIMAL_EXPONENT = 400

_ALLOWED_CHARACTERS = re.compile(r"[A-Za-z0-9_.+\-*/() \t,]*")

#: Function name → (number of arguments: an int, or None for "two or more", SymPy name).
FUNCTIONS: dict[str, tuple[int | None, str]] = {
    "exp": (1, "exp"),
    "log": (1, "log"),
    "sqrt": (1, "sqrt"),
    "tanh": (1, "tanh"),
    "sinh": (1, "sinh"),
    "cosh": (1, "cosh"),
    "sin": (1, "sin"),
    "cos": (1, "cos"),
    "atan": (1, "atan"),
    "Abs": (1, "Abs"),
    "abs": (1, "Abs"),
    "sign": (1, "sign"),
    "Heaviside": (1, "Heaviside"),
    "erf": (1, "erf"),
    "Max": (None, "Max"),
    "Min": (None, "Min"),
}
#: Constant name → SymPy attribute.
CONSTANTS: dict[str, str] = {"pi": "pi", "E": "E"}
#: The float value of each function and constant, for the parts without a variable.
_FLOATS: dict[str, Callable[..., float]] = {
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "sin": math.sin,
    "cos": math.cos,
    "atan": math.atan,
    "Abs": abs,
    "sign": lambda x: math.copysign(1.0, x) if x else 0.0,
    "Heaviside": lambda x: 1.0 if x > 0 else 0.0 if x < 0 else 0.5,
    "erf": math.erf,
    "Max": max,
    "Min": min,
}
_CONSTANT_FLOATS = {"pi": math.pi, "E": math.e}

_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_UNARY = (ast.UAdd, ast.USub)


def _reject(formula: str, why: str) -> ValueError:
    shown = formula if len(formula) <= 60 else formula[:57] + "..."
    return ValueError(f"formula {shown!r} rejected: {why}")


def _check_text(formula: str) -> None:
    """Length, characters and parenthesis depth, before the parser sees the string."""
    if len(formula) > MAX_LENGTH:
        raise _reject(formula, f"{len(formula)} characters, the limit is {MAX_LENGTH}")
    if not formula.strip():
        raise _reject(formula, "it is empty")
    if _ALLOWED_CHARACTERS.fullmatch(formula) is None:
        bad = next(c for c in formula if _ALLOWED_CHARACTERS.fullmatch(c) is None)
        hint = "; write powers as z**2" if bad == "^" else ""
        raise _reject(
            formula,
            f"character {bad!r} is not allowed (only letters, digits, spaces, "
            f"'+ - * / ( ) , .'){hint}",
        )
    depth = 0
    for character in formula:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth > MAX_DEPTH:
            raise _reject(formula, f"parentheses nested deeper than {MAX_DEPTH}")
        if depth < 0:
            raise _reject(formula, "a ')' closes nothing")
    if depth != 0:
        raise _reject(formula, f"{depth} '(' left unclosed")


def _syntax_tree(formula: str) -> ast.expr:
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as error:
        raise _reject(formula, f"not a formula ({error.msg})") from None
    except (RecursionError, MemoryError):
        raise _reject(formula, f"nested deeper than {MAX_DEPTH} levels") from None
    body = tree.body
    # Measured without recursion, so that a chain like z+z+…+z cannot exhaust the stack.
    stack: list[tuple[ast.AST, int, int]] = [(body, 1, 0)]
    extremum_arguments = 0
    while stack:
        node, depth, calls = stack.pop()
        if depth > MAX_DEPTH:
            raise _reject(formula, f"nested deeper than {MAX_DEPTH} levels")
        calls += isinstance(node, ast.Call)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Max", "Min"):
            extremum_arguments += len(node.args)
            if extremum_arguments > MAX_EXTREMUM_ARGUMENTS:
                raise _reject(
                    formula, f"more than {MAX_EXTREMUM_ARGUMENTS} arguments to Max and Min"
                )
        if calls > MAX_CALL_DEPTH:
            raise _reject(formula, f"function calls nested deeper than {MAX_CALL_DEPTH}")
        stack.extend((child, depth + 1, calls) for child in ast.iter_child_nodes(node))
    return body


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access",
        ast.Subscript: "subscripts",
        ast.Lambda: "lambda",
        ast.Compare: "comparisons",
        ast.BoolOp: "and/or",
        ast.IfExp: "if/else",
        ast.Tuple: "tuples",
        ast.List: "lists",
    }
    return names.get(type(node), type(node).__name__)


class _Built(NamedTuple):
    """A node's SymPy expression, and its float value when it has no variable (else None)."""

    expr: Any
    value: float | None


class _Builder:
    """Turns a whitelisted syntax tree into a SymPy expression, one node at a time.

    Beside each node's expression it keeps the node's float value when the node
    has no variable, worked out with Python's floats before the SymPy expression
    is made: a part that is not a finite real number is refused there, and SymPy
    never computes it exactly (where it could take forever).
    """

    def __init__(self, sp: Any, formula: str, variables: dict[str, Any]) -> None:
        self.sp = sp
        self.formula = formula
        self.variables = variables

    def build(self, node: ast.AST) -> _Built:
        if isinstance(node, ast.Constant):
            expr = self.number(node)
            number = cast(float, node.value)  # an int or a float: self.number checked it
            return _Built(expr, self.value(lambda: float(number), "a number"))
        if isinstance(node, ast.Name):
            return _Built(self.name(node.id), _CONSTANT_FLOATS.get(node.id))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, _UNARY):
            operand = self.build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            return _Built(-operand.expr, None if operand.value is None else -operand.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, _BINARY):
            return self.binary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.BinOp | ast.UnaryOp):
            raise _reject(self.formula, f"operator {type(node.op).__name__} is not allowed")
        raise _reject(self.formula, f"{_describe(node)} not allowed")

    def value(self, compute: Callable[[], complex | float], shown: str) -> float:
        """``compute()``, a constant part's float, or a ValueError unless finite and real."""
        try:
            value = compute()
        except (ArithmeticError, ValueError, TypeError):  # overflow, 1/0, log(0), zoo
            value = math.nan
        if isinstance(value, complex) or not math.isfinite(value):
            raise _reject(self.formula, f"{shown} is not a finite real number")
        return value

    def folded(self, expr: Any) -> float | None:
        """The value of an expression SymPy folded to a number from parts with a
        variable (z − z is 0), checked; None while it still has a variable."""
        if expr.free_symbols:
            return None

        def number() -> complex | float:
            exact = complex(expr)
            return exact.real if exact.imag == 0 else exact

        return self.value(number, str(expr))

    def check_exact_size(self, left: Any, right: Any, power: bool, shown: str) -> None:
        """A ValueError before SymPy computes an exact number beyond :data:`MAX_EXACT_BITS`."""

        def bits(number: Any) -> int:
            if not number.is_Rational:
                return 0
            return int(number.p).bit_length() + int(number.q).bit_length()

        estimate = bits(left) + bits(right)
        if power and right.is_Rational:
            estimate = bits(left) * abs(int(right.p))
        if estimate > MAX_EXACT_BITS:
            raise _reject(
                self.formula,
                f"{shown} would be an exact number of about {estimate} bits, "
                f"the limit is {MAX_EXACT_BITS}",
            )

    def number(self, node: ast.Constant) -> Any:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _reject(self.formula, f"the constant {value!r} is not a real number")
        if isinstance(value, float) and not math.isfinite(value):
            raise _reject(self.formula, "a number overflows to infinity")
        if isinstance(value, int):
            return self.sp.Integer(value)
        # The decimal as written, kept exact: 0.1 becomes 1/10, not the nearest binary float.
        text = ast.get_source_segment(self.formula.strip(), node) or repr(value)
        exponent = re.search(r"[eE]([+-]?[0-9_]+)$", text)
        if exponent is not None and abs(int(exponent.group(1))) > _MAX_DECIMAL_EXPONENT:
            # Kept exact, 1e-99999999 is a 100-million-digit rational; as a float it is 0.
            raise _reject(
                self.formula,
                f"the exponent of {text[:30]!r} is beyond ±{_MAX_DECIMAL_EXPONENT}, "
                "outside the floats' range",
            )
        try:
            return self.sp.Rational(text)
        except (TypeError, ValueError):
            return self.sp.Rational(value)

    def name(self, identifier: str) -> Any:
        if identifier in self.variables:
            return self.variables[identifier]
        if identifier in CONSTANTS:
            return getattr(self.sp, CONSTANTS[identifier])
        if identifier in FUNCTIONS:
            raise _reject(self.formula, f"{identifier} is a function: call it as {identifier}(…)")
        allowed = ", ".join(sorted(self.variables))
        raise _reject(
            self.formula,
            f"unknown name {identifier!r} (variables: {allowed}; constants: pi, E; "
            f"functions: {', '.join(FUNCTIONS)})",
        )

    def binary(self, node: ast.BinOp) -> _Built:
        left, right = self.build(node.left), self.build(node.right)
        shown = ast.get_source_segment(self.formula.strip(), node) or "a part"
        if right.value is None:
            right = _Built(right.expr, self.folded(right.expr))
        if isinstance(node.op, ast.Div) and right.value == 0:
            raise _reject(self.formula, f"division by zero in {shown}")
        if isinstance(node.op, ast.Pow) and right.value is not None:
            if abs(right.value) > MAX_EXPONENT:
                raise _reject(self.formula, f"an exponent beyond ±{MAX_EXPONENT} in {shown}")
            if left.value is None:
                left = _Built(left.expr, self.folded(left.expr))
        operation = {
            ast.Add: lambda x, y: x + y,
            ast.Sub: lambda x, y: x - y,
            ast.Mult: lambda x, y: x * y,
            ast.Div: lambda x, y: x / y,
            ast.Pow: lambda x, y: x**y,
        }[type(node.op)]
        value = None
        if left.value is not None and right.value is not None:
            l, r = left.value, right.value
            value = self.value(lambda: operation(l, r), shown)
            self.check_exact_size(left.expr, right.expr, isinstance(node.op, ast.Pow), shown)
        expr = operation(left.expr, right.expr)
        return _Built(expr, self.folded(expr) if value is None else value)

    def call(self, node: ast.Call) -> Any:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            called = node.func.id if isinstance(node.func, ast.Name) else _describe(node.func)
            raise _reject(
                self.formula,
                f"call to {called!r}: only {', '.join(FUNCTIONS)} may be called",
            )
        name = node.func.id
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise _reject(self.formula, f"{name}(…) takes positional arguments only")
        arity, sympy_name = FUNCTIONS[name]
        count = len(node.args)
        if (arity is None and count < 2) or (arity is not None and count != arity):
            expected = "two or more arguments" if arity is None else f"{arity} argument"
            raise _reject(self.formula, f"{name} takes {expected}, got {count}")
        args = [self.build(arg) for arg in node.args]
        value = None
        if all(arg.value is not None for arg in args):
            shown = ast.get_source_segment(self.formula.strip(), node) or name
            value = self.value(lambda: _FLOATS[sympy_name](*(arg.value for arg in args)), shown)
        expr = getattr(self.sp, sympy_name)(*(arg.expr for arg in args))
        return _Built(expr, self.folded(expr) if value is None else value)


def parse_formula(formula: str, variables: Sequence[str]) -> Any:
    """The SymPy expression of ``formula`` in the real symbols ``variables``.

    Parameters
    ----------
    formula : str
        For example ``"z/(1 + Abs(z))"`` or ``"(a - y)**4"``.
    variables : sequence of str
        The names the formula may use (``("z",)`` or ``("a", "y")``); each
        becomes a real SymPy symbol of that name.

    Raises
    ------
    TypeError
        When ``formula`` is not a string.
    ValueError
        When the formula holds anything outside the whitelist in this
        module's docstring; nothing of it has been evaluated.

    Examples
    --------
    >>> parse_formula("(a - y)**4", ("a", "y"))
    (a - y)**4
    """
    if not isinstance(formula, str):
        raise TypeError(f"a formula must be a string, got {type(formula).__name__}")
    _check_text(formula)
    tree = _syntax_tree(formula)
    import sympy as sp

    symbols = {name: sp.Symbol(name, real=True) for name in variables}
    return _Builder(sp, formula, symbols).build(tree).expr
