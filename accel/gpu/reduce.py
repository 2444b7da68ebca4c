"""GPU reductions: CuPy's reduction kernels, accumulating floats in float64 as the CPU twin does."""
from __future__ import annotations

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


@register("max")
def max_(data: Any, axes: tuple[int, ...], dtype: np.dtype) -> Any:
    return cupy().max(data, axis=axes)


@register("min")
def min_(data: Any, axes: tuple[int, ...], dtype: np.dtype) -> Any:
    return cupy().min(data, axis=axes)


@register("argmax")
def argmax(data: Any, axes: tuple[int, ...], dtype: np.dtype) -> Any:
    return cupy().argmax(data, axis=axes[0]).astype(np.int64, copy=False)


@register("argmin")
def argmin(data: Any, axes: tuple[int, ...], dtype: np.dtype) -> Any:
    return cupy().argmin(data, axis=axes[0]).astype(np.int64, copy=False)
