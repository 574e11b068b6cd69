"""fit: the worked SGD + L2 step, regularization under gradcheck, divergence, batches, resuming."""

from __future__ import annotations

import math
import re
import sys

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, r2_score

import chainrule as cr
from chainrule.training import metrics
from chainrule.training.batches import batch_sizes, mini_batches
from chainrule.training.regularization import dropout_masks, keep_probs


def _blobs(m: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, m))
    Y = (X[0:1] + X[1:2] ** 2 - 1 > 0).astype(np.float64)
    return X, Y


def test_one_sgd_step_with_l2_reproduces_the_worked_example():
    # Network [2, 2, 1], sigmoid everywhere, bce, λ = 0.1, α = 0.5, m = 2.
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    Y = np.array([[1.0, 0.0]])
    net = cr.Network([2, 2, 1], hidden="sigmoid", output="sigmoid", loss="bce")
    net.params = {
        "W1": np.array([[0.1, -0.2], [0.3, 0.4]]),
        "b1": np.array([[0.01], [-0.02]]),
        "W2": np.array([[0.5, -0.6]]),
        "b2": np.array([[0.05]]),
    }
    # Worked by hand, checked with a scalar mpmath transcription at 30 digits:
    # Z1 = W1 X + b1:   column 1: 0.1·1 − 0.2·(−1) + 0.01 = 0.31,   0.3·1 + 0.4·(−1) − 0.02 = −0.12
    #                   column 2: 0.1·2 − 0.2·0.5 + 0.01 = 0.11,     0.3·2 + 0.4·0.5 − 0.02 = 0.78
    # A1 = σ(Z1) = [[0.576885261132046, 0.527472304344594], [0.470035948235428, 0.685680113938254]]
    # Z2 = 0.5·A1[0] − 0.6·A1[1] + 0.05 = [0.0564210616247662, −0.0976719161906554]
    # A2 = σ(Z2) = [0.514101524780129, 0.475601414344545]
    # J = −(log 0.514101524780129 + log(1 − 0.475601414344545))/2
    #     + (0.1/(2·2))·(0.1² + 0.2² + 0.3² + 0.4² + 0.5² + 0.6²) = 0.642168869086003 + 0.036
    # dZ2 = A2 − Y = [−0.485898475219871, 0.475601414344545]
    # dW2 = (1/2) dZ2 A1ᵀ + (0.1/2) W2 = [0.0102794526064932, 0.0188603407154206]
    # db2 = (−0.485898475219871 + 0.475601414344545)/2 = −0.00514853043766326
    # dZ1 = (W2ᵀ dZ2) ⊙ A1(1 − A1) = [[−0.0593011530352220, 0.0592707020584185],
    #                                 [0.0726230145485533, −0.0615017962935273]]
    # dW1 = (1/2) dZ1 Xᵀ + (0.1/2) W1 = [[0.0346201255408075, 0.0344682520322156],
    #                                   [−0.0101902890192507, −0.0316869563476585]]
    # db1 = [−0.0000152254884017698, 0.00556060912751295]
    # One step θ −= 0.5·dθ:
    expected = {
        "W1": [[0.0826899372295963, -0.217234126016108], [0.305095144509625, 0.415843478173829]],
        "b1": [[0.0100076127442009], [-0.0227803045637565]],
        "W2": [[0.494860273696753, -0.609430170357710]],
        "b2": [[0.0525742652188316]],
    }
    assert net.cost(X, Y, l2=0.1) == pytest.approx(0.678168869086003, abs=1e-14)
    history = net.fit(X, Y, epochs=1, learning_rate=0.5, l2=0.1, verbose=0)
    assert history[0] == pytest.approx(0.678168869086003, abs=1e-14)
    for key, value in expected.items():
        np.testing.assert_allclose(net.params[key], value, rtol=0, atol=1e-9, err_msg=key)


@pytest.mark.parametrize(
    ("hidden", "output", "loss", "n_out"),
    [
        ("tanh", "sigmoid", "bce", 1),
        ("relu", "softmax", "cce", 3),
        ("sigmoid", "identity", "mse", 2),
    ],
)
def test_l2_and_dropout_pass_gradcheck(hidden, output, loss, n_out):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((4, 12))
    if loss == "cce":
        Y = np.eye(3)[rng.integers(0, 3, 12)].T
    elif loss == "bce":
        Y = (rng.random((1, 12)) > 0.5).astype(float)
    else:
        Y = rng.standard_normal((n_out, 12))
    net = cr.Network([4, 6, 5, n_out], hidden=hidden, output=output, loss=loss, seed=3)
    # Non-zero biases: a column whose inputs dropout zeroes would otherwise sit at relu's kink.
    for l in range(1, net.L + 1):
        net.params[f"b{l}"] += 0.1 * rng.standard_normal(net.params[f"b{l}"].shape)
    assert float(cr.gradcheck(net, X, Y, l2=0.7)) < 1e-7
    assert float(cr.gradcheck(net, X, Y, keep_prob=[0.6, 0.8], seed=4)) < 1e-7
    assert float(cr.gradcheck(net, X, Y, l2=0.3, keep_prob=0.7)) < 1e-7


