"""The fast path of fit agrees with the readable reference path, and with PyTorch."""

from __future__ import annotations

import gc
import itertools
import pickle
import weakref
from typing import ClassVar

import numpy as np
import pytest
import torch

import chainrule as cr
from chainrule.functions.activations import names as activation_names
from chainrule.training import fast, trainer
from chainrule.training.batches import mini_batches

PAIRS = [
    ("relu", "sigmoid", "bce"),  # fused
    ("tanh", "softmax", "cce"),  # fused, softmax output
    ("relu", "identity", "mse"),  # fused with c = 2
    ("sigmoid", "tanh", "mse"),  # generic route, no relu kernels
    ("leaky_relu", "sigmoid", "mse"),  # generic route
]


def _data(dims: list[int], output: str, m: int = 50, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m))
    if output == "softmax":
        Y = np.eye(dims[-1])[:, rng.integers(0, dims[-1], m)]
    elif output == "sigmoid":
        Y = (rng.random((dims[-1], m)) < 0.5).astype(np.float64)
    else:
        Y = np.tanh(rng.standard_normal((dims[-1], m)))
    return X, Y


class _Spy(fast.FastSteps):
    instances: ClassVar[list[fast.FastSteps]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _Spy.instances.append(self)


@pytest.fixture
def spy(monkeypatch):
    _Spy.instances = []
    monkeypatch.setattr(trainer, "FastSteps", _Spy)
    return _Spy.instances


def _reference_path(patch):
    """Make fit take the readable reference path, as if the fast path did not apply."""
    patch.setattr(trainer, "fast_path_supports", lambda net, keep: False)


def _fit_on_both_paths(monkeypatch, make_network, X, Y, *fit_args, **fit_kwargs):
    """Two networks from ``make_network()``: one fit on the fast path, one on the reference."""
    nets = []
    for reference in (False, True):
        net = make_network()
        with monkeypatch.context() as patch:
            if reference:
                _reference_path(patch)
            net.fit(X, Y, *fit_args, verbose=0, **fit_kwargs)
        nets.append(net)
    return nets


def _assert_same_parameters(fast_net, reference_net):
    for key, value in reference_net.params.items():
        np.testing.assert_allclose(fast_net.params[key], value, rtol=0, atol=1e-12, err_msg=key)


def _train(reference: bool, monkeypatch, hidden, output, loss, **fit_args):
    dims = [4, 6, 5, 3]
    X, Y = _data(dims, output)
    net = cr.Network(dims, hidden=hidden, output=output, loss=loss, seed=2)
    with monkeypatch.context() as patch:
        if reference:
            _reference_path(patch)
        history = net.fit(X, Y, epochs=1, verbose=0, seed=5, **fit_args)
    return net, history


@pytest.mark.parametrize(("hidden", "output", "loss"), PAIRS)
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("batch_size", [20, None])
def test_fast_path_gives_the_reference_parameters_after_one_epoch(
    monkeypatch, spy, hidden, output, loss, optimizer, l2, batch_size
):
    args = dict(learning_rate=0.05, optimizer=optimizer, batch_size=batch_size, l2=l2)
    fast_net, fast_history = _train(False, monkeypatch, hidden, output, loss, **args)
    assert len(spy) == 1  # fit took the fast path
    reference_net, reference_history = _train(True, monkeypatch, hidden, output, loss, **args)
    assert len(spy) == 1  # … and the reference run did not
    for key, value in reference_net.params.items():
        np.testing.assert_allclose(fast_net.params[key], value, rtol=0, atol=1e-12, err_msg=key)
    assert fast_history.cost == pytest.approx(reference_history.cost, rel=1e-12)
    assert fast_history.metric == pytest.approx(reference_history.metric, rel=1e-12)


def test_dropout_and_softmax_hidden_layers_take_the_reference_path(spy):
    X, Y = _data([4, 6, 1], "sigmoid")
    cr.Network([4, 6, 1]).fit(X, Y, 1, 0.1, keep_prob=0.8, verbose=0)
    cr.Network([4, 6, 1], hidden="softmax").fit(X, Y, 1, 0.1, verbose=0)
    assert spy == []


def test_row_major_data_is_not_copied_and_float32_stays_float32(spy):
    rng = np.random.default_rng(0)
    X_rows = rng.standard_normal((64, 5), dtype=np.float32)  # examples as rows
    Y = (rng.random((1, 64)) < 0.5).astype(np.float32)
    net = cr.Network([5, 8, 1], seed=0, dtype=np.float32)
    net.fit(X_rows.T, Y, epochs=2, learning_rate=0.1, optimizer="adam", batch_size=16, verbose=0)
    (steps,) = spy
    assert np.shares_memory(steps.X_rows, X_rows)  # X.T of row-major data: a free view
    assert all(g.dtype == np.float32 for g in steps.grads.values())
    assert all(p.dtype == np.float32 for p in net.params.values())
    assert all(s.dtype == np.float32 for s in net.optimizer.state_arrays().values())
    assert sorted(net.workspace.buffers) == [16]  # allocated once, for the one batch size


def _fit_both_layouts(spy, dtype, batch_size):
    """Two fits from the same weights: on rows.T of row-major data and on course-layout X."""
    # n_x and m not multiples of the tile, so the copy's edge tiles are exercised
    rng = np.random.default_rng(4)
    n_x, m = 37, 2500
    X_rows = rng.standard_normal((m, n_x)).astype(dtype)
    X_course = np.ascontiguousarray(X_rows.T)  # (n_x, m) C-contiguous: the course's layout
    Y = np.eye(3, dtype=dtype)[:, rng.integers(0, 3, m)]
    nets = []
    for X in (X_rows.T, X_course):
        net = cr.Network([n_x, 9, 3], output="softmax", loss="cce", seed=1, dtype=dtype)
        net.fit(X, Y, 2, 0.05, optimizer="adam", batch_size=batch_size, verbose=0, seed=2)
        nets.append(net)
    return X_rows, X_course, nets


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_course_layout_and_row_major_data_give_identical_parameters(spy, dtype):
    X_rows, X_course, nets = _fit_both_layouts(spy, dtype, 32)
    assert np.shares_memory(spy[0].X_rows, X_rows)
    assert not np.shares_memory(spy[1].X_rows, X_course)
    np.testing.assert_array_equal(spy[1].X_rows, X_rows)
    for key, value in nets[0].params.items():
        np.testing.assert_array_equal(nets[1].params[key], value, err_msg=key)


def test_an_in_order_full_batch_is_x_itself_in_either_layout(spy):
    # A[0] = X: no rows are made. The matrix products then see X in its own layout, as
    # the reference path's do, so the two layouts agree to rounding, not bit for bit.
    _, _, nets = _fit_both_layouts(spy, np.float64, None)
    assert all("X_rows" not in vars(steps) for steps in spy)
    for key, value in nets[0].params.items():
        np.testing.assert_allclose(nets[1].params[key], value, rtol=0, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (16, 2048), (17, 2049), (40, 5000)])
