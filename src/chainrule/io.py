"""``chainrule.io``: model files, kept under the name users import.

The code lives in :mod:`chainrule.tools.model_files`.
"""

from chainrule.tools.model_files import (
    ModelFileError,
    SavedModel,
    TrainedOn,
    describe,
    load,
    read_model,
    save,
)

__all__ = ["ModelFileError", "SavedModel", "TrainedOn", "describe", "load", "read_model", "save"]
