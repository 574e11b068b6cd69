"""The steps of :func:`chainrule.tools.derive_network`: every backprop formula as a SymPy
matrix expression, built twice, with this network's sizes and with n_0 … n_L as
symbols (for the shape check), plus the elementwise factors read off :func:`derive`.

For l = L … 1 (the mask only with dropout, the L2 term only with λ > 0)::

    dW[l] = (1/m) dZ[l] (A[l−1] ⊙ D[l−1]/keep_prob)ᵀ + (λ/m) W[l]
    db[l] = (1/m) dZ[l] 1ₘ          dA[l−1] = W[l]ᵀ dZ[l] ⊙ D[l−1]/keep_prob
    dZ[l−1] = dA[l−1] ⊙ g'[l−1](Z[l−1])    (softmax: A ⊙ (dA − ones(n, n)(A ⊙ dA)))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chainrule.symbolic.matrix_formulas import Elementwise, shape_text
from chainrule.tools.derive import derive
from chainrule.tools.network_spec import NetworkSpec, NetworkStep
from chainrule.tools.network_text import step_notes, step_title


class _Matrices:
    """The MatrixSymbols of one network, with concrete or symbolic layer sizes."""

    def __init__(self, sizes: Sequence[Any], m: Any) -> None:
        self.n, self.m = list(sizes), m

    def __call__(self, kind: str, l: int, cols: Any = None) -> Any:
        import sympy as sp

        rows = self.n[l]
        return sp.MatrixSymbol(f"{kind}^{{[{l}]}}", rows, self.m if cols is None else cols)

    def W(self, l: int) -> Any:
        return self("W", l, self.n[l - 1])

    def Y(self) -> Any:
        import sympy as sp

        return sp.MatrixSymbol("Y", self.n[-1], self.m)


class _Formulas:
    """Builds every step's matrix expression for one set of sizes."""

    def __init__(self, derivation: NetworkSpec, M: _Matrices) -> None:
        import sympy as sp

        self.d, self.M, self.sp = derivation, M, sp
        self.m, self.lam, self.kp = derivation.symbols

    def mask(self, l: int) -> Any | None:
        """D[l]/keep_prob for a hidden layer l when dropout is on, else None."""
        if self.d.keep_prob is None or not 1 <= l < self.d.L:
            return None
        return self.sp.MatMul(1 / self.kp, self.M("D", l))

    def masked(self, matrix: Any, l: int) -> Any:
        mask = self.mask(l)
        return matrix if mask is None else self.sp.HadamardProduct(matrix, mask)

    def dW(self, l: int) -> Any:
        sp, M = self.sp, self.M
        main = sp.MatMul(1 / self.m, M("dZ", l), sp.Transpose(self.masked(M("A", l - 1), l - 1)))
        if not self.d.l2:
            return main
        return sp.MatAdd(main, sp.MatMul(self.lam / self.m, M.W(l)))

    def db(self, l: int) -> Any:
        return self.sp.MatMul(1 / self.m, self.M("dZ", l), self.sp.OneMatrix(self.m, 1))

    def dA(self, l: int) -> Any:
        """dA[l−1] from layer l."""
        sp, M = self.sp, self.M
        return self.masked(sp.MatMul(sp.Transpose(M.W(l)), M("dZ", l)), l - 1)

    def gprime(self, l: int) -> Any:
        return self.sp.MatrixSymbol(f"g'^{{[{l}]}}", self.M.n[l], self.m)

    def dZ(self, l: int, dA: Any) -> Any:
        """dZ[l] from dA[l] (an expression or the symbol dA[l])."""
        sp, M = self.sp, self.M
        if self.d.activation(l).elementwise:
            factors = list(dA.args) if isinstance(dA, sp.HadamardProduct) else [dA]
            return sp.HadamardProduct(*factors, self.gprime(l))
        A, n = M("A", l), M.n[l]
        return sp.HadamardProduct(
            A, sp.MatAdd(dA, sp.MatMul(-1, sp.OneMatrix(n, n), sp.HadamardProduct(A, dA)))
        )

    def output(self) -> Any:
        """dZ[L]: c·(A[L] − Y) for a natural pair, else from dA[L]."""
        sp, M, out = self.sp, self.M, self.d.output
        L = self.d.L
        if out.natural:
            residual = sp.MatAdd(M("A", L), sp.MatMul(-1, M.Y()))
            return residual if out.constant == 1 else sp.MatMul(out.constant, residual)
        return self.dZ(L, M("dA", L))

    def general_dZ(self, l: int) -> Any:
        sp, M = self.sp, self.M
        g = sp.MatrixSymbol(f"g'^{{[{l}]}}(Z^{{[{l}]}})", M.n[l], self.m)
        return sp.HadamardProduct(M("dA", l), g)


