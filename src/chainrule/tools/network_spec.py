"""What :func:`chainrule.tools.derive_network` derives, as data: the network, its steps
and the elementwise factors the steps apply; printed one equation at a time.

A step is ``lhs = expression``, a SymPy matrix expression with this network's
sizes (:mod:`chainrule.symbolic.matrix_formulas`), e.g. dW[2] = (1/m) dZ[2] A[1]ᵀ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainrule.functions.activations import Activation
from chainrule.functions.losses import Loss
from chainrule.symbolic.matrix_formulas import Elementwise
from chainrule.symbolic.matrix_formulas import latex as latex_of
from chainrule.symbolic.matrix_formulas import text as text_of
from chainrule.tools.derive import Derivation


@dataclass(frozen=True, eq=False)
class NetworkStep:
    """One step of backprop: ``lhs = general = expression``, with its justification.

    ``expression`` has this network's sizes (m stays a symbol) and is what is
    printed, evaluated and verified; ``general`` is the step before a previous
    result is substituted (dA[1] ⊙ g'[1](Z[1])), or None. ``notes`` are the
    index-level derivation, the shape check, where 1/m enters, the L2 term and
    the dropout mask, as (label, sentence) pairs.
    """

    key: str
    title: str
    lhs: Any
    expression: Any
    general: Any | None
    notes: tuple[tuple[str, str], ...]


@dataclass(frozen=True, eq=False)
class NetworkSpec:
    """The backward pass of one network, step by step, from J down to layer 1.

    Invariants: ``steps`` run dA[L] (generic route only), dZ[L], then for
    l = L … 1: dW[l], db[l], dA[l−1] and, for l > 1, dZ[l−1]; every step's
    ``expression`` has this network's sizes, so SymPy has checked each product's
    inner sizes. ``elementwise`` holds the entrywise factors (g', dA[L]) read off
    :func:`chainrule.tools.derive`, by the name of their MatrixSymbol.
    """

    layer_dims: tuple[int, ...]
    hidden: tuple[Derivation, ...]
    output: Derivation
    l2: float
    keep_prob: float | None
    symbols: tuple[Any, Any, Any]
    steps: tuple[NetworkStep, ...] = ()
    elementwise: dict[str, Elementwise] = field(default_factory=dict)

    @property
    def L(self) -> int:
        """The number of layers with parameters."""
        return len(self.layer_dims) - 1

    @property
    def loss(self) -> Loss:
        return self.output.loss_function

    def activation(self, l: int) -> Activation:
        """g[l], l = 1 … L."""
        return (self.output if l == self.L else self.hidden[l - 1]).activation_function

    @property
    def route(self) -> str:
        """``"natural"`` (dZ[L] = c·(A[L] − Y), fused) or ``"generic"`` (dA[L] ⊙ g')."""
        return "natural" if self.output.natural else "generic"

    def equation(self, step: NetworkStep, general: bool = False) -> str:
        """``lhs = expression`` in Unicode (``lhs = general`` with ``general=True``)."""
        rhs = step.general if general else step.expression
        return f"{text_of(step.lhs, self.elementwise)} = {text_of(rhs, self.elementwise)}"

    def equation_latex(self, step: NetworkStep) -> str:
        """``lhs = general = expression`` in LaTeX."""
        parts = [step.lhs, *([step.general] if step.general is not None else []), step.expression]
        return " = ".join(latex_of(part, self.elementwise) for part in parts)
