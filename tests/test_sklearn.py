"""NetworkClassifier and NetworkRegressor: scikit-learn's own checks, MLPClassifier parity,
grid search over output pairs, and scikit-learn's usual errors for bad input."""

from __future__ import annotations

import faulthandler
import pickle
import warnings

import numpy as np
import pytest
from scipy import sparse, special
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

import chainrule as cr
from chainrule.sklearn import NetworkClassifier, NetworkRegressor
from chainrule.tools.network import Network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True)
def one_blas_thread():
    # Small matrices: BLAS threads only fight over the machine's cores.
    with threadpool_limits(1):
        yield


# --- scikit-learn's own estimator checks ----------------------------------------------

SMALL = {"hidden_layer_sizes": (10,), "epochs": 50, "learning_rate": 0.01, "random_state": 0}


#: scikit-learn's own per-check settings for MLPClassifier, which it tests on one full
#: batch (lbfgs) for sample weights: there an integer weight equals repeating the example.
#: batch_size=None is one full batch here; L2 divides by Σw (FitOptions.sample_weight).
PER_CHECK_PARAMS = {"check_sample_weight_equivalence_on_dense_data": {"batch_size": None}}


@parametrize_with_checks([NetworkClassifier(**SMALL), NetworkRegressor(**SMALL)])
def test_scikit_learn_estimator_checks(estimator, check):
    name = getattr(check, "func", check).__name__
    estimator.set_params(**PER_CHECK_PARAMS.get(name, {}))
    with warnings.catch_warnings():
        # Some checks fit on purpose-made inputs that a 50-epoch network cannot fit well.
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


def test_a_fit_that_has_not_settled_warns_as_mlp_classifier_does():
    X, y = load_iris(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match="had not settled after 20 epochs"):
        unsettled = NetworkClassifier(epochs=20, random_state=0).fit(X, y)
    assert unsettled.score(X, y) < 0.9
    with pytest.warns(ConvergenceWarning):
        MLPClassifier(max_iter=20, random_state=0).fit(X, y)  # scikit-learn's own behaviour
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        settled = NetworkClassifier(
            (8,), epochs=400, learning_rate=0.05, early_stopping=True, random_state=0
        )
        settled.fit(StandardScaler().fit_transform(X), y)  # stops early: no warning
        NetworkClassifier(epochs=1, random_state=0).partial_fit(X, y, classes=[0, 1, 2])


def test_hyperparameters_are_the_issues_names_and_defaults():
    assert NetworkClassifier().get_params() == {
        "hidden_layer_sizes": (100,),
        "activation": "relu",
        "output": None,
        "loss": None,
        "optimizer": "adam",
        "learning_rate": 0.001,
        "batch_size": "auto",
        "epochs": 200,
        "l2": 1e-4,
        "keep_prob": 1.0,
        "early_stopping": False,
        "random_state": None,
        "dtype": np.float64,
        "verbose": 0,
        "class_weight": None,
    }
    shared = {k: v for k, v in NetworkClassifier().get_params().items() if k != "class_weight"}
    assert NetworkRegressor().get_params() == shared
    assert cr.NetworkClassifier is NetworkClassifier and cr.NetworkRegressor is NetworkRegressor


def test_hyperparameters_are_checked_in_fit_not_in_init():
    X, y = make_classification(40, 4, random_state=0)
    for bad in (
        {"epochs": -1},
        {"l2": -1.0},
        {"keep_prob": 1.5},
        {"hidden_layer_sizes": (0,)},
        {"dtype": np.int64},
        {"batch_size": 0},
        {"learning_rate": -0.1},
    ):
        clf = NetworkClassifier(**bad)  # stored unchanged, no error yet
        assert clf.get_params()[next(iter(bad))] is next(iter(bad.values()))
        with pytest.raises(ValueError):
            clf.fit(X, y)
        assert not hasattr(clf, "network_") and not hasattr(clf, "classes_")


# --- layout: rows in, columns inside -------------------------------------------------


