"""class_weight in fit and the classifier: scikit-learn's meaning, as per-example weights."""

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_sample_weight

import chainrule as cr
from chainrule.sklearn import NetworkClassifier


def _fit(Y, loss="bce", output="sigmoid", **options):
    X = np.random.default_rng(0).standard_normal((3, Y.shape[1]))
    net = cr.Network([3, 4, Y.shape[0]], output=output, loss=loss, seed=1)
    net.fit(X, Y, epochs=3, learning_rate=0.1, batch_size=4, verbose=0, seed=2, **options)
    return net


def test_balanced_weights_are_scikit_learns_and_act_as_sample_weights() -> None:
    y = np.array([0, 0, 0, 0, 0, 1, 1, 0, 0, 1])
    expected = compute_sample_weight("balanced", y)
    by_class = _fit(y[None, :].astype(float), class_weight="balanced")
    by_example = _fit(y[None, :].astype(float), sample_weight=expected)
    for key in by_class.params:
        np.testing.assert_array_equal(by_class.params[key], by_example.params[key])


def test_a_dict_weighs_multiclass_by_output_unit_and_multiplies_sample_weight() -> None:
    labels = np.array([0, 2, 1, 2, 2, 0, 1, 2])
    Y = np.eye(3)[labels].T
    sample_weight = np.linspace(0.5, 2.0, labels.size)
    class_weight = {0: 3.0, 2: 0.5}
    expected = sample_weight * np.array([class_weight.get(c, 1.0) for c in labels])
    both = _fit(Y, "cce", "softmax", class_weight=class_weight, sample_weight=sample_weight)
    alone = _fit(Y, "cce", "softmax", sample_weight=expected)
    for key in both.params:
        np.testing.assert_allclose(both.params[key], alone.params[key], rtol=1e-12)


def test_hinge_classes_are_its_labels() -> None:
    Y = np.array([[-1.0, 1.0, 1.0, -1.0, 1.0, 1.0]])
    weighted = _fit(Y, "hinge", "identity", class_weight={-1: 2.0})
    expected = _fit(Y, "hinge", "identity", sample_weight=np.where(Y[0] < 0, 2.0, 1.0))
    np.testing.assert_array_equal(weighted.params["W1"], expected.params["W1"])


@pytest.mark.parametrize(
    ("Y", "loss", "output", "class_weight", "message"),
    [
        (np.array([[0.5, 1.5, 2.0]]), "mse", "identity", "balanced", "regression loss"),
        (np.array([[0.0, 1.0], [1.0, 1.0]]), "bce", "sigmoid", "balanced", "multilabel"),
        (np.array([[0.0, 1.0, 1.0]]), "bce", "sigmoid", {3: 1.0}, r"classes \[3\]"),
        (np.array([[0.0, 1.0, 1.0]]), "bce", "sigmoid", {0: -1.0}, "finite weight ≥ 0"),
        (np.array([[0.0, 1.0, 1.0]]), "bce", "sigmoid", "even", "must be a dict"),
    ],
)
def test_class_weight_that_cannot_apply_is_refused(Y, loss, output, class_weight, message):
    with pytest.raises(ValueError, match=message):
        _fit(Y, loss, output, class_weight=class_weight)


def test_the_classifier_takes_class_weight_with_its_labels() -> None:
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 2))
    y = np.where(X[:, 0] > 0.7, "rare", "common")
    options = {"hidden_layer_sizes": (4,), "epochs": 5, "learning_rate": 0.05, "random_state": 0}
    weighted = NetworkClassifier(class_weight={"rare": 4.0}, **options).fit(X, y)
    expected = NetworkClassifier(**options).fit(
        X, y, sample_weight=compute_sample_weight({"rare": 4.0}, y)
    )
    for key in weighted.network_.params:
        np.testing.assert_array_equal(weighted.network_.params[key], expected.network_.params[key])
    assert "class_weight" in weighted.get_params()
