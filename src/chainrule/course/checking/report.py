"""The checker's verdict: which cases failed, which mistakes explain them, and why.

``str(report)`` explains the first failing case in words: which output
differs and by how much, the likely cause, the line of the course's formula
that computes that output, and a hint. It never shows the solution's code.
``report._repr_html_()`` shows the same in a notebook.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from chainrule.course.checking.diagnosis import Finding

#: Each tag's cause in plain words, and a hint that points without giving the code.
CAUSES: dict[str, tuple[str, str]] = {
    "sign": (
        "the result has the opposite sign",
        "check the sign of the derivative you start from (dA[L] = −(Y/A − (1 − Y)/(1 − A))) "
        "and of each update (θ = θ − α dθ)",
    ),
    "scale": (
        "the result is off by a constant factor",
        "look for a missing or extra 1/m, m, 2, λ/m or keep_prob: the factor is named above",
    ),
    "transpose": (
        "the result is the transpose of the expected one",
        "write the shapes of both factors of each product: "
        "(n[l] × m)(m × n[l−1]) gives n[l] × n[l−1]",
    ),
    "elementwise": (
        "`*` (entry by entry) is used where a matrix product belongs, or the reverse",
        "np.dot or @ for products of matrices in the formula; `*` only for ⊙",
    ),
    "keepdims": (
        "the values are right but the shape is not",
        "a sum over the examples keeps its column: np.sum(…, axis=1, keepdims=True); "
        "a cost is a number: np.squeeze",
    ),
    "axis": (
        "the sum or mean runs over the wrong axis",
        "examples are columns: sum over them with axis=1",
    ),
    "layer offset": (
        "the outputs are shifted by one layer",
        "check the loop's range and the index each key is written with (dW[l] with A[l−1])",
    ),
    "derivative": (
        "the wrong derivative g' is used, or it is evaluated at A where Z belongs (or the reverse)",
        "g'(Z) comes from the Z kept in the cache; σ' = A(1 − A) only with A = σ(Z)",
    ),
    "missing derivative": (
        "g' is left out of dZ",
        "dZ[l] = dA[l] ⊙ g'(Z[l]): multiply by the activation's derivative",
    ),
    "mask": (
        "the dropout mask D[l] is not applied to dA[l] (or applied where it does not belong)",
        "backward uses the forward pass's masks: dA[l] = dA[l] ⊙ D[l] / keep_prob",
    ),
    "epsilon": (
        "ε is added in the wrong place",
        "Adam divides by √ŝ + ε: ε outside the square root",
    ),
    "cache": (
        "a cache holds the wrong arrays, or them in another order",
        "linear_cache = (A_prev, W, b) and cache = (linear_cache, Z), in that order",
    ),
    "shape": (
        "an output has the wrong shape, or is missing",
        "print the shape of each output and compare it with the formula's",
    ),
    "exception": ("the function raised an exception", "read the failing line and the shapes named"),
    "mutates input": (
        "the function changed one of its arguments in place",
        "work on copies (A = A.copy()) or build new arrays instead of writing into the inputs",
    ),
    "random state": (
        "the random numbers differ, as when the course's seeding is not followed",
        "seed exactly where the notebook seeds, and draw the arrays in the notebook's order",
    ),
}


@dataclass
class CaseFailure:
    """One case on which the learner's function and the reference disagree."""

    label: str
    inputs: str
    findings: list[Finding] = field(default_factory=list)
    exception: str | None = None
    tags: set[str] = field(default_factory=set)
    formulas: dict[str, str] = field(default_factory=dict)


@dataclass
class CheckReport:
    """The verdict on one function: ``passed``, ``causes`` (tags) and the failures."""

    function: str
    assignment: str
    cases: int
    failures: list[CaseFailure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every output of every case agrees with the reference."""
        return not self.failures

    @property
    def causes(self) -> set[str]:
        """The tags of the mistakes that explain the differences, over all cases."""
        return set().union(*(failure.tags for failure in self.failures)) if self.failures else set()

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else f"failed {len(self.failures)}"
        causes = sorted(self.causes)
        return f"CheckReport({self.function!r}, {verdict} of {self.cases} cases, causes={causes})"

    def lines(self) -> list[str]:
        """The explanation, line by line (what ``str`` joins)."""
        name = f"{self.function} ({self.assignment})"
        if self.passed:
            return [
                f"{name} passes: all {self.cases} cases agree with chainrule's reference "
                "at the course's tolerance."
            ]
        first = self.failures[0]
        out = [
            f"{name} fails {len(self.failures)} of {self.cases} cases; "
            f"likely causes: {', '.join(sorted(self.causes)) or 'unknown'}.",
            f"First failing case: {first.label}; inputs {first.inputs}.",
        ]
        if first.exception is not None:
            out.append(f"  It raised: {first.exception}")
        for finding in first.findings:
            by = (
                ""
                if finding.difference is None
                else f" (largest difference {finding.difference:.3g})"
            )
            tag = f" [{finding.tag}]" if finding.tag else ""
            out.append(f"  {finding.output} {finding.detail}{by}{tag}")
        for tag in sorted(first.tags):
            cause, hint = CAUSES.get(tag, (tag, ""))
            out.append(f"  Cause ({tag}): {cause}. Hint: {hint}.")
        for output, formula in first.formulas.items():
            out.append(f"  The course's formula for {output}: {formula}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        rows = "".join(f"<li>{html.escape(line.strip())}</li>" for line in self.lines()[1:])
        colour = "#1a7f37" if self.passed else "#cf222e"
        head = html.escape(self.lines()[0])
        return f'<div><p style="color:{colour}"><b>{head}</b></p><ul>{rows}</ul></div>'
