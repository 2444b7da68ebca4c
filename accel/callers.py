"""Where accel's warnings point: at the user's line, as NumPy's and Python's own do."""
from __future__ import annotations

import os
import sys

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def callers_level() -> int:
    """``stacklevel`` of the first frame outside accel, for a warning issued by this function's caller.

    A fixed level would name the user's line for ``accel.mean(x)`` but accel's own for ``x.mean()``.
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level
