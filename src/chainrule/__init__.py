"""chainrule: neural networks by backpropagation, in Andrew Ng's notation.

Any output activation works with any loss: natural pairs (sigmoid + bce,
softmax + cce, identity + mse, exp + poisson) take the fused, stable rule
dZ[L] = c·(A[L] − Y) computed from the logits; a pair whose output is
logistic, tanh, exp or softmax takes the stable route (L and dZ[L] derived by
SymPy and rewritten in stable primitives of the logits); every other pair
takes the generic chain rule dZ[L] = dA[L] ⊙ g'(Z[L]) (``cr.output_route``).

>>> import chainrule as cr
>>> net = cr.Network([2, 4, 1], hidden="tanh", output="sigmoid", loss="bce")
"""

from typing import Any

from chainrule import course
from chainrule._version import __version__
from chainrule.core import shapes
from chainrule.core.diagnostics import MistakeWarning
from chainrule.core.model import LayerCache
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
    output_route,
)
from chainrule.tools import datasets, plots
from chainrule.tools.compare import Comparison, compare
from chainrule.tools.derive import Derivation, derive, derive_all
from chainrule.tools.derive_network import NetworkDerivation, derive_network
from chainrule.tools.gradcheck import GradcheckResult, gradcheck
from chainrule.tools.inspection import Inspection, LayerStats, Recorder
from chainrule.tools.model_files import load, save
from chainrule.tools.network import Network
from chainrule.tools.output import output_cost, output_delta
from chainrule.training import EarlyStopping, History, TrainingDiverged, optimizers, schedules

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
    "output_route",
    "plots",
    "save",
    "schedules",
    "shapes",
]


def __getattr__(name: str) -> Any:
    # The scikit-learn estimators load on first use: importing scikit-learn is slow.
    if name in ("NetworkClassifier", "NetworkRegressor"):
        from chainrule.adapters import estimators

        return getattr(estimators, name)
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")
