"""Numerical gradient checking: is backward's dW, db the derivative of the cost?

For every parameter θ the centred difference

    gradapprox = (J(θ + ε) − J(θ − ε)) / (2ε)

is compared with backward's gradient g over all parameters at once:

    difference = ‖g − gradapprox‖₂ / (‖g‖₂ + ‖gradapprox‖₂)

as in the course (ε = 1e-7; below about 2e-7 the gradients agree). Both sides
are computed on a float64 copy of the network, whatever its own dtype, since
float32 rounding alone exceeds that threshold.

Kinks: where a ±ε step moves a unit of a kinked activation (relu, leaky_relu,
selu, elu with alpha ≠ 1: g' jumps at Z = 0) across Z = 0, the centred
difference straddles the kink and measures neither one-sided derivative.
Those entries are found in the same ±ε forward passes, reported as kinks and
left out of the verdict; the result names them and the worst of the remaining entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.base.display import Table
from chainrule.functions.activations import Activation
from chainrule.tools.network import Network
from chainrule.training.regularization import check_l2, dropout_masks, keep_probs

Array = NDArray[np.floating[Any]]


def relative_difference(analytic: Array, numeric: Array) -> float:
    """‖a − n‖ / (‖a‖ + ‖n‖), 0 when both are zero."""
    denominator = float(np.linalg.norm(analytic) + np.linalg.norm(numeric))
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric)) / denominator


def has_kink(g: Activation) -> bool:
    """True when g' jumps at Z = 0 (relu, leaky_relu, selu, …), read off the catalog's g'."""
    if not g.elementwise:
        return False
    sides = np.array([[-1e-12, 1e-12]])
    left, right = g.derivative(sides)[0]
    return bool(abs(right - left) > 1e-6 * max(1.0, abs(left), abs(right)))


