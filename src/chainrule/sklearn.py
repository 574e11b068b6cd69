"""``chainrule.sklearn``: the scikit-learn estimators, kept under the name users import.

The code lives in :mod:`chainrule.adapters.estimators`.
"""

from chainrule.adapters.estimators import NetworkClassifier, NetworkRegressor

__all__ = ["NetworkClassifier", "NetworkRegressor"]
