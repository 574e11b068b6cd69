"""The layering contract (scripts/layers.py) holds, and it would catch a break."""

import importlib.util
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("layers", ROOT / "scripts" / "layers.py")
assert spec is not None and spec.loader is not None
layers = importlib.util.module_from_spec(spec)
sys.modules["layers"] = layers
spec.loader.exec_module(layers)

PACKAGE = ROOT / "src" / "chainrule"


def test_every_import_points_down_and_no_module_is_in_a_circle() -> None:
    assert layers.violations(PACKAGE) == []


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    copy = tmp_path / "chainrule"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / module).open("a", encoding="utf-8") as file:
        file.write(line)
    return copy


def test_an_upward_import_inside_a_function_is_refused(tmp_path: Path) -> None:
    copy = _copy_with(
        tmp_path,
        "functions/pairs.py",
        "\n\ndef probe():\n    from chainrule.tools.network import Network\n",
    )
    found = layers.violations(copy)
    assert any(
        "chainrule.functions.pairs (functions) imports chainrule.tools.network" in line
        for line in found
    ), found


def test_an_upward_import_under_type_checking_is_refused(tmp_path: Path) -> None:
    copy = _copy_with(
        tmp_path,
        "core/shapes.py",
        "\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from chainrule.training.history import History\n",
    )
    assert any(
        "chainrule.core.shapes (core) imports chainrule.training.history" in line
        for line in layers.violations(copy)
    )


def test_a_circle_within_one_layer_is_refused(tmp_path: Path) -> None:
    copy = _copy_with(
        tmp_path, "training/history.py", "\n\ndef probe():\n    import chainrule.training.trainer\n"
    )
    assert any(line.startswith("import circle:") for line in layers.violations(copy))


def test_a_private_name_taken_from_another_module_is_refused(tmp_path: Path) -> None:
    copy = _copy_with(
        tmp_path,
        "tools/compare.py",
        "\n\ndef probe():\n    from chainrule.tools.derive import _resolve\n"
        "    from chainrule.core import model\n    return _resolve, model._hidden\n",
    )
    found = layers.violations(copy)
    assert "chainrule.tools.compare imports the private chainrule.tools.derive._resolve" in found
    assert "chainrule.tools.compare uses the private model._hidden" in found
