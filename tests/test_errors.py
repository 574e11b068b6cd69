"""Bad input gets a ValueError (or TypeError) that names what is wrong, and changes nothing."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.base.checks import _all_finite


@pytest.fixture
def net() -> cr.Network:
    return cr.Network([3, 4, 2], hidden="tanh", output="softmax", loss="cce", seed=0)


def one_hot_columns(m: int) -> np.ndarray:
    return np.eye(2)[:, np.arange(m) % 2]


# --- shapes -------------------------------------------------------------------


def test_output_delta_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=re.escape("(1, 4)")) as info:
        cr.output_delta(np.zeros((1, 3)), np.zeros((1, 4)), "sigmoid", "bce")
    assert "(1, 3)" in str(info.value)
    with pytest.raises(ValueError, match=re.escape("(3, 3)")) as info:
        cr.output_cost(np.zeros((2, 3)), np.zeros((3, 3)), "tanh", "mse")
    assert "(2, 3)" in str(info.value)


def test_loss_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=re.escape("(1, 4)")) as info:
        cr.loss("bce").forward(np.full((1, 3), 0.5), np.ones((1, 4)))
    assert "(1, 3)" in str(info.value)


def test_network_input_with_the_wrong_number_of_features(net: cr.Network) -> None:
    with pytest.raises(ValueError, match=re.escape("(5, 3)")) as info:
        net.forward(np.zeros((5, 3)))
    assert "W1 is (4, 3)" in str(info.value)


def test_network_input_transposed_gets_a_hint(net: cr.Network) -> None:
    with pytest.raises(ValueError, match=r"X\.T"):
        net.forward(np.zeros((7, 3)))


def test_network_labels_for_another_number_of_examples(net: cr.Network) -> None:
    X = np.zeros((3, 5))
    for method in (net.cost, net.gradients):
        with pytest.raises(ValueError, match=re.escape("(2, 4)")) as info:
            method(X, one_hot_columns(4))
        assert "(2, 5)" in str(info.value)
    AL, caches = net.forward(X)
    with pytest.raises(ValueError, match=re.escape("(2, 4)")):
        net.backward(AL, one_hot_columns(4), caches)
    with pytest.raises(ValueError, match=re.escape("(2, 4)")) as info:
        net.backward(AL[:, :4], one_hot_columns(4), caches)
    assert "(2, 5)" in str(info.value)


@pytest.mark.parametrize("where", ["output_delta", "network"])
def test_rank_1_input_is_refused_with_the_reshape_that_fixes_it(where: str) -> None:
    with pytest.raises(ValueError, match=r"2-D.*reshape\(3, 1\)"):
        if where == "output_delta":
            cr.output_delta(np.zeros(3), np.zeros(3), "identity", "mse")
        else:
            cr.Network([3, 2, 1]).forward(np.zeros(3))


def test_hidden_list_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match=r"2 activations.*1 hidden"):
        cr.Network([3, 4, 1], hidden=["relu", "tanh"])


@pytest.mark.parametrize("dims", [[3], [3, 0, 1], [3, -1, 1], [3, 2.5, 1], [3, True, 1]])
def test_layer_dims_must_be_positive_integers(dims: list) -> None:
    with pytest.raises(ValueError, match="layer_dims"):
        cr.Network(dims)
    with pytest.raises(ValueError, match="layer_dims"):  # the course's initializer too
        cr.course.initialize_parameters_deep(dims)


# --- labels outside the loss's domain -------------------------------------------


def test_bce_with_label_2() -> None:
    with pytest.raises(ValueError, match=r"bce.*\[0, 1\].*= 2"):
        cr.output_delta(np.zeros((1, 3)), [[0, 2, 1]], "sigmoid", "bce")
    with pytest.raises(ValueError, match=r"bce.*\[0, 1\].*= 2"):
        cr.Network([3, 2, 1]).fit(np.zeros((3, 3)), [[0, 2, 1]], epochs=1, learning_rate=0.1)


@pytest.mark.parametrize(
    ("loss", "output", "Y", "pattern"),
    [
        ("cce", "softmax", [[0, 1, 2]], r"cce.*integers 0 … 1"),
        ("cce", "softmax", [[1, 0, 0.5], [0, 1, 0]], r"cce.*column 2 sums to 0\.5"),
        ("poisson", "exp", [[0, -1, 3], [0, 0, 0]], r"poisson.*≥ 0.*-1"),
        ("hinge", "identity", [[0, -1, 1], [0, 0, 0]], r"hinge.*\{0, 1\} or in \{−1, 1\}"),
        ("hinge", "identity", [[0, 0.5, 1], [0, 0, 0]], r"hinge.*0\.5"),
    ],
)
def test_labels_outside_the_domain(loss: str, output: str, Y: list, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        cr.output_delta(np.zeros((2, 3)), Y, output, loss)


def test_outputs_outside_the_loss_domain() -> None:
    with pytest.raises(ValueError, match=r"bce needs a in \(0, 1\)"):
        cr.output_delta(-np.ones((1, 3)), [[0, 1, 1]], "tanh", "bce")
    with pytest.raises(ValueError, match=r"bce needs a in \(0, 1\)"):
        cr.loss("bce").backward([[0.5, 1.5]], [[0, 1]])


@pytest.mark.parametrize(
    ("output", "loss"),
    [("tanh", "bce"), ("relu", "poisson"), ("sigmoid", "cce"), ("sigmoid", "hinge")],
)
def test_network_refuses_an_undefined_pair(output: str, loss: str) -> None:
    with pytest.raises(ValueError, match=f"output {output} with loss {loss}"):
        cr.Network([3, 2, 2], output=output, loss=loss)


def test_hinge_after_an_output_that_is_never_negative_would_always_say_class_1() -> None:
    # hinge's prediction is a > 0, and sigmoid, softplus, exp and softmax are all > 0
    for g in ("sigmoid", "softplus", "exp", "softmax"):
        assert "every prediction would be class 1" in cr.domain_problem(g, "hinge")
    for g in ("identity", "tanh", "relu", "elu"):  # relu can give 0: class 0
        assert cr.domain_problem(g, "hinge") is None


def test_softmax_over_one_output_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="softmax over one output unit is always 1"):
        cr.Network([3, 2, 1], output="softmax", loss="cce")


# --- parameters assigned by hand ----------------------------------------------


def test_parameters_of_another_dtype_are_refused_before_a_pass() -> None:
    net = cr.Network([3, 4, 1], seed=0, dtype=np.float32)
    net.params = {key: value.astype(np.float64) for key, value in net.params.items()}
    X, Y = np.zeros((3, 5), np.float32), np.zeros((1, 5), np.float32)
    message = r"W1 is float64, but this network is float32"
    for run in (lambda: net.forward(X), lambda: net.cost(X, Y), lambda: net.predict(X)):
        with pytest.raises(ValueError, match=message):
            run()
    with pytest.raises(ValueError, match=message):
        net.fit(X, Y, 1, 0.1, verbose=0)
    assert net.params["W1"].dtype == np.float64 and net.optimizer is None


def test_missing_or_extra_parameters_are_named() -> None:
    net = cr.Network([3, 4, 1], seed=0)
    X = np.zeros((3, 5))
    net.params = {"W1": net.params["W1"], "W2": net.params["W2"], "W3": net.params["W2"]}
    with pytest.raises(ValueError, match=r"missing \['b1', 'b2'\], unexpected \['W3'\]"):
        net.forward(X)


# --- no examples ---------------------------------------------------------------


NO_EXAMPLES = {
    "fit": lambda net, X, Y: net.fit(X, Y, 1, 0.1, verbose=0),
    "cost": lambda net, X, Y: net.cost(X, Y),
    "predict": lambda net, X, Y: net.predict(X),
    "output_cost": lambda net, X, Y: cr.output_cost(Y, Y, "softmax", "cce"),
    "output_delta": lambda net, X, Y: cr.output_delta(Y, Y, "softmax", "cce"),
}


@pytest.mark.parametrize("call", NO_EXAMPLES.values(), ids=NO_EXAMPLES.keys())
def test_no_examples_is_a_value_error_not_a_nan(net: cr.Network, call) -> None:
    with pytest.raises(ValueError, match=r"is empty, shape \((3|2), 0\)"):
        call(net, np.zeros((3, 0)), np.zeros((2, 0)))


# --- NaN and inf -------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_X(net: cr.Network, bad: float) -> None:
    X = np.zeros((3, 4))
    X[1, 2] = bad
    for call in (
        lambda: net.forward(X),
        lambda: net.cost(X, one_hot_columns(4)),
        lambda: net.fit(X, one_hot_columns(4), epochs=1, learning_rate=0.1),
        lambda: cr.gradcheck(net, X, one_hot_columns(4)),
    ):
        with pytest.raises(ValueError, match=re.escape("X[1, 2]")):
            call()


def test_finite_entries_whose_sum_overflows_are_accepted_and_inf_minus_inf_is_not() -> None:
    net = cr.Network([3, 2, 1], dtype=np.float32)
    huge = np.full((3, 4), 3e38, dtype=np.float32)  # Σ overflows float32; each entry is finite
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from the check either
        assert net.check_input(huge) is not None
    X = np.zeros((3, 4))
    X[0, 1], X[2, 3] = np.inf, -np.inf  # Σ is NaN, not ±inf
    with pytest.raises(ValueError, match=re.escape("(2 entries), first at X[0, 1] = inf")):
        net.check_input(X)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_Y(net: cr.Network, bad: float) -> None:
    Y = one_hot_columns(4)
    Y[0, 3] = bad
    with pytest.raises(ValueError, match=re.escape("Y[0, 3]")):
        net.fit(np.zeros((3, 4)), Y, epochs=1, learning_rate=0.1)
    with pytest.raises(ValueError, match=re.escape("Y[0, 3]")):
        cr.output_delta(np.zeros((2, 4)), Y, "identity", "mse")
    with pytest.raises(ValueError, match=re.escape("Y[0, 3]")):
        cr.loss("mse").forward(np.zeros((2, 4)), Y)


def test_nan_in_Z() -> None:
    with pytest.raises(ValueError, match=re.escape("Z[0, 1]")):
        cr.output_cost([[0.0, np.nan]], [[0, 1]], "sigmoid", "bce")


def test_non_numeric_labels_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="real numbers"):
        cr.output_delta(np.zeros((1, 2)), [["a", "b"]], "sigmoid", "bce")


# --- routes and names ---------------------------------------------------------


def test_fused_true_for_an_unnatural_pair() -> None:
    with pytest.raises(ValueError, match=r"fused=True.*relu\+mse.*sigmoid\+bce"):
        cr.output_delta(np.zeros((1, 2)), [[0, 1]], "relu", "mse", fused=True)
    with pytest.raises(ValueError, match=r"fused=True.*relu\+mse"):
        cr.Network([3, 2, 1], output="relu", loss="mse", fused=True)


def test_unknown_activation_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'") as info:
        cr.activation("sigmoidd")
    for name in ("sigmoid", "relu", "gelu_tanh", "softmax", "swish"):
        assert name in str(info.value)
    with pytest.raises(ValueError, match="unknown activation"):
        cr.Network([3, 2, 1], hidden="rellu")


def test_unknown_loss_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown loss 'ce'") as info:
        cr.loss("ce")
    for name in ("bce", "cce", "huber", "hinge", "poisson", "log_loss"):
        assert name in str(info.value)
    with pytest.raises(ValueError, match="unknown loss"):
        cr.output_delta(np.zeros((1, 2)), [[0, 1]], "sigmoid", "logloss")


def test_bad_settings() -> None:
    with pytest.raises(ValueError, match="negative_slope"):
        cr.activation("leaky_relu", negative_slope=float("nan"))
    with pytest.raises(ValueError, match="delta"):
        cr.loss("huber", delta=-1)
    with pytest.raises(TypeError, match="takes no settings"):
        cr.activation("relu", alpha=1)


def test_bad_dtype_and_epsilon(net: cr.Network) -> None:
    with pytest.raises(TypeError, match="float16"):
        cr.Network([3, 2, 1], dtype=np.float16)
    with pytest.raises(ValueError, match="epsilon"):
        cr.gradcheck(net, np.zeros((3, 2)), one_hot_columns(2), epsilon=0)


# --- nothing half-updated ------------------------------------------------------


def test_update_with_a_bad_gradient_changes_nothing(net: cr.Network) -> None:
    grads = net.gradients(np.ones((3, 4)), one_hot_columns(4))
    before = {key: value.copy() for key, value in net.params.items()}
    bad = {**grads, "dW2": grads["dW2"].T}
    with pytest.raises(ValueError, match=re.escape("dW2 has shape (4, 2) but W2 is (2, 4)")):
        net.update(bad, learning_rate=0.1)
    missing = {key: value for key, value in grads.items() if key != "db2"}
    with pytest.raises(ValueError, match="lacks db2"):
        net.update(missing, learning_rate=0.1)
    for key, value in net.params.items():
        np.testing.assert_array_equal(value, before[key])


def test_fit_with_bad_labels_changes_nothing(net: cr.Network) -> None:
    before = {key: value.copy() for key, value in net.params.items()}
    with pytest.raises(ValueError):
        net.fit(np.ones((3, 4)), [[0, 1, 5, 1]], epochs=2, learning_rate=0.1)
    with pytest.raises(ValueError, match="batch_size"):
        net.fit(np.ones((3, 4)), one_hot_columns(4), epochs=2, learning_rate=0.1, batch_size=0)
    for key, value in net.params.items():
        np.testing.assert_array_equal(value, before[key])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_the_finiteness_check_agrees_with_isfinite_in_every_layout(dtype, layout) -> None:
    rng = np.random.default_rng(3)
    for trial in range(40):
        rows = rng.standard_normal((9, 14)).astype(dtype) * 10.0 ** rng.integers(0, 38)
        X = {"C": rows, "F": np.asfortranarray(rows), "strided": rows[:, ::2]}[layout]
        for _ in range(trial % 3):  # none, one or two bad entries, anywhere
            X[rng.integers(0, X.shape[0]), rng.integers(0, X.shape[1])] = rng.choice(
                [np.nan, np.inf, -np.inf, np.finfo(dtype).max]
            )
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert _all_finite(X) == bool(np.isfinite(X).all()), (trial, X)


# --- one validator per setting, named as the caller spells it ------------------------


def test_a_dtype_other_than_float32_or_float64_is_both_a_type_and_a_value_error():
    from chainrule.base.checks import check_float_dtype

    for dtype, shown in ((np.float16, "float16"), ("nope", "'nope'"), ("int64", "'int64'")):
        with pytest.raises(
            TypeError, match=re.escape(f"--dtype must be float32 or float64, got {shown}")
        ):
            check_float_dtype(dtype, "--dtype")
        with pytest.raises(ValueError):
            check_float_dtype(dtype)
    assert (
        check_float_dtype("float32") == np.float32 and check_float_dtype(np.float64) == np.float64
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.check_layer_sizes([3, 0], "--layers"), "--layers must be positive integers"),
        (lambda c: c.check_layer_sizes([3, True], "sizes"), "sizes must be positive integers"),
        (
            lambda c: c.check_layer_sizes([3], "layer_dims", at_least=2),
            "layer_dims must be at least 2 positive integers",
        ),
        (lambda c: c.check_learning_rate(math.inf, "--lr"), "--lr must be finite and > 0"),
        (lambda c: c.check_l2(math.nan, "alpha"), "alpha (λ) must be a finite number ≥ 0"),
        (lambda c: c.check_fraction(1.0, "share"), "share must be in (0, 1); got 1.0"),
        (lambda c: c.check_fraction(0, "keep", closed=(False, True)), "keep must be in (0, 1]"),
        (lambda c: c.check_seed(2**32, "--seed"), "--seed must be an integer in [0, 4294967295]"),
        (lambda c: c.check_seed(-1, "seed", maximum=None), "seed must be an integer ≥ 0"),
    ],
)
def test_each_validator_names_the_setting_as_its_caller_spells_it(call, message):
    from chainrule.base import checks

    with pytest.raises(ValueError, match=re.escape(message)):
        call(checks)


def test_the_validators_accept_numpy_numbers_and_return_python_ones():
    from chainrule.base import checks

    assert checks.check_layer_sizes(np.array([3, 2]), "sizes") == [3, 2]
    assert type(checks.check_learning_rate(np.float32(0.5))) is float
    assert checks.check_fraction(0, "dropout", closed=(True, False)) == 0.0
    assert checks.check_seed(np.int64(7)) == 7
