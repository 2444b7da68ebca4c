"""CPU reduction kernels (Numba).

The reduced axes are moved last and the array viewed as 2-D (kept, reduced);
NumPy copies only when that view is impossible. Two loop orders: along rows
when the reduced axis is the fast one, down columns (a vectorisable
accumulate into a row) when the kept axis is, as for a bias gradient's sum
over the batch axis; both for sums, for max/min/argmax/argmin and for any/all. Float sums
accumulate in float64 (float32 sums of 2**24 terms would otherwise lose digits).
"""
from __future__ import annotations

import functools
import math

import numba as nb
import numpy as np

from ..dispatch import register
from .elementwise import from_order_key, order_key

_FAST = {"reassoc"}  # lets LLVM vectorise sums without giving up NaN/inf semantics


@nb.njit(cache=True, fastmath=_FAST)
def _sum_rows(x, acc):
    for i in range(x.shape[0]):
        s = acc[i]
        for j in range(x.shape[1]):
            s += x[i, j]
        acc[i] = s


@nb.njit(cache=True, fastmath=_FAST)
def _sum_cols(x, acc):
    for j in range(x.shape[1]):
        for i in range(x.shape[0]):
            acc[i] += x[i, j]


@nb.njit(cache=True, fastmath=_FAST)
def _squared_deviations_rows(x, mean, acc):
    for i in range(x.shape[0]):
        m, s = mean[i], 0.0
        for j in range(x.shape[1]):
            d = np.float64(x[i, j]) - m
            s += d * d
        acc[i] = s


@nb.njit(cache=True, fastmath=_FAST)
def _squared_deviations_cols(x, mean, acc):
    for j in range(x.shape[1]):
        for i in range(x.shape[0]):
            d = np.float64(x[i, j]) - mean[i]
            acc[i] += d * d


@nb.njit(cache=True)
def _extreme_rows(x, want_max, want_index, scan, values, index):
    """Per row, the first largest (or smallest) element and, where ``want_index``, its column;
    NaN wins, as in NumPy.

    A pass that LLVM vectorises finds the extreme of each element's integer order key (float
    compares do not vectorise into a running max; integer ones do) and notes any NaN (a flag:
    an int64 count doubled the time of float32 rows, with lanes twice as wide). Without
    NaNs that key is the value (max and min stop there; a zero key, which -0.0 and +0.0 share,
    reads the row's own zero). The first column holding it (or the first NaN) then comes from
    a second vectorised pass over the whole row where ``scan`` (floats, compared with the
    value: recomputing their keys one by one in a search costs more), else from a search that
    stops there.
    """
    n = x.shape[1]
    for i in range(x.shape[0]):
        best = order_key(x[i, 0])
        nan = False
        if want_max:
            for j in range(n):
                v = x[i, j]
                nan |= v != v
                best = max(best, order_key(v))
        else:
            for j in range(n):
                v = x[i, j]
                nan |= v != v
                best = min(best, order_key(v))
        if not (want_index or nan or best == 0):
            values[i] = from_order_key(best, x[i, 0])
            continue
        k = n
        if nan:
            for j in range(n):
                v = x[i, j]
                k = min(k, j if v != v else n)
        elif scan:  # a float compare with the value costs less than each element's key
            value = from_order_key(best, x[i, 0])
            for j in range(n):
                k = min(k, j if x[i, j] == value else n)
        else:
            k = 0
            while order_key(x[i, k]) != best:
                k += 1
        values[i] = x[i, k]
        index[i] = k


@nb.njit(cache=True)
def _extreme_cols(x, want_max, want_index, values, index):
    """``_extreme_rows`` where the rows are the fast axis: each column updates every row's
    running extreme at once (a vectorisable select); a row's first NaN sticks."""
    for i in range(x.shape[0]):
        values[i] = x[i, 0]
        index[i] = 0
    for j in range(1, x.shape[1]):
        for i in range(x.shape[0]):
            v, b = x[i, j], values[i]
            take = ((v > b) if want_max else (v < b)) or (v != v and b == b)
            values[i] = v if take else b
            if want_index:  # loop-invariant: LLVM unswitches it, and max/min store no index
                index[i] = j if take else index[i]


#: any/all read rows in blocks this long, and stop after the first block that settles the answer
_BLOCK = 1024


@nb.njit(cache=True, inline="always")
def _nonzeros(v):
    count = 0
    for j in range(v.shape[0]):
        count += v[j] != 0
    return count