def test_rows_of_copies_any_layout_into_row_major(shape):
    rng = np.random.default_rng(0)
    base = rng.standard_normal((shape[0] * 2, shape[1] * 3))
    for X in (base[: shape[0], : shape[1]], base[::2, ::3], np.ascontiguousarray(base[::2, ::3])):
        rows = fast.rows_of(X)
        assert rows.flags.c_contiguous
        np.testing.assert_array_equal(rows, X.T)
    F = np.asfortranarray(base)
    assert np.shares_memory(fast.rows_of(F), F)  # X.T is already row-major: no copy


def _torch_epoch(weights, X, labels, order_batches, optimizer, lr):
    """One epoch in PyTorch eager, float32, from the given (W, b), on the given batches."""
    layers: list[torch.nn.Module] = []
    for l, (W, b) in enumerate(weights, start=1):
        linear = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b[:, 0]))
        layers.append(linear)
        if l < len(weights):
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    if optimizer == "sgd":
        opt: torch.optim.Optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    X_rows = torch.from_numpy(np.ascontiguousarray(X.T))
    y = torch.from_numpy(labels)
    for batch in order_batches:
        index = torch.from_numpy(np.arange(X.shape[1])[batch])
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(X_rows[index]), y[index]).backward()
        opt.step()
    return [
        (layer.weight.detach().numpy(), layer.bias.detach().numpy()[:, None])
        for layer in layers
        if isinstance(layer, torch.nn.Linear)
    ]


