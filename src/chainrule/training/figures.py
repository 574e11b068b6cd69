"""Figures without pyplot: make one, write it to a file.

Everything here builds a :class:`~chainrule.training.picture.Picture` (a
matplotlib Figure) directly, never through pyplot: the user's backend and
pyplot's open figures are left as they were, a notebook shows the figure
when it is a cell's last expression, and a file is written only when a
path is given. matplotlib is imported on first use, not with chainrule.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from chainrule.training.picture import Picture


def new_figure(
    rows: int = 1, columns: int = 1, size: tuple[float, float] = (7, 4.5)
) -> tuple[Picture, Any]:
    """A Picture with a (rows, columns) grid of axes (always a 2-D array of them)."""
    from chainrule.training.picture import Picture

    figure = Picture(figsize=size, layout="constrained")
    return figure, figure.subplots(rows, columns, squeeze=False)


def picture_format(path: str | Path) -> str:
    """The format matplotlib writes for ``path``: its suffix, or ``png`` without one.

    Raises ValueError naming the formats matplotlib writes when the suffix is not one.

    >>> picture_format("curve.PDF"), picture_format("curve")
    ('pdf', 'png')
    """
    from matplotlib.backend_bases import FigureCanvasBase

    suffix = Path(path).suffix.lower().lstrip(".")
    if not suffix:
        return "png"
    known = FigureCanvasBase.get_supported_filetypes()
    if suffix not in known:
        raise ValueError(
            f"cannot write a picture to {path}: .{suffix} is not a format matplotlib writes; "
            f"use one of {', '.join('.' + name for name in sorted(known))}"
        )
    return suffix


def save(figure: Picture, path: str | Path | None) -> Picture:
    """Write ``figure`` to ``path`` (format by suffix, PNG without one) unless path is None.

    Returns the figure, so that drawing functions end with ``return save(figure, path)``.
    """
    if path is not None:
        from chainrule.training.picture import DPI

        # The format is passed, not left to savefig, so that a path without a suffix is
        # written as is, as PNG.
        picture = picture_format(path)
        with np.errstate(over="ignore", invalid="ignore"):  # lines far beyond the axes' limits
            figure.savefig(Path(path), dpi=DPI, format=picture)
    return figure