def elementwise_factors(d: NetworkSpec) -> dict[str, Elementwise]:
    """g'[l] for each elementwise layer (through A[l] where derive found it), and the
    output's dA[L] = ∂ℓ/∂a on the generic route."""
    import sympy as sp

    a, y, z = (sp.Symbol(name, real=True) for name in "ayz")
    factors: dict[str, Elementwise] = {}
    for l in range(1, d.L + 1):
        derivation = d.output if l == d.L else d.hidden[l - 1]
        if not derivation.activation_function.elementwise:
            continue
        in_a = derivation.g_prime_in_a
        variable, matrix = (a, f"A^{{[{l}]}}") if in_a is not None else (z, f"Z^{{[{l}]}}")
        symbol = sp.Symbol(matrix, real=True)
        expression = (derivation.g_prime if in_a is None else in_a).xreplace({variable: symbol})
        # At a kink the frameworks' convention, relu'(0) = 0: Heaviside(0) = 0, not 1/2.
        expression = expression.replace(sp.Heaviside, lambda x, *_: sp.Heaviside(x, 0))
        name = f"g'^{{[{l}]}}"
        factors[name] = Elementwise(name, expression, ((symbol, matrix),))
    if not d.output.natural:
        dA = derive(d.loss, "identity").dZ  # ∂ℓ/∂a · 1, tidied: ∂ℓ/∂a whatever g[L] is
        A_L, Y = sp.Symbol(f"A^{{[{d.L}]}}", real=True), sp.Symbol("Y", real=True)
        name = f"dL/dA^{{[{d.L}]}}"
        # factor_terms keeps 2·(A − Y) as derive shows it (xreplace would distribute the 2).
        factors[name] = Elementwise(
            name,
            sp.factor_terms(dA.xreplace({a: A_L, y: Y})),
            ((A_L, f"A^{{[{d.L}]}}"), (Y, "Y")),
        )
    return factors


def build_steps(d: NetworkSpec) -> tuple[NetworkStep, ...]:
    """From J down to layer 1; each expression built with this network's sizes and
    with the sizes n_0 … n_L as symbols, for the shape check."""
    import sympy as sp

    m, L = d.symbols[0], d.L
    sizes = _Matrices(d.layer_dims, m)
    named = _Matrices([sp.Symbol(f"n_{l}", positive=True, integer=True) for l in range(L + 1)], m)
    concrete, symbolic = _Formulas(d, sizes), _Formulas(d, named)
    steps: list[NetworkStep] = []

    def add(key: str, build: Any, general: Any = None) -> None:
        expression = build(concrete)
        shapes = f"{shape_text(build(symbolic))}; here {shape_text(expression)}"
        lhs = sp.MatrixSymbol(f"{key[:2]}^{{[{key[2:]}]}}", *expression.shape)
        title = step_title(key[:2], int(key[2:]), L)
        steps.append(NetworkStep(key, title, lhs, expression, general, step_notes(d, key, shapes)))

    if not d.output.natural:
        add(f"dA{L}", lambda F: sp.MatrixSymbol(f"dL/dA^{{[{L}]}}", F.M.n[L], m))
    add(f"dZ{L}", lambda F: F.output())
    for l in range(L, 0, -1):
        add(f"dW{l}", lambda F, l=l: F.dW(l))
        add(f"db{l}", lambda F, l=l: F.db(l))
        add(f"dA{l - 1}", lambda F, l=l: F.dA(l))
        if l > 1:
            elementwise = d.activation(l - 1).elementwise
            add(
                f"dZ{l - 1}",
                lambda F, l=l, e=elementwise: F.dZ(l - 1, F.dA(l) if e else F.M("dA", l - 1)),
                concrete.general_dZ(l - 1) if elementwise else None,
            )
    return tuple(steps)