def _forward_by_hand(params, X_rows, hidden, L):
    """Z[L] (n_L, m) for rows X, written out here: Z = W A + b, A = hidden(Z)."""
    A = X_rows.T
    for l in range(1, L):
        A = hidden(params[f"W{l}"] @ A + params[f"b{l}"])
    return params[f"W{L}"] @ A + params[f"b{L}"]


def _relu(Z):
    return np.maximum(Z, 0)


def test_rows_reach_the_network_as_a_transposed_view(monkeypatch):
    X, y = make_classification(60, 5, random_state=0)
    X = np.ascontiguousarray(X)
    seen = []
    original_check_input = Network.check_input

    def spy_check_input(self, A0, *args, **kwargs):  # training starts by checking A[0]
        seen.append(A0)
        return original_check_input(self, A0, *args, **kwargs)

    monkeypatch.setattr(Network, "check_input", spy_check_input)
    clf = NetworkClassifier((4,), epochs=2, random_state=0).fit(X, y)
    monkeypatch.undo()
    assert seen[0].shape == (5, 60) and np.shares_memory(seen[0], X)

    original_forward = clf.network_.forward
    clf.network_.forward = lambda A0, masks=None: seen.append(A0) or original_forward(A0, masks)
    clf.predict_proba(X)
    assert seen[-1].shape == (5, 60) and np.shares_memory(seen[-1], X)


# --- targets: binary, multiclass, multilabel, regression --------------------------------


def test_binary_labels_of_any_type_with_the_natural_pair():
    X, y01 = make_classification(120, 4, random_state=1)
    y = np.array(["no", "yes"])[y01]
    clf = NetworkClassifier((6,), epochs=30, learning_rate=0.01, random_state=0).fit(X, y)
    net = clf.network_
    assert net.layer_dims == [4, 6, 1]
    assert (net.activations[-1].name, net.loss.name) == ("sigmoid", "bce")
    assert clf.classes_.tolist() == ["no", "yes"]

    Z = _forward_by_hand(net.params, X, _relu, 2)[0]
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], special.expit(Z), rtol=1e-12)
    np.testing.assert_allclose(
        clf.predict_log_proba(X),
        np.column_stack([special.log_expit(-Z), special.log_expit(Z)]),
        rtol=1e-12,
    )
    assert clf.decision_function(X).shape == (120,)
    assert (clf.predict(X) == clf.classes_[(clf.decision_function(X) > 0).astype(int)]).all()
    assert (clf.predict(X) == np.where(special.expit(Z) > 0.5, "yes", "no")).all()
    assert clf.score(X, y) > 0.8


def test_log_probabilities_stay_finite_where_probabilities_round_to_zero():
    X, y = make_classification(50, 3, n_informative=2, n_redundant=0, random_state=0)
    clf = NetworkClassifier((), epochs=1, random_state=0).fit(X, y)  # logistic regression
    clf.network_.params["W1"][:] = [[900.0, 0.0, 0.0]]
    Z = 900.0 * X[:, 0] + clf.network_.params["b1"][0, 0]
    log_proba = clf.predict_log_proba(X)
    assert np.isfinite(log_proba).all()
    np.testing.assert_allclose(log_proba[:, 0], special.log_expit(-Z), rtol=1e-12)
    np.testing.assert_allclose(log_proba[:, 1], special.log_expit(Z), rtol=1e-12)


def test_multiclass_labels_of_any_type_take_softmax_and_cce():
    X, codes = make_classification(150, 6, n_informative=4, n_classes=3, random_state=2)
    labels = np.array(["setosa", "versicolor", "virginica"], dtype=object)[codes]
    clf = NetworkClassifier((8,), epochs=100, learning_rate=0.01, random_state=0).fit(X, labels)
    net = clf.network_
    assert net.layer_dims == [6, 8, 3]
    assert (net.activations[-1].name, net.loss.name) == ("softmax", "cce")
    assert clf.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    Z = _forward_by_hand(net.params, X, _relu, 2)
    np.testing.assert_allclose(
        clf.predict_log_proba(X), special.log_softmax(Z, axis=0).T, rtol=1e-10
    )
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    assert (clf.predict(X) == clf.classes_[Z.argmax(axis=0)]).all()
    assert clf.score(X, labels) > 0.8


