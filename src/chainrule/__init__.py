"""chainrule: neural networks by backpropagation, in Andrew Ng's notation.

Any output activation works with any loss: natural pairs (sigmoid + bce,
softmax + cce, identity + mse, exp + poisson) take the fused, stable rule
dZ[L] = c·(A[L] − Y) computed from the logits; every other pair takes the
generic chain rule dZ[L] = dA[L] ⊙ g'(Z[L]).

>>> import chainrule as cr
>>> net = cr.Network([2, 4, 1], hidden="tanh", output="sigmoid", loss="bce")
"""

from chainrule import datasets, optimizers, schedules
from chainrule._version import __version__
from chainrule.derive import Derivation, derive
from chainrule.functions import (
    NATURAL_PAIRS,
    Activation,
    Loss,
    NaturalPair,
    NumericalWarning,
    activation,
    domain_problem,
    loss,
    natural_pair,
    output_cost,
    output_delta,
)
from chainrule.gradcheck import GradcheckResult, gradcheck
from chainrule.io import load, save
from chainrule.network import LayerCache, Network
from chainrule.training import EarlyStopping, History, TrainingDiverged

__all__ = [
    "NATURAL_PAIRS",
    "Activation",
    "Derivation",
    "EarlyStopping",
    "GradcheckResult",
    "History",
    "LayerCache",
    "Loss",
    "NaturalPair",
    "Network",
    "NumericalWarning",
    "TrainingDiverged",
    "__version__",
    "activation",
    "datasets",
    "derive",
    "domain_problem",
    "gradcheck",
    "load",
    "loss",
    "natural_pair",
    "optimizers",
    "output_cost",
    "output_delta",
    "save",
    "schedules",
]
