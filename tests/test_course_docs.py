"""docs/course/*.md run: each page's ```python blocks are executed in order, in one namespace.

The pages are our own files, not user input; their blocks assert what the prose claims.
The block extraction is test_tutorial's ``python_blocks``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_tutorial import python_blocks

PAGES = sorted((Path(__file__).resolve().parents[1] / "docs" / "course").glob("*.md"))


def test_every_assignment_has_a_page():
    assert {page.stem for page in PAGES} == {
        "logistic_regression",
        "planar",
        "deep",
        "initialization",
        "regularization",
        "gradient_checking",
        "optimization",
        "check",
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_page_runs(page, capsys):
    blocks = python_blocks(page.read_text(encoding="utf-8"))
    assert blocks
    namespace: dict[str, object] = {"__name__": f"docs_course_{page.stem}"}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"{page.name}, block {number}", "exec"), namespace)
    assert capsys.readouterr().out
