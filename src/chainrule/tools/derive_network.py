"""Backprop through the whole network, derived symbolically, in the course's notation.

For J = (1/m) Σₖ L(A[L]_:k, Y_:k) + (λ/2m) Σ_l ‖W[l]‖²_F and, for l = L … 1::

    dZ[L]   = c·(A[L] − Y)                     natural pair (chainrule.tools.derive)
            = dA[L] ⊙ g[L]'(Z[L])              any other elementwise pair
    dW[l]   = (1/m) dZ[l] A[l−1]ᵀ + (λ/m) W[l]    (A[l−1] ⊙ D[l−1]/keep_prob with dropout)
    db[l]   = (1/m) dZ[l] 1ₘ                   (the sum over the examples)
    dA[l−1] = W[l]ᵀ dZ[l] ⊙ D[l−1]/keep_prob   (the mask only with dropout)
    dZ[l−1] = dA[l−1] ⊙ g[l−1]'(Z[l−1])

dA and dZ are per example (m·∂J/∂A, m·∂J/∂Z); 1/m enters with dW and db.
Each formula is one SymPy matrix expression (:mod:`chainrule.symbolic.matrix_formulas`):
the text shown, the shapes checked, the numbers of :meth:`NetworkDerivation.gradients`
and the proof of :meth:`NetworkDerivation.verify` all come from that one expression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.core.initializers import check_layer_dims
from chainrule.functions.activations import Activation
from chainrule.functions.losses import Loss
from chainrule.symbolic.matrix_formulas import NumpyBackend, evaluate
from chainrule.tools.derive import derive, latex_text
from chainrule.tools.network_proof import Proof
from chainrule.tools.network_proof import verify as prove
from chainrule.tools.network_spec import NetworkSpec
from chainrule.tools.network_steps import build_steps, elementwise_factors

Array = NDArray[np.floating[Any]]


@dataclass(frozen=True, eq=False)
class NetworkDerivation(NetworkSpec):
    """The backward pass of one network, step by step, from J down to layer 1:
    the :class:`~chainrule.tools.network_spec.NetworkSpec` (layers, steps, elementwise
    factors) with its text, LaTeX and Markdown, its numbers and its proof."""

    def heading(self) -> str:
        """The network and its cost in one or two lines."""
        hidden = ", ".join(d.activation_function.name for d in self.hidden) or "none"
        settings = f"λ = {self.l2:g}" if self.l2 else "no L2"
        settings += f", keep_prob = {self.keep_prob:g}" if self.keep_prob is not None else ""
        cost = f"J = (1/m) Σₖ L(A[{self.L}]_:k, Y_:k)"
        cost += " + (λ/2m) Σ_l ‖W[l]‖²_F" if self.l2 else ""
        return (
            f"Backprop through {list(self.layer_dims)}: hidden {hidden}, output "
            f"{self.activation(self.L).name}, loss {self.loss.name} ({settings})\n{cost}"
        )

    def text(self) -> str:
        """Every step as Unicode text: the equation, then its justification."""
        lines = [self.heading()]
        for number, step in enumerate(self.steps, start=1):
            lines.append(f"{number}. {step.title}")
            if step.general is not None:
                lines.append(f"     {self.equation(step, general=True)}")
            lines.append(f"     {self.equation(step)}")
            lines.extend(f"     {label}: {sentence}" for label, sentence in step.notes)
        return "\n".join(lines)

    def latex(self) -> str:
        """The steps as a LaTeX ``aligned`` block: title, equation, shape check."""
        rows = []
        for number, step in enumerate(self.steps, start=1):
            shapes = dict(step.notes).get("shapes", "")
            rows.append(
                rf"&\text{{{number}. {latex_text(step.title)}}} \\ "
                rf"&\quad {self.equation_latex(step)} \\ "
                rf"&\quad\text{{shapes: {latex_text(shapes)}}}"
            )
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def markdown(self) -> str:
        """A Markdown section: one numbered item per step, the justification beneath."""
        heading, cost = self.heading().split("\n")
        lines = [f"**{heading}**", "", f"`{cost}`", ""]
        for number, step in enumerate(self.steps, start=1):
            lines.append(f"{number}. **{step.title}**: ${self.equation_latex(step)}$")
            lines.extend(f"   - *{label}*: {sentence}" for label, sentence in step.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return (
            f"NetworkDerivation({list(self.layer_dims)}, route={self.route!r}, "
            f"steps={len(self.steps)})"
        )

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_latex_(self) -> str:
        return f"$$\n{self.latex()}\n$$"

    # -- numbers and proof -------------------------------------------------------

    def gradients(
        self,
        params: dict[str, ArrayLike],
        X: ArrayLike,
        Y: ArrayLike,
        masks: Sequence[ArrayLike] | None = None,
    ) -> dict[str, Array]:
        """dW1…, db1…, dZ1…, dA0… (and dA{L} on the generic route) at these numbers.

        Each value is the step's matrix formula evaluated with NumPy (its
        elementwise factors compiled from the SymPy derivatives): the gradient of
        J = (1/m) Σ L + (λ/2m) Σ ‖W[l]‖²_F. ``masks`` are D[l]/keep_prob for
        l = 1 … L−1, shape (n_l, m), as :meth:`chainrule.Network.forward` takes them.
        """
        values, m = self._forward(params, X, masks)
        values["Y"] = self.loss.prepare_targets(Y, self.layer_dims[-1], m)
        m_symbol, lam, kp = self.symbols
        scalars = {m_symbol: m, lam: self.l2, kp: self.keep_prob or 1.0}
        grads: dict[str, Array] = {}
        for step in self.steps:
            value = evaluate(step.expression, values, scalars, self.elementwise, NumpyBackend)
            values[step.lhs.name] = grads[step.key] = np.asarray(value, dtype=np.float64)
        return grads

    def _forward(
        self, params: dict[str, ArrayLike], X: ArrayLike, masks: Sequence[ArrayLike] | None
    ) -> tuple[dict[str, Any], int]:
        """Z[l], A[l] (before any mask), W[l] and D[l] = mask·keep_prob, by name."""
        A: Any = np.asarray(X, dtype=np.float64)
        if A.ndim != 2 or A.shape[0] != self.layer_dims[0]:
            raise ValueError(f"X must be ({self.layer_dims[0]}, m), got {A.shape}")
        masks = list(masks or [])
        if len(masks) != (0 if self.keep_prob is None else self.L - 1):
            wanted = "none" if self.keep_prob is None else f"{self.L - 1} (D[l]/keep_prob)"
            raise ValueError(f"keep_prob = {self.keep_prob}: masks must be {wanted}")
        values: dict[str, Any] = {"A^{[0]}": A}
        for l in range(1, self.L + 1):
            shape = (self.layer_dims[l], self.layer_dims[l - 1])
            W = np.asarray(params[f"W{l}"], dtype=np.float64)
            b = np.asarray(params[f"b{l}"], dtype=np.float64)
            if W.shape != shape or b.shape != (shape[0], 1):
                raise ValueError(f"W{l} must be {shape} and b{l} ({shape[0]}, 1)")
            Z = W @ A + b
            A = self.activation(l).forward(Z)
            values.update({f"W^{{[{l}]}}": W, f"Z^{{[{l}]}}": Z, f"A^{{[{l}]}}": A})
            if masks and l < self.L:
                mask = np.asarray(masks[l - 1], dtype=np.float64)
                values[f"D^{{[{l}]}}"] = mask * (self.keep_prob or 1.0)
                A = A * mask
        return values, A.shape[1]

    def verify(self, m: int = 2, points: int = 3, seed: int = 0) -> Proof:
        """Every step against SymPy's entrywise derivatives of J, with explicit small
        symbolic matrices (m examples), compared numerically at ``points`` random
        rational points to 30 digits; see :func:`chainrule.tools.network_proof.verify`."""
        return prove(self, m=m, points=points, seed=seed)


def _scalar_symbols() -> tuple[Any, Any, Any]:
    import sympy as sp

    return (
        sp.Symbol("m", positive=True, integer=True),
        sp.Symbol("lambda", positive=True),
        sp.Symbol("keep_prob", positive=True),
    )


def _check_settings(l2: float, keep_prob: float | None) -> None:
    if not (np.isfinite(l2) and l2 >= 0):
        raise ValueError(f"l2 (λ) must be finite and ≥ 0, got {l2!r}")
    if keep_prob is not None and not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must be in (0, 1], got {keep_prob!r}")


def derive_network(
    layer_dims: Sequence[int],
    hidden: str | Activation | Sequence[str | Activation] = "relu",
    output: str | Activation = "sigmoid",
    loss: str | Loss = "bce",
    l2: float = 0.0,
    keep_prob: float | None = None,
) -> NetworkDerivation:
    """Derive backprop through every layer of a network, in the course's notation.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n_1, …, n_L]``, as for :class:`chainrule.Network`.
    hidden, output, loss : name, object or formula
        As :func:`chainrule.tools.derive` takes them (``"tanh"``, ``"z/(1 + Abs(z))"``,
        ``"(a - y)**4"``); ``hidden`` may give one per hidden layer.
    l2 : float
        λ of the cost's (λ/2m) Σ_l ‖W[l]‖²_F; adds (λ/m) W[l] to dW[l].
    keep_prob : float or None
        Inverted dropout on the hidden layers: dA[l] is multiplied by D[l]/keep_prob.

    Returns
    -------
    NetworkDerivation
        ``.steps`` from dZ[L] down to dW[1], db[1], dA[0]; ``.text()``, ``.latex()``,
        ``.markdown()``; ``.gradients(params, X, Y, masks)``; ``.verify()``.

    Examples
    --------
    >>> d = derive_network([2, 3, 1], hidden="tanh", output="sigmoid", loss="bce")
    >>> [step.key for step in d.steps][:5]
    ['dZ2', 'dW2', 'db2', 'dA1', 'dZ1']
    >>> d.equation(d.steps[1])
    'dW[2] = (1/m) dZ[2] A[1]ᵀ'
    """
    dims = tuple(check_layer_dims(layer_dims))
    _check_settings(l2, keep_prob)
    L = len(dims) - 1
    specs = [hidden] * (L - 1) if isinstance(hidden, str | Activation) else list(hidden)
    if len(specs) != L - 1:
        raise ValueError(f"hidden has {len(specs)} activations but the network has {L - 1}")
    out = derive(loss, output)
    if out.domain_problem is not None:
        raise ValueError(f"output {out.activation_function.name}: {out.domain_problem}")
    if not out.activation_function.elementwise and dims[-1] == 1:
        raise ValueError("softmax over one output unit is always 1: use sigmoid, or more units")
    bare = NetworkDerivation(
        dims,
        tuple(derive("mse", spec) for spec in specs),  # read for g[l] and g'[l]
        out,
        float(l2),
        None if keep_prob is None or L == 1 else float(keep_prob),
        _scalar_symbols(),
    )
    with_factors = replace(bare, elementwise=elementwise_factors(bare))
    return replace(with_factors, steps=build_steps(with_factors))