def _cost64(weights, X, labels) -> float:
    """J of a relu network with softmax and cross-entropy, in float64 (torch's own ops)."""
    A = torch.from_numpy(X.T.astype(np.float64))
    for l, (W, b) in enumerate(weights, start=1):
        A = A @ torch.from_numpy(W.astype(np.float64)).T + torch.from_numpy(b[:, 0].astype(float))
        if l < len(weights):
            A = torch.relu(A)
    return float(torch.nn.functional.cross_entropy(A, torch.from_numpy(labels)))


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("batch_size", [32, None])
def test_chainrule_and_torch_reach_the_same_cost_after_one_epoch(optimizer, batch_size):
    rng = np.random.default_rng(1)
    dims, m = [20, 16, 8, 3], 200
    X = rng.standard_normal((dims[0], m), dtype=np.float32)
    labels = rng.integers(0, 3, m)
    net = cr.Network(dims, output="softmax", loss="cce", seed=0, dtype=np.float32)
    weights = [(net.params[f"W{l}"].copy(), net.params[f"b{l}"].copy()) for l in (1, 2, 3)]
    lr = 0.1 if optimizer == "sgd" else 0.01
    net.fit(
        X, labels[None, :], 1, lr, optimizer=optimizer, batch_size=batch_size, verbose=0, seed=3
    )
    batches = list(mini_batches(m, batch_size, np.random.default_rng(3)))
    torch_weights = _torch_epoch(weights, X, labels, batches, optimizer, lr)
    ours = [(net.params[f"W{l}"], net.params[f"b{l}"]) for l in (1, 2, 3)]
    J0, J_ours, J_torch = (_cost64(w, X, labels) for w in (weights, ours, torch_weights))
    assert J_ours < J0  # it trained
    assert J_ours == pytest.approx(J_torch, rel=2e-6)  # float32 rounding, not an algorithm
    for (W, b), (W_t, b_t) in zip(ours, torch_weights, strict=True):
        np.testing.assert_allclose(W, W_t, atol=2e-5)
        np.testing.assert_allclose(b, b_t, atol=2e-5)


def test_fit_gives_the_result_to_the_networks_own_arrays(spy):
    X, Y = _data([4, 6, 5, 3], "softmax")
    net = cr.Network([4, 6, 5, 3], output="softmax", loss="cce", seed=2)
    own = dict(net.params)
    before = {k: v.copy() for k, v in own.items()}
    net.fit(X, Y, epochs=3, learning_rate=0.1, optimizer="adam", batch_size=16, verbose=0)
    assert len(spy) == 1
    for key, value in net.params.items():
        assert value is own[key]  # the same arrays, now trained
        assert not np.array_equal(value, before[key])


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_divergence_leaves_the_same_last_good_parameters_on_both_paths(monkeypatch, spy, optimizer):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 80))
    Y = X[:2] * 3.0 + 1.0
    results = []
    for reference in (False, True):
        net = cr.Network([5, 8, 2], hidden="relu", output="identity", loss="mse", seed=0)
        own = dict(net.params)
        with monkeypatch.context() as patch:
            if reference:
                _reference_path(patch)
            with pytest.raises(cr.TrainingDiverged):
                net.fit(X, Y, 100, 1e200, optimizer, verbose=0)
        assert all(net.params[k] is own[k] for k in own)
        results.append(net)
    assert len(spy) == 1
    fast_net, reference_net = results
    assert np.isfinite(fast_net.cost(X, Y))
    for key, value in reference_net.params.items():
        np.testing.assert_allclose(fast_net.params[key], value, rtol=1e-12, atol=0, err_msg=key)


