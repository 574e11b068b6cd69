"""Learning-rate schedules: α as a function of the epoch number (0, 1, 2, …).

==================  ================================================  =================
name                α(epoch)                                          settings
==================  ================================================  =================
``constant``        α0                                                none
``step``            α0 · factor^⌊epoch / every⌋                       factor, every
``exponential``     α0 · rate^epoch                                   rate
``inverse_time``    α0 / (1 + decay_rate · ⌊epoch / interval⌋)        decay_rate, interval
==================  ================================================  =================

``inverse_time`` is the course's learning-rate decay (with ``interval`` > 1 its
"fixed interval scheduling"). The epoch counts every epoch the network has
been trained for, so a resumed run continues the schedule.

Examples
--------
>>> schedule("inverse_time", 0.1, decay_rate=1.0)(3)
0.025
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from chainrule.base.checks import check_integer, check_learning_rate, is_real


def _positive(name: str, value: float) -> None:
    if not (is_real(value) and 0 < value < math.inf):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


@dataclass(frozen=True)
class Schedule:
    """α(epoch) = α0 for the base class; subclasses decay it."""

    learning_rate: float
    name: ClassVar[str] = "constant"

    def __post_init__(self) -> None:
        check_learning_rate(self.learning_rate)

    def __call__(self, epoch: int) -> float:
        return self.learning_rate


@dataclass(frozen=True)
class StepDecay(Schedule):
    """α0 · factor^⌊epoch / every⌋: multiply by ``factor`` every ``every`` epochs."""

    factor: float = 0.5
    every: int = 10
    name: ClassVar[str] = "step"

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive("factor", self.factor)
        check_integer("every", self.every, 1)

    def __call__(self, epoch: int) -> float:
        return self.learning_rate * self.factor ** (epoch // self.every)


@dataclass(frozen=True)
class ExponentialDecay(Schedule):
    """α0 · rate^epoch."""

    rate: float = 0.95
    name: ClassVar[str] = "exponential"

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive("rate", self.rate)

    def __call__(self, epoch: int) -> float:
        return self.learning_rate * self.rate**epoch


@dataclass(frozen=True)
class InverseTimeDecay(Schedule):
    """α0 / (1 + decay_rate · ⌊epoch / interval⌋), the course's learning-rate decay."""

    decay_rate: float = 1.0
    interval: int = 1
    name: ClassVar[str] = "inverse_time"

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive("decay_rate", self.decay_rate)
        check_integer("interval", self.interval, 1)

    def __call__(self, epoch: int) -> float:
        return self.learning_rate / (1 + self.decay_rate * (epoch // self.interval))


SCHEDULES: dict[str, type[Schedule]] = {
    kind.name: kind for kind in (Schedule, StepDecay, ExponentialDecay, InverseTimeDecay)
}


def names() -> list[str]:
    """The schedule names :func:`schedule` accepts."""
    return sorted(SCHEDULES)


def schedule(name: str, learning_rate: float, **settings: float) -> Schedule:
    """A schedule by name, starting at ``learning_rate`` (α0)."""
    kind = SCHEDULES.get(name.lower()) if isinstance(name, str) else None
    if kind is None:
        raise ValueError(f"unknown schedule {name!r}; known: {', '.join(names())}")
    try:
        return kind(learning_rate, **settings)
    except TypeError:
        raise TypeError(
            f"schedule {kind.name!r} does not take the settings {sorted(settings)}"
        ) from None


def rates(schedule_: Schedule, first_epoch: int, epochs: int) -> list[float]:
    """α for the epochs first_epoch, …, first_epoch + epochs − 1, each checked.

    fit works them out before it trains, so that a schedule whose α leaves
    (0, ∞) on the way (a custom one that turns negative, a decay that
    underflows to 0 or grows past the largest float) is a ValueError naming
    the epoch, before any parameter changes.

    >>> rates(schedule("step", 0.1, factor=0.5, every=2), 1, 3)
    [0.1, 0.05, 0.05]
    """
    values = []
    for epoch in range(first_epoch, first_epoch + epochs):
        try:
            alpha = schedule_(epoch)
        except OverflowError:
            alpha = math.inf
        if not (is_real(alpha) and 0 < alpha < math.inf):
            raise ValueError(
                f"the learning-rate schedule {schedule_!r} gives α = {alpha!r} at epoch "
                f"{epoch}; a learning rate must be finite and > 0"
            )
        values.append(float(alpha))
    return values


def as_schedule(learning_rate: float | Schedule, name: str = "learning_rate") -> Schedule:
    """A Schedule as is; a number becomes the constant schedule α(epoch) = α0 (a
    ValueError naming ``name`` unless it is finite and > 0)."""
    if isinstance(learning_rate, Schedule):
        return learning_rate
    return Schedule(check_learning_rate(learning_rate, name))
