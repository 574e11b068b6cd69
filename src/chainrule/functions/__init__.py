"""The function catalog: activations, losses, and the output rules that join them."""

from chainrule.functions.activations import Activation, activation
from chainrule.functions.losses import Loss, loss
from chainrule.functions.pairs import (
    NATURAL_PAIRS,
    NaturalPair,
    NumericalWarning,
    domain_problem,
    natural_pair,
    output_route,
)

__all__ = [
    "NATURAL_PAIRS",
    "Activation",
    "Loss",
    "NaturalPair",
    "NumericalWarning",
    "activation",
    "domain_problem",
    "loss",
    "natural_pair",
    "output_route",
]
