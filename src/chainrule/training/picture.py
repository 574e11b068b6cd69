"""The figure chainrule's pictures are drawn on: a matplotlib Figure that shows itself.

A :class:`Picture` is built without pyplot, so it never touches the
user's backend or pyplot's list of open figures, and nothing keeps it
alive but the caller. As the last expression of a notebook cell it shows
as a PNG through :meth:`Picture._repr_png_` (IPython asks for it), whatever
backend is in use and whether or not pyplot was ever imported.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure

#: Dots per inch of the PNG a notebook shows and of the files written.
DPI = 110


class Picture(Figure):
    """A :class:`matplotlib.figure.Figure` with a PNG for notebooks; ``savefig`` works as usual."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        with np.errstate(over="ignore", invalid="ignore"):  # lines far beyond the axes' limits
            self.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()
