"""docs/notebooks run on a real Jupyter kernel, and show what they promise.

Each notebook is executed by nbclient on an IPython kernel started with this
interpreter (a kernel spec written to a temporary JUPYTER_PATH, so a fresh
clone's ``make test`` needs no ``ipykernel install``). Cells are tagged with
what they must show: ``figure`` an image/png, ``progress`` a display updated
by fit, ``display`` an object's HTML, Markdown or LaTeX. No cell may raise or
write to stderr.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import chainrule

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "docs" / "notebooks"
KERNEL = "chainrule-test-python3"
RICH = ("text/html", "text/markdown", "text/latex")


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JUPYTER_PATH whose one kernel runs ``sys.executable -m ipykernel_launcher``."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "chainrule tests", "language": "python"})
    )
    return root


def _run(path: Path, kernel_path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_path))
    # The kernel imports the chainrule these tests import, wherever that is (src/ or installed).
    package_root = str(Path(chainrule.__file__).resolve().parent.parent)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    )
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=60,  # seconds per cell
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return notebook


def test_the_notebooks_are_committed_without_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "why-dA-is-not-A-minus-Y.ipynb",
        "training-on-breast-cancer.ipynb",
        "deep-network-exercise.ipynb",
    ],
)
def test_notebook_runs_and_shows_its_outputs(name, kernel_path, tmp_path, monkeypatch):
    notebook = _run(NOTEBOOKS / name, kernel_path, tmp_path, monkeypatch)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        where = f"{name}, cell {index}"
        kinds = [output.output_type for output in cell.outputs]
        assert "error" not in kinds, where
        stderr = [o.text for o in cell.outputs if o.get("name") == "stderr"]
        assert not stderr, f"{where} wrote to stderr: {stderr}"
        shown = [o.get("data", {}) for o in cell.outputs]
        tags = cell.metadata.get("tags", [])
        if "figure" in tags:
            assert any("image/png" in data for data in shown), where
            png = next(data["image/png"] for data in shown if "image/png" in data)
            assert len(png) > 10_000, where  # base64 of a real picture, not an empty canvas
        if "display" in tags:
            assert any(kind in data for data in shown for kind in RICH), where
        if "progress" in tags:
            bars = [d["text/html"] for d in shown if "<progress" in d.get("text/html", "")]
            assert bars, where
            # The display was updated in place to the last epoch: one output, not one per epoch.
            assert len(cell.outputs) == 1, where
            assert 'value="150" max="150"' in bars[-1], where
