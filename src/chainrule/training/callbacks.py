"""Hooks called after every epoch, and early stopping.

A callback is any callable ``callback(epoch, history, net)``, called after
each epoch (``epoch`` counts from 0 within this fit); returning True stops
training after that epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chainrule.functions.validation import check_integer

if TYPE_CHECKING:
    from chainrule.network import Network
    from chainrule.training.history import History

Callback = Callable[[int, "History", "Network"], Any]


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


def as_early_stopping(early_stopping: int | EarlyStopping | None) -> EarlyStopping | None:
    """None, an EarlyStopping as is, or an integer patience with the defaults."""
    if early_stopping is None or isinstance(early_stopping, EarlyStopping):
        return early_stopping
    if isinstance(early_stopping, bool) or not isinstance(early_stopping, int):
        raise TypeError(
            "early_stopping must be None, a patience (int) or an EarlyStopping, "
            f"got {type(early_stopping).__name__}"
        )
    return EarlyStopping(patience=early_stopping)
