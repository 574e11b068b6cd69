"""The training loop behind :meth:`chainrule.Network.fit`.

Each step, on a mini-batch (X{t}, Y{t}) of m_t examples::

    D[l] ~ dropout masks (when keep_prob < 1)
    forward → J{t} = (1/m_t) Σ L + (λ/2m_t) Σ ‖W[l]‖²      (stop if not finite)
    backward → dW[l], db[l]  (with (λ/m_t)·W[l] and the same masks)
    optimizer step (sgd, momentum, rmsprop, adam) with α = schedule(epoch)

Resuming: the optimizer (with its state), the count of epochs trained (which
drives the schedule) and the random generator of shuffling and dropout live
on the network (``net.optimizer``, ``net.epochs_trained``, ``net.rng``) and are
saved with it. A later ``fit`` with the same optimizer name and ``seed=None``
continues exactly where the previous one stopped: ``fit(10 epochs)`` twice, or
with a save and load in between, gives the parameters of ``fit(20 epochs)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.training import metrics
from chainrule.training.batches import mini_batches
from chainrule.training.callbacks import BestEpoch, Callback, EarlyStopping, as_early_stopping
from chainrule.training.class_weights import class_example_weights
from chainrule.training.fast import FastSteps
from chainrule.training.fast import supports as fast_path_supports
from chainrule.training.flat import FlatLayout
from chainrule.training.guard import (
    DivergenceWarning,
    Interrupt,
    Lowest,
    TrainingDiverged,
    all_finite,
    interrupt_guard,
)
from chainrule.training.history import History
from chainrule.training.optimizers import Optimizer
from chainrule.training.optimizers import optimizer as lookup_optimizer
from chainrule.training.options import FitOptions, Validation
from chainrule.training.progress import Advance, progress
from chainrule.training.regularization import dropout_masks, keep_probs
from chainrule.training.schedules import as_schedule, rates
from chainrule.training.weights import checked_weights, normalized_weights

if TYPE_CHECKING:
    from chainrule.core.model import LayerCache, Model

Array = NDArray[np.floating[Any]]

__all__ = ["DivergenceWarning", "TrainingDiverged", "evaluate", "fit"]


def evaluate(net: Model, X: ArrayLike, Y: ArrayLike) -> tuple[float, float]:
    """(J, metric) on (X, Y) without dropout or L2: one forward pass.

    The metric is accuracy for classification losses and R² otherwise
    (:mod:`chainrule.training.metrics`).
    """
    X_arr = net.check_input(X)
    Y_arr = net.check_targets(Y, X_arr.shape[1])
    return _evaluate(net, X_arr, Y_arr)


def _evaluate(net: Model, X: Array, Y: Array) -> tuple[float, float]:
    AL, caches = net.forward(X)
    return net.cost_from_logits(caches[-1].Z, Y), metrics.score(net.loss, AL, Y)


def _split_validation(
    net: Model, X: Array, Y: Array, validation: Validation, weights: Array | None = None
) -> tuple[Array, Array, Array | None, tuple[Array, Array] | None]:
    """(X_train, Y_train, the training examples' weights, (X_val, Y_val) or None).

    ``validation`` is checked (:meth:`FitOptions.checked`). A fraction holds out
    examples drawn with the network's seed (0 when it has none), not with fit's
    generator: every fit of the network on the same data holds out the same
    ones, so a resumed fit never scores examples it trained on.
    """
    if validation is None:
        return X, Y, weights, None
    if isinstance(validation, tuple):
        X_val = net.check_input(validation[0])
        return X, Y, weights, (X_val, net.check_targets(validation[1], X_val.shape[1]))
    m = X.shape[1]
    n_val = round(validation * m)
    if not 0 < n_val < m:
        raise ValueError(f"validation={validation} of {m} examples leaves no examples on one side")
    order = np.random.default_rng(0 if net.seed is None else net.seed).permutation(m)
    train, val = np.sort(order[n_val:]), np.sort(order[:n_val])
    train_weights = None if weights is None else weights[train]
    return X[:, train], Y[:, train], train_weights, (X[:, val], Y[:, val])


def _optimizer_for(net: Model, optimizer: str | Optimizer) -> Optimizer:
    """The network's own optimizer when the name matches (to resume), else a new one."""
    if (
        isinstance(optimizer, str)
        and isinstance(net.optimizer, Optimizer)
        and (net.optimizer.name == optimizer.lower())
    ):
        return net.optimizer
    return lookup_optimizer(optimizer)


class ReferenceSteps:
    """The mini-batch steps as the course writes them: Model.forward, backprop, update.

    :class:`~chainrule.training.fast.FastSteps` does the same arithmetic on
    reused buffers; fit takes it whenever it applies, and this path for
    dropout, sample weights, and wherever else the fast path does not apply.
    """

    def __init__(
        self,
        net: Model,
        X: Array,
        Y: Array,
        l2: float,
        keep: Sequence[float] | None,
        rng: np.random.Generator,
        scale: Array | None = None,
    ) -> None:
        self.net, self.X, self.Y, self.l2, self.keep, self.rng = net, X, Y, l2, keep, rng
        self.scale = scale
        self._good = {name: value.copy() for name, value in net.params.items()}
        self._batch: (
            tuple[Array, Array, list[LayerCache], list[Array] | None, Array | None] | None
        ) = None

    def forward(self, columns: slice | NDArray[Any]) -> tuple[float, Array, Array]:
        """Forward on the batch ``columns`` (dropout masks drawn here): (J{t}, A[L], Y{t})."""
        net = self.net
        X_batch, Y_batch = self.X[:, columns], self.Y[:, columns]
        m_batch = X_batch.shape[1]
        masks = (
            None
            if self.keep is None
            else dropout_masks(self.keep, net.layer_dims[1:-1], m_batch, self.rng, net.dtype)
        )
        batch_scale = None if self.scale is None else self.scale[None, columns]
        AL, caches = net.forward(X_batch, masks)
        self._batch = (AL, Y_batch, caches, masks, batch_scale)
        return net.cost_from_logits(caches[-1].Z, Y_batch, self.l2, batch_scale), AL, Y_batch

    def step(self, optimizer: Optimizer, alpha: float) -> None:
        """Backward on the last forward's batch, then the optimizer's update."""
        if self._batch is None:
            raise RuntimeError("step() needs a forward() first")
        AL, Y_batch, caches, masks, batch_scale = self._batch
        self._batch = None
        grads = self.net.backprop(AL, Y_batch, caches, self.l2, masks, batch_scale)
        optimizer.step(self.net.params, grads, alpha)

    def checkpoint(self) -> None:
        """The current parameters are good (their cost was finite): copy them aside."""
        for name, value in self.net.params.items():
            np.copyto(self._good[name], value)

    def restore(self) -> None:
        """Back to the parameters of the last :meth:`checkpoint`."""
        for name, value in self._good.items():
            np.copyto(self.net.params[name], value)

    def adopt_assigned(self) -> None:
        """Nothing to take in: this path reads ``net.params`` as it is at every step."""

    def finish(self) -> None:
        """Nothing to hand back: this path updates the network's arrays in place."""


def _epoch(
    steps: ReferenceSteps | FastSteps,
    batches: Iterator[slice | NDArray[Any]],
    optimizer: Optimizer,
    alpha: float,
    running: metrics.RunningScore,
    epoch: int,
    history: History,
    guards: tuple[Interrupt, Lowest],
) -> float | None:
    """One pass over the mini-batches; returns the epoch's cost, the mean of J{t} by examples,
    or None when Ctrl-C stopped it before its last batch (:mod:`chainrule.training.guard`).

    The divergence guard: a cost that is not finite, or after the last step
    parameters or an optimizer state that are not finite, restore the
    parameters of the last step whose cost was finite (or, where those are not
    finite themselves, the parameters the epoch began with, which were
    checked) and raise :class:`TrainingDiverged`. A KeyboardInterrupt raised
    inside a step puts the parameters before that step back and resets the
    optimizer (its state may hold part of the step).
    """
    interrupt, lowest = guards
    total, m, cut_short = 0.0, 0, False
    steps.adopt_assigned()  # what the callbacks of the last epoch assigned into net.params
    listed = list(batches)
    for t, columns in enumerate(listed, start=1):
        cost, AL, Y_batch = steps.forward(columns)
        if not math.isfinite(cost):
            _restore_finite(steps, lowest)
            raise TrainingDiverged(epoch, alpha, cost, history)
        steps.checkpoint()
        lowest.first(cost)
        running.add(AL, Y_batch)
        try:
            steps.step(optimizer, alpha)
        except KeyboardInterrupt:
            steps.restore()
            optimizer.reset()
            raise
        total += cost * AL.shape[1]
        m += AL.shape[1]
        if interrupt.requested and t < len(listed):
            cut_short = True
            break
    if not all_finite(steps.net.params) or not all_finite(optimizer.state_arrays()):
        _restore_finite(steps, lowest)
        stalled = f"the {optimizer.name} optimizer's state or a parameter became inf or NaN"
        raise TrainingDiverged(epoch, alpha, math.nan, history, stalled)
    return None if cut_short else total / m


def _restore_finite(steps: ReferenceSteps | FastSteps, lowest: Lowest) -> None:
    """The last checkpoint's parameters, or the epoch's first where those are not finite."""
    steps.restore()
    if not all_finite(steps.net.params):
        lowest.restore_start(steps.net)


@dataclass
class _Run:
    """One fit, prepared: every argument checked, the steps built, the epochs' α known."""

    net: Model
    steps: ReferenceSteps | FastSteps
    optimizer: Optimizer
    alphas: list[float]
    rng: np.random.Generator
    batch_size: int | None
    Y_train: Array
    validation: tuple[Array, Array] | None
    callbacks: Sequence[Callback]
    stopper: EarlyStopping | None


def _prepare(net: Model, X: ArrayLike, Y: ArrayLike, options: FitOptions) -> _Run:
    """Check what depends on the network and the data, then take over its training state.

    Nothing on the network changes until every argument has been checked.
    """
    X_arr = net.check_input(X)
    Y_arr = net.check_targets(Y, X_arr.shape[1])
    keep = keep_probs(options.keep_prob, net.L - 1)
    chosen = _optimizer_for(net, options.optimizer)
    alphas = rates(as_schedule(options.learning_rate), net.epochs_trained, options.epochs)
    rng = net.rng
    if options.seed is not None or rng is None:
        rng = np.random.default_rng(net.seed if options.seed is None else options.seed)
    # Weights stay float64 until normalized: beyond float32's range they would be inf.
    weights = None
    if options.sample_weight is not None:
        weights = checked_weights(options.sample_weight, X_arr.shape[1])
    by_class = class_example_weights(options.class_weight, Y_arr, net.loss)
    if by_class is not None:
        by_class = by_class.astype(np.float64)
        weights = by_class if weights is None else weights * by_class
        if not (weights > 0).any():
            raise ValueError("class_weight and sample_weight leave every example a weight of 0")
    X_train, Y_train, train_weights, val = _split_validation(
        net, X_arr, Y_arr, options.validation, weights
    )
    # wᵢ·m/Σw: a full batch's cost is then Σ wᵢ·Lᵢ / Σ wᵢ exactly, and λ·m/Σw makes the
    # L2 term (λ/2Σw)·Σ‖W‖²: integer weights are repeated examples, L2 included.
    scale, l2 = None, options.l2
    if train_weights is not None:
        if not (train_weights > 0).any():
            raise ValueError(
                "every training example has a weight of 0 (after the validation split)"
            )
        scale = normalized_weights(train_weights, train_weights.size, net.dtype)
        largest = train_weights.max()  # m/Σw as (m/Σ(w/max))/max: Σw may overflow
        l2 = l2 * (train_weights.size / (train_weights / largest).sum()) / largest
    # The fast path's flat layout; making it checks that the parameters share a dtype.
    layout = FlatLayout.of(net.params) if scale is None and fast_path_supports(net, keep) else None
    # Every argument is valid: from here on the network's training state changes.
    net.rng, net.optimizer = rng, chosen
    steps: ReferenceSteps | FastSteps = (
        ReferenceSteps(net, X_train, Y_train, l2, keep, rng, scale)
        if layout is None
        else FastSteps(net, X_train, Y_train, options.l2, layout, options.batch_size)
    )
    stopper = as_early_stopping(options.early_stopping)
    return _Run(
        net=net,
        steps=steps,
        optimizer=chosen,
        alphas=alphas,
        rng=rng,
        batch_size=options.batch_size,
        Y_train=Y_train,
        validation=val,
        callbacks=options.callbacks,
        stopper=stopper,
    )


def _record(run: _Run, history: History, cost: float, metric: float, alpha: float) -> float:
    """Append the epoch to ``history``; return the monitored cost (validation, else training).

    The validation data is scored before anything is appended, so that an
    interruption leaves every record with the same length.
    """
    scored = None if run.validation is None else _evaluate(run.net, *run.validation)
    history.cost.append(cost)
    history.metric.append(metric)
    history.learning_rate.append(alpha)
    if scored is None:
        return cost
    history.val_cost.append(scored[0])
    history.val_metric.append(scored[1])
    return scored[0]


def _run_epochs(
    run: _Run, history: History, advance: Advance | None, interrupt: Interrupt
) -> BestEpoch | None:
    """The epoch loop: train, record, report, call back, stop early; the best epoch's
    bookkeeping when early stopping is on. Ctrl-C ends it with ``history.stopped``
    set to ``"interrupted"``; the epoch it cut short is not recorded."""
    net, m = run.net, run.Y_train.shape[1]
    best = None if run.stopper is None else BestEpoch(run.stopper)
    lowest = Lowest()
    guards = (interrupt, lowest)
    for epoch, alpha in enumerate(run.alphas, start=1):
        try:
            running = metrics.RunningScore(net.loss, run.Y_train)
            batches = mini_batches(m, run.batch_size, run.rng)
            if not lowest.begin(net, bool(run.callbacks)):
                poisoned = "a callback left a parameter inf or NaN"
                raise TrainingDiverged(epoch, alpha, math.nan, history, poisoned)
            cost = _epoch(run.steps, batches, run.optimizer, alpha, running, epoch, history, guards)
            if cost is None:
                history.stopped = "interrupted"
                break
            net.epochs_trained += 1
            monitored = _record(run, history, cost, running.value(), alpha)
            if advance is not None:
                advance(history)
            if lowest.rose(net, history):
                break
            stop = any([bool(callback(epoch - 1, history, net)) for callback in run.callbacks])
            if best is not None and best.should_stop(epoch - 1, monitored, net, history):
                stop = True
        except KeyboardInterrupt:
            history.stopped = "interrupted"
            break
        if interrupt.requested:
            history.stopped = "interrupted"
            break
        if stop:
            break
    return best


def fit(net: Model, X: ArrayLike, Y: ArrayLike, options: FitOptions) -> History:
    """Train ``net`` in place on X (n_x, m) and Y (n_L, m) and return its :class:`History`.

    Y holds labels for the loss, (n_L, m) (cce also takes integer labels
    (1, m)). :class:`~chainrule.training.options.FitOptions` documents every
    option; :meth:`chainrule.Network.fit` takes them as keywords.

    Ctrl-C (or a KeyboardInterrupt from a callback or a batch) does not
    lose the run: fit returns after the batch it was on, with the History of
    the epochs completed and ``history.stopped == "interrupted"``; the
    parameters are finite, those after the last completed step (the epoch cut
    short is not in the History nor in ``net.epochs_trained``). A cost that
    rises a thousandfold warns (:class:`DivergenceWarning`) and returns with
    the parameters the lowest-cost epoch began with (:mod:`chainrule.training.guard`).

    Raises
    ------
    TrainingDiverged
        A ValueError: the cost, a parameter or the optimizer's state became
        NaN or inf. The message names the epoch and the learning rate; the
        parameters are the last good ones.
    """
    options = options.checked()
    run = _prepare(net, X, Y, options)
    history = History(metrics.metric_name(net.loss))
    try:
        with (
            interrupt_guard() as interrupt,
            progress(options.verbose, options.epochs, history.metric_name) as advance,
            np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"),
        ):
            # Overflow is expected when training diverges; _epoch's guard reports it.
            best = _run_epochs(run, history, advance, interrupt)
    except TrainingDiverged:
        run.optimizer.reset()  # its state took the step that diverged: the parameters are before
        raise
    finally:
        run.steps.finish()  # the fast path hands the result to the network's own arrays
    if best is not None:
        best.restore(net)
    return history
