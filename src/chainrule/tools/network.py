"""The ``Network`` users build: the model of :mod:`chainrule.core.model`, with fit and inspect.

The maths (forward, backward, cost, update, predict) lives on
:class:`~chainrule.core.model.Model`; training on
:func:`chainrule.training.trainer.fit`; the per-layer statistics on
:mod:`chainrule.tools.inspection`. This class joins them under the names
the README and the course use.
"""

from __future__ import annotations

from collections.abc import Sequence

from numpy.typing import ArrayLike

from chainrule.base.display import Table
from chainrule.core.model import Model
from chainrule.tools.inspection import Inspection, Recorder, inspect_network
from chainrule.tools.summary import summary_table
from chainrule.training.callbacks import Callback, EarlyStopping
from chainrule.training.class_weights import ClassWeight
from chainrule.training.history import History
from chainrule.training.optimizers import Optimizer
from chainrule.training.options import FitOptions
from chainrule.training.schedules import Schedule
from chainrule.training.trainer import fit as train


class Network(Model):
    """A fully connected L-layer network; any output activation with any loss.

    Takes the arguments of :class:`~chainrule.core.model.Model` (layer_dims,
    hidden, output, loss, init, seed, dtype, fused) and adds :meth:`fit` and
    :meth:`inspect`.

    Examples
    --------
    >>> import numpy as np
    >>> net = Network([2, 3, 1], seed=1)
    >>> AL, caches = net.forward(np.array([[0.5, -1.0], [2.0, 0.0]]))
    >>> AL.shape, len(caches)
    ((1, 2), 2)
    """

    recording: Recorder | None = None

    def fit(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        epochs: int,
        learning_rate: float | Schedule,
        optimizer: str | Optimizer = "sgd",
        batch_size: int | None = None,
        l2: float = 0.0,
        keep_prob: float | Sequence[float] | None = None,
        validation: tuple[ArrayLike, ArrayLike] | float | None = None,
        early_stopping: int | EarlyStopping | None = None,
        callbacks: Sequence[Callback] = (),
        verbose: int = 1,
        seed: int | None = None,
        sample_weight: ArrayLike | None = None,
        class_weight: ClassWeight = None,
        record: bool = False,
    ) -> History:
        """Train in place; returns the History (``history[i]`` is the cost of epoch i).

        With ``batch_size=None`` each epoch is one full-batch step on the
        examples in order and its cost is J before that step, as in the
        course; with mini-batches the examples are shuffled with the seed and
        the epoch's cost is the mean of the per-example costs seen during the
        epoch. :class:`chainrule.training.options.FitOptions` documents every
        other argument (this signature spells its fields out, with their defaults).

        The fast path's work arrays (activations of a batch, a second
        parameter vector, the gradient) stay in ``self.workspace`` so that the
        next fit reuses them; ``self.workspace = None`` frees them.

        ``record=True`` keeps, after each epoch, the per-layer statistics of
        :meth:`inspect` on (X, Y) in ``self.recording`` (a
        :class:`chainrule.inspect.Recorder`: ``.table()``, ``.plot(path)``).
        """
        self.recording = Recorder(X, Y) if record else None
        if self.recording is not None:
            callbacks = (*callbacks, self.recording)

        options = FitOptions(
            epochs=epochs,
            learning_rate=learning_rate,
            optimizer=optimizer,
            batch_size=batch_size,
            l2=l2,
            keep_prob=keep_prob,
            validation=validation,
            early_stopping=early_stopping,
            callbacks=callbacks,
            verbose=verbose,
            seed=seed,
            sample_weight=sample_weight,
            class_weight=class_weight,
        )
        return train(self, X, Y, options)

    def summary(self, show: bool = True) -> Table:
        """A row per layer (units, activation, W and b shapes, parameters), the total, the
        loss and the output route, as Keras' ``summary()``; printed unless ``show=False``,
        and returned (a table that shows as HTML in a notebook)."""
        table = summary_table(self)
        if show:
            print(table)
        return table

    def _repr_html_(self) -> str:
        return summary_table(self)._repr_html_()

    def inspect(self, X: ArrayLike, Y: ArrayLike) -> Inspection:
        """Per layer on (X, Y): ‖dW‖, mean |dZ|, saturated units, dead ReLUs (a rich table)."""
        return inspect_network(self, X, Y)
