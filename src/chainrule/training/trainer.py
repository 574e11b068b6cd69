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
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chainrule.base.checks import as_float_matrix, check_integer, is_real
from chainrule.training import metrics
from chainrule.training.batches import check_batch_size, mini_batches
from chainrule.training.callbacks import Callback, EarlyStopping, as_callbacks, as_early_stopping
from chainrule.training.fast import FastSteps
from chainrule.training.fast import supports as fast_path_supports
from chainrule.training.flat import FlatLayout
from chainrule.training.history import History
from chainrule.training.optimizers import Optimizer
from chainrule.training.optimizers import optimizer as lookup_optimizer
from chainrule.training.progress import progress
from chainrule.training.regularization import check_l2, dropout_masks, keep_probs
from chainrule.training.schedules import Schedule, as_schedule, rates

if TYPE_CHECKING:
    from chainrule.core.model import LayerCache, Model

Array = NDArray[np.floating[Any]]


class TrainingDiverged(ValueError):
    """The cost became NaN or infinite; the parameters are those of the last good step.

    The optimizer's state (v, s, t) is reset, since it had taken the step that
    diverged; ``net.epochs_trained`` counts the epochs that completed.

    ``epoch`` (1-based, within the fit) and ``learning_rate`` say where and
    with what; ``history`` holds the epochs completed before.
    """

    def __init__(self, epoch: int, learning_rate: float, cost: float, history: History) -> None:
        super().__init__(
            f"training diverged in epoch {epoch}: the cost became {cost} with learning rate "
            f"{learning_rate:g}. The learning rate is most likely too large; try a smaller one "
            f"(e.g. {learning_rate / 10:g}). The parameters are those of the last step whose "
            "cost was finite, and the optimizer starts afresh (its state had taken the step "
            "that diverged)."
        )
        self.epoch = epoch
        self.learning_rate = learning_rate
        self.history = history


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
    net: Model,
    X: Array,
    Y: Array,
    validation: tuple[ArrayLike, ArrayLike] | float | None,
    weights: Array | None = None,
) -> tuple[Array, Array, Array | None, tuple[Array, Array] | None]:
    """(X_train, Y_train, the training examples' weights, (X_val, Y_val) or None).

    A fraction holds out examples drawn with the network's seed (0 when it has
    none), not with fit's generator: every fit of the network on the same data
    holds out the same ones, so a resumed fit never scores examples it trained on.
    """
    if validation is None:
        return X, Y, weights, None
    if isinstance(validation, tuple):
        if len(validation) != 2:
            raise ValueError(
                f"validation must be an (X, Y) pair or a fraction, got a tuple of {len(validation)}"
            )
        X_val = net.check_input(validation[0])
        return X, Y, weights, (X_val, net.check_targets(validation[1], X_val.shape[1]))
    if not is_real(validation) or not 0 < validation < 1:
        raise ValueError(f"validation as a fraction must be in (0, 1), got {validation!r}")
    m = X.shape[1]
    n_val = round(validation * m)
    if not 0 < n_val < m:
        raise ValueError(f"validation={validation} of {m} examples leaves no examples on one side")
    order = np.random.default_rng(0 if net.seed is None else net.seed).permutation(m)
    train, val = np.sort(order[n_val:]), np.sort(order[:n_val])
    train_weights = None if weights is None else weights[train]
    return X[:, train], Y[:, train], train_weights, (X[:, val], Y[:, val])


def _example_weights(sample_weight: ArrayLike | None, m: int, dtype: Any) -> Array | None:
    """sample_weight as a (m,) array of finite weights ≥ 0 with a positive sum, or None."""
    if sample_weight is None:
        return None
    weights = as_float_matrix(np.reshape(sample_weight, (1, -1)), "sample_weight", dtype)[0]
    if weights.size != m:
        raise ValueError(f"sample_weight has {weights.size} weights for {m} examples")
    if (weights < 0).any() or not weights.sum() > 0:
        raise ValueError("sample_weight must be ≥ 0 with a positive sum")
    return weights


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
) -> float:
    """One pass over the mini-batches; returns the epoch's cost, the mean of J{t} by examples.

    The divergence guard: a cost that is not finite, or parameters that are
    not finite after the last step, restore the parameters of the last step
    whose cost was finite and raise :class:`TrainingDiverged`.
    """
    total, m = 0.0, 0
    steps.adopt_assigned()  # what the callbacks of the last epoch assigned into net.params
    for columns in batches:
        cost, AL, Y_batch = steps.forward(columns)
        if not math.isfinite(cost):
            steps.restore()
            raise TrainingDiverged(epoch, alpha, cost, history)
        steps.checkpoint()
        running.add(AL, Y_batch)
        steps.step(optimizer, alpha)
        total += cost * AL.shape[1]
        m += AL.shape[1]
    if not all(np.isfinite(value).all() for value in steps.net.params.values()):
        steps.restore()
        raise TrainingDiverged(epoch, alpha, math.nan, history)
    return total / m


