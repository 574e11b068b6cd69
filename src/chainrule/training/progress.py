"""The progress display of :func:`chainrule.training.trainer.fit`: one bar over the epochs.

``progress(verbose, epochs, metric_name)`` is a context manager that yields an
``advance(history)`` callable, called once after each epoch with the
:class:`~chainrule.training.history.History` so far, or None when nothing is
shown (``verbose=0``, or the output is not a terminal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from chainrule.training.history import History

Advance = Callable[[History], None]


@contextmanager
def progress(verbose: int, epochs: int, metric_name: str) -> Iterator[Advance | None]:
    """A rich progress bar over the epochs; None when silent (verbose=0 or not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console()
    if not verbose or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("epoch"),
        MofNCompleteColumn(),
        BarColumn(),
        TextColumn("{task.fields[status]}"),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("fit", total=epochs, status=f"cost …  {metric_name} …")

        def advance(history: History) -> None:
            bar.update(task, advance=1, status=history.summary())

        yield advance
