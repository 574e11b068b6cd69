"""Mistake detectors: warnings that name a learner's likely mistake and its fix.

Each detector looks at arrays chainrule is handed anyway and costs a few
elementwise passes over them, so they run on the public entry points
(``output_delta``, ``output_cost``, ``Network.backward`` and the functions of
:mod:`chainrule.course`) and never inside ``fit``'s loop:

* **probabilities where logits are expected** — a sigmoid or softmax output
  route is handed Z[L] whose columns lie in [0, 1] and sum to 1 (softmax), or
  whose entries all lie in (0, 1) and spread over at least half of it (sigmoid; at
  least 8 of them). For sigmoid this is a heuristic: logits can lie in (0, 1),
  and probabilities bunched near ½ (an untrained network) are not caught; on
  200 random correct networks it fired twice on real logits (output_delta and
  output_cost only: the Z of a Network's own caches is not checked);
* **an activation applied twice** — A[l] equals g(g(Z[l])) rather than
  g(Z[l]). Applied twice, sigmoid maps into (½, e/(1+e)) and softmax over C
  classes into (1/(1+(C−1)e), e/(e+C−1)), so the loss of an example of the
  right class can never fall below log(1 + (C−1)/e) (C = 2 for sigmoid);
* **caches inconsistent with their activations** — max |A[l] − g(Z[l])|
  beyond rounding (64 ulps): the fused dZ[L] = A[L] − Y and the derivatives
  written through A (σ' = A(1 − A)) then use a value the layer never produced;
* **relu' taken where Z = 0** — the Z fed to relu's backward has exact zeros
  and no negative entry: it is A = relu(Z), not Z, and (A ≥ 0) is 1 everywhere.

They are warnings (:class:`MistakeWarning`), never errors: each condition is
very unlikely for a correct computation, not impossible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.user_warnings import warn_user
from chainrule.functions.activations import RELU, SIGMOID, SOFTMAX, Activation

Array = NDArray[np.floating[Any]]

#: Sigmoid outputs a real network could produce as logits by chance are few and
#: bunched; below this many entries, or this spread, Z in (0, 1) proves nothing.
_MIN_ENTRIES = 8
_MIN_SPREAD = 0.5
_ULPS = 64


class MistakeWarning(UserWarning):
    """A likely mistake in what chainrule was handed; the message says how to fix it."""


def _warn(message: str) -> None:
    warn_user(message, MistakeWarning)


def _close(A: Array, B: Array) -> bool:
    tolerance = _ULPS * np.finfo(A.dtype).eps * (1 + np.abs(B))
    return bool(np.all(np.abs(A - B) <= tolerance))


def probabilities_description(Z: Array, g: Activation) -> str | None:
    """How Z looks like g's output rather than its input (logits); None when it does not."""
    if g is SOFTMAX and Z.shape[0] >= 2 and Z.min() >= 0 and Z.max() <= 1:
        sums = Z.sum(axis=0)
        if _close(sums, np.ones_like(sums)):
            return f"every column of Z lies in [0, 1] and sums to 1 ({Z.shape[1]} columns)"
    if (
        g is SIGMOID
        and Z.size >= _MIN_ENTRIES
        and Z.min() > 0
        and Z.max() < 1
        and Z.max() - Z.min() >= _MIN_SPREAD
    ):
        return f"all {Z.size} entries of Z lie in (0, 1)"
    return None


def loss_floor(g: Activation, n_classes: int) -> tuple[float, float, float]:
    """(low, high, floor) when g is applied twice: the outputs' bounds and the loss floor.

    Applied to values in [0, 1], softmax over C classes gives entries in
    [1/(1 + (C−1)e), e/(e + C − 1)]; the loss −log a of the right class then
    stays above log(1 + (C−1)/e). Sigmoid is the case C = 2.
    """
    C = max(2, n_classes) if g is SOFTMAX else 2
    low, high = 1 / (1 + (C - 1) * math.e), math.e / (math.e + C - 1)
    if g is SIGMOID:
        low = 0.5
    return low, high, math.log1p((C - 1) / math.e)


