"""Training: optimizers, schedules, mini-batches, regularization, callbacks, history.

:meth:`chainrule.Network.fit` delegates to :func:`chainrule.training.trainer.fit`.
"""

from chainrule.training import optimizers, schedules
from chainrule.training.callbacks import Callback, EarlyStopping
from chainrule.training.guard import DivergenceWarning, TrainingDiverged
from chainrule.training.history import History
from chainrule.training.optimizers import Optimizer, optimizer
from chainrule.training.options import FitOptions
from chainrule.training.schedules import Schedule, schedule
from chainrule.training.trainer import evaluate, fit

__all__ = [
    "Callback",
    "DivergenceWarning",
    "EarlyStopping",
    "FitOptions",
    "History",
    "Optimizer",
    "Schedule",
    "TrainingDiverged",
    "evaluate",
    "fit",
    "optimizer",
    "optimizers",
    "schedule",
    "schedules",
]