def test_an_error_in_a_callback_leaves_the_trained_parameters_in_the_networks_arrays(spy):
    X, Y = _data([4, 6, 1], "sigmoid")

    def fail_in_epoch_2(epoch, history, net):
        if epoch == 1:
            raise RuntimeError("stop here")

    net = cr.Network([4, 6, 1], seed=3)
    own = dict(net.params)
    with pytest.raises(RuntimeError, match="stop here"):
        net.fit(X, Y, 5, 0.1, "adam", batch_size=8, callbacks=[fail_in_epoch_2], verbose=0, seed=1)
    two_epochs = cr.Network([4, 6, 1], seed=3)
    two_epochs.fit(X, Y, 2, 0.1, "adam", batch_size=8, verbose=0, seed=1)
    for key, value in two_epochs.params.items():
        assert net.params[key] is own[key]
        np.testing.assert_array_equal(net.params[key], value, err_msg=key)


@pytest.mark.parametrize("fast_path", [True, False])
def test_a_callback_may_assign_new_parameter_arrays_on_either_path(monkeypatch, spy, fast_path):
    X, Y = _data([4, 6, 1], "sigmoid")
    replaced = {}

    def reset_W2_after_epoch_1(epoch, history, net):
        if epoch == 0:
            replaced["W2"] = np.zeros_like(net.params["W2"])
            net.params["W2"] = replaced["W2"]

    results = []
    for callbacks in ([reset_W2_after_epoch_1], []):
        net = cr.Network([4, 6, 1], seed=3)
        with monkeypatch.context() as patch:
            if not fast_path:
                _reference_path(patch)
            if callbacks:
                net.fit(X, Y, 3, 0.1, "adam", batch_size=8, callbacks=callbacks, verbose=0, seed=1)
            else:  # the same run by hand: one epoch, W2 set to zeros, two more epochs
                net.fit(X, Y, 1, 0.1, "adam", batch_size=8, verbose=0, seed=1)
                net.params["W2"][...] = 0
                net.fit(X, Y, 2, 0.1, "adam", batch_size=8, verbose=0)
        results.append(net)
    assert results[0].params["W2"] is replaced["W2"]  # the assigned array holds the result
    for key, value in results[1].params.items():
        np.testing.assert_allclose(results[0].params[key], value, rtol=0, atol=1e-12, err_msg=key)
    assert len(spy) == (3 if fast_path else 0)


def test_a_callback_that_assigns_a_wrong_shape_is_told_which_parameter(spy):
    X, Y = _data([4, 6, 1], "sigmoid")

    def break_W1(epoch, history, net):
        net.params["W1"] = np.zeros((2, 2))

    with pytest.raises(ValueError, match=r"W1 was replaced during fit by an array of \(2, 2\)"):
        cr.Network([4, 6, 1]).fit(X, Y, 2, 0.1, callbacks=[break_W1], verbose=0)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_logistic_regression_without_hidden_layers_takes_the_fast_path_too(
    monkeypatch, spy, optimizer
):
    X, Y = _data([4, 1], "sigmoid", m=30)
    nets = _fit_on_both_paths(
        monkeypatch,
        lambda: cr.Network([4, 1], seed=1),
        X,
        Y,
        3,
        0.1,
        optimizer,
        batch_size=7,
        seed=2,
    )
    assert len(spy) == 1
    _assert_same_parameters(*nets)


