"""The L-layer network: dW, db against PyTorch autograd on the same weights, and gradcheck."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.functions import activations
from checks import one_hot, relative_error
from torch_reference import network_reference

HIDDEN = ["tanh", "relu", "gelu"]  # three hidden layers, a kink among them
M = 12


def make_labels(loss: str, n_L: int, rng: np.random.Generator) -> np.ndarray:
    """Labels for a loss: classes, one-hot columns, counts or real targets."""
    if loss in ("bce", "hinge"):
        return rng.integers(0, 2, (n_L, M)).astype(float)
    if loss == "cce":
        return one_hot(rng.integers(0, n_L, M), n_L)
    if loss == "poisson":
        return rng.poisson(1.5, (n_L, M)).astype(float)
    return rng.standard_normal((n_L, M))


#: (output, loss, n_L): the four natural pairs and generic ones.
PAIRS = [
    ("sigmoid", "bce", 1),
    ("softmax", "cce", 3),
    ("identity", "mse", 2),
    ("exp", "poisson", 2),
    ("tanh", "mse", 2),
    ("softplus", "poisson", 2),
    ("sigmoid", "mse", 1),
    ("identity", "huber", 2),
    ("identity", "hinge", 1),
    ("softmax", "mse", 3),
]
PAIR_IDS = [f"{g}+{L}" for g, L, _ in PAIRS]


def build(output: str, loss: str, n_L: int, dtype: type, rng: np.random.Generator):
    net = cr.Network(
        [4, 6, 5, 4, n_L],
        hidden=HIDDEN,
        output=output,
        loss=loss,
        init="xavier",
        seed=3,
        dtype=dtype,
    )
    X = rng.standard_normal((4, M)).astype(dtype)
    Y = make_labels(loss, n_L, rng).astype(dtype)
    return net, X, Y


def assert_hidden_off_kinks(net: cr.Network, X: np.ndarray) -> None:
    """The relu layer's Z stays away from 0, where float32 and float64 could disagree."""
    _, caches = net.forward(X)
    relu_layer = HIDDEN.index("relu")
    assert np.abs(caches[relu_layer].Z).min() > 1e-4


@pytest.mark.parametrize(("output", "loss", "n_L"), PAIRS, ids=PAIR_IDS)
def test_float64_gradients_match_torch(
    output: str, loss: str, n_L: int, rng: np.random.Generator
) -> None:
    net, X, Y = build(output, loss, n_L, np.float64, rng)
    AL, caches = net.forward(X)
    grads = net.backward(AL, Y, caches)
    expected = network_reference(net.params, [*HIDDEN, output], loss, X, Y)
    for key, value in expected.items():
        assert relative_error(grads[key], value) <= 1e-10, key


@pytest.mark.parametrize(("output", "loss", "n_L"), PAIRS[:4], ids=PAIR_IDS[:4])
def test_generic_route_of_a_natural_pair_matches_torch(
    output: str, loss: str, n_L: int, rng: np.random.Generator
) -> None:
    """fused=False takes dA[L] ⊙ g'(Z[L]) for a natural pair; away from saturation it is exact."""
    net, X, Y = build(output, loss, n_L, np.float64, rng)
    generic = cr.Network(net.layer_dims, HIDDEN, output, loss, init="xavier", seed=3, fused=False)
    assert generic.output_pair is None
    grads = generic.gradients(X, Y)
    assert f"dA{generic.L}" in grads
    expected = network_reference(generic.params, [*HIDDEN, output], loss, X, Y)
    for key, value in expected.items():
        assert relative_error(grads[key], value) <= 1e-10, key


@pytest.mark.parametrize(("output", "loss", "n_L"), PAIRS, ids=PAIR_IDS)
def test_float32_gradients_match_torch_and_stay_float32(
    output: str, loss: str, n_L: int, rng: np.random.Generator
) -> None:
    net, X, Y = build(output, loss, n_L, np.float32, rng)
    assert_hidden_off_kinks(net, X)
    grads = net.gradients(X, Y)
    assert all(value.dtype == np.float32 for value in grads.values()), {
        key: value.dtype for key, value in grads.items()
    }
    expected = network_reference(net.params, [*HIDDEN, output], loss, X, Y)
    for key, value in expected.items():
        assert relative_error(grads[key], value) <= 1e-4, key

    before = {key: value.copy() for key, value in net.params.items()}
    net.update(grads, learning_rate=0.1)
    for key, value in net.params.items():
        assert value.dtype == np.float32
        np.testing.assert_array_equal(value, before[key] - np.float32(0.1) * grads[f"d{key}"])


@pytest.mark.parametrize(("output", "loss", "n_L"), PAIRS, ids=PAIR_IDS)
def test_grads_use_the_course_names_and_shapes(
    output: str, loss: str, n_L: int, rng: np.random.Generator
) -> None:
    net, X, Y = build(output, loss, n_L, np.float64, rng)
    AL, caches = net.forward(X)
    grads = net.backward(AL, Y, caches)
    L = net.L
    expected_keys = {f"{d}{l}" for d in ("dZ", "dW", "db") for l in range(1, L + 1)}
    expected_keys |= {f"dA{l}" for l in range(L)}
    if cr.output_route(output, loss) == "generic":
        expected_keys.add(f"dA{L}")  # the generic route forms ∂L/∂A[L]; the others never do
    assert set(grads) == expected_keys
    for l in range(1, L + 1):
        assert grads[f"dW{l}"].shape == net.params[f"W{l}"].shape
        assert grads[f"db{l}"].shape == net.params[f"b{l}"].shape
        assert grads[f"dZ{l}"].shape == caches[l - 1].Z.shape
        assert grads[f"dA{l - 1}"].shape == caches[l - 1].A_prev.shape
    # dZ[L] is the output layer's rule, per example (no 1/m).
    np.testing.assert_allclose(
        grads[f"dZ{L}"], cr.output_delta(caches[-1].Z, Y, output, loss), rtol=1e-14, atol=0
    )


