# ruff: noqa: NPY002  (the course's functions seed NumPy's global generator; the checker saves it)
"""``check(function)``: a learner's course function against chainrule's reference.

The function is recognised by its ``__name__``. It runs, with the reference,
on the course's public test inputs, on the edge cases the function has (m = 1,
one hidden unit, Z exactly 0 under relu, keep_prob = 1) and on ``cases``
random cases drawn with ``seed``; each call gets fresh copies of the inputs,
and NumPy's global generator is set to the same state before each of the two
calls (so a function that does not seed as the course does shows it) and
restored afterwards.
"""

from __future__ import annotations

import contextlib
import copy
import io
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from chainrule.course.checking import outputs
from chainrule.course.checking.diagnosis import (
    Finding,
    explain_exception,
    explain_leaf,
    explain_missing,
    random_state_findings,
)
from chainrule.course.checking.report import CaseFailure, CheckReport
from chainrule.course.checking.spec import Case, Spec

#: NumPy's global generator is seeded with this before each call: not a seed the course uses.
_PROBE_SEED = 20261206


def _calls(function: Callable[..., Any], case: Case) -> tuple[Any, BaseException | None, Case]:
    """(result, exception, the arguments afterwards) for one call on fresh copies."""
    arguments = copy.deepcopy(case)
    np.random.seed(_PROBE_SEED)
    try:
        # What the functions print, and the reference's warnings about the inputs (the
        # course's own test case feeds an inconsistent cache on purpose), are not the report.
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*arguments.values()), None, arguments
    except Exception as error:  # the learner's mistake is what is being reported
        return None, error, arguments


def _describe_inputs(case: Case) -> str:
    parts = []
    for name, value in case.items():
        if isinstance(value, np.ndarray):
            parts.append(f"{name} {value.shape}")
        elif isinstance(value, int | float | str):
            parts.append(f"{name} = {value!r}")
        else:
            parts.append(name)
    return ", ".join(parts)


def _mutant_leaves(spec: Spec, case: Case) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for tag, mutant in spec.mutants:
        try:
            with np.errstate(all="ignore"):
                result = mutant(*copy.deepcopy(case).values())
        except Exception:  # a mistake that cannot be made on this case explains nothing
            continue
        found.append((tag, outputs.leaves(result, spec.outputs)))
    return found


def _compare(spec: Spec, case: Case, got: Any, want: Any) -> list[Finding]:
    got_leaves, want_leaves = outputs.leaves(got, spec.outputs), outputs.leaves(want, spec.outputs)
    differing = [
        path
        for path, value in want_leaves.items()
        if path not in got_leaves or not outputs.close(got_leaves[path], value)
    ]
    if not differing:
        return []
    mutants = _mutant_leaves(spec, case)
    constants = spec.constants(case)
    findings = [
        explain_leaf(path, got_leaves[path], want_leaves, mutants, constants)
        if path in got_leaves
        else explain_missing(path, got_leaves, want_leaves[path])
        for path in differing
    ]
    return random_state_findings(findings, got_leaves, want_leaves) if spec.seeded else findings


def run_case(
    spec: Spec, function: Callable[..., Any], label: str, case: Case
) -> CaseFailure | None:
    """The failure of ``function`` on one case, or None when it agrees with the reference."""
    want, reference_error, _ = _calls(spec.reference, case)
    if reference_error is not None:
        raise RuntimeError(
            f"chainrule's reference {spec.name} failed on {label}: {reference_error}"
        )
    got, error, after = _calls(function, case)
    failure = CaseFailure(label, _describe_inputs(case))
    mutated = outputs.changed(case, after)
    if mutated:
        failure.tags.add("mutates input")
        failure.findings.append(
            Finding(", ".join(mutated), "mutates input", "was changed by the function")
        )
    if error is not None:
        tags, text = explain_exception(error)
        failure.tags |= tags
        failure.exception = text
    else:
        findings = _compare(spec, case, got, want)
        failure.findings += findings
        failure.tags |= {finding.tag for finding in findings if finding.tag}
    for finding in failure.findings:
        formula = spec.formula_for(finding.output)
        if formula is not None:
            failure.formulas[finding.output] = formula
    return failure if (failure.findings or failure.exception) else None


def case_list(spec: Spec, cases: int, seed: int) -> Iterator[tuple[str, Case]]:
    """The public cases, the edge cases, then ``cases`` random ones, labelled."""
    if spec.public is not None:
        for index, case in enumerate(spec.public(), start=1):
            yield f"the course's public test {index}", case
    rng = np.random.default_rng(seed)
    for edge in spec.edges:
        yield f"the edge case {edge}", spec.make(rng, edge)
    for index in range(1, cases + 1):
        yield f"random case {index} (seed {seed})", spec.make(rng, None)


def check_with(spec: Spec, function: Callable[..., Any], cases: int, seed: int) -> CheckReport:
    """Run every case of ``spec`` on ``function``; NumPy's global state is restored after."""
    state = np.random.get_state()
    try:
        labelled = list(case_list(spec, cases, seed))
        failures = [run_case(spec, function, label, case) for label, case in labelled]
    finally:
        np.random.set_state(state)
    return CheckReport(spec.name, spec.assignment, len(labelled), [f for f in failures if f])


def find_spec(name: str, assignment: str | None, specs: Sequence[Spec]) -> Spec:
    """The spec of function ``name`` (in ``assignment`` when several share the name)."""
    matching = [spec for spec in specs if spec.name == name]
    if assignment is not None:
        known = sorted({spec.assignment for spec in specs})
        if assignment not in known:
            raise ValueError(f"unknown assignment {assignment!r}; known: {', '.join(known)}")
        matching = [spec for spec in matching if spec.assignment == assignment]
    if not matching:
        where = f" in assignment {assignment!r}" if assignment else ""
        names = ", ".join(sorted({spec.name for spec in specs}))
        raise ValueError(f"no course function {name!r}{where} to check; checkable: {names}")
    if len(matching) > 1:
        choices = ", ".join(sorted(spec.assignment for spec in matching))
        raise ValueError(
            f"{name} is a function of several assignments ({choices}): "
            f"say which with assignment=, e.g. check({name}, assignment={matching[0].assignment!r})"
        )
    return matching[0]