def test_multilabel_indicator_takes_sigmoid_and_bce_per_output():
    X, Y = make_multilabel_classification(100, 5, n_classes=3, random_state=0)
    clf = NetworkClassifier((8,), epochs=30, learning_rate=0.01, random_state=0).fit(X, Y)
    net = clf.network_
    assert net.layer_dims == [5, 8, 3]
    assert (net.activations[-1].name, net.loss.name) == ("sigmoid", "bce")
    Z = _forward_by_hand(net.params, X, _relu, 2)
    np.testing.assert_allclose(clf.predict_proba(X), special.expit(Z).T, rtol=1e-12)
    assert (clf.predict(X) == (Z.T > 0)).all()
    assert clf.decision_function(X).shape == (100, 3)


def test_regression_single_and_multi_output_and_poisson():
    X, y = make_regression(80, 4, n_targets=2, random_state=0)
    y = y / y.std(axis=0)
    reg = NetworkRegressor((8,), epochs=150, learning_rate=0.01, random_state=0)
    reg.fit(X, y)
    assert reg.network_.layer_dims == [4, 8, 2]
    assert (reg.network_.activations[-1].name, reg.network_.loss.name) == ("identity", "mse")
    np.testing.assert_allclose(reg.predict(X), _forward_by_hand(reg.network_.params, X, _relu, 2).T)
    assert reg.fit(X, y[:, 0]).predict(X).shape == (80,)
    assert reg.score(X, y[:, 0]) > 0.5

    counts = np.random.default_rng(0).poisson(np.exp(0.3 * X[:, 0]))
    poisson = NetworkRegressor((8,), loss="poisson", epochs=20, learning_rate=0.01, random_state=0)
    poisson.fit(X, counts)
    assert (poisson.network_.activations[-1].name, poisson.network_.loss.name) == (
        "exp",
        "poisson",
    )
    assert (poisson.predict(X) > 0).all()
    with pytest.raises(ValueError, match="poisson"):
        poisson.fit(X, counts - 5.0)


# --- output and loss chosen by the user ---------------------------------------------------


def test_output_and_loss_override_the_natural_pair():
    X, y = make_classification(100, 4, random_state=3)
    tanh = NetworkClassifier(
        (6,), output="tanh", loss="mse", epochs=100, learning_rate=0.01, random_state=0
    ).fit(X, y)
    assert (tanh.network_.activations[-1].name, tanh.network_.loss.name) == ("tanh", "mse")
    A = np.tanh(_forward_by_hand(tanh.network_.params, X, _relu, 2)[0])
    assert (tanh.predict(X) == (A > 0.5)).all()  # codes 0/1: the midpoint decides
    assert not hasattr(tanh, "predict_proba")  # tanh gives no probabilities
    assert tanh.score(X, y) > 0.8

    hinge = NetworkClassifier(
        (6,), output="identity", loss="hinge", epochs=30, learning_rate=0.01, random_state=0
    ).fit(X, y)
    Z = _forward_by_hand(hinge.network_.params, X, _relu, 2)[0]
    assert (hinge.predict(X) == (Z > 0)).all()  # codes ±1: hinge's own threshold 0
    np.testing.assert_allclose(hinge.decision_function(X), Z)
    # hinge alone gets identity, not the binary default sigmoid, whose σ > 0 would
    # always say class 1; sigmoid with hinge is refused.
    alone = NetworkClassifier((6,), loss="hinge", epochs=30, learning_rate=0.01, random_state=0)
    alone.fit(X, y)
    assert alone.network_.activations[-1].name == "identity"
    assert set(alone.predict(X)) == {0, 1}
    with pytest.raises(ValueError, match="every prediction would be class 1"):
        NetworkClassifier(output="sigmoid", loss="hinge", epochs=1).fit(X, y)
    # σ(z) is no probability of the class when the codes are ±1.
    assert not hasattr(NetworkClassifier(output="sigmoid", loss="hinge"), "predict_proba")
    assert hasattr(NetworkClassifier(loss="bce"), "predict_proba")

    with pytest.raises(ValueError, match="bce"):
        NetworkClassifier(output="tanh", loss="bce", epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="softmax"):
        NetworkClassifier(output="softmax", epochs=1).fit(X, y)


