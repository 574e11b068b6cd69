"""``chainrule.schedules``: the learning-rate schedules of :mod:`chainrule.training.schedules`."""

from chainrule.training.schedules import (
    SCHEDULES,
    ExponentialDecay,
    InverseTimeDecay,
    Schedule,
    StepDecay,
    names,
    schedule,
)

__all__ = [
    "SCHEDULES",
    "ExponentialDecay",
    "InverseTimeDecay",
    "Schedule",
    "StepDecay",
    "names",
    "schedule",
]
