"""What a model keeps of its training between fits: the optimizer's state, as a Protocol.

The model only holds it, to resume a fit and to save it; the training layer,
above the core, runs it (:class:`chainrule.training.optimizers.Optimizer`).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]


class OptimizerState(Protocol):
    """What the model keeps of its optimizer between fits, to resume and to save.

    :class:`chainrule.training.optimizers.Optimizer` implements it; the model
    only holds it (the training layer, above this one, runs it).
    """

    @property
    def name(self) -> str: ...

    @property
    def t(self) -> int: ...

    def settings(self) -> dict[str, float]: ...

    def state_arrays(self) -> dict[str, Array]: ...

    def reset(self) -> None: ...