def test_dropout_masks_are_inverted_and_used_in_both_passes():
    masks = dropout_masks((0.8,), (2000,), 50, np.random.default_rng(0), np.float64)
    values = np.unique(masks[0])
    np.testing.assert_allclose(values, [0.0, 1 / 0.8])
    assert abs((masks[0] > 0).mean() - 0.8) < 0.01
    net = cr.Network([3, 4, 1], seed=0)
    X, Y = _blobs(5)
    D = [np.array([[0.0] * 5, [2.0] * 5, [2.0] * 5, [0.0] * 5])]
    AL, caches = net.forward(X, D)
    grads = net.backward(AL, Y, caches, masks=D)
    # The dropped units (rows 0 and 3) pass nothing forward and receive no gradient.
    assert np.all(grads["dA1"][[0, 3]] == 0) and np.all(grads["dW1"][[0, 3]] == 0)
    np.testing.assert_allclose(caches[1].A_prev, caches[0].A * D[0])
    assert keep_probs(1.0, 2) is None
    with pytest.raises(ValueError, match="keep_prob has 1 values but the network has 2 hidden"):
        keep_probs([0.5], 2)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        keep_probs(0.0, 1)


def test_a_huge_learning_rate_stops_with_the_divergence_error_and_finite_parameters():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 80))
    Y = X[:2] * 3.0 + 1.0
    net = cr.Network([5, 8, 2], hidden="relu", output="identity", loss="mse", seed=0)
    with pytest.raises(
        cr.TrainingDiverged,
        match=r"diverged in epoch \d+.*learning rate 1e\+06"
        r".*most likely too large",
    ) as caught:
        net.fit(X, Y, epochs=100, learning_rate=1e6, batch_size=10, verbose=0)
    assert isinstance(caught.value, ValueError)
    assert all(np.isfinite(p).all() for p in net.params.values())
    assert math.isfinite(net.cost(X, Y))
    assert len(caught.value.history) == caught.value.epoch - 1


def test_full_batch_fit_is_the_courses_loop_with_costs_before_each_step():
    X, Y = _blobs()
    net = cr.Network([3, 5, 1], hidden="tanh", seed=1)
    reference = net.copy()
    costs, accuracies = [], []
    for _ in range(15):
        costs.append(reference.cost(X, Y))
        accuracies.append(accuracy_score(Y[0], reference.predict(X)[0]))
        reference.update(reference.gradients(X, Y), 0.3)
    history = net.fit(X, Y, epochs=15, learning_rate=0.3, verbose=0)
    # fit takes the fast path (1/m and α folded into dZ[L]): equal up to rounding.
    assert list(history) == pytest.approx(costs, rel=1e-13) and len(history) == 15
    for key in net.params:
        np.testing.assert_allclose(net.params[key], reference.params[key], rtol=1e-13)
    assert history.metric_name == "accuracy" and history.metric == accuracies


@pytest.mark.parametrize("m", [1, 7, 10, 64])
@pytest.mark.parametrize("batch_size", [None, 1, 3, 10, 64, 100])
def test_batch_sizes_are_the_sizes_mini_batches_yields(m, batch_size):
    yielded = set()
    for columns in mini_batches(m, batch_size, np.random.default_rng(0)):
        yielded.add(m if isinstance(columns, slice) else len(columns))
    assert batch_sizes(m, batch_size) == yielded


def test_mini_batches_shuffle_with_the_seed_and_keep_the_last_partial_batch():
    batches = list(mini_batches(10, 4, np.random.default_rng(0)))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    again = list(mini_batches(10, 4, np.random.default_rng(0)))
    assert all(np.array_equal(a, b) for a, b in zip(batches, again, strict=True))
    assert list(mini_batches(10, None, np.random.default_rng(0))) == [slice(None)]