def test_sigmoid_over_several_classes_is_one_vs_rest_normalized():
    X, y = make_classification(90, 5, n_informative=3, n_classes=3, random_state=8)
    clf = NetworkClassifier((6,), loss="bce", epochs=20, learning_rate=0.01, random_state=0)
    clf.fit(X, y)
    assert (clf.network_.activations[-1].name, clf.network_.loss.name) == ("sigmoid", "bce")
    A = special.expit(_forward_by_hand(clf.network_.params, X, _relu, 2))
    np.testing.assert_allclose(clf.predict_proba(X), (A / A.sum(axis=0)).T, rtol=1e-12)
    assert (clf.predict(X) == A.argmax(axis=0)).all()


def test_function_objects_survive_clone_as_the_natural_pair():
    X, y = make_classification(40, 4, random_state=0)
    template = NetworkClassifier((3,), output=cr.activation("sigmoid"), loss=cr.loss("bce"))
    clf = clone(template).fit(X, y)
    assert clf.output is cr.activation("sigmoid") and clf.loss is cr.loss("bce")
    assert clf.network_.output_pair is cr.natural_pair("sigmoid", "bce")
    assert hasattr(clf, "predict_proba")


def test_float32_stays_float32():
    X, y = make_classification(60, 4, random_state=0)
    clf = NetworkClassifier((4,), epochs=3, dtype=np.float32, random_state=0).fit(X, y)
    assert all(value.dtype == np.float32 for value in clf.network_.params.values())
    assert clf.predict_proba(X).dtype == np.float32
    reg = NetworkRegressor((4,), epochs=3, dtype=np.float32, random_state=0).fit(X, X[:, 0])
    assert reg.predict(X).dtype == np.float32


# --- sample weights, partial_fit, early stopping, pickling ------------------------------


def test_integer_weights_equal_repeated_rows_in_full_batch():
    X, y = make_classification(40, 4, random_state=4)
    weights = np.random.default_rng(0).integers(0, 4, size=40)
    settings = {
        "hidden_layer_sizes": (5,),
        "optimizer": "sgd",
        "learning_rate": 0.1,
        "batch_size": 1000,
        "epochs": 5,
        "l2": 0.0,
        "random_state": 0,
    }
    weighted = NetworkClassifier(**settings).fit(X, y, sample_weight=weights)
    repeated = NetworkClassifier(**settings).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    for name, value in repeated.network_.params.items():
        np.testing.assert_allclose(weighted.network_.params[name], value, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-10)


def test_partial_fit_keeps_the_optimizers_state():
    X, y = make_classification(60, 4, random_state=5)
    settings = {
        "hidden_layer_sizes": (5,),
        "batch_size": 1000,
        "learning_rate": 0.05,
        "random_state": 0,
    }
    whole = NetworkClassifier(epochs=3, **settings).fit(X, y)
    steps = NetworkClassifier(**settings)
    with pytest.raises(ValueError, match="classes"):
        steps.partial_fit(X, y)
    for _ in range(3):
        steps.partial_fit(X, y, classes=[0, 1])
    assert steps.n_iter_ == 3 and steps.network_.optimizer.t == 3
    for name, value in whole.network_.params.items():
        np.testing.assert_allclose(steps.network_.params[name], value, rtol=1e-10)
    np.testing.assert_allclose(steps.loss_curve_, whole.loss_curve_, rtol=1e-10)
    with pytest.raises(ValueError, match=r"labels \[2\]"):
        steps.partial_fit(X, np.where(y == 0, 2, 1))


