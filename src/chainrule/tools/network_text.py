"""The words of :func:`chainrule.tools.derive_network`: each step's title and justification.

For every step: the index-level chain rule and how its sum becomes a matrix
product, the shape check, where the 1/m of J = (1/m) Σₖ L enters, and the L2
term and dropout mask when they are on. The formulas quoted from
:func:`chainrule.tools.derive` (dA, g', dZ) are its SymPy results, printed on one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainrule.symbolic.matrix_formulas import unicode_scalar

if TYPE_CHECKING:
    from chainrule.tools.derive import Derivation
    from chainrule.tools.network_spec import NetworkSpec

Notes = tuple[tuple[str, str], ...]

_PER_EXAMPLE = (
    "per example, no 1/m: J = (1/m) Σₖ L(A[L]_:k, Y_:k), so ∂J/∂{var} = (1/m) {name}; "
    "the 1/m is applied once, in dW and db"
)


def step_title(kind: str, l: int, L: int) -> str:
    """A step's title in words, e.g. ``dW[2] = ∂J/∂W[2]``."""
    titles = {
        "dW": f"dW[{l}] = ∂J/∂W[{l}], the weights' gradient",
        "db": f"db[{l}] = ∂J/∂b[{l}], the biases' gradient",
        "dA": f"dA[{l}] = ∂L/∂A[{l}], back through W[{l + 1}]"
        if l < L
        else f"dA[{L}] = ∂L/∂A[{L}], the loss's derivative",
        "dZ": f"dZ[{l}] = ∂L/∂Z[{l}], back through g[{l}]",
    }
    return titles[kind]


def _activation_sentence(derivation: Derivation, l: int) -> str:
    import sympy as sp

    g = derivation.activation_function
    sentence = (
        f"g[{l}](z) = {unicode_scalar(derivation.g)}, g'(z) = "
        f"{unicode_scalar(derivation.g_prime)} (SymPy)"
    )
    if derivation.g_prime.has(sp.Heaviside):
        sentence += "; at z = 0 it is taken as 0, as the frameworks do: Heaviside(z, 0)"
    in_a = derivation.g_prime_in_a
    if in_a is not None and in_a != derivation.g_prime:
        sentence += f" = {unicode_scalar(in_a)} written through a = A[{l}] = {g.name}(Z[{l}])"
    return sentence


def _dZ_index(d: NetworkSpec, l: int) -> tuple[str, str]:
    derivation = d.output if l == d.L else d.hidden[l - 1]
    if not derivation.activation_function.elementwise:
        return (
            "index",
            f"A[{l}]_jk = exp(Z[{l}]_jk) / Σ_i exp(Z[{l}]_ik) depends on all of column k: "
            f"dZ[{l}]_ik = Σ_j dA[{l}]_jk A[{l}]_jk (δ_ij − A[{l}]_ik) = "
            f"A[{l}]_ik (dA[{l}]_ik − Σ_j A[{l}]_jk dA[{l}]_jk); ones({d.layer_dims[l]}, "
            f"{d.layer_dims[l]}) (A[{l}] ⊙ dA[{l}]) puts each column's sum in every row",
        )
    return (
        "index",
        f"A[{l}]_jk depends on Z[{l}]_jk alone, so the chain rule is a product entry by "
        f"entry (⊙): dZ[{l}]_jk = dA[{l}]_jk · g'[{l}](Z[{l}]_jk); "
        + _activation_sentence(derivation, l),
    )


def _output_notes(d: NetworkSpec, kind: str) -> Notes:
    out, L = d.output, d.L
    ell = (
        unicode_scalar(out.loss) if out.activation_function.elementwise else out.loss_function.name
    )
    if kind == "dA":
        return (
            (
                "index",
                f"dA[{L}]_ik = ∂ℓ/∂a at (A[{L}]_ik, Y_ik), where example k's loss is "
                f"L = Σ_i ℓ(A[{L}]_ik, Y_ik) and ℓ(a, y) = {ell}",
            ),
        )
    if out.natural:
        c = "" if out.constant == 1 else f"{out.constant}·"
        return (
            (
                "route",
                f"natural pair {out.pair}: derive(…) simplifies dA[{L}] ⊙ g'[{L}] to "
                f"{c}(a − y), the rule to fuse from the logits",
            ),
            (
                "index",
                f"dZ[{L}]_ik = Σ_j ∂ℓ(A[{L}]_jk, Y_jk)/∂A[{L}]_jk · ∂A[{L}]_jk/∂Z[{L}]_ik = "
                f"{c}(A[{L}]_ik − Y_ik), ℓ(a, y) = {ell}",
            ),
        )
    return (
        (
            "route",
            f"generic route: {out.pair} is not a natural pair (derive: dZ = "
            f"{unicode_scalar(out.dZ) if out.activation_function.elementwise else 'a JVP'}), "
            f"so dZ[{L}] is formed from dA[{L}]",
        ),
        _dZ_index(d, L),
    )