def test_validation_early_stopping_restores_the_best_parameters():
    X, Y = _blobs(200, seed=2)
    net = cr.Network([3, 32, 1], seed=0)
    seen: list[dict[str, np.ndarray]] = []

    def record(epoch, history, network):
        seen.append({k: v.copy() for k, v in network.params.items()})

    history = net.fit(
        X,
        Y,
        epochs=400,
        learning_rate=0.05,
        optimizer="adam",
        batch_size=16,
        validation=0.25,
        early_stopping=3,
        callbacks=[record],
        verbose=0,
        seed=0,
    )
    assert history.stopped_early and len(history) < 400
    assert len(history.val_cost) == len(history) == len(seen)
    best = int(np.argmin(history.val_cost))
    assert history.best_epoch == best and len(history) == best + 4
    for key, value in seen[best].items():
        np.testing.assert_array_equal(net.params[key], value)


def test_validation_pair_and_a_callback_that_stops():
    X, Y = _blobs(80)
    X_val, Y_val = _blobs(40, seed=9)
    net = cr.Network([3, 4, 1], seed=0)
    history = net.fit(
        X,
        Y,
        epochs=50,
        learning_rate=0.1,
        validation=(X_val, Y_val),
        callbacks=[lambda epoch, h, n: epoch == 4],
        verbose=0,
    )
    assert len(history) == 5
    assert history.val_cost[-1] == pytest.approx(net.cost(X_val, Y_val), rel=1e-12)
    with pytest.raises(ValueError, match="validation as a fraction must be in"):
        net.fit(X, Y, epochs=1, learning_rate=0.1, validation=1.5, verbose=0)


def test_two_fits_resume_into_the_same_run_as_one():
    X, Y = _blobs(90)
    kwargs = dict(
        learning_rate=0.01, optimizer="adam", batch_size=16, keep_prob=0.8, l2=0.01, verbose=0
    )
    whole = cr.Network([3, 8, 6, 1], seed=4)
    one = whole.fit(X, Y, epochs=12, **kwargs)
    split = cr.Network([3, 8, 6, 1], seed=4)
    first = split.fit(X, Y, epochs=7, **kwargs)
    second = split.fit(X, Y, epochs=5, **kwargs)
    assert list(first) + list(second) == list(one)
    assert split.optimizer.t == whole.optimizer.t == 12 * 6
    for key in whole.params:
        np.testing.assert_array_equal(split.params[key], whole.params[key])


def test_metrics_agree_with_scikit_learn():
    rng = np.random.default_rng(0)
    A = rng.random((1, 50))
    Y = (rng.random((1, 50)) > 0.5).astype(float)
    assert metrics.accuracy(cr.loss("bce"), A, Y) == accuracy_score(Y[0], A[0] > 0.5)
    A3 = rng.random((3, 40))
    Y3 = np.eye(3)[rng.integers(0, 3, 40)].T
    assert metrics.accuracy(cr.loss("cce"), A3, Y3) == accuracy_score(Y3.argmax(0), A3.argmax(0))
    R = rng.standard_normal((2, 30))
    P = R + 0.5 * rng.standard_normal((2, 30))
    assert metrics.r2(P, R) == pytest.approx(r2_score(R.T, P.T), rel=1e-12)
    running = metrics.RunningScore(cr.loss("mse"), R)
    for columns in (slice(0, 7), slice(7, 30)):
        running.add(P[:, columns], R[:, columns])
    assert running.value() == pytest.approx(r2_score(R.T, P.T), rel=1e-12)
    running = metrics.RunningScore(cr.loss("cce"), Y3)
    for columns in (slice(0, 25), slice(25, 40)):
        running.add(A3[:, columns], Y3[:, columns])
    assert running.value() == accuracy_score(Y3.argmax(0), A3.argmax(0))
    assert metrics.metric_name(cr.loss("hinge")) == "accuracy"
    assert metrics.metric_name(cr.loss("huber")) == "r2"


def test_after_divergence_the_optimizer_starts_afresh():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 80))
    Y = X[:2] * 3.0 + 1.0
    net = cr.Network([5, 8, 2], hidden="relu", output="identity", loss="mse", seed=0)
    with pytest.raises(cr.TrainingDiverged, match="the optimizer starts afresh"):
        net.fit(X, Y, 100, 30.0, optimizer="momentum", batch_size=10, verbose=0)
    # Its velocity had taken the step that diverged, which the parameters have not.
    assert net.optimizer.t == 0 and net.optimizer.state == {}