def test_partial_fit_takes_the_task_from_classes_as_mlp_classifier_does():
    X, y = load_iris(return_X_y=True)
    first_two = y < 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier((8,), random_state=0)
        mlp.partial_fit(X[first_two], y[first_two], classes=[0, 1, 2])
    assert mlp.out_activation_ == "softmax"  # the oracle: three classes, softmax

    fitted = NetworkClassifier((8,), epochs=1, random_state=0).fit(X, y)
    streamed = NetworkClassifier((8,), random_state=0)
    streamed.partial_fit(X[first_two], y[first_two], classes=[0, 1, 2])
    for clf in (fitted, streamed):
        assert clf.network_.layer_dims == [4, 8, 3]
        assert (clf.network_.activations[-1].name, clf.network_.loss.name) == ("softmax", "cce")
    np.testing.assert_allclose(streamed.predict_proba(X).sum(axis=1), 1.0)
    streamed.partial_fit(X, y)
    assert streamed.classes_.tolist() == [0, 1, 2]

    # Later calls may repeat the classes, in any order, but not change them (as MLPClassifier).
    for clf in (mlp, streamed):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.partial_fit(X, y, classes=[2, 0, 1])
        with pytest.raises(ValueError, match="classes"):
            clf.partial_fit(X[first_two], y[first_two], classes=[0, 1])


def test_partial_fit_on_multilabel_targets_keeps_sigmoid_and_bce():
    X, Y = make_multilabel_classification(60, 5, n_classes=3, random_state=0)
    clf = NetworkClassifier((8,), random_state=0).partial_fit(X, Y, classes=[0, 1, 2])
    clf.partial_fit(X, Y)
    assert (clf.network_.activations[-1].name, clf.network_.loss.name) == ("sigmoid", "bce")
    assert clf.network_.layer_dims == [5, 8, 3] and clf.classes_.tolist() == [0, 1, 2]
    assert clf.predict(X).shape == (60, 3)


def test_partial_fit_accepts_one_class_batches_with_or_without_weights():
    X, y = load_iris(return_X_y=True)
    X, y = X[y < 2], y[y < 2]
    one_class = slice(0, 50)  # iris's first 50 rows are class 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier((8,), random_state=0).partial_fit(X, y, classes=[0, 1])
        mlp.partial_fit(X[one_class], y[one_class], sample_weight=np.ones(50))  # the oracle

    unweighted = NetworkClassifier((8,), random_state=0).partial_fit(X, y, classes=[0, 1])
    weighted = clone(unweighted).partial_fit(X, y, classes=[0, 1])
    unweighted.partial_fit(X[one_class], y[one_class])
    weighted.partial_fit(X[one_class], y[one_class], sample_weight=np.ones(50))
    for name, value in unweighted.network_.params.items():
        np.testing.assert_allclose(weighted.network_.params[name], value, rtol=1e-12)

    first = NetworkClassifier((8,), random_state=0)
    first.partial_fit(X[one_class], y[one_class], classes=[0, 1], sample_weight=np.ones(50))
    assert first.network_.layer_dims == [4, 8, 1] and first.classes_.tolist() == [0, 1]

    with pytest.raises(ValueError, match="1 class has positive sample_weight"):
        NetworkClassifier((8,), epochs=1).fit(X, y, sample_weight=(y == 0).astype(float))
    with pytest.raises(ValueError, match="1 class"):
        NetworkClassifier((8,)).partial_fit(X[one_class], y[one_class], classes=[0])


def test_early_stopping_holds_out_rows_and_stops():
    X, _ = make_classification(200, 10, random_state=6)
    noise = np.random.default_rng(0).integers(0, 2, size=200)  # nothing to learn
    clf = NetworkClassifier(
        (32,), epochs=300, learning_rate=0.01, early_stopping=True, random_state=0
    ).fit(X, noise)
    assert clf.n_iter_ < 300 and len(clf.loss_curve_) == clf.n_iter_
    with pytest.raises(ValueError, match="early_stopping"):
        clf.partial_fit(X, noise)


def test_pickled_estimator_predicts_and_trains_on_identically():
    X, y = make_classification(80, 4, n_classes=3, n_informative=3, n_redundant=0, random_state=7)
    clf = NetworkClassifier((6,), activation="leaky_relu", epochs=5, random_state=0).fit(X, y)
    copy = pickle.loads(pickle.dumps(clf))
    assert isinstance(copy.network_, Network)
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    clf.partial_fit(X, y)
    copy.partial_fit(X, y)
    for name, value in clf.network_.params.items():
        np.testing.assert_array_equal(copy.network_.params[name], value)
    assert clone(clf).get_params() == clf.get_params() and not hasattr(clone(clf), "network_")


