"""Each mistake detector fires on its mistake and stays silent on 20 correct random networks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import special

import chainrule as cr
from chainrule import course


def random_network(seed: int) -> tuple[cr.Network, np.ndarray, np.ndarray]:
    """A correct network and data: random depth, widths, hidden activations and output pair."""
    rng = np.random.default_rng(seed)
    n_x, m = int(rng.integers(2, 7)), int(rng.integers(8, 40))
    multiclass = seed % 2 == 1
    n_L = int(rng.integers(3, 6)) if multiclass else 1
    dims = [n_x, *(int(n) for n in rng.integers(2, 9, size=rng.integers(1, 4))), n_L]
    hidden = [str(rng.choice(["relu", "tanh", "sigmoid", "leaky_relu"])) for _ in dims[1:-1]]
    net = cr.Network(
        dims,
        hidden=hidden,
        output="softmax" if multiclass else "sigmoid",
        loss="cce" if multiclass else "bce",
        init=str(rng.choice(["he", "xavier", "small"])),
        seed=seed,
        fused=None if seed % 4 < 2 else False,
    )
    X = rng.standard_normal((n_x, m)) * rng.uniform(0.1, 3)
    labels = rng.integers(0, n_L if multiclass else 2, size=m)
    Y = np.eye(n_L)[:, labels] if multiclass else labels[None, :].astype(float)
    return net, X, Y


@pytest.mark.parametrize("seed", range(20))
def test_silent_on_correct_networks(seed):
    net, X, Y = random_network(seed)
    g = net.activations[-1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", cr.MistakeWarning)
        AL, caches = net.forward(X)
        net.backward(AL, Y, caches)
        cr.output_delta(caches[-1].Z, Y, g, net.loss)
        cr.output_cost(caches[-1].Z, Y, g, net.loss)
        if all(h.name == "relu" for h in net.activations[:-1]):
            course_AL, course_caches = course.L_model_forward(X, net.params, g)
            course.L_model_backward(course_AL, Y, course_caches, g, net.loss)


def _binary_case(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((4, 16))
    Y = (rng.random((1, 16)) > 0.5).astype(float)
    return cr.Network([4, 5, 3, 1], seed=seed), X, Y


def _multiclass_case(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((4, 16))
    Y = np.eye(3)[:, rng.integers(0, 3, size=16)]
    return cr.Network([4, 5, 3], output="softmax", loss="cce", seed=seed), X, Y


def test_probabilities_passed_as_logits():
    rng = np.random.default_rng(1)
    Y = (rng.random((1, 16)) > 0.5).astype(float)
    AL = special.expit(3 * rng.standard_normal((1, 16)) + 4 * (Y - 0.5))  # a trained net's A[L]
    with pytest.warns(
        cr.MistakeWarning, match=r"output_delta: all 16 entries of Z lie in \(0, 1\)"
    ):
        cr.output_delta(AL, Y, "sigmoid", "bce")
    net, X, Y = _multiclass_case()
    AL, _ = net.forward(X)
    with pytest.warns(
        cr.MistakeWarning, match=r"sums to 1.*log\(1 \+ \(C − 1\)/e\) = 0\.551"
    ) as record:
        cr.output_cost(AL, Y, "softmax", "cce")
    assert {w.filename for w in record} == {__file__}  # the warning names the user's line


@pytest.mark.parametrize("case", [_binary_case, _multiclass_case])
def test_activation_applied_twice(case):
    net, X, Y = case()
    g = net.activations[-1]
    AL, caches = net.forward(X)
    L = net.L
    with pytest.warns(cr.MistakeWarning, match=rf"{g.name}\({g.name}\(Z{L}\)\).*applied twice"):
        net.backward(g.forward(AL), Y, caches)


def test_sigmoid_applied_twice_in_the_course_forward():
    net, X, Y = _binary_case()
    AL, caches = course.L_model_forward(X, net.params)
    twice = special.expit(AL)
    floor = np.log1p(1 / np.e)
    with pytest.warns(cr.MistakeWarning, match=rf"cannot fall below .* = {floor:.3f}"):
        course.L_model_backward(twice, Y, caches)


def test_inconsistent_cache_with_the_fused_shortcut():
    net, X, Y = _binary_case()
    AL_other, _ = net.forward(X[:, ::-1])
    _, caches = net.forward(X)
    with pytest.warns(cr.MistakeWarning, match=r"inconsistent.*A3 − Y uses this A"):
        net.backward(AL_other, Y, caches)


def test_relu_derivative_taken_from_A():
    net, X, Y = _binary_case()
    AL, caches = course.L_model_forward(X, net.params)
    (linear_cache, Z) = caches[0]
    A1 = np.maximum(Z, 0)
    with pytest.warns(cr.MistakeWarning, match=r"exact zeros and no negative entry.*pass Z"):
        course.linear_activation_backward(np.ones_like(Z), (linear_cache, A1), "relu")
    _, net_caches = net.forward(X)
    net_caches[0] = net_caches[0]._replace(Z=net_caches[0].A)
    with pytest.warns(cr.MistakeWarning, match=r"layer 1: Z1 fed to relu"):
        net.backward(AL, Y, net_caches)