def test_later_fits_reuse_the_workspace_and_keep_only_their_batch_sizes(monkeypatch, spy):
    X, Y = _data([4, 6, 5, 3], "softmax", m=64)
    fits = [("adam", 16), ("adam", 10), ("momentum", 10), ("sgd", None)]
    nets = []
    for reference in (False, True):
        net = cr.Network([4, 6, 5, 3], output="softmax", loss="cce", seed=2)
        workspaces = []
        with monkeypatch.context() as patch:
            if reference:
                _reference_path(patch)
            for optimizer, batch_size in fits:
                net.fit(X, Y, 2, 0.05, optimizer, batch_size=batch_size, verbose=0, seed=4)
                workspaces.append(net.workspace)
        nets.append(net)
        if reference:
            assert workspaces == [None] * len(fits)
    assert len(spy) == len(fits)
    first, second, third, fourth = workspaces_fast = [steps.workspace for steps in spy]
    assert sorted(first.buffers) == [16]
    assert sorted(second.buffers) == [4, 10]  # 64 = 6·10 + 4; the 16s were let go
    assert third.buffers == second.buffers and third.rows == second.rows  # the same arrays
    assert sorted(fourth.buffers) == [64] and fourth.rows == {}  # a full batch needs no gather
    for earlier, later in itertools.pairwise(workspaces_fast):
        assert all(a is b for a, b in zip(earlier.theta, later.theta, strict=True))
        assert later.grad is earlier.grad  # made by the first adam fit, kept since
    assert all(third.buffers[B].Z[l] is second.buffers[B].Z[l] for B in (4, 10) for l in range(3))
    _assert_same_parameters(*nets)


def test_the_workspace_holds_what_its_arrays_take():
    dims, B, m = [5, 7, 3, 2], 8, 20  # batches of 8, 8 and 4
    X, Y = _data(dims, "softmax", m=m)
    net = cr.Network(dims, output="softmax", loss="cce", dtype=np.float32)
    net.fit(X.astype(np.float32), Y, 1, 0.1, "adam", batch_size=B, verbose=0)
    P = sum(n * (n_prev + 1) for n_prev, n in itertools.pairwise(dims))
    per_batch = sum(dims[1:]) + 1 + dims[0] + dims[-1]  # Z (A is Z for relu), 1s, rows
    mask = max(dims[1:-1])  # relu' as bytes, one buffer for the widest relu layer
    assert net.workspace.nbytes() == 4 * (3 * P + per_batch * (B + 4)) + mask * (B + 4)
    net.workspace = None  # frees it; the next fit makes a new one
    net.fit(X, Y, 1, 0.1, "sgd", batch_size=B, verbose=0)
    assert net.workspace.grad is None  # plain sgd needs no gradient vector


def test_copies_and_pickles_leave_the_workspace_out(spy):
    X, Y = _data([4, 6, 1], "sigmoid")
    net = cr.Network([4, 6, 1], seed=3)
    net.fit(X, Y, 1, 0.1, "adam", batch_size=8, verbose=0)
    assert net.workspace is not None
    assert net.copy().workspace is None
    estimator = cr.NetworkClassifier(hidden_layer_sizes=(6,), epochs=2, batch_size=8)
    estimator.fit(X.T, Y[0].astype(int))
    assert estimator.network_.workspace is not None
    assert pickle.loads(pickle.dumps(estimator)).network_.workspace is None
    assert net.workspace is not None  # the original keeps its own


def test_a_fit_inside_a_callback_trains_the_same_network_as_on_the_reference_path(monkeypatch, spy):
    X, Y = _data([4, 6, 5, 3], "softmax", m=40)

    def one_more_fit(epoch, history, net):
        if epoch == 0:
            net.fit(X, Y, 2, 0.05, "sgd", batch_size=None, verbose=0)

    nets = []
    for reference in (False, True):
        net = cr.Network([4, 6, 5, 3], output="softmax", loss="cce", seed=2)
        with monkeypatch.context() as patch:
            if reference:
                _reference_path(patch)
            net.fit(X, Y, 1, 0.05, "adam", batch_size=8, verbose=0)  # leaves a workspace
            net.fit(X, Y, 3, 0.05, "adam", batch_size=8, callbacks=[one_more_fit], verbose=0)
        nets.append(net)
    outer, inner = spy[1:]
    assert outer.workspace.theta[0] is spy[0].workspace.theta[0]
    assert inner.workspace.theta[0] is not outer.workspace.theta[0]  # the inner fit made its own
    _assert_same_parameters(*nets)


