"""Reductions: sum, mean, var, std, max, min, argmax, argmin, any, all over any axes, NumPy's semantics.

The front end normalises ``axis``, picks the result dtype and handles
``keepdims``; a backend kernel receives the buffer, the sorted axes to reduce
and the result dtype, and returns the reduced buffer (kept axes only).
"""
from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

import numpy as np

from . import dtypes as _dt
from . import elementwise as _ew
from .array import Array
from .callers import callers_level
from .dispatch import Axis, kernel, normalize_axes


def _result_dtype(op: str, dtype: np.dtype) -> np.dtype:
    if op in ("argmax", "argmin"):
        return _dt.int64
    if op in ("any", "all"):
        return _dt.bool_
    if op == "sum":  # NumPy widens small ints; uint64 is not an accel dtype, so uint8 sums to int64
        return dtype if dtype in _dt.FLOATS else _dt.int64
    if op in ("mean", "squared_deviations"):
        return dtype if dtype in _dt.FLOATS else _dt.float64
    return dtype


def _check(op: str, x: object, keepdims: object) -> None:
    """An Array, and a keepdims that is a truth value: NumPy's third argument is dtype, so
    ``x.sum(0, np.float64)`` would otherwise keep the dims silently."""
    if not isinstance(x, Array):
        raise TypeError(f"{op} expects an accel Array, not {type(x).__name__}")
    if not isinstance(keepdims, (bool, int, np.bool_, np.integer)):
        hint = "; pass a dtype as dtype=" if op in ("sum", "mean") else ""
        raise TypeError(f"{op}: keepdims must be a bool, got {keepdims!r}{hint}")


def _axes(op: str, ndim: int, axis: Axis) -> tuple[int, ...]:
    """normalize_axes, but mean and var take an int axis as NumPy's do, as a tuple of one
    (they count the items per axis): a 0-d array has no axis 0 for them."""
    if op in ("mean", "var") and isinstance(axis, (int, np.integer)):
        axis = (axis,)
    return normalize_axes(op, ndim, axis)


def _reduce(op: str, x: Array, axis: Axis, keepdims: bool) -> Array:
    _check(op, x, keepdims)
    axes = _axes(op, x.ndim, axis)
    reduced = math.prod(x.shape[a] for a in axes)
    if op in ("max", "min", "argmax", "argmin") and reduced == 0:
        raise ValueError(f"{op}: zero-size array (shape {x.shape}) has no {op} along axis {axis}")
    if op == "mean" and reduced == 0:
        warnings.warn("Mean of empty slice.", RuntimeWarning, stacklevel=callers_level())  # NumPy's words
    data = kernel(op, x.device)(x._data, axes, _result_dtype(op, x.dtype))
    if keepdims:
        data = data.reshape(tuple(1 if i in axes else n for i, n in enumerate(x.shape)))
    return Array(data, x.device)


def _in_dtype(op: str, x: Array, axis: Axis, keepdims: bool, dtype: Any) -> Array:
    """``op`` computed in ``dtype``, as NumPy's dtype= does: the input cast to it, the result in it
    (an integer sum wraps as NumPy's does: an int64 sum cast down wraps by the same modulus; an
    integer mean is that sum divided, and cast back)."""
    _check(op, x, keepdims)
    dt = _dt.as_dtype(dtype)
    if op == "mean" and dt.kind != "f":  # NumPy sums in that integer dtype (wrapping), then divides
        count = math.prod(x.shape[a] for a in _axes(op, x.ndim, axis))
        if count == 0:
            warnings.warn("Mean of empty slice.", RuntimeWarning, stacklevel=callers_level())
        with np.errstate(divide="ignore", invalid="ignore"):
            return (_in_dtype("sum", x, axis, keepdims, dt) / count).astype(dt)
    return _reduce(op, x.astype(dt), axis, keepdims).astype(dt)


def sum(x: Array, axis: Axis = None, keepdims: bool = False, *, dtype: Any = None) -> Array:
    """Sum over ``axis`` (all axes by default); ints and bools sum to int64, unless ``dtype``."""
    return _reduce("sum", x, axis, keepdims) if dtype is None else _in_dtype("sum", x, axis, keepdims, dtype)


def mean(x: Array, axis: Axis = None, keepdims: bool = False, *, dtype: Any = None) -> Array:
    """Arithmetic mean over ``axis``; integer inputs give float64, unless ``dtype``. Empty gives NaN."""
    return _reduce("mean", x, axis, keepdims) if dtype is None else _in_dtype("mean", x, axis, keepdims, dtype)


def var(x: Array, axis: Axis = None, keepdims: bool = False, ddof: int | float = 0) -> Array:
    """Variance over ``axis``: the squared deviations from the mean, summed and divided by
    N - ``ddof`` (NumPy's rule; ``ddof=1`` for the sample variance). Integers give float64. A
    divisor of 0 or less warns, as in NumPy, and gives inf or NaN."""
    _check("var", x, keepdims)
    if isinstance(ddof, bool) or not isinstance(ddof, (int, float, np.integer, np.floating)):
        raise TypeError(f"var: ddof must be a number, not {type(ddof).__name__}")
    axes = _axes("var", x.ndim, axis)
    divisor = builtins.max(math.prod(x.shape[a] for a in axes) - float(ddof), 0.0)  # a Python float keeps x's float dtype
    if divisor <= 0:
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=callers_level())  # NumPy's words
    return _reduce("squared_deviations", x, axes, keepdims) / divisor  # 0 / 0 also warns, as in NumPy


def std(x: Array, axis: Axis = None, keepdims: bool = False, ddof: int | float = 0) -> Array:
    """Standard deviation over ``axis``: the square root of ``var`` (same ``ddof`` rule)."""
    _check("std", x, keepdims)
    return _ew.sqrt(var(x, axis, keepdims, ddof))


def max(x: Array, axis: Axis = None, keepdims: bool = False) -> Array:
    """Largest element over ``axis``; NaN propagates; empty input is an error."""
    return _reduce("max", x, axis, keepdims)


def min(x: Array, axis: Axis = None, keepdims: bool = False) -> Array:
    """Smallest element over ``axis``; NaN propagates; empty input is an error."""
    return _reduce("min", x, axis, keepdims)


def _arg(op: str, x: Array, axis: int | None, keepdims: bool) -> Array:
    if axis is not None:
        if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
            raise TypeError(f"{op}: axis must be an int or None, got {axis!r}")
        if x.ndim:
            return _reduce(op, x, axis, keepdims)
        normalize_axes(op, 0, axis)  # 0 or -1 of a 0-d array: its one element, as for None
    _check(op, x, keepdims)
    flat = _reduce(op, x.reshape(-1), 0, False)
    return flat.reshape((1,) * x.ndim) if keepdims else flat


def argmax(x: Array, axis: int | None = None, keepdims: bool = False) -> Array:
    """Index (int64) of the first largest element along ``axis`` (of the flattened array if None)."""
    return _arg("argmax", x, axis, keepdims)


def argmin(x: Array, axis: int | None = None, keepdims: bool = False) -> Array:
    """Index (int64) of the first smallest element along ``axis`` (of the flattened array if None)."""
    return _arg("argmin", x, axis, keepdims)


def any(x: Array, axis: Axis = None, keepdims: bool = False) -> Array:
    """Whether any element over ``axis`` is nonzero (NaN is), as bool; False where there are none."""
    return _reduce("any", x, axis, keepdims)


def all(x: Array, axis: Axis = None, keepdims: bool = False) -> Array:
    """Whether every element over ``axis`` is nonzero (NaN is), as bool; True where there are none."""
    return _reduce("all", x, axis, keepdims)