def fit(
    net: Model,
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
) -> History:
    """Train ``net`` in place and return its :class:`History`.

    Parameters
    ----------
    X : (n_x, m) array
    Y : labels for the loss, (n_L, m) (cce also takes integer labels (1, m))
    epochs : int
        Passes over the training examples.
    learning_rate : float or Schedule
        α, or α(epoch) (:mod:`chainrule.training.schedules`).
    optimizer : name or Optimizer
        ``sgd``, ``momentum``, ``rmsprop`` or ``adam`` with the course's
        defaults, or an object with its own settings. A name equal to the
        network's current optimizer reuses it, state included (resuming).
    batch_size : int or None
        None: full-batch gradient descent on the examples in order.
        Otherwise shuffled mini-batches; the last partial batch is kept.
    l2 : float
        λ: J gains (λ/2m) Σ ‖W[l]‖², dW[l] gains (λ/m) W[l].
    keep_prob : float, sequence or None
        Inverted dropout on the hidden layers: one keep probability for all,
        or one per hidden layer.
    validation : (X_val, Y_val), fraction or None
        Data scored after each epoch; a fraction holds out that share of the
        training examples, the same ones in every fit of the network (drawn
        with the network's seed, so that a resumed fit never scores examples
        it has trained on).
    early_stopping : patience, EarlyStopping or None
        Stop when the validation cost (training cost without validation) has
        not improved for that many epochs; restores the best parameters.
    callbacks : callables ``callback(epoch, history, net)``
        Called after every epoch; returning True stops training. They may
        read ``net.params`` (and copy or save the network), change its arrays
        in place, or assign new arrays of the same shape and dtype. While fit
        runs, its entries can be views of the fast path's parameter vectors;
        the network's own arrays (the last ones assigned) receive the result
        when fit returns or raises. Copy a parameter to keep it: the vectors
        are the network's workspace, reused by its next fit.
    verbose : int
        0 is silent; 1 shows progress where the output goes (a bar in a
        terminal, a live line in a notebook, a line every few epochs in a
        log); 2 a line per epoch (:mod:`chainrule.training.progress`).
    seed : int or None
        Seeds shuffling and dropout. None continues the network's own
        generator (started from the network's seed).
    sample_weight : (m,) array or None
        wᵢ ≥ 0 per example: the data cost becomes Σᵢ wᵢ·Lᵢ / Σᵢ wᵢ. Each
        example's loss and dZ[L] column are scaled by wᵢ·m/Σw (over the
        training examples), so a full batch gives exactly that cost and its
        gradient, and a mini-batch an unbiased estimate of them; the L2 term
        is unchanged.

    Raises
    ------
    TrainingDiverged
        A ValueError: the cost became NaN or inf. The message names the
        epoch and the learning rate; the parameters are the last good ones.
    """
    X_arr = net.check_input(X)
    Y_arr = net.check_targets(Y, X_arr.shape[1])
    n_epochs = check_integer("epochs", epochs, 0)
    schedule = as_schedule(learning_rate)
    step_size = check_batch_size(batch_size)
    lam = check_l2(l2)
    keep = keep_probs(keep_prob, net.L - 1)
    stopper = as_early_stopping(early_stopping)
    listeners = as_callbacks(callbacks)
    chosen = _optimizer_for(net, optimizer)
    alphas = rates(schedule, net.epochs_trained, n_epochs)
    rng = net.rng
    if seed is not None or rng is None:
        rng = np.random.default_rng(net.seed if seed is None else seed)
    weights = _example_weights(sample_weight, X_arr.shape[1], net.dtype)
    X_train, Y_train, train_weights, val = _split_validation(net, X_arr, Y_arr, validation, weights)
    # wᵢ·m/Σw: a full batch's cost is then Σ wᵢ·Lᵢ / Σ wᵢ exactly.
    scale = None
    if train_weights is not None:
        scale = train_weights * (train_weights.size / train_weights.sum())
    # The fast path's flat layout; making it checks that the parameters share a dtype.
    layout = FlatLayout.of(net.params) if scale is None and fast_path_supports(net, keep) else None
    # Every argument is valid: from here on the network's training state changes.
    net.rng, net.optimizer = rng, chosen

    m = X_train.shape[1]
    steps: ReferenceSteps | FastSteps = (
        ReferenceSteps(net, X_train, Y_train, lam, keep, rng, scale)
        if layout is None
        else FastSteps(net, X_train, Y_train, lam, layout, step_size)
    )
    history = History(metrics.metric_name(net.loss))
    best: tuple[float, dict[str, Array]] | None = None
    try:
        with (
            progress(verbose, n_epochs, history.metric_name) as advance,
            np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"),
        ):
            # Overflow is expected when training diverges; _epoch's guard reports it.
            for epoch in range(1, n_epochs + 1):
                alpha = alphas[epoch - 1]
                running = metrics.RunningScore(net.loss, Y_train)
                batches = mini_batches(m, step_size, rng)
                train_cost = _epoch(steps, batches, chosen, alpha, running, epoch, history)
                net.epochs_trained += 1
                history.cost.append(train_cost)
                history.metric.append(running.value())
                history.learning_rate.append(alpha)
                monitored = train_cost
                if val is not None:
                    val_cost, val_metric = _evaluate(net, *val)
                    history.val_cost.append(val_cost)
                    history.val_metric.append(val_metric)
                    monitored = val_cost
                if advance is not None:
                    advance(history)
                stop = any([bool(callback(epoch - 1, history, net)) for callback in listeners])
                if stopper is not None:
                    if best is None or monitored < best[0] - stopper.min_delta:
                        best = (monitored, {k: v.copy() for k, v in net.params.items()})
                        history.best_epoch = epoch - 1
                    elif history.best_epoch is not None and (
                        epoch - 1 - history.best_epoch >= stopper.patience
                    ):
                        history.stopped_early = stop = True
                if stop:
                    break
    except TrainingDiverged:
        chosen.reset()  # its state took the step that diverged: the parameters are before it
        raise
    finally:
        steps.finish()  # the fast path hands the result to the network's own arrays
    if stopper is not None and stopper.restore_best and best is not None:
        for name, value in best[1].items():
            np.copyto(net.params[name], value)
    return history
