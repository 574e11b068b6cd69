"""The options of one fit, defined once: :class:`FitOptions`.

:meth:`chainrule.Network.fit` takes them as keywords, the scikit-learn
estimators and the command line build them from their own settings, and
:func:`chainrule.training.trainer.fit` reads them. Adding an option means a
field here (its default and its documentation), its use in the trainer, and
the places that expose it under their own names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from numpy.typing import ArrayLike

from chainrule.base.checks import check_fraction, check_integer, check_l2, check_seed
from chainrule.training.batches import check_batch_size
from chainrule.training.callbacks import Callback, EarlyStopping, as_callbacks, as_early_stopping
from chainrule.training.class_weights import ClassWeight, check_class_weight
from chainrule.training.optimizers import Optimizer
from chainrule.training.optimizers import optimizer as lookup_optimizer
from chainrule.training.schedules import Schedule, as_schedule

Validation = tuple[ArrayLike, ArrayLike] | float | None


@dataclass(frozen=True, eq=False)
class FitOptions:
    """How to train: every option of :meth:`chainrule.Network.fit` with its default.

    Attributes
    ----------
    epochs : int
        Passes over the training examples (0 trains nothing).
    learning_rate : float or Schedule
        α, or α(epoch) (:mod:`chainrule.training.schedules`).
    optimizer : name or Optimizer, default "sgd"
        ``sgd``, ``momentum``, ``rmsprop`` or ``adam`` with the course's
        defaults, or an object with its own settings. A name equal to the
        network's current optimizer reuses it, state included (resuming).
    batch_size : int or None, default None
        None: full-batch gradient descent on the examples in order.
        Otherwise shuffled mini-batches; the last partial batch is kept.
    l2 : float, default 0
        λ: J gains (λ/2m) Σ ‖W[l]‖², dW[l] gains (λ/m) W[l].
    keep_prob : float, sequence or None, default None
        Inverted dropout on the hidden layers: one keep probability in (0, 1]
        for all, or one per hidden layer.
    validation : (X_val, Y_val), fraction or None, default None
        Data scored after each epoch; a fraction in (0, 1) holds out that
        share of the training examples, the same ones in every fit of the
        network (drawn with the network's seed, so that a resumed fit never
        scores examples it has trained on).
    early_stopping : patience, EarlyStopping or None, default None
        Stop when the validation cost (training cost without validation) has
        not improved for that many epochs; restores the best parameters.
    callbacks : callables ``callback(epoch, history, net)``, default ()
        Called after every epoch; returning True stops training. They may
        read ``net.params`` (and copy or save the network), change its arrays
        in place, or assign new arrays of the same shape and dtype. While fit
        runs, its entries can be views of the fast path's parameter vectors;
        the network's own arrays (the last ones assigned) receive the result
        when fit returns or raises. Copy a parameter to keep it: the vectors
        are the network's workspace, reused by its next fit.
    verbose : int, default 1
        0 is silent; 1 shows progress where the output goes (a bar in a
        terminal, a live line in a notebook, a line every few epochs in a
        log); 2 a line per epoch (:mod:`chainrule.training.progress`).
    seed : int or None, default None
        Seeds shuffling and dropout. None continues the network's own
        generator (started from the network's seed).
    sample_weight : (m,) array or None, default None
        wᵢ ≥ 0 per example: the data cost becomes Σᵢ wᵢ·Lᵢ / Σᵢ wᵢ. Each
        example's loss and dZ[L] column are scaled by wᵢ·m/Σw (over the
        training examples), so a full batch gives exactly that cost and its
        gradient, and a mini-batch an unbiased estimate of them. λ is scaled
        by m/Σw, so that the L2 term is (λ/2Σw)·Σ‖W[l]‖²: in one full batch
        an integer weight then equals repeating the example, L2 included (as
        in scikit-learn's MLP, whose L2 term is divided by Σw).
    class_weight : dict, "balanced" or None, default None
        A weight per class, as scikit-learn means it, multiplied into each
        example's weight: ``{class: weight}`` (a binary loss's label, 0/1 or
        hinge's ±1; a multiclass loss's output unit), or "balanced", m/(K·m_c)
        (:mod:`chainrule.training.class_weights`).

    Invariant: :meth:`checked` is where every option that does not depend on
    the network or the data is validated; the trainer checks the rest
    (keep_prob against the hidden layers, sample_weight against m, the
    validation pair against the network's sizes).
    """

    epochs: int
    learning_rate: float | Schedule
    optimizer: str | Optimizer = "sgd"
    batch_size: int | None = None
    l2: float = 0.0
    keep_prob: float | Sequence[float] | None = None
    validation: Validation = None
    early_stopping: int | EarlyStopping | None = None
    callbacks: Sequence[Callback] = ()
    verbose: int = 1
    seed: int | None = None
    sample_weight: ArrayLike | None = None
    class_weight: ClassWeight = None

    def checked(self, names: Mapping[str, str] | None = None) -> FitOptions:
        """These options validated, in canonical form, or a ValueError or TypeError.

        The canonical form: ``epochs`` an int, ``learning_rate`` a Schedule,
        ``l2`` a float, ``early_stopping`` an EarlyStopping or None,
        ``callbacks`` a tuple. ``names`` spells options as the caller exposes
        them (``{"learning_rate": "--lr"}``) for the messages. Checking checked
        options returns equal ones.
        """
        spelled = dict(names or {})

        def name(field: str) -> str:
            return spelled.get(field, field)

        if isinstance(self.optimizer, str):
            lookup_optimizer(self.optimizer)  # an unknown name fails here, before any work
        seed = self.seed
        return replace(
            self,
            epochs=check_integer(name("epochs"), self.epochs, 0),
            learning_rate=as_schedule(self.learning_rate, name("learning_rate")),
            batch_size=check_batch_size(self.batch_size, name("batch_size")),
            l2=check_l2(self.l2, name("l2")),
            validation=_checked_validation(self.validation, name("validation")),
            early_stopping=as_early_stopping(self.early_stopping),
            callbacks=as_callbacks(self.callbacks),
            seed=None if seed is None else check_seed(seed, name("seed"), maximum=None),
            class_weight=check_class_weight(self.class_weight, name("class_weight")),
        )


def _checked_validation(validation: Validation, name: str) -> Validation:
    """An (X_val, Y_val) pair or a fraction in (0, 1) as given, or a ValueError."""
    if validation is None:
        return None
    if isinstance(validation, tuple):
        if len(validation) != 2:
            raise ValueError(
                f"{name} must be an (X, Y) pair or a fraction, got a tuple of {len(validation)}"
            )
        return validation
    return check_fraction(validation, f"{name} as a fraction")
