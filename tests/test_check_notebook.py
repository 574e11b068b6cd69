"""chainrule check NOTEBOOK: graded functions found, each checked in a child process."""

import json
from pathlib import Path

import pytest

from chainrule.course.checking import SPECS
from chainrule.course.checking.notebook import check_notebook, code_cells, definitions

RIGHT_LINEAR_FORWARD = """
def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache
"""
RIGHT_LINEAR_BACKWARD = """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m
"""
WRONG_COMPUTE_COST = """
def compute_cost(AL, Y):
    m = Y.shape[1]
    return -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))   # the 1/m is missing
"""
LOOPING_RELU = """
def relu(Z):
    while True:
        pass
"""


def _notebook(path: Path, *cells: str) -> Path:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Step by step"]},
            *(
                {
                    "cell_type": "code",
                    "metadata": {},
                    "source": cell.splitlines(keepends=True),
                    "outputs": [],
                    "execution_count": None,
                }
                for cell in cells
            ),
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook))
    return path


def test_only_imports_and_definitions_are_kept(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path / "a.ipynb",
        "import numpy as np\nfrom testCases import *\n%matplotlib inline\nprint('top level')\n",
        RIGHT_LINEAR_FORWARD + "\nlinear_forward(1, 2, 3)\n",
        "this is not python (\n",
    )
    source, names = definitions(code_cells(path))
    assert names == ["linear_forward"]
    assert "print" not in source and "linear_forward(1, 2, 3)" not in source
    assert "except Exception" in source  # the course's test helpers may be missing here


def test_three_graded_functions_one_wrong(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path / "step_by_step.ipynb",
        "import numpy as np",
        RIGHT_LINEAR_FORWARD,
        WRONG_COMPUTE_COST,
        RIGHT_LINEAR_BACKWARD,
        "while True:\n    pass\n",  # top-level code never runs
    )
    verdicts = {v.function: v for v in check_notebook(path, SPECS)}
    assert set(verdicts) == {"linear_forward", "compute_cost", "linear_backward"}
    assert verdicts["linear_forward"].passed and verdicts["linear_backward"].passed
    assert verdicts["compute_cost"].status == "failed"
    assert "scale" in verdicts["compute_cost"].causes


def test_an_infinite_loop_is_stopped_by_the_time_limit(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "loop.ipynb", "import numpy as np", LOOPING_RELU)
    (verdict,) = check_notebook(path, SPECS, assignment="deep", timeout=5)
    assert verdict.status == "timed out"
    assert "did not return within 5 s" in verdict.explanation


def test_a_file_that_is_not_a_notebook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.ipynb"
    path.write_text("not json")
    with pytest.raises(ValueError, match="not a Jupyter notebook"):
        check_notebook(path, SPECS)


def test_a_notebook_without_graded_functions_is_refused(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "empty.ipynb", "def helper(x):\n    return x\n")
    with pytest.raises(ValueError, match="none of the course's graded functions"):
        check_notebook(path, SPECS)


def test_the_command_prints_one_verdict_per_function_and_fails(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from chainrule.adapters.cli import app

    path = _notebook(
        tmp_path / "nb.ipynb",
        "import numpy as np",
        RIGHT_LINEAR_FORWARD,
        WRONG_COMPUTE_COST,
        RIGHT_LINEAR_BACKWARD,
    )
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "linear_forward: passed" in lines and "linear_backward: passed" in lines
    assert any(line.startswith("compute_cost: failed (scale)") for line in lines)
    assert "2 passed, 1 failed" in lines


def test_the_command_refuses_a_missing_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from chainrule.adapters.cli import app

    result = CliRunner().invoke(app, ["check", str(tmp_path / "none.ipynb")])
    assert result.exit_code == 1 and "error:" in result.output
