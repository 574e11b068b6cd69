"""Tables for the objects' ``str()`` and their notebook display (plain Python only).

Every result object of chainrule shows the same facts two ways: as text for
``print`` and a terminal (:func:`text_table`), and as HTML for a notebook's
``_repr_html_`` (:func:`html_table`, cells escaped). Rows are sequences of
strings, already formatted; the first column is left-aligned, the others
right-aligned, as numbers read best.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

Row = Sequence[str]


def text_table(headers: Row, rows: Sequence[Row], title: str | None = None) -> str:
    """The table as lines of text: the headers, a rule, then one line per row.

    >>> print(text_table(["layer", "size"], [["1", "4"], ["2", "10"]]))
    layer  size
    -----  ----
    1         4
    2        10
    """
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Row) -> str:
        first, *others = (
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join([first, *others]).rstrip()

    lines = [] if title is None else [title]
    lines += [line(headers), "  ".join("-" * width for width in widths)]
    lines += [line(row) for row in rows]
    return "\n".join(lines)


def html_table(
    headers: Row, rows: Sequence[Row], caption: str | None = None, footer: str | None = None
) -> str:
    """The table as an HTML ``<table>`` (cells escaped), with an optional caption and footer line.

    >>> html_table(["a"], [["<1>"]])
    '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>&lt;1&gt;</td></tr></tbody></table>'
    """

    def cells(tag: str, row: Row) -> str:
        return "<tr>" + "".join(f"<{tag}>{escape(cell)}</{tag}>" for cell in row) + "</tr>"

    parts = ["<table>"]
    if caption is not None:
        parts.append(f"<caption>{escape(caption)}</caption>")
    parts.append(f"<thead>{cells('th', headers)}</thead>")
    parts.append("<tbody>" + "".join(cells("td", row) for row in rows) + "</tbody>")
    parts.append("</table>")
    if footer is not None:
        parts.append(f"<p>{escape(footer)}</p>")
    return "".join(parts)


class Table:
    """A table that prints as text and shows as HTML in a notebook.

    >>> table = Table(["layer", "size"], [["1", "4"]], title="sizes")
    >>> table
    Table('sizes', 1 row)
    >>> print(table)
    sizes
    layer  size
    -----  ----
    1         4
    """

    def __init__(
        self,
        headers: Row,
        rows: Sequence[Row],
        title: str | None = None,
        footer: str | None = None,
    ) -> None:
        self.headers = tuple(headers)
        self.rows = tuple(tuple(row) for row in rows)
        self.title = title
        self.footer = footer

    def __repr__(self) -> str:
        count = f"{len(self.rows)} row{'s' if len(self.rows) != 1 else ''}"
        return f"Table({self.title!r}, {count})"

    def __str__(self) -> str:
        text = text_table(self.headers, self.rows, self.title)
        return text if self.footer is None else f"{text}\n{self.footer}"

    def _repr_html_(self) -> str:
        return html_table(self.headers, self.rows, self.title, self.footer)