def test_custom_functions_fit_but_do_not_pickle():
    X, y = make_classification(40, 4, random_state=0)
    cube = cr.Activation("cube", lambda Z: Z**3, lambda Z, A: 3 * Z**2, lambda sp, z: z**3)
    clf = NetworkClassifier((3,), activation=cube, epochs=2, random_state=0).fit(X, y)
    # Only catalog entries and formula entries travel by name or text; Python code does not.
    with pytest.raises((TypeError, ValueError), match="'cube' is a custom activation"):
        pickle.dumps(clf)


# --- scikit-learn's usual errors ------------------------------------------------------


def test_bad_inputs_get_scikit_learns_usual_errors():
    X, y = make_classification(30, 4, random_state=0)
    clf = NetworkClassifier((3,), epochs=2, random_state=0)
    for value, message in ((np.nan, "Input X contains NaN"), (np.inf, "Input X contains infinity")):
        X_bad = X.copy()
        X_bad[3, 1] = value
        with pytest.raises(ValueError, match=message):
            clf.fit(X_bad, y)
    with pytest.raises(ValueError, match="1 class"):
        clf.fit(X, np.zeros(30))
    with pytest.raises(ValueError, match="could not convert string to float"):
        clf.fit(np.array([["a", "b"], ["c", "d"]] * 15), y)
    with pytest.raises(TypeError, match="Sparse data was passed"):
        clf.fit(sparse.csr_matrix(X), y)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but NetworkClassifier is expecting 4"):
        clf.predict(X[:, :3])
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(X, np.linspace(0, 1, 30))
    with pytest.raises(ValueError, match="Input y contains NaN"):
        NetworkRegressor(epochs=1).fit(X, np.full(30, np.nan))


def test_pandas_frames_keep_their_column_names():
    pd = pytest.importorskip("pandas")
    X, y = make_classification(40, 3, n_informative=2, n_redundant=0, random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    clf = NetworkClassifier((3,), epochs=2, random_state=0).fit(frame, pd.Series(y))
    assert clf.feature_names_in_.tolist() == ["a", "b", "c"]
    assert clf.predict(frame).shape == (40,)


# --- in scikit-learn's tools ------------------------------------------------------------


def _pair_grid(outputs, losses, learning_rates):
    """One grid per output pair whose outputs stay in the loss's domain."""
    return [
        {
            "networkclassifier__output": [g],
            "networkclassifier__loss": [L],
            "networkclassifier__learning_rate": learning_rates,
        }
        for g in outputs
        for L in losses
        if cr.domain_problem(g, L) is None
    ]


def test_grid_search_over_output_pairs_with_two_jobs(capsys):
    X, y = load_breast_cancer(return_X_y=True)
    grid = _pair_grid(["sigmoid", "tanh", "identity"], ["bce", "mse", "hinge"], [0.01, 0.001])
    # Refused: tanh and identity with bce (outputs outside (0, 1)) and sigmoid with hinge
    # (outputs all > 0, so hinge's sign would always say class 1).
    assert len(grid) == 6
    pipeline = make_pipeline(StandardScaler(), NetworkClassifier((16,), epochs=40, random_state=0))
    search = GridSearchCV(pipeline, grid, cv=3, n_jobs=2).fit(X, y)
    best = search.best_params_
    print(
        f"best pair: {best['networkclassifier__output']} + {best['networkclassifier__loss']}, "
        f"learning rate {best['networkclassifier__learning_rate']}, "
        f"accuracy {search.best_score_:.4f}"
    )
    assert len(search.cv_results_["params"]) == 12
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_score_ >= 0.95
    assert cross_val_score(search.best_estimator_, X, y, cv=3, n_jobs=2).mean() >= 0.95


def test_grid_search_on_a_dask_cluster():
    """The dask extra: joblib's dask back-end on an in-process LocalCluster, with timeouts
    so that a cluster that fails to start or answer ends the test instead of hanging it."""
    distributed = pytest.importorskip("distributed")
    import joblib

    X, y = load_breast_cancer(return_X_y=True)
    grid = _pair_grid(["sigmoid"], ["bce", "mse"], [0.01])
    pipeline = make_pipeline(StandardScaler(), NetworkClassifier((4,), epochs=20, random_state=0))
    # A hang dumps the stacks and ends the process after 5 minutes, rather than never.
    faulthandler.dump_traceback_later(300, exit=True)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster, timeout=30) as client,
        joblib.parallel_backend("dask", wait_for_workers_timeout=30),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(pipeline, grid, cv=2).fit(X, y)
        client.close(timeout=30)
    faulthandler.cancel_dump_traceback_later()
    assert len(search.cv_results_["params"]) == 2
    assert search.best_score_ >= 0.85


