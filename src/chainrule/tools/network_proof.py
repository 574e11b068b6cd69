"""Proof of a network derivation: the matrix formulas against SymPy's own derivatives.

:func:`verify` writes the network out with explicit small symbolic matrices
(every W[l]_ij, b[l]_i, X_ij, Y_ij and dropout entry D[l]_ij a SymPy symbol,
the sizes of ``layer_dims``, m examples), forms the scalar cost

    J = (1/m) Σₖ Σᵢ ℓ(A[L]_ik, Y_ik) + (λ/2m) Σ_l Σ_ij W[l]_ij²

and differentiates it entry by entry with ``sympy.diff``: ∂J/∂W[l]_ij, ∂J/∂b[l]_i,
m·∂J/∂Z[l]_ik and m·∂J/∂A[l]_ik, writing J as a function of fresh symbols
standing for Z[l] (or A[l], before its dropout mask) where the derivative is taken
at that layer.

The comparison is **numeric, at several random rational points, to 30
significant digits** (symbolic simplification of the nested differences is
too slow): at each point every W, b and X entry gets a random rational n/1000
(held as a 50-digit number), Y entries a rational in (0, 1) or one-hot columns
for softmax outputs, D entries 0 or 1; the elementwise derivatives are
evaluated with 50-digit arithmetic, and each step's matrix formula is evaluated
with SymPy matrices of the same 50-digit numbers, through the same evaluator
that :meth:`chainrule.NetworkDerivation.gradients` runs with NumPy. A step passes when
|formula − derivative| ≤ 10⁻³⁰ · (1 + |derivative|) for every entry at every
point. Random points avoid the kinks of relu (Heaviside) with probability 1.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chainrule.symbolic.matrix_formulas import SympyBackend, evaluate

if TYPE_CHECKING:
    from chainrule.tools.network_spec import NetworkSpec

DIGITS = 30
_WORKING_DIGITS = 50


@dataclass(frozen=True)
class StepCheck:
    """One step's verdict: the largest |formula − derivative| over entries and points."""

    key: str
    equation: str
    max_difference: float
    passed: bool