@pytest.mark.parametrize("batch_size", [16, None])
def test_relu_layers_of_different_widths_share_one_mask_beside_other_activations(
    monkeypatch, spy, batch_size
):
    dims, hidden = [4, 9, 5, 7, 3], ["relu", "tanh", "relu"]
    X, Y = _data(dims, "softmax", m=40)
    nets = _fit_on_both_paths(
        monkeypatch,
        lambda: cr.Network(dims, hidden=hidden, output="softmax", loss="cce", seed=2),
        X,
        Y,
        3,
        0.1,
        "momentum",
        batch_size=batch_size,
        seed=1,
    )
    (buffers, *_) = spy[0].workspace.buffers.values()
    assert [A is Z for A, Z in zip(buffers.A, buffers.Z, strict=False)] == [True, False, True]
    assert buffers.mask.shape[0] == 9 and buffers.mask.dtype == bool
    _assert_same_parameters(*nets)


HIDDEN = [
    *(name for name in activation_names() if cr.activation(name).elementwise),
    # custom: g' is Z itself (z), and g is Z itself with g' = 1 (z)
    cr.Activation.from_expression("half_square", "z**2/2"),
    cr.Activation.from_expression("same", "z"),
]


@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda g: getattr(g, "name", g))
@pytest.mark.parametrize("batch_size", [16, None])
def test_every_elementwise_hidden_activation_gets_the_reference_parameters(
    monkeypatch, spy, hidden, batch_size
):
    # exp'(Z) is A itself, which dA must not overwrite; z²/2's derivative is Z itself.
    dims = [4, 6, 5, 3]
    X, Y = _data(dims, "softmax", m=40)
    X *= 0.3  # two exp layers overflow on the standard normal X
    nets = _fit_on_both_paths(
        monkeypatch,
        lambda: cr.Network(dims, hidden=hidden, output="softmax", loss="cce", seed=2),
        X,
        Y,
        2,
        0.05,
        "momentum",
        batch_size=batch_size,
        seed=1,
    )
    assert len(spy) == 1
    _assert_same_parameters(*nets)


def test_a_fit_lets_go_of_the_last_fits_other_batch_sizes_before_it_trains():
    X, Y = _data([4, 6, 5, 3], "softmax", m=64)
    net = cr.Network([4, 6, 5, 3], output="softmax", loss="cce", seed=2)
    net.fit(X, Y, 1, 0.05, "adam", batch_size=16, verbose=0)
    old = weakref.ref(net.workspace.buffers[16].Z[0])
    alive = []

    def look(epoch, history, net):
        gc.collect()
        alive.append(old() is not None)

    net.fit(X, Y, 2, 0.05, "adam", batch_size=10, callbacks=[look], verbose=0)
    assert alive == [False, False]
    net.fit(X, Y, 1, 0.05, "adam", batch_size=10, verbose=0)
    kept = weakref.ref(net.workspace.buffers[10].Z[0])
    net.fit(X, Y, 1, 0.05, "adam", batch_size=10, callbacks=[look], verbose=0)
    assert kept() is net.workspace.buffers[10].Z[0]  # the same batch size: reused


# -- the kernels the fast path asks the catalog for ----------------------------------------


