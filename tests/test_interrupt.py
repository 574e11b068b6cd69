"""No run's work is lost: Ctrl-C, divergence and a runaway cost all end fit with finite
parameters and the History (issue 14)."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

import chainrule as cr
from chainrule.training import DivergenceWarning, trainer
from chainrule.training.fast import FastSteps
from chainrule.training.history import History, number


def _data(m: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((4, m))
    return X, (X[:1] + X[1:2] > 0).astype(float)


def _net() -> cr.Network:
    return cr.Network([4, 5, 1], seed=1)


def _paths(monkeypatch: pytest.MonkeyPatch, reference: bool) -> None:
    if reference:
        monkeypatch.setattr(trainer, "fast_path_supports", lambda net, keep: False)


@pytest.mark.parametrize("reference", [False, True])
def test_a_keyboard_interrupt_from_a_callback_returns_the_history(monkeypatch, reference):
    _paths(monkeypatch, reference)
    X, Y = _data()

    def interrupt(epoch, history, net):
        if epoch == 2:
            raise KeyboardInterrupt

    net = _net()
    history = net.fit(X, Y, epochs=50, learning_rate=0.1, callbacks=[interrupt], verbose=0)
    assert history.stopped == "interrupted" and not history.stopped_early
    assert len(history) == 3 == net.epochs_trained
    # The oracle: a fresh network trained for the 3 epochs that completed.
    expected = _net()
    expected.fit(X, Y, epochs=3, learning_rate=0.1, verbose=0)
    for name, value in expected.params.items():
        np.testing.assert_allclose(net.params[name], value, rtol=1e-12, err_msg=name)
    assert "interrupted" in str(history)


@pytest.mark.parametrize("reference", [False, True])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_keyboard_interrupt_inside_a_step_keeps_the_parameters_before_it(
    monkeypatch, reference, optimizer
):
    """The step is interrupted after it changed the parameters: they go back to those
    before it, which are those of a full-batch fit of the epochs that completed."""
    _paths(monkeypatch, reference)
    steps_class = FastSteps if not reference else trainer.ReferenceSteps
    original = steps_class.step
    calls = []

    def interrupted_step(self, chosen, alpha):
        original(self, chosen, alpha)
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt

    monkeypatch.setattr(steps_class, "step", interrupted_step)
    X, Y = _data()
    net = _net()
    history = net.fit(X, Y, epochs=20, learning_rate=0.05, optimizer=optimizer, verbose=0)
    assert history.stopped == "interrupted" and len(history) == 3
    monkeypatch.setattr(steps_class, "step", original)
    expected = _net()
    expected.fit(X, Y, epochs=3, learning_rate=0.05, optimizer=optimizer, verbose=0)
    for name, value in expected.params.items():
        assert np.isfinite(net.params[name]).all()
        np.testing.assert_allclose(net.params[name], value, rtol=1e-12, err_msg=name)


def test_sigint_stops_after_the_current_batch_with_the_history():
    X, Y = _data(64)
    batches = []

    def count(epoch, history, net):
        return None

    original = FastSteps.step

    def step_then_signal(self, chosen, alpha):
        original(self, chosen, alpha)
        batches.append(1)
        if len(batches) == 11:  # the 3rd batch of epoch 3 (4 batches of 16 an epoch)
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FastSteps, "step", step_then_signal)
        net = _net()
        history = net.fit(
            X, Y, epochs=100, learning_rate=0.05, batch_size=16, callbacks=[count], verbose=0
        )
    assert history.stopped == "interrupted"
    assert len(history) == 2 and net.epochs_trained == 2  # epoch 3 was cut short
    assert len(batches) == 11  # stopped right after the batch it was on
    assert all(np.isfinite(value).all() for value in net.params.values())
    # Python's own handler is back: a later Ctrl-C interrupts as usual.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_sigint_on_the_last_batch_keeps_the_whole_epoch():
    X, Y = _data()

    def signal_in_epoch_2(epoch, history, net):
        if epoch == 1:
            os.kill(os.getpid(), signal.SIGINT)

    net = _net()
    history = net.fit(X, Y, epochs=30, learning_rate=0.1, callbacks=[signal_in_epoch_2], verbose=0)
    assert history.stopped == "interrupted" and len(history) == 2


def test_adam_state_that_overflows_is_divergence_not_a_silent_stall():
    """float32 inputs of 1e20: dθ² overflows, Adam's s becomes inf and every step is 0."""
    rng = np.random.default_rng(0)
    X = (rng.standard_normal((3, 40)) * 1e20).astype(np.float32)
    Y = (rng.random((1, 40)) > 0.5).astype(np.float32)
    net = cr.Network([3, 4, 1], seed=0, dtype="float32")
    with pytest.raises(cr.TrainingDiverged, match="adam optimizer's state") as caught:
        net.fit(X, Y, epochs=5, learning_rate=0.01, optimizer="adam", verbose=0)
    assert all(np.isfinite(value).all() for value in net.params.values())
    assert net.optimizer.t == 0  # reset: its state had taken the step
    assert caught.value.history.stopped == "diverged"