@dataclass(frozen=True)
class Proof:
    """The result of :func:`verify`: ``passed`` is True when every step agrees."""

    layer_dims: tuple[int, ...]
    m: int
    points: int
    checks: tuple[StepCheck, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def __bool__(self) -> bool:
        return self.passed

    def text(self) -> str:
        """One line per step: ok or FAILED, the largest difference, the formula."""
        lines = [
            f"{list(self.layer_dims)} with m = {self.m}: each matrix formula against "
            f"sympy.diff of J, entry by entry, at {self.points} random rational points "
            f"({DIGITS} digits)"
        ]
        for check in self.checks:
            verdict = "ok" if check.passed else "FAILED"
            lines.append(f"  {verdict:6} {check.max_difference:9.1e}  {check.equation}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


class _Network:
    """The network written out with symbols, m examples."""

    def __init__(self, d: NetworkSpec, m: int) -> None:
        import sympy as sp

        self.d, self.m, self.sp, n = d, m, sp, d.layer_dims
        self.X = self.matrix("X", n[0], m)
        self.Y = self.matrix("Y", n[-1], m)
        self.W = {l: self.matrix(f"W{l}_", n[l], n[l - 1]) for l in range(1, d.L + 1)}
        self.b = {l: self.matrix(f"b{l}_", n[l], 1) for l in range(1, d.L + 1)}
        self.D = {l: self.matrix(f"D{l}_", n[l], m) for l in range(1, d.L) if d.keep_prob}
        self.kp = sp.Rational(str(d.keep_prob)) if d.keep_prob else sp.Integer(1)

    def matrix(self, name: str, rows: int, cols: int) -> Any:
        return self.sp.Matrix(rows, cols, lambda i, k: self.sp.Symbol(f"{name}{i}{k}", real=True))

    def activate(self, l: int, Z: Any) -> Any:
        g = self.d.activation(l)
        if g.elementwise:
            return Z.applyfunc(lambda entry: g.sympy(entry))
        columns = [g.sympy(list(Z[:, k])) for k in range(Z.shape[1])]
        return self.sp.Matrix(Z.shape[0], Z.shape[1], lambda i, k: columns[k][i])

    def layer(self, l: int, A_prev: Any) -> Any:
        """Z[l] from A[l−1] (before its mask)."""
        if l - 1 in self.D:
            A_prev = A_prev.multiply_elementwise(self.D[l - 1]) / self.kp
        return self.W[l] * A_prev + self.b[l] * self.sp.ones(1, self.m)

    def cost(self, start: int, value: Any, is_z: bool) -> Any:
        """J with Z[start] (is_z) or A[start] (before its mask) given as ``value``."""
        sp, d = self.sp, self.d
        A = self.activate(start, value) if is_z else value
        for l in range(start + 1, d.L + 1):
            A = self.activate(l, self.layer(l, A))
        loss = d.loss
        data = sum(
            loss.sympy(A[i, k], self.Y[i, k]) for i in range(A.shape[0]) for k in range(self.m)
        )
        squares = sum(sum(w**2 for w in W) for W in self.W.values())
        return data / self.m + sp.Rational(str(d.l2)) / (2 * self.m) * squares

    def forward(self, point: dict[Any, Any]) -> dict[str, Any]:
        """Every matrix the formulas name, evaluated at ``point``."""
        values = {"A^{[0]}": self.X.xreplace(point), "Y": self.Y.xreplace(point)}
        A = self.X.xreplace(point)
        for l in range(1, self.d.L + 1):
            Z = self.layer(l, A).xreplace(point)
            A = self.activate(l, Z).evalf(_WORKING_DIGITS)
            values.update({f"W^{{[{l}]}}": self.W[l].xreplace(point), f"Z^{{[{l}]}}": Z})
            values[f"A^{{[{l}]}}"] = A
            if l in self.D:
                values[f"D^{{[{l}]}}"] = self.D[l].xreplace(point)
        return values


def _truths(net: _Network, keys: set[str]) -> dict[str, tuple[Any, Any, Any]]:
    """Per step key: (the cost as a function of the symbols, those symbols, the factor)
    whose entrywise derivative the step must equal; only for the steps in ``keys``.

    dW[l], db[l] and dA[l−1] differentiate J written from A[l−1] (X for l = 1):
    A[l−1] does not depend on W[l] or b[l], so ∂J/∂W[l] is the same, from a
    smaller expression.
    """
    d, m = net.d, net.m
    truths: dict[str, tuple[Any, Any, Any]] = {}
    for l in range(1, d.L + 1):
        A = net.X if l == 1 else net.matrix(f"A{l - 1}_", d.layer_dims[l - 1], m)
        J = net.cost(l - 1, A, is_z=False)
        truths[f"dW{l}"] = (J, net.W[l], 1)
        truths[f"db{l}"] = (J, net.b[l], 1)
        truths[f"dA{l - 1}"] = (J, A, m)
        Z = net.matrix(f"Z{l}_", d.layer_dims[l], m)
        truths[f"dZ{l}"] = (net.cost(l, Z, is_z=True), Z, m)
    if f"dA{d.L}" in keys:  # the generic route's dA[L]
        A = net.matrix(f"A{d.L}_", d.layer_dims[d.L], m)
        truths[f"dA{d.L}"] = (net.cost(d.L, A, is_z=False), A, m)
    return {key: truth for key, truth in truths.items() if key in keys}


def _point(net: _Network, rng: random.Random) -> dict[Any, Any]:
    sp, d = net.sp, net.d
    point: dict[Any, Any] = {}

    def rational(low: int, high: int) -> Any:
        value = rng.choice([v for v in range(low, high) if v != 0])
        return sp.Float(sp.Rational(value, 1000), _WORKING_DIGITS)

    for matrix in [net.X, *net.W.values(), *net.b.values()]:
        point.update({s: rational(-900, 900) for s in matrix})
    one_hot = not d.activation(d.L).elementwise
    for k in range(net.m):
        hot = rng.randrange(net.Y.shape[0])
        for i in range(net.Y.shape[0]):
            point[net.Y[i, k]] = sp.Integer(int(i == hot)) if one_hot else rational(50, 950)
    for D in net.D.values():
        point.update({s: sp.Integer(int(rng.random() < 0.7)) for s in D})
    return point


def verify(d: NetworkSpec, m: int = 2, points: int = 3, seed: int = 0) -> Proof:
    """Check every step of ``d`` against SymPy's entrywise derivatives of J (see the module)."""
    import sympy as sp

    net = _Network(d, m)
    truths = _truths(net, {step.key for step in d.steps})
    derivatives = {
        key: (symbols, factor, [sp.diff(J, s) for s in symbols])
        for key, (J, symbols, factor) in truths.items()
    }
    rng = random.Random(seed)
    worst = {step.key: 0.0 for step in d.steps}
    scalars = {
        d.symbols[0]: sp.Integer(m),
        d.symbols[1]: sp.Rational(str(d.l2)),
        d.symbols[2]: net.kp,
    }
    for _ in range(points):
        point = _point(net, rng)
        values = net.forward(point)
        at = {**point, **_intermediates(net, values)}
        for step in d.steps:
            formula = evaluate(step.expression, values, scalars, d.elementwise, SympyBackend)
            values[step.lhs.name] = formula
            symbols, factor, entries = derivatives[step.key]
            for index, entry in enumerate(entries):
                truth = sp.N(factor * entry.xreplace(at), _WORKING_DIGITS)
                got = sp.N(
                    formula[index // symbols.shape[1], index % symbols.shape[1]], _WORKING_DIGITS
                )
                difference = float(abs(got - truth) / (1 + abs(truth)))
                worst[step.key] = max(worst[step.key], difference)
    checks = tuple(
        StepCheck(step.key, d.equation(step), worst[step.key], worst[step.key] <= 10.0**-DIGITS)
        for step in d.steps
    )
    return Proof(d.layer_dims, m, points, checks)


def _intermediates(net: _Network, values: dict[str, Any]) -> dict[Any, Any]:
    """The fresh Z[l] and A[l] symbols at their forward values."""
    at: dict[Any, Any] = {}
    for l in range(1, net.d.L + 1):
        for kind in "ZA":
            symbols = net.matrix(f"{kind}{l}_", net.d.layer_dims[l], net.m)
            at.update(zip(symbols, values[f"{kind}^{{[{l}]}}"], strict=True))
    return at
