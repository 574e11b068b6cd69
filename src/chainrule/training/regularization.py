"""L2 regularization and inverted dropout, in the course's form.

L2 with strength λ adds (λ/2m)·Σ_l ‖W[l]‖²_F to the cost J and therefore
(λ/m)·W[l] to dW[l] (:meth:`chainrule.Network.cost` and ``backward`` take
``l2=λ``). Biases are not penalized.

Inverted dropout keeps unit j of hidden layer l with probability keep_prob[l]:
D[l] = (rand(n_l, m) < keep_prob[l]) and the next layer sees
A[l] ⊙ D[l] / keep_prob[l], so the expected activation is unchanged and
prediction needs no rescaling. Backward multiplies dA[l] by the same
D[l] / keep_prob[l]. A mask here is that scaled product, one per hidden layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

# check_l2 is imported by name for the modules that regularize (it lives in base.checks).
from chainrule.base.checks import check_fraction, is_real
from chainrule.base.checks import check_l2 as check_l2

Array = NDArray[np.floating[Any]]


def keep_probs(
    keep_prob: float | Sequence[float] | None, n_hidden: int
) -> tuple[float, ...] | None:
    """keep_prob[l] for each hidden layer, or None when no unit is ever dropped.

    One number applies to every hidden layer; a sequence gives one per hidden
    layer. Each must be in (0, 1] (:func:`~chainrule.base.checks.check_fraction`).
    """
    if keep_prob is None:
        return None
    if n_hidden == 0 and is_real(keep_prob) and keep_prob != 1:
        raise ValueError(
            f"keep_prob={keep_prob!r} drops hidden units, and this network has no hidden layer"
        )
    values: list[Any] = [keep_prob] * n_hidden if is_real(keep_prob) else list(keep_prob)  # type: ignore[arg-type]
    if len(values) != n_hidden:
        raise ValueError(
            f"keep_prob has {len(values)} values but the network has {n_hidden} hidden layers"
        )
    keep = tuple(check_fraction(value, "keep_prob", closed=(False, True)) for value in values)
    return None if all(value == 1 for value in keep) else keep


def dropout_masks(
    keep_prob: Sequence[float],
    hidden_units: Sequence[int],
    m: int,
    rng: np.random.Generator,
    dtype: DTypeLike,
) -> list[Array]:
    """D[l] / keep_prob[l] for each hidden layer l, shape (n_l, m), in ``dtype``.

    D[l] = (rand(n_l, m) < keep_prob[l]), drawn from ``rng`` in float64.
    """
    masks: list[Array] = []
    for n, keep in zip(hidden_units, keep_prob, strict=True):
        kept = rng.random((n, m)) < keep
        masks.append(kept.astype(dtype) / np.asarray(keep, dtype=dtype))
    return masks
