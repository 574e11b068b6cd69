"""Progress while fit runs, where the user is: a terminal, a notebook, or a log.

:func:`progress` picks one display for ``verbose`` and the output:

* ``verbose=0``: nothing;
* ``verbose=1`` in a terminal: a rich bar with the epoch counter, the time
  elapsed, the ETA and, on a line of its own, the latest cost and metric
  (readable at 80 columns; the bar is redrawn in place and left at the end);
* ``verbose=1`` in a Jupyter notebook (an IPython kernel): one line, an HTML
  progress bar and the same facts, updated in place through
  ``display(..., display_id=True)`` and ``handle.update(...)`` (no ipywidgets);
* ``verbose=1`` anywhere else (a pipe, a file, CI): a plain line every
  ``every_n(epochs)`` epochs, at most about 50 lines a fit, and the last epoch;
* ``verbose=2``: a plain line per epoch, everywhere, as in Keras.

Plain lines go to ``sys.stdout`` as it is when fit starts (so redirecting it,
or pytest's capsys, captures them).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from chainrule.training.history import History

#: What the trainer calls after each epoch with the history so far.
Advance = Callable[["History"], None]

#: At most about this many plain lines for one fit at verbose=1.
MAX_LINES = 50

#: A notebook's display is redrawn at most this often (seconds), and after the last epoch.
NOTEBOOK_INTERVAL = 0.1


def every_n(epochs: int, lines: int = MAX_LINES) -> int:
    """The epochs between two plain lines: 1 up to ``lines`` epochs, then ⌈epochs / lines⌉.

    >>> every_n(30), every_n(500), every_n(10_000)
    (1, 10, 200)
    """
    return max(1, math.ceil(epochs / lines))


def in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython's shell runs under an IPKernelApp).

    IPython is asked only when it is already imported, as it always is in a
    kernel, so that a script never pays for importing it.
    """
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _clock(seconds: float) -> str:
    """``m:ss`` (``h:mm:ss`` from an hour), as rich writes times."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class _Timing:
    """Epochs done out of ``epochs``, the time since the start and the ETA."""

    def __init__(self, epochs: int) -> None:
        self.epochs = epochs
        self.start = time.perf_counter()

    def times(self, done: int) -> str:
        """``0:03 < ETA 1:57``: the time so far and, at the pace so far, the time left."""
        elapsed = time.perf_counter() - self.start
        eta = _clock(elapsed / done * (self.epochs - done)) if done else "-:--"
        return f"{_clock(elapsed)} < ETA {eta}"

    def line(self, done: int) -> str:
        """``epoch 12/500 [0:03 < ETA 1:57]``."""
        return f"epoch {done}/{self.epochs} [{self.times(done)}]"


@contextmanager
def plain_lines(epochs: int, every: int, stream: TextIO | None = None) -> Iterator[Advance]:
    """A line every ``every`` epochs (and for the last epoch run) on ``stream`` (stdout)."""
    out = sys.stdout if stream is None else stream
    timing = _Timing(epochs)
    last: list[History] = []
    shown = [0]

    def write(history: History) -> None:
        out.write(f"{timing.line(len(history))} {history.latest()}\n")
        out.flush()
        shown[0] = len(history)

    def advance(history: History) -> None:
        last[:] = [history]
        if len(history) % every == 0 or len(history) == epochs:
            write(history)

    yield advance
    if last and shown[0] != len(last[0]):  # stopped early between two lines
        write(last[0])


@contextmanager
def terminal_bar(epochs: int, console: Console | None = None) -> Iterator[Advance]:
    """A rich bar: ``epoch  12/500 ━━━━━━━ 0:03 < ETA 1:57``, the metrics on the line below.

    The counter, the bar and the times take under 60 columns; the metrics
    have a line of their own, cut with an ellipsis if the console is narrower.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.text import Text

    class Bar(Progress):
        def get_renderables(self) -> Iterator[Any]:
            yield self.make_tasks_table(self.tasks)
            for task in self.tasks:
                yield Text(task.fields["status"], no_wrap=True, overflow="ellipsis")

    columns = (
        TextColumn("epoch"),
        MofNCompleteColumn(),
        BarColumn(bar_width=24),
        TextColumn("{task.fields[times]}"),
    )
    timing = _Timing(epochs)
    with Bar(*columns, console=console, transient=False) as bar:
        task = bar.add_task("fit", total=epochs, status="", times=timing.times(0))

        def advance(history: History) -> None:
            done = len(history)
            bar.update(task, completed=done, status=history.latest(), times=timing.times(done))

        yield advance


class NotebookProgress:
    """What a notebook shows while fit runs: an HTML bar and one line of text."""

    def __init__(self, epochs: int) -> None:
        self.timing = _Timing(epochs)
        self.done = 0
        self.status = "starting"

    def __repr__(self) -> str:
        return f"{self.timing.line(self.done)} {self.status}"

    def _repr_html_(self) -> str:
        return (
            f'<progress value="{self.done}" max="{self.timing.epochs}" style="width: 30em">'
            f"</progress> <code>{escape(repr(self))}</code>"
        )


@contextmanager
def notebook_display(epochs: int) -> Iterator[Advance]:
    """A display updated in place (``display_id``), at most every NOTEBOOK_INTERVAL seconds."""
    from IPython.display import display

    shown = NotebookProgress(epochs)
    handle = display(shown, display_id=True)
    drawn = [time.perf_counter()]

    def advance(history: History) -> None:
        shown.done, shown.status = len(history), history.latest()
        now = time.perf_counter()
        if now - drawn[0] >= NOTEBOOK_INTERVAL or len(history) == epochs:
            handle.update(shown)
            drawn[0] = now

    yield advance
    handle.update(shown)  # the last epoch run, also when fit stopped early


@contextmanager
def progress(verbose: int, epochs: int, metric_name: str) -> Iterator[Advance | None]:
    """The display for ``verbose`` and where the output goes (see the module docstring).

    Yields ``advance(history)``, to call after each epoch, or None when silent.
    ``metric_name`` names the metric the history records (its lines carry it).
    """
    if not verbose or epochs <= 0:
        yield None
        return
    if verbose >= 2:
        chosen = plain_lines(epochs, every=1)
    elif in_notebook():
        chosen = notebook_display(epochs)
    elif getattr(sys.stdout, "isatty", lambda: False)():
        chosen = terminal_bar(epochs)
    else:
        chosen = plain_lines(epochs, every_n(epochs))
    with chosen as advance:
        yield advance