@pytest.mark.slow
@pytest.mark.parametrize("load", [load_breast_cancer, load_digits], ids=["breast_cancer", "digits"])
def test_accuracy_within_one_point_of_mlp_classifier(load):
    # Same architecture, solver and settings: one hidden layer of 64 relu units, adam with
    # α = 0.001, batches of min(200, m), L2 λ = α_sklearn = 1e-4, 100 epochs = max_iter.
    X, y = load(return_X_y=True)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    ours = make_pipeline(StandardScaler(), NetworkClassifier((64,), epochs=100, random_state=0))
    theirs = make_pipeline(
        StandardScaler(), MLPClassifier((64,), max_iter=100, alpha=1e-4, random_state=0)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours_score = cross_val_score(ours, X, y, cv=cv).mean()
        theirs_score = cross_val_score(theirs, X, y, cv=cv).mean()
    print(f"{load.__name__}: NetworkClassifier {ours_score:.4f}, MLPClassifier {theirs_score:.4f}")
    assert abs(ours_score - theirs_score) <= 0.01, (ours_score, theirs_score)


# --- the shared validators and FitOptions --------------------------------------------


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ({"dtype": np.float16}, ValueError, "dtype must be float32 or float64, got float16"),
        ({"hidden_layer_sizes": (4, 0)}, ValueError, "hidden_layer_sizes must be positive"),
        ({"random_state": -1}, ValueError, "random_state must be an integer in [0, 4294967295]"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate must be finite and > 0"),
        ({"l2": -1.0}, ValueError, "l2 (λ) must be a finite number ≥ 0"),
        ({"keep_prob": 1.5}, ValueError, "keep_prob must be in (0, 1]"),
    ],
)
def test_bad_hyperparameters_are_refused_by_the_librarys_validators(params, error, message):
    import re

    X, y = make_classification(30, 4, random_state=0)
    with pytest.raises(error, match=re.escape(message)):
        NetworkClassifier(
            **{"hidden_layer_sizes": (3,), "epochs": 1, "random_state": 0, **params}
        ).fit(X, y)


def test_the_hyperparameters_reach_fit_as_fit_options(monkeypatch):
    from chainrule.adapters import estimator_base

    seen = []
    original = estimator_base.train

    def spy(network, X, Y, options):
        seen.append(options)
        return original(network, X, Y, options)

    monkeypatch.setattr(estimator_base, "train", spy)
    X, y = make_classification(50, 4, random_state=0)
    settings = {"epochs": 3, "learning_rate": 0.02, "batch_size": 7, "l2": 0.5, "keep_prob": 0.9}
    NetworkClassifier((4,), optimizer="momentum", random_state=0, **settings).fit(X, y)
    (options,) = seen
    for name, value in settings.items():
        assert getattr(options, name) == value
    assert options.optimizer == "momentum" and options.verbose == 0
    assert options.validation is None and options.early_stopping is None


def test_every_task_defaults_to_a_natural_pair():
    from chainrule.functions.pairs import TASK_PAIRS, natural_pair

    assert set(TASK_PAIRS) == {"binary", "multiclass", "multilabel", "regression"}
    for g, L in TASK_PAIRS.values():
        assert natural_pair(g, L) is not None
