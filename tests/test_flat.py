"""Parameters packed in one vector, and the optimizers' update of that vector."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.training import flat
from chainrule.training.batches import mini_batches
from chainrule.training.flat import FlatLayout
from chainrule.training.optimizers import optimizer


def _params(dtype=np.float64) -> dict[str, np.ndarray]:
    return {k: v.astype(dtype) for k, v in cr.Network([5, 7, 3], seed=1).params.items()}


def test_views_sit_end_to_end_in_the_order_of_the_parameters():
    params = _params()
    layout = FlatLayout.of(params)
    assert layout.size == sum(v.size for v in params.values()) == 7 * 5 + 7 + 3 * 7 + 3
    theta = layout.packed(params)
    np.testing.assert_array_equal(theta, np.concatenate([v.ravel() for v in params.values()]))
    views = layout.views(theta, prefix="d")
    assert list(views) == ["dW1", "db1", "dW2", "db2"]
    for name, value in params.items():
        assert np.shares_memory(views[f"d{name}"], theta)
        np.testing.assert_array_equal(views[f"d{name}"], value)
    into = np.full(layout.size, np.nan)
    assert layout.packed(params, out=into) is into  # an existing vector, filled in place
    np.testing.assert_array_equal(into, theta)


def test_a_layout_needs_one_dtype_and_fit_says_which_parameter_differs():
    params = _params()
    params["b2"] = params["b2"].astype(np.float32)
    with pytest.raises(ValueError, match=r"share one dtype: W1 is float64, but b2 is float32"):
        FlatLayout.of(params)
    net = cr.Network([5, 7, 3], seed=1)
    net.params["W2"] = net.params["W2"].astype(np.float32)
    X, Y = np.zeros((5, 4)), np.zeros((3, 4))
    with pytest.raises(ValueError, match="W2 is float32, but this network is float64"):
        net.fit(X, Y, 1, 0.1, verbose=0)
    assert net.optimizer is None and net.rng is None  # refused before anything changed


def test_blocks_cover_the_vector_once(monkeypatch):
    monkeypatch.setattr(flat, "BLOCK", 4)
    assert [(b.start, b.stop) for b in flat.blocks(10)] == [(0, 4), (4, 8), (8, 10)]
    assert list(flat.blocks(0)) == []


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adam"])
@pytest.mark.parametrize("block", [5, flat.BLOCK])
def test_step_flat_is_step_on_each_parameter(monkeypatch, name, block):
    """The same arithmetic, elementwise: equal to the bit, in place or into another vector."""
    monkeypatch.setattr(flat, "BLOCK", block)  # 5: blocks that straddle the parameters
    rng = np.random.default_rng(0)
    params = _params()
    layout = FlatLayout.of(params)
    per_name, packed = optimizer(name), optimizer(name)
    theta = layout.packed(params)
    for step in range(3):
        grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in params.items()}
        grad = layout.packed(grads, prefix="d")
        per_name.step(params, grads, 0.01)
        if step == 1:  # out of place: θ stays as it was
            before = theta.copy()
            updated = layout.empty()
            packed.step_flat(theta, grad, 0.01, updated, layout)
            np.testing.assert_array_equal(theta, before)
            theta = updated
        else:
            packed.step_flat(theta, grad, 0.01, theta, layout)
        for key, value in layout.views(theta).items():
            np.testing.assert_array_equal(value, params[key], err_msg=f"{name} {key}")
    assert packed.t == per_name.t == 3
    expected = per_name.state_arrays()
    assert set(packed.state_arrays()) == set(expected)
    for key, value in packed.state_arrays().items():
        np.testing.assert_array_equal(value, expected[key], err_msg=key)


def test_step_flat_packs_loaded_state_and_rejects_another_networks():
    params = _params()
    layout = FlatLayout.of(params)
    adam = optimizer("adam")
    grads = {f"d{k}": np.ones_like(v) for k, v in params.items()}
    adam.step(params, grads, 0.1)
    saved = {k: v.copy() for k, v in adam.state_arrays().items()}

    resumed = optimizer("adam")
    resumed.load_state(saved, 1, params)
    theta, grad = layout.packed(params), np.ones(layout.size)
    resumed.step_flat(theta, grad, 0.1, theta, layout)
    adam.step(params, grads, 0.1)
    for key, value in resumed.state_arrays().items():
        np.testing.assert_array_equal(value, adam.state_arrays()[key], err_msg=key)

    other = FlatLayout.of({k: v for k, v in cr.Network([5, 6, 3], seed=1).params.items()})
    resumed.load_state(saved, 1, params)
    with pytest.raises(ValueError, match=r"state W1\.v is \(7, 5\), but W1 is \(6, 5\)"):
        resumed.step_flat(
            np.zeros(other.size), np.zeros(other.size), 0.1, np.zeros(other.size), other
        )


def test_mini_batches_are_the_generators_permutation_in_int32():
    for m in (1, 7, 1000):
        batches = list(mini_batches(m, 3, np.random.default_rng(4)))
        assert all(batch.dtype == np.int32 for batch in batches)
        np.testing.assert_array_equal(
            np.concatenate(batches), np.random.default_rng(4).permutation(m)
        )


def test_a_copied_network_keeps_training_its_own_optimizer_state():
    """After net.copy() the clone's per-name state, what save writes, keeps up with training."""
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((3, 40)), (rng.random((1, 40)) < 0.5).astype(float)
    net = cr.Network([3, 4, 1], seed=0)
    net.fit(X, Y, 2, 0.05, "adam", batch_size=8, verbose=0, seed=1)
    clone = net.copy()
    for trained in (net, clone):
        trained.fit(X, Y, 2, 0.05, "adam", batch_size=8, verbose=0, seed=3)
    for key, value in net.optimizer.state_arrays().items():
        np.testing.assert_array_equal(clone.optimizer.state_arrays()[key], value, err_msg=key)
    for key, value in net.params.items():
        np.testing.assert_array_equal(clone.params[key], value, err_msg=key)


def test_a_pickled_estimator_keeps_training_its_own_optimizer_state():
    import pickle

    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((40, 3)), (rng.random(40) < 0.5).astype(int)
    clf = cr.NetworkClassifier((4,), epochs=2, batch_size=8, random_state=0).fit(X, y)
    clone = pickle.loads(pickle.dumps(clf))
    for trained in (clf, clone):
        trained.partial_fit(X, y)
    state = clf.network_.optimizer.state_arrays()
    for key, value in clone.network_.optimizer.state_arrays().items():
        np.testing.assert_array_equal(value, state[key], err_msg=key)


def test_an_array_assigned_into_the_state_is_what_step_flat_uses_next():
    rng = np.random.default_rng(5)
    params = _params()
    layout = FlatLayout.of(params)
    per_name, packed = optimizer("adam"), optimizer("adam")
    theta = layout.packed(params)
    for step in range(2):
        grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in params.items()}
        grad = layout.packed(grads, prefix="d")
        if step == 1:  # "reset the momentum of W1": a new array in place of the old one
            for opt in (per_name, packed):
                opt.state["W1"]["v"] = np.zeros_like(params["W1"])
        per_name.step(params, grads, 0.01)
        packed.step_flat(theta, grad, 0.01, theta, layout)
    for key, value in layout.views(theta).items():
        np.testing.assert_array_equal(value, params[key], err_msg=key)
    for key, value in packed.state_arrays().items():
        np.testing.assert_array_equal(value, per_name.state_arrays()[key], err_msg=key)
