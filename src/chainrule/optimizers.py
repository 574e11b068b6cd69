"""``chainrule.optimizers``: the optimizers, defined in :mod:`chainrule.training.optimizers`."""

from chainrule.training.optimizers import (
    OPTIMIZERS,
    SGD,
    Adam,
    Momentum,
    Optimizer,
    RMSprop,
    names,
    optimizer,
)

__all__ = ["OPTIMIZERS", "SGD", "Adam", "Momentum", "Optimizer", "RMSprop", "names", "optimizer"]