def check_logits(Z: Array, g: Activation, where: str) -> None:
    """Warn when Z, handed to ``where`` as logits for g, looks like g's output."""
    description = probabilities_description(Z, g)
    if description is None:
        return
    low, high, floor = loss_floor(g, Z.shape[0])
    _warn(
        f"{where}: {description}, as if it were A = {g.name}(Z) rather than the logits Z. "
        f"Given probabilities, {g.name} is applied twice: its outputs stay in "
        f"[{low:.3f}, {high:.3f}] and the loss of a right answer cannot fall below "
        f"log(1 + (C − 1)/e) = {floor:.3f}. Fix: pass Z[L] = W[L] A[L−1] + b[L], "
        f"before {g.name} (the Z of the cache), not A[L]."
    )


def check_cache(Z: Array, A: Array, g: Activation, layer: int, fused: bool = False) -> None:
    """Warn when A is not g(Z) to rounding: g applied twice, or caches from different passes."""
    if A.shape != Z.shape:
        raise ValueError(
            f"layer {layer}: A{layer} is {A.shape} but Z{layer} is {Z.shape}; "
            f"A = {g.name}(Z) has the shape of Z"
        )
    expected = g.forward(Z)
    if _close(A, expected):
        return
    if g in (SIGMOID, SOFTMAX) and _close(A, g.forward(expected)):
        low, high, floor = loss_floor(g, Z.shape[0])
        _warn(
            f"layer {layer}: A{layer} = {g.name}({g.name}(Z{layer})): {g.name} was applied "
            f"twice. Its outputs are then confined to [{low:.3f}, {high:.3f}], so the loss of "
            f"an example of the right class cannot fall below log(1 + (C − 1)/e) = "
            f"{floor:.3f} and training stalls there. Fix: apply {g.name} once, to Z{layer}."
        )
        return
    gap = float(np.max(np.abs(A - expected)))
    shortcut = (
        f" The fused shortcut dZ{layer} = A{layer} − Y uses this A, so dZ{layer} is wrong too."
        if fused
        else ""
    )
    _warn(
        f"layer {layer}: the cache is inconsistent: A{layer} is not {g.name}(Z{layer}) "
        f"(max |A − g(Z)| = {gap:.3g}, beyond rounding).{shortcut} Fix: keep the A and Z "
        f"of the same forward pass (the course's cache holds Z, and A[l] is the next "
        f"layer's A_prev)."
    )


def check_relu_input(Z: Array, g: Activation, layer: int | None) -> None:
    """Warn when the Z fed to relu's backward is A = relu(Z): exact zeros, nothing negative."""
    if g is not RELU or Z.size == 0 or Z.min() < 0:
        return
    zeros = int(np.count_nonzero(Z == 0))
    if zeros == 0:
        return
    name = "Z" if layer is None else f"Z{layer}"
    prefix = "" if layer is None else f"layer {layer}: "
    _warn(
        f"{prefix}{name} fed to relu's backward has {zeros} exact zeros and no negative entry: "
        f"it looks like A = relu(Z), not Z. relu' is read from Z, dZ = dA·(Z > 0) with "
        f"relu'(0) = 0; taken from A, (A ≥ 0) is 1 everywhere and every unit acts as linear. "
        f"Fix: pass Z (the activation cache), not A."
    )


def check_backward_inputs(
    activations: Sequence[Activation],
    Zs: Sequence[Array],
    As: Sequence[Array],
    fused: bool,
) -> None:
    """Run the cache detectors on every layer: Zs[l−1] = Z[l], As[l−1] = A[l]."""
    for l, (g, Z, A) in enumerate(zip(activations, Zs, As, strict=True), start=1):
        check_relu_input(Z, g, l)
        check_cache(Z, A, g, l, fused=fused and l == len(activations))
