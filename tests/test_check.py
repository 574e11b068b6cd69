"""chainrule.course.check: planted mistakes get the right tag, correct code passes."""

import pytest

from chainrule.course import check
from learner_functions import CORRECT, PLANTED


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
