# ruff: noqa: NPY002  (the check must leave NumPy's global generator as it found it)
"""chainrule.course.check: planted mistakes get the right tag, correct code passes."""

import numpy as np
import pytest

from chainrule.course import check
from learner_functions import ALTERNATIVES, CORRECT, PLANTED


@pytest.mark.parametrize(
    ("function", "assignment"), CORRECT, ids=lambda f: getattr(f, "__name__", str(f))
)
def test_the_course_reference_passes_every_case(function, assignment) -> None:
    report = check(function, assignment=assignment)
    assert report.passed, str(report)
    assert "passes" in str(report) and str(report.cases) in str(report)


@pytest.mark.parametrize(
    ("function", "assignment", "tag"),
    PLANTED,
    ids=[f"{f.__name__}-{tag}-{i}" for i, (f, _, tag) in enumerate(PLANTED)],
)
def test_a_planted_mistake_is_named(function, assignment, tag) -> None:
    report = check(function, assignment=assignment)
    assert not report.passed
    assert tag in report.causes, str(report)


@pytest.mark.parametrize(
    ("function", "assignment"),
    ALTERNATIVES,
    ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(ALTERNATIVES)],
)
def test_no_false_alarm_on_correct_code_written_differently(function, assignment) -> None:
    report = check(function, assignment=assignment)
    assert report.passed, str(report)


def test_a_shared_name_needs_the_assignment() -> None:
    def compute_cost(A2, Y):
        return 0.0

    with pytest.raises(ValueError, match=r"several assignments \(deep, planar\).*assignment="):
        check(compute_cost)
    assert not check(compute_cost, assignment="planar").passed


def test_an_unknown_function_or_assignment_is_named() -> None:
    def my_helper(x):
        return x

    with pytest.raises(ValueError, match="no course function 'my_helper'"):
        check(my_helper)
    with pytest.raises(ValueError, match="unknown assignment 'week9'"):
        check(CORRECT[0][0], assignment="week9")
    with pytest.raises(TypeError, match="the function itself"):
        check("linear_backward")


def test_the_report_explains_without_the_solution() -> None:
    from learner_functions import linear_backward_no_m

    report = check(linear_backward_no_m, cases=3)
    text = str(report)
    assert "off by a factor" in text and "(= m)" in text
    assert "dW[l] = (1/m) dZ[l] A[l−1]ᵀ" in text  # the course's formula line
    assert "np.dot" not in text.split("Hint")[0]
    assert "<li>" in report._repr_html_() and "linear_backward" in report._repr_html_()
    assert len(repr(report)) < 120


def test_a_pass_says_how_many_cases_ran_and_numpy_state_is_restored() -> None:
    np.random.seed(7)
    expected = np.random.rand()
    np.random.seed(7)
    report = check(CORRECT[0][0], cases=4)
    assert report.passed and report.cases == 4 + 1 + 1  # random, the edge m = 1, public
    assert "all 6 cases" in str(report)
    assert np.random.rand() == expected
