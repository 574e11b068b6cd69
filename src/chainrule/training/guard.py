"""What keeps a run's work: the divergence guard and the Ctrl-C guard of fit.

Divergence, three ways, each ending the run with parameters that are finite:

* the cost of a mini-batch is NaN or ±inf, or after an epoch the parameters
  or the optimizer's state (momentum's v, RMSprop's and Adam's s) are not
  finite: :class:`TrainingDiverged` (a ValueError), with the parameters of the
  last step whose cost was finite where they are finite (a −inf weight behind
  a relu can leave the cost finite), else those the epoch began with, and the
  optimizer reset (its state had taken the step that
  diverged). Adam's s = β₂s + (1 − β₂)dθ² overflows to inf first on huge
  inputs (float32: dθ ≈ 1e20 gives dθ² = inf), after which every update is
  m/(√s + ε) = 0 and the run would stall silently: that is divergence too.
* the epoch's cost J rises more than :data:`RISE` (a thousand) times above the
  lowest cost so far (the untrained network's, measured on the first batch,
  included), and above the untrained network's: fit stops, puts back the
  parameters that had the lowest cost (:class:`Lowest`), sets
  ``history.stopped = "diverging"`` and warns with :class:`DivergenceWarning`
  (the learning rate is most likely too large). A warning, not an error: the
  parameters kept are good ones, and the run's History is returned.

Ctrl-C (:func:`interrupt_guard`): during fit, in the main thread, SIGINT sets a
flag that the trainer reads after every mini-batch; the run then ends after
that batch with its History (``history.stopped = "interrupted"``), the
parameters being those after the last completed step. A second Ctrl-C raises
KeyboardInterrupt at once, as usual. A KeyboardInterrupt raised otherwise (by
a callback, or outside the main thread) is caught by the trainer in the same
way: the parameters go back to the last checkpoint when it interrupted a
step, so that they are never half-updated.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.user_warnings import warn_user

if TYPE_CHECKING:
    from chainrule.core.model import Model
    from chainrule.training.history import History

Array = NDArray[np.floating[Any]]

#: An epoch cost this many times the lowest so far (and above the first epoch's) is divergence.
RISE = 1000.0


class TrainingDiverged(ValueError):
    """The cost, the parameters or the optimizer's state became NaN or infinite.

    The parameters are finite: those of the last step whose cost was finite,
    or where those are not finite, those the epoch began with. The optimizer's
    state (v, s, t) is reset, since it had taken the step that diverged;
    ``net.epochs_trained`` counts the epochs that completed.

    ``epoch`` (1-based, within the fit) and ``learning_rate`` say where and
    with what; ``history`` holds the epochs completed before
    (``history.stopped == "diverged"``).
    """

    def __init__(
        self, epoch: int, learning_rate: float, cost: float, history: History, what: str = ""
    ) -> None:
        became = what or f"the cost became {cost:.4g}"
        super().__init__(
            f"training diverged in epoch {epoch}: {became} with learning rate "
            f"{learning_rate:g}. The learning rate is most likely too large; try a smaller one "
            f"(e.g. {learning_rate / 10:g}). The parameters are the last finite ones, and the "
            "optimizer starts afresh (its state had taken the step that diverged)."
        )
        self.epoch = epoch
        self.learning_rate = learning_rate
        self.history = history
        history.stopped = "diverged"


class DivergenceWarning(RuntimeWarning):
    """The cost rose more than a thousandfold from its lowest: fit stopped there and kept
    the parameters of its lowest-cost epoch (the learning rate is most likely too large)."""


def all_finite(arrays: Mapping[str, Array]) -> bool:
    """True when every value of every array is finite.

    One pass each, with no temporary: the sum of finite values is finite
    unless it overflows, which happens only for values near the dtype's
    largest, themselves a divergence.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return all(
            math.isfinite(float(np.add.reduce(value, axis=None))) for value in arrays.values()
        )


