"""A Network pickles, deep-copies and crosses process boundaries by itself.

Catalog activations and losses travel by name and settings, formula entries
by their text (parsed again on arrival), so no code is pickled. The oracle is
the original object: the copy must give the same predictions bit for bit, and
resume training exactly where the original does.
"""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification

import chainrule as cr
from chainrule.sklearn import NetworkClassifier


def _data(m: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, m))
    Y = (X[0:1] + 0.5 * X[1:2] > 0).astype(np.float64)
    return X, Y


def _catalog_network() -> cr.Network:
    X, Y = _data()
    net = cr.Network([3, 5, 1], hidden="leaky_relu", output="sigmoid", loss="bce", seed=1)
    net.fit(X, Y, epochs=3, learning_rate=0.1, optimizer="adam", batch_size=8, verbose=0)
    return net


def _formula_network() -> cr.Network:
    X, Y = _data()
    softsign = cr.Activation.from_expression("softsign", "z/(1+Abs(z))")
    quartic = cr.Loss.from_expression("quartic", "(a-y)**4")
    net = cr.Network([3, 4, 1], hidden=softsign, output="identity", loss=quartic, seed=2)
    net.fit(X, Y, epochs=3, learning_rate=0.05, optimizer="momentum", batch_size=8, verbose=0)
    return net


NETWORKS = {"catalog": _catalog_network, "formula": _formula_network}


def _same_parameters(a: cr.Network, b: cr.Network) -> None:
    assert a.params.keys() == b.params.keys()
    for name, value in a.params.items():
        np.testing.assert_array_equal(b.params[name], value)


@pytest.mark.parametrize("make", NETWORKS.values(), ids=NETWORKS.keys())
def test_a_pickled_network_predicts_and_resumes_exactly_as_the_original(make):
    net = make()
    X, Y = _data(25, seed=3)
    clone = pickle.loads(pickle.dumps(net))
    assert [g.name for g in clone.activations] == [g.name for g in net.activations]
    np.testing.assert_array_equal(clone.predict(X), net.predict(X))
    np.testing.assert_array_equal(clone.forward(X)[0], net.forward(X)[0])
    # The optimizer's state, the epoch count and the generator travel too.
    optimizer = net.optimizer.name
    for network in (net, clone):
        network.fit(*_data(), epochs=2, learning_rate=0.05, optimizer=optimizer, verbose=0)
    assert clone.epochs_trained == net.epochs_trained == 5
    _same_parameters(net, clone)
    assert clone.cost(X, Y) == net.cost(X, Y)


@pytest.mark.parametrize("make", NETWORKS.values(), ids=NETWORKS.keys())
def test_a_deep_copy_is_independent_and_predicts_the_same(make):
    net = make()
    X, _ = _data(25, seed=4)
    twin = copy.deepcopy(net)
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))
    assert twin.loss is net.loss  # entries are immutable: a copy shares them
    twin.params["W1"] += 1.0
    assert not np.array_equal(twin.params["W1"], net.params["W1"])


def test_a_fitted_classifier_round_trips_through_joblib(tmp_path):
    X, y = make_classification(60, 4, random_state=0)
    clf = NetworkClassifier((5,), epochs=5, learning_rate=0.01, random_state=0).fit(X, y)
    path = tmp_path / "clf.joblib"
    joblib.dump(clf, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    clf.partial_fit(X, y)
    loaded.partial_fit(X, y)
    _same_parameters(clf.network_, loaded.network_)


def test_a_child_process_predicts_what_the_parent_does():
    networks = [make() for make in NETWORKS.values()]
    X, _ = _data(25, seed=5)
    # spawn: the child starts from nothing and rebuilds the entries from names and text.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        futures = [pool.submit(net.predict, X) for net in networks]
        results = [future.result(timeout=120) for future in futures]
    for net, result in zip(networks, results, strict=True):
        np.testing.assert_array_equal(result, net.predict(X))
