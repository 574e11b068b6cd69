"""docs/tutorial.md runs: its ```python blocks are executed in order, in one namespace.

The tutorial is our own file, not user input, so exec is fine here; its blocks
assert what the prose claims.
"""

from __future__ import annotations

import re
from pathlib import Path

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.DOTALL | re.MULTILINE)


def test_tutorial_runs(capsys):
    blocks = python_blocks(TUTORIAL.read_text(encoding="utf-8"))
    assert len(blocks) >= 12
    namespace: dict[str, object] = {"__name__": "tutorial"}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{TUTORIAL.name}, block {number}", "exec")
        exec(code, namespace)
    printed = capsys.readouterr().out
    assert "Accuracy: " in printed
    assert "sign flipped" in printed