def _layer_notes(d: NetworkSpec, kind: str, l: int) -> Notes:
    masked = d.keep_prob is not None and 1 <= l - 1 < d.L
    A_prev = f"A[{l - 1}]" + (" (= X)" if l == 1 else "")
    if kind == "dW":
        notes: list[tuple[str, str]] = [
            (
                "index",
                f"Z[{l}]_ik = Σ_j W[{l}]_ij A[{l - 1}]_jk + b[{l}]_i, so ∂J/∂W[{l}]_ij = "
                f"Σ_k ∂J/∂Z[{l}]_ik · ∂Z[{l}]_ik/∂W[{l}]_ij = (1/m) Σ_k dZ[{l}]_ik "
                f"A[{l - 1}]_jk: row i of dZ[{l}] against row j of {A_prev}, summed over the "
                f"examples k, is entry (i, j) of dZ[{l}] A[{l - 1}]ᵀ; the transpose brings "
                f"the example index k inside the product",
            ),
            ("1/m", f"J is the mean over the m examples: ∂J/∂Z[{l}] = (1/m) dZ[{l}]"),
        ]
        if d.l2:
            notes.append(
                (
                    "L2",
                    f"(λ/2m) Σ_l ‖W[l]‖²_F adds ∂/∂W[{l}]_ij (λ/2m) W[{l}]_ij² = (λ/m) W[{l}]_ij",
                )
            )
        if masked:
            notes.append(
                (
                    "dropout",
                    f"layer {l} was fed A[{l - 1}] ⊙ D[{l - 1}]/keep_prob, so that is the "
                    f"A[{l - 1}] in the product",
                )
            )
        return tuple(notes)
    if kind == "db":
        return (
            (
                "index",
                f"∂Z[{l}]_ik/∂b[{l}]_i = 1 for every example k (b[{l}] is broadcast across the "
                f"columns), so ∂J/∂b[{l}]_i = (1/m) Σ_k dZ[{l}]_ik = (1/m) (dZ[{l}] 1ₘ)_i, "
                f"1ₘ the column of m ones: np.sum(dZ[{l}], axis=1, keepdims=True) / m",
            ),
            ("1/m", "J is the mean over the m examples" + ("; L2 has no b" if d.l2 else "")),
        )
    return _dA_notes(d, l, masked)


def _dA_notes(d: NetworkSpec, l: int, masked: bool) -> Notes:
    """dA[l−1] from layer l."""
    k = l - 1
    notes: list[tuple[str, str]] = [
        (
            "index",
            f"∂L/∂A[{k}]_jk = Σ_i ∂L/∂Z[{l}]_ik · ∂Z[{l}]_ik/∂A[{k}]_jk = Σ_i W[{l}]_ij "
            f"dZ[{l}]_ik: the sum runs over the rows i of W[{l}], so column j of W[{l}] meets "
            f"column k of dZ[{l}], entry (j, k) of W[{l}]ᵀ dZ[{l}]: the transpose comes from "
            f"summing over W[{l}]'s first index"
            + ("; dA[0] is the gradient with respect to X" if k == 0 else ""),
        ),
        ("1/m", _PER_EXAMPLE.format(var=f"A[{k}]", name=f"dA[{k}]")),
    ]
    if masked:
        notes.append(
            (
                "dropout",
                f"the forward pass fed A[{k}] ⊙ D[{k}]/keep_prob on, so the chain rule "
                f"multiplies dA[{k}] by the same mask: a dropped unit gets no gradient",
            )
        )
    return tuple(notes)


def step_notes(d: NetworkSpec, key: str, shapes: str) -> Notes:
    """Every note of the step ``key`` (``"dW2"``, ``"dZ1"`` …), the shape check included."""
    kind, l = key[:2], int(key[2:])
    if l == d.L and kind in ("dA", "dZ"):
        notes = _output_notes(d, kind)
    elif kind == "dZ":
        notes = (_dZ_index(d, l),)
    else:
        notes = _layer_notes(d, kind, l + 1 if kind == "dA" else l)
    per_example = (
        ()
        if kind in ("dW", "db")
        else (("1/m", _PER_EXAMPLE.format(var=f"{kind[1]}[{l}]", name=f"{kind}[{l}]")),)
    )
    head, *rest = notes
    has_m = any(label == "1/m" for label, _ in rest)
    return (head, ("shapes", shapes), *rest, *(() if has_m else per_example))
