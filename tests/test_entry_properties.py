"""Behaviour read off the entries' properties, never their names.

A loss says what its labels are (``task``, ``class_labels``,
``needs_distribution``); an activation says whether its columns are
probability vectors (``gives_distribution``), how to take log A from Z
(``log_value``, ``log_complement``) and whether its units can die
(``dies_below_zero``). The metric, predictions, output checks, estimators and
inspection read these; these tests check the properties against independent
oracles (scikit-learn's metrics, SciPy, the functions' values) and that a
custom entry named like a catalog one is not treated as it.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from scipy import special
from sklearn.metrics import accuracy_score, r2_score

import chainrule as cr
from chainrule.functions import activations, losses
from chainrule.inspect import dead_share
from chainrule.training import metrics

#: What each catalog loss's labels are, written out by hand.
TASKS = {
    "bce": "binary",
    "hinge": "binary",
    "cce": "multiclass",
    "mse": "regression",
    "mae": "regression",
    "huber": "regression",
    "poisson": "regression",
}


def test_every_catalog_loss_states_its_task_and_metric() -> None:
    assert set(TASKS) <= set(losses.names())
    for name, task in TASKS.items():
        L = cr.loss(name)
        assert L.task == task
        assert L.metric == ("r2" if task == "regression" else "accuracy")
    assert cr.loss("hinge").class_labels == (-1.0, 1.0)
    assert cr.loss("bce").class_labels == (0.0, 1.0)
    assert [n for n in losses.names() if cr.loss(n).needs_distribution] == ["cce"]


def test_predictions_read_the_task() -> None:
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 20))
    np.testing.assert_array_equal(cr.loss("bce").predict(A), (A > 0.5).astype(int))
    np.testing.assert_array_equal(cr.loss("hinge").predict(A), (A > 0).astype(int))
    np.testing.assert_array_equal(cr.loss("cce").predict(A), [np.argmax(A, axis=0)])
    np.testing.assert_array_equal(cr.loss("mse").predict(A), A)


def test_a_custom_loss_named_bce_is_scored_by_r2_not_accuracy() -> None:
    impostor = cr.Loss.from_expression("bce", "(a - y)**2")
    assert impostor.task == "regression" and metrics.metric_name(impostor) == "r2"
    rng = np.random.default_rng(1)
    Y = rng.standard_normal((1, 40))
    A = Y + 0.3 * rng.standard_normal((1, 40))
    assert metrics.score(impostor, A, Y) == pytest.approx(r2_score(Y[0], A[0]), rel=1e-12)
    np.testing.assert_array_equal(impostor.predict(A), A)

    X = rng.standard_normal((2, 60))
    net = cr.Network([2, 3, 1], hidden="tanh", output="identity", loss=impostor, seed=0)
    history = net.fit(X, X[:1] - X[1:], epochs=3, learning_rate=0.05)
    assert history.metric_name == "r2"


def test_a_custom_loss_can_say_its_labels_are_classes() -> None:
    squared_hinge = cr.Loss.from_expression(
        "squared_hinge", "Max(0, 1 - a*y)**2", task="binary", class_labels=(-1, 1)
    )
    assert squared_hinge.metric == "accuracy" and squared_hinge.threshold == 0
    A = np.array([[-2.0, -0.1, 0.3, 4.0]])
    Y = np.array([[-1.0, 1.0, 1.0, 1.0]])
    assert metrics.accuracy(squared_hinge, A, Y) == accuracy_score(Y[0] > 0, A[0] > 0)
    again = pickle.loads(pickle.dumps(squared_hinge))
    assert (again.task, again.class_labels) == ("binary", (-1.0, 1.0))
    # Its range rule is read off the threshold, as hinge's is: exp gives only a > 0.
    assert "every prediction would be class 1" in cr.domain_problem("exp", squared_hinge)
    assert cr.domain_problem("tanh", squared_hinge) is None


def test_a_loss_rejects_a_task_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="task must be one of"):
        cr.Loss.from_expression("mine", "(a - y)**2", task="classification")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative < positive"):
        cr.Loss.from_expression("mine", "(a - y)**2", class_labels=(1, -1))


def test_only_softmax_gives_a_distribution() -> None:
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((4, 10))
    for name in activations.names():
        g = cr.activation(name)
        sums_to_one = np.allclose(g.forward(Z).sum(axis=0), 1.0)
        assert g.gives_distribution == sums_to_one, name
        assert g.gives_distribution == (not g.elementwise), name


def test_a_distribution_needs_one_from_the_activation() -> None:
    for name in activations.names():
        problem = cr.domain_problem(name, "cce")
        assert (problem is None) == cr.activation(name).gives_distribution, name
    with pytest.raises(ValueError, match="over one output unit is always 1"):
        cr.Network([3, 1], output="softmax", loss="cce")


def test_log_values_match_scipy_far_into_the_tails() -> None:
    Z = np.array([[-5000.0, -40.0, 0.0, 40.0, 5000.0], [1.0, 2.0, 3.0, -700.0, 0.5]])
    sigmoid, softmax = cr.activation("sigmoid"), cr.activation("softmax")
    np.testing.assert_allclose(sigmoid.log_value(Z), special.log_expit(Z), rtol=1e-14)
    np.testing.assert_allclose(sigmoid.log_complement(Z), special.log_expit(-Z), rtol=1e-14)
    np.testing.assert_allclose(softmax.log_value(Z), special.log_softmax(Z, axis=0), rtol=1e-14)
    assert softmax.log_complement is None
    with_logs = [n for n in activations.names() if cr.activation(n).log_value is not None]
    assert sorted(with_logs) == ["sigmoid", "softmax"]
    for name in with_logs:  # log_value only for outputs that are probabilities
        assert cr.activation(name).output_range == (0.0, 1.0)


def test_dies_below_zero_is_true_exactly_where_g_is_flat_for_z_below_zero() -> None:
    Z = -np.logspace(-6, 2, 50)[None, :]
    for name in activations.names():
        g = cr.activation(name)
        if not g.elementwise:
            assert not g.dies_below_zero
            continue
        A = g.forward(Z)
        flat = bool(np.all(A == A[0, 0]))
        assert g.dies_below_zero == flat, name


def test_dead_share_is_read_off_the_property_not_the_name() -> None:
    Z = np.array([[-1.0, -2.0], [0.5, -1.0], [-3.0, 0.0]])
    assert dead_share(cr.activation("relu"), Z) == pytest.approx(2 / 3)
    impostor = cr.Activation.from_expression("relu", "Max(z, 0)")
    assert dead_share(impostor, Z) is None  # it does not say it dies: no guess from its name
    assert dead_share(cr.activation("leaky_relu"), Z) is None


def test_the_classifier_codes_labels_by_the_loss() -> None:
    from chainrule.sklearn import NetworkClassifier

    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 2))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    squared_hinge = cr.Loss.from_expression(
        "squared_hinge", "Max(0, 1 - a*y)**2", task="binary", class_labels=(-1, 1)
    )
    clf = NetworkClassifier(
        (), output="identity", loss=squared_hinge, epochs=50, learning_rate=0.1, random_state=0
    )
    clf.fit(X, y)
    assert (clf._binarizer.neg_label, clf._binarizer.pos_label) == (-1, 1)
    assert not hasattr(clf, "predict_proba")  # ±1 codes: A is no probability
    assert clf.score(X, y) > 0.9
    bce = NetworkClassifier((), epochs=5, random_state=0).fit(X, y)
    assert (bce._binarizer.neg_label, bce._binarizer.pos_label) == (0, 1)
    np.testing.assert_allclose(bce.predict_proba(X).sum(axis=1), 1.0)