def test_relu_writes_over_z_and_reads_its_derivative_off_a_as_a_mask():
    Z = np.array([[-2.0, 0.0, 3.0], [0.5, -0.0, -1e-300]])
    Z_t = torch.tensor(Z, requires_grad=True)
    torch.relu(Z_t).sum().backward()  # torch's relu'(0) = 0, as chainrule's
    relu = cr.activation("relu")
    assert relu.in_place and relu.has_derivative_mask
    A = relu.forward_into(Z, Z)
    assert A is Z
    np.testing.assert_array_equal(A, torch.relu(torch.tensor(Z)).numpy())
    mask = relu.derivative_mask(A, np.empty(A.shape, bool))
    assert mask.dtype == bool
    np.testing.assert_array_equal(mask, Z_t.grad.numpy())
    Z32 = np.linspace(-1, 1, 5, dtype=np.float32)  # any shape, the dtype kept
    assert relu.forward_into(Z32, np.empty_like(Z32)).dtype == np.float32


@pytest.mark.parametrize("name", [name for name in activation_names() if name != "softmax"])
def test_every_entry_writes_its_forward_into_a_buffer(name):
    g = cr.activation(name)
    Z = np.linspace(-3, 3, 12).reshape(3, 4)
    out = np.empty_like(Z)
    assert g.forward_into(Z, out) is out
    np.testing.assert_array_equal(out, g.forward(Z))
    assert g.in_place == g.has_derivative_mask  # in the catalog, relu alone has both
    if not g.has_derivative_mask:
        with pytest.raises(TypeError, match=name):
            g.derivative_mask(out, np.empty(Z.shape, bool))


def test_a_custom_entry_with_in_place_kernels_shares_its_buffers(monkeypatch, spy):
    # relu6 = min(max(z, 0), 6): the fast path asks for the capabilities, not for relu
    relu6 = cr.Activation(
        "relu6",
        lambda Z: np.clip(Z, 0, 6),
        lambda Z, A: ((A > 0) & (A < 6)).astype(A.dtype),
        lambda sp, z: sp.Min(sp.Max(z, 0), 6),
        forward_into_fn=lambda Z, out: np.clip(Z, 0, 6, out=out),
        derivative_mask_fn=lambda A, out: np.logical_and(A > 0, A < 6, out=out),
    )
    dims = [4, 6, 5, 3]
    X, Y = _data(dims, "softmax", m=40)
    nets = _fit_on_both_paths(
        monkeypatch,
        lambda: cr.Network(dims, hidden=[relu6, "tanh"], output="softmax", loss="cce", seed=2),
        X * 4,  # some units beyond 6
        Y,
        2,
        0.1,
        "sgd",
        batch_size=16,
    )
    (buffers, *_) = spy[0].workspace.buffers.values()
    assert [A is Z for A, Z in zip(buffers.A, buffers.Z, strict=False)] == [True, False]
    assert buffers.mask.shape[0] == 6
    _assert_same_parameters(*nets)


TORCH_LOSSES = {  # the per-example loss summed, from the logits, for autograd
    ("sigmoid", "bce"): lambda Z, Y: torch.nn.functional.binary_cross_entropy_with_logits(
        Z, Y, reduction="sum"
    ),
    ("softmax", "cce"): lambda Z, Y: -(Y * torch.log_softmax(Z, dim=0)).sum(),
    ("identity", "mse"): lambda Z, Y: ((Z - Y) ** 2).sum(),
    ("exp", "poisson"): lambda Z, Y: (torch.exp(Z) - Y * Z).sum(),
}


@pytest.mark.parametrize(("output", "loss"), list(TORCH_LOSSES))
@pytest.mark.parametrize("scale", [1.0, 0.03])
def test_a_natural_pairs_dZ_is_scaled_and_written_into_out(output, loss, scale):
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((3, 5))
    Y = np.eye(3)[:, rng.integers(0, 3, 5)] if loss == "cce" else rng.random((3, 5))
    Z_t = torch.tensor(Z, requires_grad=True)
    TORCH_LOSSES[output, loss](Z_t, torch.tensor(Y)).backward()
    pair = cr.natural_pair(output, loss)
    A = pair.activation.forward(Z)
    dZ = pair.dZ(A, Y, scale=scale, out=A)
    assert dZ is A
    np.testing.assert_allclose(dZ, scale * Z_t.grad.numpy(), rtol=1e-13, atol=1e-15)