@nb.njit(cache=True)
def _truth_rows(x, want_all, out):
    """Per row, whether any element is nonzero (NaN is), or where ``want_all`` every one. Rows
    longer than a block stop at the first block that settles them (a nonzero for any, a zero for
    all), as NumPy's own any and all stop; shorter rows are counted whole, which for rows of 8
    took half the time of the blocked loop. Counting a 1-D view vectorises; x[i, j] between
    computed bounds did not (9-15x slower)."""
    n = x.shape[1]
    for i in range(x.shape[0]):
        if n <= _BLOCK:
            nonzeros = _nonzeros(x[i])
            out[i] = nonzeros == n if want_all else nonzeros > 0
            continue
        settled = False
        for start in range(0, n, _BLOCK):
            block = x[i, start:start + _BLOCK]
            nonzeros = _nonzeros(block)
            settled = nonzeros < block.shape[0] if want_all else nonzeros > 0
            if settled:
                break
        out[i] = settled != want_all


@nb.njit(cache=True)
def _truth_cols(x, want_all, out):
    """``_truth_rows`` where the rows are the fast axis: each column updates every row at once."""
    out[:] = want_all
    for j in range(x.shape[1]):
        for i in range(x.shape[0]):
            nonzero = x[i, j] != 0
            out[i] = (out[i] and nonzero) if want_all else (out[i] or nonzero)


def _truth(want_all: bool, data: np.ndarray, axes: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    x = _as_2d(data, axes)
    out = np.empty(x.shape[0], dtype=np.bool_)
    (_truth_cols if x.strides[0] < x.strides[1] else _truth_rows)(x, want_all, out)
    return out.reshape(_kept_shape(data, axes))


register("any", "cpu")(functools.partial(_truth, False))
register("all", "cpu")(functools.partial(_truth, True))


def _as_2d(data: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """``data`` as (kept, reduced): a view whenever the strides allow it."""
    keep = [a for a in range(data.ndim) if a not in axes]
    moved = data.transpose(keep + list(axes))
    rows = math.prod(data.shape[a] for a in keep)
    return moved.reshape(rows, -1) if rows else moved.reshape(0, math.prod(data.shape[a] for a in axes))


def _kept_shape(data: np.ndarray, axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(n for a, n in enumerate(data.shape) if a not in axes)


def _sums(data: np.ndarray, axes: tuple[int, ...], acc_dtype: np.dtype) -> np.ndarray:
    x = _as_2d(data, axes)
    acc = np.zeros(x.shape[0], dtype=acc_dtype)
    if x.size:
        (_sum_cols if x.strides[0] < x.strides[1] else _sum_rows)(x, acc)
    return acc


def _accumulator(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.float64) if dtype.kind == "f" else dtype


@register("sum", "cpu")
def sum_(data: np.ndarray, axes: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    acc = _sums(data, axes, _accumulator(dtype))
    return acc.astype(dtype, copy=False).reshape(_kept_shape(data, axes))


@register("mean", "cpu")
def mean(data: np.ndarray, axes: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    count = math.prod(data.shape[a] for a in axes)
    acc = _sums(data, axes, np.dtype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):  # the mean of nothing is NaN, quietly
        return (acc / count).astype(dtype, copy=False).reshape(_kept_shape(data, axes))


@register("squared_deviations", "cpu")
def squared_deviations(data: np.ndarray, axes: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """The sum over ``axes`` of (data - its mean)**2, var's numerator, in float64 from two reads
    of ``data`` (no array of deviations), then cast to ``dtype``."""
    x = _as_2d(data, axes)
    acc = np.zeros(x.shape[0])
    if x.size:
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = _sums(data, axes, acc.dtype) / x.shape[1]
        (_squared_deviations_cols if x.strides[0] < x.strides[1] else _squared_deviations_rows)(x, mean, acc)
    return acc.astype(dtype, copy=False).reshape(_kept_shape(data, axes))


def _extreme_2d(x: np.ndarray, want_max: bool, want_index: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each row's first largest (or smallest) element of a 2-D array and, where ``want_index``,
    its column (else the second array holds nothing to read)."""
    values = np.empty(x.shape[0], dtype=x.dtype)
    index = np.empty(x.shape[0], dtype=np.int64)
    if x.size:
        if x.strides[0] < x.strides[1]:
            _extreme_cols(x, want_max, want_index, values, index)
        else:
            _extreme_rows(x, want_max, want_index, x.dtype.kind == "f", values, index)
    return values, index


def row_max(x: np.ndarray) -> np.ndarray:
    """The max of each row of a 2-D array (NaN wins), for nn's softmax."""
    return _extreme_2d(x, True, False)[0]


def _pick(want_max: bool, part: int, data: np.ndarray, axes: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    if part == 0 and data.dtype == np.bool_:  # the max of bools is their any, the min their all
        return _truth(not want_max, data, axes, dtype)
    return _extreme_2d(_as_2d(data, axes), want_max, part == 1)[part].reshape(_kept_shape(data, axes))


# max, min, argmax, argmin: one kernel, which returns values (part 0) and indices (part 1)
for _op, _want_max, _part in (("max", True, 0), ("min", False, 0), ("argmax", True, 1), ("argmin", False, 1)):
    register(_op, "cpu")(functools.partial(_pick, _want_max, _part))