def test_a_resumed_fit_holds_out_the_same_validation_examples():
    X, Y = _blobs(60)
    kwargs = dict(learning_rate=0.05, optimizer="adam", batch_size=8, validation=0.25, verbose=0)
    whole = cr.Network([3, 6, 1], seed=2)
    one = whole.fit(X, Y, epochs=6, seed=5, **kwargs)
    split = cr.Network([3, 6, 1], seed=2)
    first = split.fit(X, Y, epochs=3, seed=5, **kwargs)
    second = split.fit(X, Y, epochs=3, **kwargs)
    assert first.val_cost + second.val_cost == one.val_cost
    for key in whole.params:
        np.testing.assert_array_equal(split.params[key], whole.params[key])


def test_a_schedule_leaving_the_positive_numbers_is_refused_before_training():
    class Negative(cr.training.schedules.Schedule):
        def __call__(self, epoch: int) -> float:
            return self.learning_rate if epoch < 2 else -self.learning_rate

    X, Y = _blobs(20)
    schedules = {
        "-0.1 at epoch 2": Negative(0.1),
        "0.0 at epoch 162": cr.training.schedules.schedule("exponential", 0.1, rate=0.01),
        "inf at epoch 2": cr.training.schedules.schedule("exponential", 1e-3, rate=1e200),
    }
    for sgd_or_adam in ("sgd", "adam"):
        for where, schedule in schedules.items():
            net = cr.Network([3, 2, 1], seed=0)
            before = {k: v.copy() for k, v in net.params.items()}
            with pytest.raises(ValueError, match=f"gives α = {where}"):
                net.fit(X, Y, epochs=500, learning_rate=schedule, optimizer=sgd_or_adam, verbose=0)
            assert net.epochs_trained == 0 and net.optimizer is None
            assert all(np.array_equal(before[k], net.params[k]) for k in before)


def test_numpy_scalars_are_numbers_to_fit():
    X, Y = _blobs(40)
    given = dict(learning_rate=0.25, l2=0.125, keep_prob=0.75, validation=0.25, early_stopping=2)
    as_numpy = {
        "learning_rate": np.float32(0.25),
        "l2": np.float32(0.125),
        "keep_prob": np.float32(0.75),
        "validation": np.float32(0.25),
        "early_stopping": np.int64(2),
    }
    nets = [cr.Network([3, 4, 1], seed=0) for _ in range(2)]
    for net, args in zip(nets, (given, as_numpy), strict=True):
        net.fit(X, Y, epochs=np.int64(3), batch_size=np.int64(8), verbose=0, seed=1, **args)
    for key in nets[0].params:
        np.testing.assert_array_equal(nets[0].params[key], nets[1].params[key])


def test_fit_rejects_bad_arguments_with_clear_messages():
    X, Y = _blobs(10)
    net = cr.Network([3, 2, 1], seed=0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        net.fit(X, Y, epochs=1, learning_rate=0.1, batch_size=0)
    with pytest.raises(ValueError, match="l2"):
        net.fit(X, Y, epochs=1, learning_rate=0.1, l2=-1)
    with pytest.raises(ValueError, match="epochs must be an integer"):
        net.fit(X, Y, epochs=-2, learning_rate=0.1)
    with pytest.raises(ValueError, match="learning_rate must be finite"):
        net.fit(X, Y, epochs=1, learning_rate=0.0)
    with pytest.raises(TypeError, match="early_stopping must be"):
        net.fit(X, Y, epochs=1, learning_rate=0.1, early_stopping="yes")  # type: ignore[arg-type]
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(ValueError, match="examples must be columns"):
        net.fit(X.T, Y, epochs=1, learning_rate=0.1)
    with pytest.raises(ValueError, match="leaves no examples on one side"):
        net.fit(X, Y, epochs=1, learning_rate=0.1, optimizer="adam", validation=0.01, seed=3)
    with pytest.raises(TypeError, match=r"pass \[print\]"):
        net.fit(X, Y, epochs=1, learning_rate=0.1, callbacks=print)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"callbacks\[1\] is None"):
        net.fit(X, Y, epochs=1, learning_rate=0.1, callbacks=[print, None])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="no hidden layer"):
        cr.Network([3, 1], seed=0).fit(X, Y, epochs=1, learning_rate=0.1, keep_prob=0.5)
    assert all(np.array_equal(before[k], net.params[k]) for k in before)
    assert net.optimizer is None and net.rng is None and net.epochs_trained == 0


