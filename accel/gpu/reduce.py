"""GPU reductions: CuPy's reduction kernels, accumulating floats in float64 as the CPU twin does."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import cupy, register


def _accumulator(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.float64) if dtype.kind == "f" else dtype


@register("sum")
def sum_(data: Any, axes: tuple[int, ...], dtype: np.dtype) -> Any:
    return cupy().sum(data, axis=axes, dtype=_accumulator(dtype)).astype(dtype, copy=False)


@register("mean")
def mean(data: Any, axes: tuple[int, ...], dtype: np.dtype) -> Any:
    return cupy().mean(data, axis=axes, dtype=np.float64).astype(dtype, copy=False)


@register("squared_deviations")
def squared_deviations(data: Any, axes: tuple[int, ...], dtype: np.dtype) -> Any:
    """var's numerator, the sum of (data - mean)**2 over ``axes``, in float64 as on the CPU."""
    cp = cupy()
    deviations = data - cp.mean(data, axis=axes, dtype=np.float64, keepdims=True)
    return cp.sum(deviations * deviations, axis=axes).astype(dtype, copy=False)


def _extreme(name: str, data: Any, axes: tuple[int, ...], dtype: np.dtype) -> Any:
    cp = cupy()
    if not name.startswith("arg"):
        return getattr(cp, name)(data, axis=axes)
    axis = axes[0]  # the front end hands arg-reductions a single axis
    index = getattr(cp, name)(data, axis=axis)
    if data.dtype.kind == "f":
        # Where a slice holds several NaNs CuPy answers one of them, NumPy the first;
        # argmax of the NaN mask is the first (CuPy breaks ties between equal values by index).
        nan = cp.isnan(data)
        index = cp.where(nan.any(axis=axis), cp.argmax(nan, axis=axis), index)
    return index.astype(np.int64, copy=False)


for _op in ("max", "min", "argmax", "argmin"):
    register(_op)(functools.partial(_extreme, _op))


def _truth(name: str, data: Any, axes: tuple[int, ...], dtype: np.dtype) -> Any:
    return getattr(cupy(), name)(data, axis=axes)


for _op in ("any", "all"):
    register(_op)(functools.partial(_truth, _op))
