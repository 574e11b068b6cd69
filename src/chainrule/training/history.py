"""What fit returns: the cost and the metric of every epoch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
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
    """

    metric_name: str
    cost: list[float] = field(default_factory=list)
    metric: list[float] = field(default_factory=list)
    val_cost: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

    def __getitem__(self, index: int) -> float:
        return self.cost[index]

    def __len__(self) -> int:
        return len(self.cost)

    def __iter__(self) -> Iterator[float]:
        return iter(self.cost)

    def summary(self) -> str:
        """The last epoch in one line: cost and metric, train and validation."""
        if not self.cost:
            return "no epochs"
        parts = [
            f"epoch {len(self.cost)}",
            f"cost {self.cost[-1]:.5g}",
            f"{self.metric_name} {self.metric[-1]:.4f}",
        ]
        if self.val_cost:
            parts += [
                f"val cost {self.val_cost[-1]:.5g}",
                f"val {self.metric_name} {self.val_metric[-1]:.4f}",
            ]
        return ", ".join(parts)