@pytest.mark.parametrize(
    ("init", "scale"),
    [
        ("he", lambda n_prev, n: np.sqrt(2 / n_prev)),
        ("xavier", lambda n_prev, n: np.sqrt(2 / (n_prev + n))),
        ("normalized", lambda n_prev, n: 1 / np.sqrt(n_prev)),
        ("small", lambda n_prev, n: 0.01),
    ],
)
def test_initializers_scale_a_standard_normal_and_start_b_at_zero(init, scale):
    net = cr.Network([400, 300, 200], init=init, seed=0)
    for l, (n_prev, n) in enumerate([(400, 300), (300, 200)], start=1):
        W = net.params[f"W{l}"]
        assert W.shape == (n, n_prev)
        assert W.std() == pytest.approx(scale(n_prev, n), rel=0.01)
        assert abs(W.mean()) < 0.01 * scale(n_prev, n)
        np.testing.assert_array_equal(net.params[f"b{l}"], np.zeros((n, 1)))


def test_progress_is_a_line_per_epoch_in_a_log_and_a_bar_on_a_terminal(capsys, monkeypatch):
    X, Y = _blobs(20)
    cr.Network([3, 2, 1], seed=0).fit(X, Y, epochs=3, learning_rate=0.1, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" [")[0] for line in lines] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    # On a terminal the bar shows the epoch count, the cost and the metric.
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr("rich.console.Console.is_terminal", property(lambda self: True))
    cr.Network([3, 2, 1], seed=0).fit(X, Y, epochs=3, learning_rate=0.1, verbose=1)
    shown = capsys.readouterr().out
    assert "3/3" in shown and "cost" in shown and "accuracy" in shown
    cr.Network([3, 2, 1], seed=0).fit(X, Y, epochs=3, learning_rate=0.1, verbose=0)
    assert capsys.readouterr().out == ""


# --- FitOptions: the options defined once ------------------------------------------------


def test_network_fit_spells_out_exactly_the_fields_of_fit_options():
    import dataclasses
    import inspect

    from chainrule.training.options import FitOptions

    parameters = inspect.signature(cr.Network.fit).parameters
    exposed = {name: p.default for name, p in parameters.items() if name not in ("self", "X", "Y")}
    exposed.pop("record")  # Network's own: the per-layer statistics of inspect
    fields = {
        field.name: (
            inspect.Parameter.empty if field.default is dataclasses.MISSING else field.default
        )
        for field in dataclasses.fields(FitOptions)
    }
    assert list(exposed) == list(fields)
    assert exposed == fields


def test_checked_fit_options_are_canonical_and_checking_again_changes_nothing():
    from chainrule.training.options import FitOptions

    options = FitOptions(np.int64(3), 0.1, batch_size=np.int32(4), l2=1, early_stopping=2)
    checked = options.checked()
    assert type(checked.epochs) is int and type(checked.l2) is float
    assert checked.learning_rate == cr.schedules.Schedule(0.1)
    assert checked.early_stopping == cr.EarlyStopping(patience=2)
    assert checked.callbacks == ()
    again = checked.checked()
    for name in ("epochs", "learning_rate", "batch_size", "l2", "early_stopping", "callbacks"):
        assert getattr(again, name) == getattr(checked, name)
    assert type(options.epochs) is np.int64  # a new object: the options checked stay as given


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"epochs": 1.5}, "--epochs must be an integer ≥ 0"),
        ({"learning_rate": 0.0}, "--lr must be finite and > 0"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"l2": -1.0}, "l2 (λ) must be a finite number ≥ 0"),
        ({"validation": 1.5}, "validation as a fraction must be in (0, 1)"),
        ({"validation": (1, 2, 3)}, "validation must be an (X, Y) pair"),
        ({"seed": -1}, "seed must be an integer ≥ 0"),
        ({"optimizer": "nesterov"}, "unknown optimizer 'nesterov'"),
        ({"early_stopping": 0}, "patience must be a positive integer"),
    ],
)
def test_fit_options_are_checked_under_the_callers_names(changes, message):
    from chainrule.training.options import FitOptions

    options = FitOptions(**{"epochs": 1, "learning_rate": 0.1, **changes})
    with pytest.raises(ValueError, match=re.escape(message)):
        options.checked({"epochs": "--epochs", "learning_rate": "--lr"})


def test_a_bad_option_leaves_the_network_untouched():
    X, Y = _blobs(20)
    net = cr.Network([3, 2, 1], seed=0)
    before = {name: value.copy() for name, value in net.params.items()}
    for bad in ({"l2": -1.0}, {"keep_prob": 0.0}, {"seed": -3}, {"validation": 1.0}):
        with pytest.raises(ValueError):
            net.fit(X, Y, epochs=1, learning_rate=0.1, verbose=0, **bad)
    assert net.optimizer is None and net.rng is None and net.epochs_trained == 0
    for name, value in before.items():
        np.testing.assert_array_equal(net.params[name], value)
