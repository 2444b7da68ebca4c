"""The CPU backend: NumPy buffers and Numba-jitted kernels.

Importing this package registers its kernels in ``accel.dispatch``. Kernels
are compiled lazily, per dtype actually used, and cached on disk (``cache=True``),
so a process pays Numba's compile time only the first time a machine sees a kernel.
"""
from __future__ import annotations

import contextlib
import operator
from typing import Any

import numpy as np

from ..fperrors import reported_at_caller

xp = np


def to_host(data: np.ndarray) -> np.ndarray:
    return data


def from_host(data: np.ndarray, device: Any = None) -> np.ndarray:
    return data if data.flags.c_contiguous else data.copy(order="C")


def on(device: Any) -> contextlib.nullcontext:
    """The context in which ``device``'s buffers are made: nothing to select on the CPU."""
    return contextlib.nullcontext()


def synchronize() -> None:
    """CPU kernels finish before they return; nothing to wait for."""


_setitem = reported_at_caller(operator.setitem, "cast")  # 1e300 into float32 warns at the caller's line


def setitem(data: np.ndarray, key: Any, value: Any) -> None:
    """``data[key] = value``; NumPy itself reads a value or index that overlaps the target as if
    copied first."""
    _setitem(data, key, value)


from . import elementwise, linalg, nn, reduce  # noqa: E402,F401  (registers the kernels)