@pytest.mark.parametrize("reference", [False, True])
def test_training_diverged_never_leaves_infinite_weights(monkeypatch, reference):
    """A −inf weight behind a relu gives a finite cost: the parameters must be checked too."""
    _paths(monkeypatch, reference)
    rng = np.random.default_rng(0)
    X = np.abs(rng.standard_normal((3, 30))) + 0.1
    Y = (rng.random((1, 30)) > 0.5).astype(float)

    def poison(epoch, history, net):
        if epoch == 1:
            W1 = net.params["W1"].copy()
            W1[0] = -np.inf
            net.params["W1"] = W1

    net = cr.Network([3, 4, 1], hidden="relu", seed=0)
    with pytest.raises(cr.TrainingDiverged, match="a callback left a parameter inf"):
        net.fit(X, Y, epochs=10, learning_rate=0.1, callbacks=[poison], verbose=0)
    assert all(np.isfinite(value).all() for value in net.params.values())


def test_a_thousandfold_rise_warns_and_keeps_the_lowest_epoch():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 80))
    Y = X[:2] * 3.0 + 1.0
    net = cr.Network([5, 8, 2], hidden="relu", output="identity", loss="mse", seed=0)
    with pytest.warns(DivergenceWarning, match=r"rose from .* more than 1000 times.*smaller one"):
        history = net.fit(X, Y, epochs=100, learning_rate=3.0, optimizer="momentum", verbose=0)
    assert history.stopped == "diverging" and len(history) < 100
    lowest = int(np.argmin(history.cost))
    assert history.cost[-1] > 1000 * history.cost[lowest]
    # The parameters kept are those the lowest epoch began with (its full-batch cost is
    # theirs): a fresh fit of the epochs before it gives them.
    expected = cr.Network([5, 8, 2], hidden="relu", output="identity", loss="mse", seed=0)
    expected.fit(X, Y, epochs=lowest, learning_rate=3.0, optimizer="momentum", verbose=0)
    assert net.cost(X, Y) == pytest.approx(history.cost[lowest], rel=1e-12)
    for name, value in expected.params.items():
        np.testing.assert_allclose(net.params[name], value, rtol=1e-12, err_msg=name)


def test_a_fit_that_settles_is_never_stopped_by_the_rise_guard():
    X, Y = _data()
    net = _net()
    history = net.fit(X, Y, epochs=300, learning_rate=1.0, verbose=0)
    assert history.stopped is None and len(history) == 300


def test_huge_numbers_print_in_scientific_notation():
    history = History("r2", cost=[2.3e16], metric=[-3.7e12], learning_rate=[1.0])
    assert history.latest() == "cost 2.3e+16, r2 -3.7e+12"
    assert number(0.123456) == "0.12346" and number(123456789.0) == "1.2346e+08"


def test_a_blow_up_within_the_first_epoch_goes_back_to_the_start():
    """--lr 1 on diabetes with batches of 32: the cost passes 1e35 inside epoch 1."""
    data = cr.datasets.load("diabetes", seed=0)
    net = cr.Network([10, 16, 8, 1], output="identity", loss="mse", seed=0)
    initial = {name: value.copy() for name, value in net.params.items()}
    with pytest.warns(DivergenceWarning, match=r"before training.*smaller one \(e\.g\. 0\.1\)"):
        history = net.fit(data.X_train, data.Y_train, 100, 1.0, batch_size=32, verbose=0)
    assert history.stopped == "diverging" and len(history) == 1
    for name, value in initial.items():
        np.testing.assert_array_equal(net.params[name], value)


@pytest.mark.parametrize("reference", [False, True])
def test_a_step_that_leaves_an_infinite_weight_with_a_finite_cost_is_divergence(
    monkeypatch, reference
):
    """A step overflows one relu unit's weights to −inf: the unit then outputs 0, so the next
    batches' costs stay finite and their checkpoints hold the −inf. The parameters fit
    leaves are the epoch's first (finite), those of a fresh 1-epoch fit."""
    _paths(monkeypatch, reference)
    steps_class = FastSteps if not reference else trainer.ReferenceSteps
    original = steps_class.step
    calls = []

    def overflowing_step(self, chosen, alpha):
        original(self, chosen, alpha)
        calls.append(1)
        if len(calls) == 5:  # the 2nd batch of epoch 2 (3 batches of 10 an epoch)
            self.net.params["W1"][0] = -np.inf

    rng = np.random.default_rng(0)
    X = np.abs(rng.standard_normal((3, 30))) + 0.1
    Y = (rng.random((1, 30)) > 0.5).astype(float)
    kwargs = dict(learning_rate=0.1, batch_size=10, seed=0, verbose=0)
    monkeypatch.setattr(steps_class, "step", overflowing_step)
    net = cr.Network([3, 4, 1], hidden="relu", seed=0)
    with pytest.raises(cr.TrainingDiverged, match="a parameter became inf or NaN") as caught:
        net.fit(X, Y, epochs=10, **kwargs)
    assert caught.value.epoch == 2
    monkeypatch.setattr(steps_class, "step", original)
    expected = cr.Network([3, 4, 1], hidden="relu", seed=0)
    expected.fit(X, Y, epochs=1, **kwargs)
    for name, value in expected.params.items():
        np.testing.assert_allclose(net.params[name], value, rtol=1e-12, err_msg=name)
