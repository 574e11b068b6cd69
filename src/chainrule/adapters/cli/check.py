"""``chainrule check NOTEBOOK.ipynb``: the graded functions of a course notebook, checked.

Thin: the notebook is read and each function checked by
:func:`chainrule.course.checking.notebook.check_notebook`, in child processes
with a time limit; this prints one verdict per function and exits 1 when any fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainrule.adapters.cli.options import user_errors
from chainrule.course.checking import SPECS
from chainrule.course.checking.notebook import check_notebook


@user_errors
def check(
    notebook: Annotated[
        Path, typer.Argument(help="a course notebook (.ipynb) with your functions")
    ],
    assignment: Annotated[
        str | None,
        typer.Option(
            help="the assignment (deep, planar, …); guessed from the functions if left out"
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="seconds each function may take before it is stopped")
    ] = 60.0,
) -> None:
    """Check the graded functions a course notebook defines, and say why any is wrong."""
    if not timeout > 0:
        raise ValueError(f"--timeout must be a positive number of seconds, got {timeout}")
    verdicts = check_notebook(notebook, SPECS, assignment, timeout)
    for verdict in verdicts:
        causes = f" ({', '.join(verdict.causes)})" if verdict.causes else ""
        typer.echo(f"{verdict.function}: {verdict.status}{causes}")
        if not verdict.passed:
            for line in verdict.explanation.splitlines():
                typer.echo(f"    {line}")
    failed = sum(not verdict.passed for verdict in verdicts)
    typer.echo(f"{len(verdicts) - failed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``check`` command to ``app``."""
    app.command("check")(check)
