"""Warnings that point at the user's line, not at a line inside chainrule."""

from __future__ import annotations

import os
import sys
import warnings
from types import FrameType

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def user_stacklevel() -> int:
    """The stacklevel, seen from the caller, of the first frame outside chainrule.

    chainrule's checks are reached through several entry points at different
    depths (output_delta, a Network method, fit); a warning should name the
    user's own line whichever it was.
    """
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


def warn_user(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` at the first frame outside chainrule."""
    warnings.warn(message, category, stacklevel=user_stacklevel())
