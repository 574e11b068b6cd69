"""chainrule: neural networks by backpropagation, in Andrew Ng's notation.

Any output activation works with any loss: natural pairs (sigmoid + bce,
softmax + cce, identity + mse, exp + poisson) take the fused, stable rule
dZ[L] = c·(A[L] − Y) computed from the logits; every other pair takes the
generic chain rule dZ[L] = dA[L] ⊙ g'(Z[L]).

>>> import chainrule as cr
>>> net = cr.Network([2, 4, 1], hidden="tanh", output="sigmoid", loss="bce")
"""

from typing import Any

from chainrule import course, datasets, optimizers, schedules, shapes
from chainrule._version import __version__
from chainrule.compare import Comparison, compare
from chainrule.derive import Derivation, derive, derive_all
from chainrule.derive_network import NetworkDerivation, derive_network
from chainrule.diagnostics import MistakeWarning
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
from chainrule.inspect import Inspection, LayerStats, Recorder
from chainrule.io import load, save
from chainrule.network import LayerCache, Network
from chainrule.training import EarlyStopping, History, TrainingDiverged

__all__ = [
    "NATURAL_PAIRS",
    "Activation",
    "Comparison",
    "Derivation",
    "EarlyStopping",
    "GradcheckResult",
    "History",
    "Inspection",
    "LayerCache",
    "LayerStats",
    "Loss",
    "MistakeWarning",
    "NaturalPair",
    "Network",
    "NetworkClassifier",
    "NetworkDerivation",
    "NetworkRegressor",
    "NumericalWarning",
    "Recorder",
    "TrainingDiverged",
    "__version__",
    "activation",
    "compare",
    "course",
    "datasets",
    "derive",
    "derive_all",
    "derive_network",
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
    "shapes",
]


def __getattr__(name: str) -> Any:
    # The scikit-learn estimators load on first use: importing scikit-learn is slow.
    if name in ("NetworkClassifier", "NetworkRegressor"):
        from chainrule import sklearn

        return getattr(sklearn, name)
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")
