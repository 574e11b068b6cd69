"""Tables for the objects' ``str()`` and their notebook display (plain Python only).

Every result object of chainrule shows the same facts two ways: as text for
``print`` and a terminal (:func:`text_table`), and as HTML for a notebook's
``_repr_html_`` (:func:`html_table`, cells escaped). Rows are sequences of
strings, already formatted; in text, a column of numbers is right-aligned
(as numbers read best) and any other column left-aligned.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

Row = Sequence[str]


def text_table(headers: Row, rows: Sequence[Row], title: str | None = None) -> str:
    """The table as lines of text: the headers, a rule, then one line per row.

    >>> print(text_table(["g", "size"], [["relu", "4"], ["sigmoid", "10"]]))
    g        size
    -------  ----
    relu        4
    sigmoid    10
    """
    columns = list(zip(headers, *rows, strict=True))
    widths = [max(len(cell) for cell in column) for column in columns]
    numeric = [bool(rows) and all(_is_number(cell) for cell in column[1:]) for column in columns]

    def line(cells: Row) -> str:
        return "  ".join(
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    lines = [] if title is None else [title]
    lines += [line(headers), "  ".join("-" * width for width in widths)]
    lines += [line(row) for row in rows]
    return "\n".join(lines)


def _is_number(cell: str) -> bool:
    """True for a formatted number: ``1.5e-3``, ``33.3%``, ``1,024``, or a dash for none."""
    if cell in ("—", "-", ""):
        return True
    try:
        float(cell.rstrip("%").replace(",", ""))
    except ValueError:
        return False
    return True


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

    >>> table = Table(["g", "size"], [["relu", "4"]], title="sizes")
    >>> table
    Table('sizes', 1 row)
    >>> print(table)
    sizes
    g     size
    ----  ----
    relu     4
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