def test_cost_is_the_mean_per_example_loss(rng: np.random.Generator) -> None:
    net, X, Y = build("softplus", "poisson", 2, np.float64, rng)
    AL, _ = net.forward(X)
    assert net.cost(X, Y) == pytest.approx(
        float(np.mean(np.sum(AL - Y * np.log(AL), axis=0))), rel=1e-12
    )


SMOOTH = [name for name in activations.names() if name not in ("relu", "leaky_relu", "elu", "selu")]
KINKED = ["relu", "leaky_relu", "elu", "selu"]


@pytest.mark.parametrize("hidden", SMOOTH + KINKED)
def test_gradcheck_every_hidden_activation(hidden: str, rng: np.random.Generator) -> None:
    net = cr.Network(
        [3, 5, 4, 4, 1], hidden=hidden, output="sigmoid", loss="bce", init="xavier", seed=1
    )
    for l in range(1, net.L + 1):  # non-zero biases: no Z is exactly 0 behind a dead unit
        net.params[f"b{l}"][:] = rng.uniform(-0.3, 0.3, net.params[f"b{l}"].shape)
    X = rng.standard_normal((3, 8))
    Y = rng.integers(0, 2, (1, 8))
    if hidden in KINKED:  # centred differences straddle no kink when every |Z| ≫ ε
        _, caches = net.forward(X)
        assert min(np.abs(cache.Z).min() for cache in caches[:-1]) > 1e-6
    params_before = {key: value.copy() for key, value in net.params.items()}
    result = cr.gradcheck(net, X, Y)
    assert float(result) < 1e-7, str(result)
    assert result.passed()
    assert set(result.per_parameter) == set(net.params)
    for key, value in net.params.items():
        np.testing.assert_array_equal(value, params_before[key])  # not modified


@pytest.mark.parametrize(("output", "loss", "n_L"), PAIRS, ids=PAIR_IDS)
def test_gradcheck_every_output_pair(
    output: str, loss: str, n_L: int, rng: np.random.Generator
) -> None:
    net, X, Y = build(output, loss, n_L, np.float64, rng)
    assert float(cr.gradcheck(net, X, Y)) < 1e-7


def test_gradcheck_catches_a_wrong_gradient(rng: np.random.Generator) -> None:
    """The check can fail: a backward that forgets the 1/m is caught."""
    net, X, Y = build("sigmoid", "bce", 1, np.float64, rng)

    class Forgetful(cr.Network):
        def backprop(self, AL, Y, caches, *args, **kwargs):
            grads = super().backprop(AL, Y, caches, *args, **kwargs)
            grads["dW2"] = grads["dW2"] * AL.shape[1]
            return grads

    broken = net.copy()
    broken.__class__ = Forgetful
    result = cr.gradcheck(broken, X, Y)
    assert float(result) > 1e-2
    assert result.per_parameter["dW2".removeprefix("d")] > 0.5
    assert result.per_parameter["W1"] < 1e-7


def test_gradcheck_of_a_float32_network_runs_in_float64(rng: np.random.Generator) -> None:
    net, X, Y = build("tanh", "mse", 2, np.float32, rng)
    result = cr.gradcheck(net, X, Y)
    assert float(result) < 1e-7
    assert all(value.dtype == np.float64 for value in result.analytic.values())
    assert all(value.dtype == np.float32 for value in net.params.values())


def test_fit_lowers_the_cost_and_keeps_dtype(rng: np.random.Generator) -> None:
    net, X, Y = build("sigmoid", "bce", 1, np.float32, rng)
    history = net.fit(X, Y, epochs=50, learning_rate=0.5)
    assert len(history) == 50
    assert history[-1] < history[0]
    assert net.cost(X, Y) < history[0]
    assert all(value.dtype == np.float32 for value in net.params.values())
    minibatch = net.fit(X, Y, epochs=3, learning_rate=0.1, batch_size=5)
    assert len(minibatch) == 3


def test_predict_reads_labels_off_the_output(rng: np.random.Generator) -> None:
    net, X, _ = build("softmax", "cce", 3, np.float64, rng)
    AL, _ = net.forward(X)
    np.testing.assert_array_equal(net.predict(X), AL.argmax(axis=0)[None, :])
    net, X, _ = build("sigmoid", "bce", 1, np.float64, rng)
    AL, _ = net.forward(X)
    np.testing.assert_array_equal(net.predict(X), (AL > 0.5).astype(int))


def test_params_are_writable_in_place(rng: np.random.Generator) -> None:
    net, X, _ = build("identity", "mse", 2, np.float64, rng)
    net.params["W1"][:] = 0
    net.params["b1"][:] = 1.0
    _, caches = net.forward(X)
    np.testing.assert_array_equal(caches[0].Z, np.ones((6, M)))


def test_integer_labels_give_the_same_gradients_as_one_hot(rng: np.random.Generator) -> None:
    net, X, Y = build("softmax", "cce", 3, np.float64, rng)
    labels = Y.argmax(axis=0)[None, :]
    from_labels = net.gradients(X, labels)
    from_one_hot = net.gradients(X, Y)
    for key, value in from_one_hot.items():
        np.testing.assert_array_equal(from_labels[key], value)
    assert net.cost(X, labels) == net.cost(X, Y)


def test_the_output_route_follows_fused_when_it_is_assigned_later():
    net = cr.Network([2, 3, 1], output="sigmoid", loss="bce")
    assert net.output_pair is cr.natural_pair("sigmoid", "bce")
    net.fused = False
    assert net.output_pair is None and net.output_rule is None
