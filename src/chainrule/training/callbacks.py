"""Hooks called after every epoch, and early stopping.

A callback is any callable ``callback(epoch, history, net)``, called after
each epoch (``epoch`` counts from 0 within this fit); returning True stops
training after that epoch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.checks import check_integer, is_integer

if TYPE_CHECKING:
    from chainrule.core.model import Model
    from chainrule.training.history import History

Callback = Callable[[int, "History", "Model"], Any]


@dataclass(frozen=True)
class EarlyStopping:
    """Stop when the monitored cost has not improved for ``patience`` epochs.

    The monitored cost is the validation cost when fit has validation data
    and the training cost otherwise; an improvement must exceed
    ``min_delta``. With ``restore_best`` the parameters of the best epoch are
    put back when training stops (early or at the last epoch).
    """

    patience: int = 10
    min_delta: float = 0.0
    restore_best: bool = True

    def __post_init__(self) -> None:
        check_integer("patience", self.patience, 1)
        if not 0 <= self.min_delta < float("inf"):
            raise ValueError(f"min_delta must be finite and ≥ 0, got {self.min_delta!r}")


def as_callbacks(callbacks: Any) -> tuple[Callback, ...]:
    """``callbacks`` as a tuple, or a TypeError unless it is a sequence of callables.

    Checked before fit trains, so that a bare function (instead of ``[function]``)
    or a None in the list is refused before the first epoch, not after it.
    """
    if callable(callbacks):
        raise TypeError(
            "callbacks must be a sequence of callables callback(epoch, history, net); "
            f"got the callable {callbacks!r} itself: pass [{getattr(callbacks, '__name__', 'it')}]"
        )
    try:
        listed = tuple(callbacks)
    except TypeError:
        raise TypeError(
            f"callbacks must be a sequence of callables, got {type(callbacks).__name__}"
        ) from None
    for index, callback in enumerate(listed):
        if not callable(callback):
            raise TypeError(
                f"callbacks[{index}] is {callback!r}, not a callable callback(epoch, history, net)"
            )
    return listed


def as_early_stopping(early_stopping: int | EarlyStopping | None) -> EarlyStopping | None:
    """None, an EarlyStopping as is, or an integer patience with the defaults."""
    if early_stopping is None or isinstance(early_stopping, EarlyStopping):
        return early_stopping
    if not is_integer(early_stopping):
        raise TypeError(
            "early_stopping must be None, a patience (int) or an EarlyStopping, "
            f"got {type(early_stopping).__name__}"
        )
    return EarlyStopping(patience=early_stopping)


class BestEpoch:
    """Early stopping's bookkeeping: the lowest monitored cost so far and its parameters."""

    def __init__(self, stopper: EarlyStopping) -> None:
        self.stopper = stopper
        self.cost = math.inf
        self.params: dict[str, NDArray[Any]] | None = None

    def should_stop(self, epoch: int, monitored: float, net: Model, history: History) -> bool:
        """After epoch ``epoch`` (0-based): keep its parameters when ``monitored`` improves
        on the best by more than min_delta, else stop once patience epochs have passed."""
        if self.params is None or monitored < self.cost - self.stopper.min_delta:
            self.cost = monitored
            self.params = {name: value.copy() for name, value in net.params.items()}
            history.best_epoch = epoch
            return False
        if history.best_epoch is not None and epoch - history.best_epoch >= self.stopper.patience:
            history.stopped = "early"
            return True
        return False

    def restore(self, net: Model) -> None:
        """Put the best epoch's parameters back into the network's arrays (restore_best)."""
        if self.stopper.restore_best and self.params is not None:
            for name, value in self.params.items():
                np.copyto(net.params[name], value)
