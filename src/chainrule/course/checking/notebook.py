"""Check the graded functions of a learner's course notebook, each in a separate process.

``check_notebook(path)`` reads the notebook's JSON, keeps from its code cells
only the import statements and the function definitions (parsed with
``ast``; every other statement is dropped, so no top-level code of the
notebook runs, and an import that fails is skipped), and writes them to a
temporary module. Then each graded function found runs through
:func:`chainrule.course.check` in a child Python process with a time limit
(``python -m chainrule.course.checking.child``), so that an infinite loop is
stopped and reported, and the learner's code never runs in this process. It
runs only on the learner's request, and opens no network connection.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chainrule.course.checking.spec import Spec

#: Notebook lines that are IPython, not Python: magics and shell escapes.
_IPYTHON_PREFIXES = ("%", "!")
_MAX_NOTEBOOK_BYTES = 50 * 2**20


@dataclass(frozen=True)
class Verdict:
    """One graded function's result: ``status`` is "passed", "failed" or "timed out"."""

    function: str
    status: str
    causes: tuple[str, ...]
    explanation: str

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def code_cells(path: Path) -> list[str]:
    """The source of each code cell of the notebook at ``path`` (IPython lines dropped)."""
    if path.stat().st_size > _MAX_NOTEBOOK_BYTES:
        raise ValueError(
            f"{path} is over {_MAX_NOTEBOOK_BYTES // 2**20} MiB: not a course notebook"
        )
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not a Jupyter notebook (.ipynb JSON): {error}") from None
    sources = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        lines = [
            line for line in text.splitlines() if not line.lstrip().startswith(_IPYTHON_PREFIXES)
        ]
        sources.append("\n".join(lines))
    return sources


def _guarded(node: ast.stmt) -> ast.stmt:
    """An import wrapped so that a module missing here (the course's test files) is skipped."""
    handler = ast.ExceptHandler(
        type=ast.Name("Exception", ast.Load()), name=None, body=[ast.Pass()]
    )
    return ast.Try(body=[node], handlers=[handler], orelse=[], finalbody=[])


def definitions(sources: Sequence[str]) -> tuple[str, list[str]]:
    """(module source with only imports and function definitions, the functions' names).

    A cell that does not parse is skipped whole; a later definition of a name
    replaces an earlier one, as re-running cells in order would.
    """
    kept: list[ast.stmt] = []
    names: list[str] = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                kept.append(_guarded(node))
            elif isinstance(node, ast.FunctionDef):
                kept.append(node)
                names = [name for name in names if name != node.name] + [node.name]
    module = ast.Module(body=kept, type_ignores=[])
    return ast.unparse(ast.fix_missing_locations(module)), names


def choose_assignment(names: Sequence[str], specs: Sequence[Spec]) -> str:
    """The assignment whose checkable functions the notebook defines most of."""
    counts = Counter(spec.assignment for spec in specs if spec.name in names)
    if not counts:
        known = ", ".join(sorted({spec.name for spec in specs}))
        raise ValueError(f"the notebook defines none of the course's graded functions ({known})")
    return counts.most_common(1)[0][0]


def _run_child(module: Path, name: str, assignment: str, timeout: float) -> Verdict:
    command = [
        sys.executable,
        "-m",
        "chainrule.course.checking.child",
        str(module),
        name,
        assignment,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Verdict(
            name,
            "timed out",
            ("timeout",),
            f"{name} did not return within {timeout:g} s and was stopped "
            "(an infinite loop, or a loop that runs far more iterations than it should?)",
        )
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
        return Verdict(name, result["status"], tuple(result["causes"]), result["explanation"])
    except (IndexError, ValueError, KeyError):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Verdict(name, "failed", ("exception",), f"{name} could not be checked: {last}")


def check_notebook(
    path: str | Path, specs: Sequence[Spec], assignment: str | None = None, timeout: float = 60.0
) -> list[Verdict]:
    """One verdict per graded function the notebook defines (see the module docstring)."""
    source, names = definitions(code_cells(Path(path)))
    chosen = assignment or choose_assignment(names, specs)
    graded = [
        name for name in names if any(s.name == name and s.assignment == chosen for s in specs)
    ]
    if not graded:
        raise ValueError(f"the notebook defines none of the graded functions of {chosen!r}")
    with tempfile.TemporaryDirectory(prefix="chainrule-check-") as folder:
        module = Path(folder) / "learner_notebook.py"
        module.write_text(source, encoding="utf-8")
        return [_run_child(module, name, chosen, timeout) for name in graded]
