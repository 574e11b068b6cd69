"""`chainrule demo`: the breast-cancer main job of `make demo`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chainrule as cr
from chainrule.adapters import cli


def test_main_job_prints_the_formulas_the_check_and_reaches_95_percent() -> None:
    result = CliRunner().invoke(cli.app, ["demo"])
    assert result.exit_code == 0, result.output
    out = result.output

    # The output layer's formulas for sigmoid + bce, and the verdict.
    assert "bce + sigmoid" in out
    for line in (
        "dA[L] = ∂L/∂a",
        "= a⋅(1 - a)",  # g'(z) written through a
        "dZ[L] = dA[L] · g'(Z[L])",
        "= a - y",  # simplified
        "natural pair: dZ[L] = A[L] − Y",
    ):
        assert line in out

    check = re.search(r"Gradient check.*difference (\S+) (\w+)", out)
    assert check is not None, out
    assert float(check.group(1)) < 2e-7
    assert check.group(2) == "ok"

    costs = [float(c) for c in re.findall(r"epoch\s+\d+\s+cost (\S+)", out)]
    assert len(costs) >= 3
    assert costs == sorted(costs, reverse=True)  # the cost falls

    accuracy = re.search(r"Test accuracy: ([\d.]+)%", out)
    assert accuracy is not None, out
    assert float(accuracy.group(1)) >= 95.0


def test_version_command() -> None:
    result = CliRunner().invoke(cli.app, ["version"])
    assert result.exit_code == 0
    assert result.output.strip() == cr.__version__


@pytest.mark.slow
def test_python_dash_m_chainrule_runs_the_main_job() -> None:
    source = str(Path(cr.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "chainrule", "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Gradient check" in done.stdout
    accuracy = re.search(r"Test accuracy: ([\d.]+)%", done.stdout)
    assert accuracy is not None, done.stdout
    assert float(accuracy.group(1)) >= 95.0
