"""A network at a glance, as Keras' ``model.summary()``: a row per layer, the total, the output.

Layer l has n[l] units, activation g[l], W[l] of shape (n[l], n[l−1]) and
b[l] of shape (n[l], 1): n[l]·n[l−1] + n[l] parameters. Below the rows: the
total, the loss and the output route, fused (dZ[L] = c·(A[L] − Y) from the
logits, for a natural pair) or generic (dZ[L] = dA[L] · g'(Z[L])).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainrule.base.display import Table

if TYPE_CHECKING:
    from chainrule.core.model import Model


def route(net: Model) -> str:
    """The output layer's route in words: fused (natural pair) or generic."""
    g, loss = net.activations[-1].name, net.loss.name
    if net.output_pair is not None:
        c = net.output_pair.constant
        residual = "A[L] − Y" if c == 1 else f"{c:g}·(A[L] − Y)"
        return f"fused: {g} with {loss} is a natural pair, dZ[L] = {residual} from the logits"
    return f"generic: dZ[L] = dA[L] · g'(Z[L]) for {g} with {loss}"


def parameter_count(net: Model) -> int:
    """Σ over the layers of n[l]·n[l−1] + n[l] (the entries of every W[l] and b[l])."""
    dims = net.layer_dims
    return sum(dims[l] * dims[l - 1] + dims[l] for l in range(1, len(dims)))


def summary_table(net: Model) -> Table:
    """The table of :meth:`chainrule.Network.summary`: prints as text, shows as HTML."""
    dims = net.layer_dims
    rows = [["0 (input)", str(dims[0]), "—", "—", "—", "0"]]
    for l, g in enumerate(net.activations, start=1):
        rows.append(
            [
                f"{l} (output)" if l == net.L else str(l),
                str(dims[l]),
                g.name,
                str((dims[l], dims[l - 1])),
                str((dims[l], 1)),
                f"{dims[l] * dims[l - 1] + dims[l]:,}",
            ]
        )
    footer = "\n".join(
        [
            f"total parameters: {parameter_count(net):,} ({net.dtype.name})",
            f"loss: {net.loss.name}",
            f"output route: {route(net)}",
        ]
    )
    headers = ["layer", "units", "activation", "W shape", "b shape", "parameters"]
    return Table(headers, rows, title=type(net).__name__, footer=footer)
