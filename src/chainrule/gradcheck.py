"""Numerical gradient checking: is backward's dW, db the derivative of the cost?

For every parameter θ the centred difference

    gradapprox = (J(θ + ε) − J(θ − ε)) / (2ε)

is compared with backward's gradient g over all parameters at once:

    difference = ‖g − gradapprox‖₂ / (‖g‖₂ + ‖gradapprox‖₂)

as in the course (ε = 1e-7; below about 2e-7 the gradients agree). Both sides
are computed on a float64 copy of the network, whatever its own dtype, since
float32 rounding alone exceeds that threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.network import Network
from chainrule.training.regularization import check_l2, dropout_masks, keep_probs

Array = NDArray[np.float64]


def relative_difference(analytic: Array, numeric: Array) -> float:
    """‖a − n‖ / (‖a‖ + ‖n‖), 0 when both are zero."""
    denominator = float(np.linalg.norm(analytic) + np.linalg.norm(numeric))
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric)) / denominator


@dataclass(frozen=True)
class GradcheckResult:
    """The outcome of :func:`gradcheck`; ``float(result)`` is the overall difference.

    ``analytic`` and ``numeric`` hold, per parameter name (``W1``, ``b1``, …),
    backward's gradient and the centred-difference one.
    """

    difference: float
    epsilon: float
    analytic: dict[str, Array]
    numeric: dict[str, Array]

    def __float__(self) -> float:
        return self.difference

    @property
    def per_parameter(self) -> dict[str, float]:
        """The relative difference of each parameter on its own."""
        return {
            name: relative_difference(self.analytic[name], self.numeric[name])
            for name in self.analytic
        }

    def passed(self, threshold: float = 2e-7) -> bool:
        """True when the overall difference is below ``threshold`` (the course's 2e-7)."""
        return self.difference < threshold

    def __str__(self) -> str:
        lines = [f"gradient check (ε = {self.epsilon:g}): difference = {self.difference:.3e}"]
        width = max(len(name) for name in self.analytic)
        for name, value in self.per_parameter.items():
            lines.append(f"  {name:<{width}}  {value:.3e}")
        return "\n".join(lines)


def gradcheck(
    net: Network,
    X: ArrayLike,
    Y: ArrayLike,
    epsilon: float = 1e-7,
    l2: float = 0.0,
    keep_prob: float | Sequence[float] | None = None,
    seed: int = 0,
) -> GradcheckResult:
    """Compare backward's gradients with centred differences of the cost, in float64.

    Parameters
    ----------
    net : Network
        The network to check; it is not modified (a float64 copy is used).
    X : (n_x, m) array
    Y : (n_L, m) array
    epsilon : float
        The step ε of the centred difference.
    l2 : float
        λ: check the cost with (λ/2m) Σ ‖W[l]‖² and its gradient.
    keep_prob : float, one per hidden layer, or None
        Check inverted dropout: masks are drawn once (from ``seed``) and
        frozen, so both sides differentiate the same function.
    seed : int
        Seed of the frozen dropout masks.

    Returns
    -------
    GradcheckResult
        ``float(result)`` is ‖g − gradapprox‖ / (‖g‖ + ‖gradapprox‖) over all
        parameters; ``result.per_parameter`` gives the same for each one.
    """
    if not epsilon > 0:
        raise ValueError(f"epsilon must be > 0, got {epsilon!r}")
    net64 = net.copy(dtype=np.float64)
    X64 = net64.check_input(X)
    Y64 = net64.check_targets(Y, X64.shape[1])
    lam = check_l2(l2)
    keep = keep_probs(keep_prob, net64.L - 1)
    masks = None if keep is None else dropout_masks(
        keep, net64.layer_dims[1:-1], X64.shape[1], np.random.default_rng(seed), np.float64
    )
    grads = net64.gradients(X64, Y64, lam, masks)
    analytic: dict[str, Array] = {}
    numeric: dict[str, Array] = {}
    for name, theta in net64.params.items():
        analytic[name] = grads[f"d{name}"]
        approx = np.empty_like(theta)
        for index in np.ndindex(theta.shape):
            original = theta[index]
            theta[index] = original + epsilon
            plus = net64.cost(X64, Y64, lam, masks)
            theta[index] = original - epsilon
            minus = net64.cost(X64, Y64, lam, masks)
            theta[index] = original
            approx[index] = (plus - minus) / (2 * epsilon)
        numeric[name] = approx
    everything: list[Any] = list(analytic)
    difference = relative_difference(
        np.concatenate([analytic[n].ravel() for n in everything]),
        np.concatenate([numeric[n].ravel() for n in everything]),
    )
    return GradcheckResult(difference, epsilon, analytic, numeric)