def rise_message(history: History, start: float, best_epoch: int | None) -> str:
    """The DivergenceWarning's text: the costs, the epochs and the advice
    (``best_epoch`` None: the lowest cost was the untrained network's)."""
    alpha = history.learning_rate[-1]
    if best_epoch is None:
        lowest, kept = f"{start:.4g} (before training)", "the parameters it started from"
    else:
        lowest = f"{history.cost[best_epoch]:.4g} (epoch {best_epoch + 1})"
        kept = f"the parameters epoch {best_epoch + 1} began with"
    return (
        f"the cost rose from {lowest} to {history.cost[-1]:.4g} (epoch {len(history.cost)}), "
        f"more than {RISE:g} times: training stopped with {kept}. The learning rate "
        f"{alpha:g} is most likely too large; try a smaller one (e.g. {alpha / 10:g})."
    )


class Interrupt:
    """The flag SIGINT sets during fit; the trainer reads :attr:`requested` after each batch."""

    def __init__(self) -> None:
        self.requested = False

    def handler(self, signum: int, frame: FrameType | None) -> None:
        """First Ctrl-C: ask the run to stop after this batch; the next ones interrupt now."""
        self.requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)


@contextmanager
def interrupt_guard() -> Iterator[Interrupt]:
    """During the block, the first Ctrl-C sets the yielded flag instead of raising.

    Only in the main thread and only when SIGINT has Python's default handler
    (a program with its own handler keeps it); the handler before is put back
    after the block.
    """
    interrupt = Interrupt()
    usable = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if usable else None
    if previous is not signal.default_int_handler:
        yield interrupt
        return
    signal.signal(signal.SIGINT, interrupt.handler)
    try:
        yield interrupt
    finally:
        signal.signal(signal.SIGINT, previous)


class Lowest:
    """The lowest cost so far and the parameters that go with it, for the rise guard.

    An epoch's cost is measured before each of its steps, so the parameters
    that go with a full batch's J are those at the start of the epoch (with
    mini-batches, those the epoch's average started from): :meth:`begin`
    copies them, and :meth:`rose` keeps the copy when the epoch's cost is the
    lowest so far. The first batch's cost (:meth:`first`), the untrained
    network's, counts too: a run that blows up within its first epoch is
    caught after it, and goes back to where it started.

    The guard: the last epoch's cost is above RISE × the lowest and above the
    untrained network's.
    """

    def __init__(self) -> None:
        self.cost = math.inf
        self.epoch: int | None = None  # None: the untrained network's cost is the lowest
        self.start = math.nan
        self.params: dict[str, Array] = {}
        self._start: dict[str, Array] = {}

    def first(self, cost: float) -> None:
        """The cost of the fit's first batch, before any step."""
        if math.isnan(self.start):
            self.start = cost

    def begin(self, net: Model, assigned: bool) -> bool:
        """Before an epoch: copy the parameters it starts from. ``assigned``: callbacks ran
        since the last epoch's check, so the parameters are checked again; False (and the
        lowest cost's parameters put back, where there are any) when they are not finite."""
        if assigned and not all_finite(net.params):
            for name, value in self.params.items():
                np.copyto(net.params[name], value)
            return False
        for name, value in net.params.items():
            kept = self._start.get(name)
            if kept is None or kept.shape != value.shape or kept.dtype != value.dtype:
                self._start[name] = value.copy()
            else:
                np.copyto(kept, value)
        return True

    def restore_start(self, net: Model) -> None:
        """Put back the parameters the current epoch began with (finite: the epoch before
        ended with finite parameters, or fit would have stopped)."""
        for name, value in self._start.items():
            np.copyto(net.params[name], value)

    def rose(self, net: Model, history: History) -> bool:
        """After an epoch: True, with the lowest cost's parameters put back, when its cost
        rose a thousandfold; else False."""
        cost = history.cost[-1]
        if len(history.cost) == 1 and self.start <= cost:
            self.cost, self.epoch = self.start, None  # the untrained network's is the lowest
            self.params, self._start = self._start, self.params
        elif cost < self.cost:
            self.cost, self.epoch = cost, len(history.cost) - 1
            self.params, self._start = self._start, self.params
            return False
        if not (cost > RISE * self.cost and cost > self.start):
            return False
        for name, value in self.params.items():
            np.copyto(net.params[name], value)
        history.stopped = "diverging"
        warn_user(rise_message(history, self.start, self.epoch), DivergenceWarning)
        return True
