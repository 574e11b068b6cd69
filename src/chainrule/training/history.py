"""What fit returns: the cost and the metric of every epoch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from chainrule.base.display import html_table, text_table

#: Why a fit ended before its last epoch (``History.stopped``), in words.
STOPPED = {
    "early": "stopped early",
    "interrupted": "interrupted (Ctrl-C)",
    "diverging": "stopped: the cost rose a thousandfold",
    "diverged": "stopped: diverged",
}


def number(value: float, digits: int = 5) -> str:
    """``value`` with ``digits`` significant digits, in scientific notation from 10^digits
    and below 1e-4, so that a huge cost never prints as a row of digits.

    >>> number(0.123456), number(2.3e16), number(-3.7e12, 4), number(float("inf"))
    ('0.12346', '2.3e+16', '-3.7e+12', 'inf')
    """
    return f"{value:.{digits}g}"


def metric_text(value: float) -> str:
    """A metric (accuracy or R²) with 4 decimals, scientific when it is huge (R² −3.7e12)."""
    return f"{value:.4f}" if abs(value) < 1e6 else f"{value:.4g}"


if TYPE_CHECKING:
    from chainrule.training.picture import Picture


@dataclass(repr=False)
class History:
    """Per-epoch records of one call to fit.

    ``cost[i]`` is the training cost J of epoch i and ``metric[i]`` its
    training metric, both over the mini-batches as they were trained on
    (before each step, with the L2 term and through dropout: the quantity
    being minimized); ``val_cost`` and ``val_metric`` are those of the
    validation data after the epoch (no dropout, data cost only, no L2
    term), empty without validation. ``metric_name`` is ``"accuracy"`` or
    ``"r2"``. Indexing, ``len`` and iteration give the costs, so
    ``history[-1]`` is the last epoch's cost.

    ``stopped`` says why the fit ended before its last epoch, or is None:
    ``"early"`` (early stopping; ``stopped_early`` is then True),
    ``"interrupted"`` (Ctrl-C: fit returned after the batch it was on),
    ``"diverging"`` (the cost rose a thousandfold: a DivergenceWarning) or
    ``"diverged"`` (set on the History that TrainingDiverged carries).

    ``print(history)`` shows a short summary (first, best and last value of
    each record), however many epochs; a notebook shows it as a table, and
    :meth:`plot` draws every epoch.
    """

    metric_name: str
    cost: list[float] = field(default_factory=list)
    metric: list[float] = field(default_factory=list)
    val_cost: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped: str | None = None

    @property
    def stopped_early(self) -> bool:
        """True when early stopping ended the fit (``stopped == "early"``)."""
        return self.stopped == "early"

    def __getitem__(self, index: int) -> float:
        return self.cost[index]

    def __len__(self) -> int:
        return len(self.cost)

    def __iter__(self) -> Iterator[float]:
        return iter(self.cost)

    def summary(self) -> str:
        """The last epoch in one line: its number, then :meth:`latest`."""
        if not self.cost:
            return "no epochs"
        return f"epoch {len(self.cost)}, {self.latest()}"

    def latest(self) -> str:
        """The last epoch's cost and metric, training and validation, in one line."""
        if not self.cost:
            return "no epochs"
        parts = [
            f"cost {number(self.cost[-1])}",
            f"{self.metric_name} {metric_text(self.metric[-1])}",
        ]
        if self.val_cost:
            parts += [
                f"val cost {number(self.val_cost[-1])}",
                f"val {self.metric_name} {metric_text(self.val_metric[-1])}",
            ]
        return ", ".join(parts)

    def _records(self) -> list[tuple[str, list[float], bool]]:
        """(name, values, higher is better) for each record that has values."""
        records = [
            ("cost", self.cost, False),
            (self.metric_name, self.metric, True),
            ("val cost", self.val_cost, False),
            (f"val {self.metric_name}", self.val_metric, True),
        ]
        return [record for record in records if record[1]]

    def _rows(self) -> tuple[list[str], list[list[str]]]:
        """The summary table: first, best (and its epoch, counted from 1) and last value."""
        headers = ["record", "first", "best", "best epoch", "last"]
        rows = []
        for name, values, higher in self._records():
            pick = max if higher else min
            best = pick(range(len(values)), key=values.__getitem__)
            rows.append(
                [
                    name,
                    f"{values[0]:.5g}",
                    f"{values[best]:.5g}",
                    str(best + 1),
                    f"{values[-1]:.5g}",
                ]
            )
        return headers, rows

    def _headline(self) -> str:
        if not self.cost:
            return "History: no epochs"
        line = f"History: {len(self.cost)} epoch{'s' if len(self.cost) != 1 else ''}"
        if self.learning_rate and self.learning_rate[0] != self.learning_rate[-1]:
            line += f", α {self.learning_rate[0]:.3g} → {self.learning_rate[-1]:.3g}"
        elif self.learning_rate:
            line += f", α = {self.learning_rate[0]:.3g}"
        if self.stopped is not None:
            line += f", {STOPPED.get(self.stopped, self.stopped)}"
        if self.best_epoch is not None:
            line += f", parameters of epoch {self.best_epoch + 1} kept as the best"
        return line

    def __repr__(self) -> str:
        if not self.cost:
            return f"History(metric_name={self.metric_name!r}, no epochs)"
        return (
            f"History({len(self.cost)} epoch{'s' if len(self.cost) != 1 else ''}, "
            f"cost {self.cost[0]:.4g} → {self.cost[-1]:.4g}, "
            f"{self.metric_name} {self.metric[-1]:.4g})"
        )

    def __str__(self) -> str:
        headers, rows = self._rows()
        if not rows:
            return self._headline()
        return text_table(headers, rows, title=self._headline())

    def _repr_html_(self) -> str:
        headers, rows = self._rows()
        return html_table(headers, rows, caption=self._headline())

    def plot(
        self,
        path: str | Path | None = None,
        title: str | None = None,
        validation_label: str = "validation",
    ) -> Picture:
        """The learning curve: cost J (left) and the metric (right) per epoch.

        Training and, when the history has them, validation records (that curve
        is called ``validation_label``). Returns the matplotlib Figure, shown
        inline in a notebook, and writes it to ``path`` when given (format by
        suffix, PNG without one).
        """
        from chainrule.training.figures import new_figure, save

        figure, axes = new_figure(1, 2, (10, 4))
        epochs = range(1, len(self) + 1)
        panels = (
            ("cost J", self.cost, self.val_cost),
            (self.metric_name, self.metric, self.val_metric),
        )
        for axis, (label, train, validation) in zip(axes[0], panels, strict=True):
            axis.plot(epochs, train, label="training", color="tab:blue")
            if validation:
                axis.plot(epochs, validation, label=validation_label, color="tab:orange")
            axis.set(xlabel="epoch", ylabel=label, title=f"{label} per epoch")
            axis.grid(alpha=0.3)
            axis.legend()
        if title:
            figure.suptitle(title)
        return save(figure, path)
