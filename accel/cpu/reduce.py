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
from ..fperrors import report, reported_at_caller

_FAST = {"reassoc"}  # lets LLVM vectorise sums without giving up NaN/inf semantics


@nb.njit(cache=True, inline="always")
def _within(acc, limit):
    """Whether every ``|acc[i]| <= limit``: False for inf and NaN, and for a float64 sum that its
    float32 result cannot hold. Checked per row, it is all a clean float sum costs."""
    ok = True
    for i in range(acc.shape[0]):
        ok &= abs(acc[i]) <= limit
    return ok


@nb.njit(cache=True, fastmath=_FAST)
def _sum_rows(x, acc, limit):
    for i in range(x.shape[0]):
        s = acc[i]
        for j in range(x.shape[1]):
            s += x[i, j]
        acc[i] = s
    return _within(acc, limit)


@nb.njit(cache=True, fastmath=_FAST)
def _sum_cols(x, acc, limit):
    for j in range(x.shape[1]):
        for i in range(x.shape[0]):
            acc[i] += x[i, j]
    return _within(acc, limit)


@nb.njit(cache=True, fastmath=_FAST)
def _squared_deviations_rows(x, mean, acc, limit):
    for i in range(x.shape[0]):
        m, s = mean[i], 0.0
        for j in range(x.shape[1]):
            d = np.float64(x[i, j]) - m
            s += d * d
        acc[i] = s
    return _within(acc, limit)


@nb.njit(cache=True, fastmath=_FAST)
def _squared_deviations_cols(x, mean, acc, limit):
    for j in range(x.shape[1]):
        for i in range(x.shape[0]):
            d = np.float64(x[i, j]) - mean[i]
            acc[i] += d * d
    return _within(acc, limit)


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


def _sums(x: np.ndarray, acc_dtype: np.dtype, limit: float = math.inf) -> tuple[np.ndarray, bool]:
    """The sums of a 2-D view's rows, and whether each is within ``limit`` (see ``_within``)."""
    acc = np.zeros(x.shape[0], dtype=acc_dtype)
    if not x.size:
        return acc, True
    return acc, (_sum_cols if x.strides[0] < x.strides[1] else _sum_rows)(x, acc, limit)


def _accumulator(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.float64) if dtype.kind == "f" else dtype


_F64 = np.dtype(np.float64)
_LIMITS = {dt: float(np.finfo(dt).max) for dt in (np.dtype(np.float32), _F64)}
_divide = reported_at_caller(np.true_divide)


def _limit(dtype: np.dtype) -> float:
    return _LIMITS.get(dtype, math.inf)


def _report_errors(name: str, x: np.ndarray, result: np.ndarray) -> None:
    """The floating-point errors NumPy's float loops report for what gave ``result``, a reduction
    of each row of ``x`` that was not within bounds: 'overflow' for an inf from finite numbers
    (the float64 sum, or its cast to float32), 'invalid' for a NaN from no NaN (inf - inf)."""
    rows = ~np.isfinite(result)
    got, x = result[rows], x[rows]
    nan_in, inf_in = np.isnan(x).any(axis=1), np.isinf(x).any(axis=1)
    report(name, [kind for kind, seen in (("over", np.isinf(got) & ~nan_in & ~inf_in),
                                          ("invalid", np.isnan(got) & ~nan_in)) if seen.any()])


def _finish(name: str, x: np.ndarray, acc: np.ndarray, within: bool, dtype: np.dtype) -> np.ndarray:
    """``acc`` cast to ``dtype``, with NumPy's warnings where some row was not within bounds."""
    if within or dtype.kind != "f":
        return acc.astype(dtype, copy=False)
    with np.errstate(all="ignore"):  # reported below, at the user's line and in NumPy's terms
        result = acc.astype(dtype, copy=False)
    _report_errors(name, x, result)
    return result


@register("sum", "cpu")
def sum_(data: np.ndarray, axes: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    x = _as_2d(data, axes)
    acc, within = _sums(x, _accumulator(dtype), _limit(dtype))
    return _finish("sum", x, acc, within, dtype).reshape(_kept_shape(data, axes))


@register("mean", "cpu")
def mean(data: np.ndarray, axes: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    x = _as_2d(data, axes)
    acc, within = _sums(x, _F64, _LIMITS[_F64])  # a finite mean fits dtype
    acc = _divide(acc, float(x.shape[1]))  # the mean of nothing: NaN, with NumPy's 'invalid value'
    return _finish("mean", x, acc, within or not x.shape[1], dtype).reshape(_kept_shape(data, axes))


@register("squared_deviations", "cpu")
def squared_deviations(data: np.ndarray, axes: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """The sum over ``axes`` of (data - its mean)**2, var's numerator, in float64 from two reads
    of ``data`` (no array of deviations), then cast to ``dtype``."""
    x = _as_2d(data, axes)
    acc, within = np.zeros(x.shape[0]), True
    if x.size:
        mean = _sums(x, acc.dtype)[0] / x.shape[1]
        kernel = _squared_deviations_cols if x.strides[0] < x.strides[1] else _squared_deviations_rows
        within = kernel(x, mean, acc, _limit(dtype))
    return _finish("var", x, acc, within, dtype).reshape(_kept_shape(data, axes))


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
