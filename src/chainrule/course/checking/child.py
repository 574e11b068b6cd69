"""The child process of ``chainrule check``: one learner function, checked, as one JSON line.

Usage: ``python -m chainrule.course.checking.child MODULE.py FUNCTION ASSIGNMENT``.
MODULE.py holds only the imports and function definitions taken from the
learner's notebook (:mod:`chainrule.course.checking.notebook`); it is loaded
as a module, in this separate process, on the learner's request.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import warnings

from chainrule.course.checking import check


def main(argv: list[str]) -> int:
    path, name, assignment = argv[1:4]
    spec = importlib.util.spec_from_file_location("learner_notebook", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = check(getattr(module, name), assignment=assignment)
    status = "passed" if report.passed else "failed"
    print(
        json.dumps({"status": status, "causes": sorted(report.causes), "explanation": str(report)})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