@dataclass(frozen=True, repr=False)
class GradcheckResult:
    """The outcome of :func:`gradcheck`; ``float(result)`` is the overall difference.

    ``analytic`` and ``numeric`` hold, per parameter name (``W1``, ``b1``, …),
    backward's gradient and the centred-difference one; ``kinks`` marks the
    entries whose ±ε step crosses a kink (see the module docstring). The
    verdicts (``passed``, ``failing``, ``per_parameter``) leave kinks out;
    ``difference`` is the course's number over every entry.
    """

    difference: float
    epsilon: float
    analytic: dict[str, Array]
    numeric: dict[str, Array]
    kinks: dict[str, NDArray[np.bool_]] = field(default_factory=dict)
    threshold: float = 2e-7

    def __float__(self) -> float:
        return self.difference

    def _smooth(self, name: str) -> NDArray[np.bool_]:
        kinks = self.kinks.get(name)
        return np.ones(self.analytic[name].shape, bool) if kinks is None else ~kinks

    @property
    def per_parameter(self) -> dict[str, float]:
        """The relative difference of each parameter on its own, kinks left out."""
        return {
            name: relative_difference(
                self.analytic[name][self._smooth(name)], self.numeric[name][self._smooth(name)]
            )
            for name in self.analytic
        }

    @property
    def difference_without_kinks(self) -> float:
        """The overall relative difference over the entries that cross no kink."""
        names = list(self.analytic)
        return relative_difference(
            np.concatenate([self.analytic[n][self._smooth(n)] for n in names]),
            np.concatenate([self.numeric[n][self._smooth(n)] for n in names]),
        )

    def passed(self, threshold: float | None = None) -> bool:
        """True when the difference, kinks left out, is below ``threshold`` (the course's 2e-7)."""
        limit = self.threshold if threshold is None else threshold
        return self.difference_without_kinks < limit

    def failing(self, threshold: float | None = None) -> list[str]:
        """The gradients (``db2``) whose own difference, kinks left out, reaches ``threshold``."""
        limit = self.threshold if threshold is None else threshold
        return [f"d{name}" for name, value in self.per_parameter.items() if value >= limit]

    @property
    def kink_entries(self) -> list[str]:
        """The gradient entries left out as kinks, named ``dW1[0, 3]``."""
        return [
            f"d{name}{list(map(int, index))}"
            for name, mask in self.kinks.items()
            for index in np.argwhere(mask)
        ]

    def worst(self, count: int = 3) -> list[tuple[str, float, float]]:
        """The ``count`` entries (kinks left out) with the largest |analytic − numeric|.

        Each is (``"db2[1, 0]"``, analytic, numeric).
        """
        entries = []
        for name, analytic in self.analytic.items():
            smooth = self._smooth(name)
            for index in np.argwhere(smooth):
                where = tuple(int(i) for i in index)
                entries.append((name, where, analytic[where], self.numeric[name][where]))
        entries.sort(key=lambda entry: -abs(entry[2] - entry[3]))
        return [
            (f"d{name}{list(where)}", float(a), float(n)) for name, where, a, n in entries[:count]
        ]

    def table(self) -> Table:
        """The verdict, then one row per gradient: shape, norm, difference, kinks, verdict.

        Below the rows: the kink entries left out, and the worst entries. Prints
        as text and shows as HTML in a notebook.
        """
        failing = self.failing()
        verdict = "ok" if self.passed() else f"FAILED ({', '.join(failing) or 'overall'})"
        headline = (
            f"gradient check (ε = {self.epsilon:g}, threshold {self.threshold:g}): "
            f"difference = {self.difference:.3e}, kinks left out: "
            f"{self.difference_without_kinks:.3e} — {verdict}"
        )
        rows = [
            [
                f"d{name}",
                str(self.analytic[name].shape),
                f"{float(np.linalg.norm(self.analytic[name])):.3e}",
                f"{value:.3e}",
                str(int(self.kinks[name].sum()) if name in self.kinks else 0),
                "FAILED" if f"d{name}" in failing else "ok",
            ]
            for name, value in self.per_parameter.items()
        ]
        notes = []
        kink_entries = self.kink_entries
        if kink_entries:
            shown = ", ".join(kink_entries[:5]) + (", …" if len(kink_entries) > 5 else "")
            notes.append(
                f"kinks: {len(kink_entries)} entries whose ±ε step moves a unit across Z = 0 "
                f"({shown}); the centred difference is unreliable there, so they are "
                "reported, not judged"
            )
        notes.append(
            "worst entries: "
            + "; ".join(
                f"{where} analytic {a:.8g}, numeric {n:.8g}" for where, a, n in self.worst()
            )
        )
        headers = ["gradient", "shape", "‖grad‖", "difference", "kinks", "verdict"]
        return Table(headers, rows, title=headline, footer="\n".join(notes))

    def __str__(self) -> str:
        return str(self.table())

    def __repr__(self) -> str:
        verdict = "passed" if self.passed() else f"FAILED: {', '.join(self.failing()) or 'overall'}"
        return (
            f"GradcheckResult(difference={self.difference:.3e}, "
            f"kinks left out {self.difference_without_kinks:.3e}, {verdict})"
        )

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


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
        parameters; ``result.per_parameter`` gives the same for each one,
        ``result.failing()`` the parameters at or above 2e-7, ``str(result)``
        the table with the kinks and the worst entries.
    """
    if not epsilon > 0:
        raise ValueError(f"epsilon must be > 0, got {epsilon!r}")
    net64 = net.copy(dtype=np.float64)
    X64 = net64.check_input(X)
    Y64 = net64.check_targets(Y, X64.shape[1])
    lam = check_l2(l2)
    keep = keep_probs(keep_prob, net64.L - 1)
    masks = (
        None
        if keep is None
        else dropout_masks(
            keep, net64.layer_dims[1:-1], X64.shape[1], np.random.default_rng(seed), np.float64
        )
    )
    grads = net64.gradients(X64, Y64, lam, masks)
    kinked = [l for l, g in enumerate(net64.activations) if has_kink(g)]

    def perturbed(theta: Array, index: tuple[int, ...], step: float) -> tuple[float, list[Array]]:
        """J and the kinked layers' Z with one entry of θ moved by ``step``."""
        original = theta[index]
        theta[index] = original + step
        _, caches = net64.forward(X64, masks)
        cost = net64.cost_from_logits(caches[-1].Z, Y64, lam)  # the L2 term reads the moved θ too
        theta[index] = original
        return cost, [caches[l].Z for l in kinked]

    analytic: dict[str, Array] = {}
    numeric: dict[str, Array] = {}
    kinks: dict[str, NDArray[np.bool_]] = {}
    for name, theta in net64.params.items():
        analytic[name] = grads[f"d{name}"]
        numeric[name] = np.empty_like(theta)
        kinks[name] = np.zeros(theta.shape, dtype=bool)
        for index in np.ndindex(theta.shape):
            plus, Z_plus = perturbed(theta, index, epsilon)
            minus, Z_minus = perturbed(theta, index, -epsilon)
            numeric[name][index] = (plus - minus) / (2 * epsilon)
            kinks[name][index] = any(
                bool(np.any(np.sign(a) != np.sign(b))) for a, b in zip(Z_plus, Z_minus, strict=True)
            )
    difference = relative_difference(
        np.concatenate([analytic[n].ravel() for n in analytic]),
        np.concatenate([numeric[n].ravel() for n in numeric]),
    )
    return GradcheckResult(difference, epsilon, analytic, numeric, kinks)
