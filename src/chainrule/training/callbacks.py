"""Hooks called after every epoch, and early stopping.

A callback is any callable ``callback(epoch, history, net)``, called after
each epoch (``epoch`` counts from 0 within this fit); returning True stops
training after that epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
