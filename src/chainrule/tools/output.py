"""The output layer's public entry points: dZ[L] and the cost J from the logits Z[L].

They check what they are handed (shapes, labels, and the mistakes
:mod:`chainrule.core.diagnostics` detects, such as probabilities passed
where logits belong), then take the route of :mod:`chainrule.functions.pairs`:
fused for a natural pair, the stable rule for a pair SymPy can rewrite, the
generic chain rule otherwise (:func:`chainrule.output_route` says which).
The activation and the loss may be names, objects or formulas.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.base.checks import as_float_matrix
from chainrule.core import diagnostics
from chainrule.functions.activations import Activation
from chainrule.functions.losses import Loss
from chainrule.functions.pairs import (
    generic_output_delta,
    mean_cost,
    output_rule,
    per_example_cost,
    resolve_pair,
    warn_if_not_finite,
)

Array = NDArray[np.floating[Any]]


def _prepare(
    Z: ArrayLike, Y: ArrayLike, activation: str | Activation, loss: str | Loss
) -> tuple[Array, Array, Activation, Loss]:
    g, L = resolve_pair(activation, loss)
    Z_arr = as_float_matrix(Z, "Z")
    Y_arr = L.prepare_targets(Y, Z_arr.shape[0], Z_arr.shape[1], Z_arr.dtype)
    return Z_arr, Y_arr, g, L


def output_delta(
    Z: ArrayLike,
    Y: ArrayLike,
    activation: str | Activation,
    loss: str | Loss,
    fused: bool | None = None,
) -> Array:
    """dZ[L] = ∂L/∂Z[L] per example for the output activation g and the loss L.

    Parameters
    ----------
    Z : (n_L, m) array
        The output layer's logits Z[L].
    Y : (n_L, m) array
        The labels (cce also takes integer labels of shape (1, m)).
    activation, loss : name, object or formula
        g and L, from the catalog, custom, or formulas in z and in a, y.
    fused : bool or None
        None fuses natural pairs (c·(A − Y) from Z), takes the stable rule
        where SymPy rewrites the pair, and the generic chain rule
        dA[L] ⊙ g'(Z[L]) for the others; True demands natural or stable;
        False forces the generic route.

    Returns
    -------
    dZ : (n_L, m) array, in Z's dtype, without the 1/m.

    Examples
    --------
    >>> output_delta([[0.0, 2.0]], [[1, 0]], "sigmoid", "bce").round(3).tolist()
    [[-0.5, 0.881]]
    """
    Z_arr, Y_arr, g, L = _prepare(Z, Y, activation, loss)
    diagnostics.check_logits(Z_arr, g, "output_delta")
    rule = output_rule(g, L, fused)
    if rule is not None:
        dZ = rule.dZ_from_logits(Z_arr, Y_arr)
        if rule.route == "stable":  # finite wherever the true dZ is: anything else overflowed
            warn_if_not_finite(dZ, "dZ[L]", g, L, rule.route)
        return dZ
    A = g.forward(Z_arr)
    L.check_outputs(A)
    return generic_output_delta(Z_arr, A, Y_arr, g, L)[1]


def output_cost(
    Z: ArrayLike,
    Y: ArrayLike,
    activation: str | Activation,
    loss: str | Loss,
    fused: bool | None = None,
) -> float:
    """The cost J = (1/m) Σᵢ L(g(Z[:, i]), Y[:, i]), computed from the logits Z.

    Natural pairs use the stable forms of :mod:`chainrule.functions.pairs`
    (softplus for bce, log-sum-exp for cce), stable rules their rewritten
    forms, so no log(0), no overflow and no warning; other pairs evaluate
    L(g(Z), Y).

    Examples
    --------
    >>> output_cost([[800.0]], [[0]], "sigmoid", "bce")
    800.0
    """
    Z_arr, Y_arr, g, L = _prepare(Z, Y, activation, loss)
    diagnostics.check_logits(Z_arr, g, "output_cost")
    return mean_cost(per_example_cost(Z_arr, Y_arr, g, L, fused))
