"""cr.compare names the key and the cause of five planted learner mistakes."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from course_reference import course_case, ref_L_model_backward, ref_L_model_forward


@pytest.fixture
def reference():
    X, Y, parameters = course_case()
    AL, caches = ref_L_model_forward(X, parameters)
    return AL, Y, caches, ref_L_model_backward(AL, Y, caches)


def test_identical_dicts_match(reference):
    *_, grads = reference
    report = cr.compare({key: value.copy() for key, value in grads.items()}, grads)
    assert report
    assert str(report) == "all 9 keys match"


def test_flipped_dAL_sign(reference):
    AL, Y, caches, grads = reference
    report = cr.compare(ref_L_model_backward(AL, Y, caches, flip_sign=True), grads)
    assert not report
    assert report.first.key == "dA2"
    text = str(report)
    assert text.startswith("dA2 differs")
    assert "sign flipped" in text
    assert "dA[L]" in text


def test_missing_one_over_m(reference):
    AL, Y, caches, grads = reference

    def without_1_over_m(dZ, cache):
        A_prev, W, _ = cache
        return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)

    mine = ref_L_model_backward(AL, Y, caches, linear_backward=without_1_over_m)
    report = cr.compare(mine, grads)
    assert report.first.key == "dW3"
    assert "factor m = 4" in str(report)
    assert "1/m is missing" in str(report)
    assert {r.key for r in report.differing} == {"dW1", "dW2", "dW3", "db1", "db2", "db3"}


def test_transposed_dW(reference):
    *_, grads = reference
    mine = dict(grads)
    mine["dW2"] = grads["dW2"].T
    report = cr.compare(mine, grads)
    assert [r.key for r in report.differing] == ["dW2"]
    assert "transposed" in str(report)


def test_keys_off_by_one_layer(reference):
    *_, grads = reference
    mine = {
        (f"dA{int(key[2:]) + 1}" if key.startswith("dA") else key): value
        for key, value in grads.items()
    }
    report = cr.compare(mine, grads)
    assert report.first.key == "dA2"
    text = str(report)
    assert "shifted by one layer" in text
    assert "your dA3 holds the reference's dA2" in text


def test_db_summed_over_axis_0(reference):
    AL, Y, caches, grads = reference

    def db_over_units(dZ, cache):
        A_prev, W, _ = cache
        m = A_prev.shape[1]
        return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=0, keepdims=True) / m

    report = cr.compare(ref_L_model_backward(AL, Y, caches, linear_backward=db_over_units), grads)
    assert report.first.key == "db3"
    assert "summed over the wrong axis" in str(report)
    assert {r.key for r in report.differing} == {"db1", "db2", "db3"}
    for r in report.differing:
        assert "axis" in r.cause


@pytest.mark.parametrize(
    ("axis", "keepdims", "cause"),
    [(1, False, "with the right values instead of"), (None, False, "summed over every axis")],
)
def test_db_without_keepdims_or_summed_over_every_axis(reference, axis, keepdims, cause):
    AL, Y, caches, grads = reference

    def db_reshaped(dZ, cache):
        A_prev, W, _ = cache
        m = A_prev.shape[1]
        return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=axis, keepdims=keepdims) / m

    report = cr.compare(ref_L_model_backward(AL, Y, caches, linear_backward=db_reshaped), grads)
    assert {r.key for r in report.differing} == {"db1", "db2", "db3"}
    for r in report.differing:
        assert cause in r.cause and "wrong axis" not in r.cause
        assert "keepdims=True" in r.cause


def test_missing_and_extra_keys_and_plain_differences(reference):
    *_, grads = reference
    mine = dict(grads)
    del mine["db1"]
    mine["dZ9"] = np.zeros((1, 1))
    mine["dW1"] = grads["dW1"] + np.eye(*grads["dW1"].shape) * 1e-3
    report = cr.compare(mine, grads)
    statuses = {r.key: r.status for r in report.differing}
    assert statuses == {"dW1": "differs", "db1": "missing", "dZ9": "extra"}
    assert "values differ" in str(report)
    assert report.first.max_abs == pytest.approx(1e-3)
    with pytest.raises(TypeError, match="dict"):
        cr.compare([1, 2], grads)


def test_two_slips_at_once_are_both_named(reference):
    AL, Y, caches, grads = reference

    def without_1_over_m(dZ, cache):
        A_prev, W, _ = cache
        return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)

    mine = ref_L_model_backward(AL, Y, caches, flip_sign=True, linear_backward=without_1_over_m)
    causes = {r.key: r.cause for r in cr.compare(mine, grads).differing}
    assert causes["dA2"].startswith("sign flipped")
    assert causes["dW3"].startswith("sign flipped and off by a factor m = 4")
