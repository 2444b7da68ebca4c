"""CPU elementwise kernels: one scalar function per op, compiled by Numba into a NumPy ufunc.

A ufunc gives broadcasting of any rank without materialising operands,
strided inputs, ``out=`` and overlap handling from NumPy's iterator, while
the inner loop is Numba's machine code (vectorised by LLVM on contiguous
runs, which covers the same-shape and row/column-vector fast paths). One ufunc
is built per (op, loop dtypes) on first use and cached on disk.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numba as nb
import numpy as np

from ..dispatch import register


def add(a, b): return a + b
def subtract(a, b): return a - b
def multiply(a, b): return a * b
def divide(a, b): return a / b
def floor_divide(a, b): return a if b == -1 and a < 0 and a == -a else a // b  # lowest int // -1 wraps, as in NumPy
def remainder(a, b): return a % b
def pow(a, b): return a ** b
def maximum(a, b): return max(a, b) if b == b else b     # NaN in either propagates (Numba's max
def minimum(a, b): return min(a, b) if b == b else b     # keeps a NaN a); 4% faster than a ?: chain
def greater(a, b): return a > b
def less(a, b): return a < b
def greater_equal(a, b): return a >= b
def less_equal(a, b): return a <= b
def equal(a, b): return a == b
def not_equal(a, b): return a != b
def where(c, a, b): return a if c else b
def negative(a): return -a
def abs(a): return a if a >= 0 else -a
def exp(a): return np.exp(a)
def log(a): return np.log(a)
def sqrt(a): return np.sqrt(a)
def tanh(a): return np.tanh(a)
def relu(a): return a if a > 0 or a != a else a - a      # a - a: a zero of a's type


def add_relu(a, b):
    s = a + b
    return s if s > 0 or s != s else s - s


SCALAR_KERNELS: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (
        add, subtract, multiply, divide, floor_divide, remainder, pow, maximum, minimum,
        greater, less, greater_equal, less_equal, equal, not_equal, where,
        negative, abs, exp, log, sqrt, tanh, relu, add_relu)
}


@functools.lru_cache(maxsize=None)
def compiled_ufunc(fn: Callable[..., Any], dtypes: tuple[np.dtype, ...]) -> np.ufunc:
    """``fn`` compiled by Numba for exactly ``dtypes`` (inputs..., result) as a NumPy ufunc."""
    types = [nb.from_dtype(d) for d in dtypes]
    # .ufunc is NumPy's own object: calling it skips the DUFunc wrapper's ~1.5 us per call
    return nb.vectorize([types[-1](*types[:-1])], cache=True)(fn).ufunc


class UfuncKernel:
    """The CPU kernel of one op: a ufunc per loop dtypes, built on first use, then one dict lookup."""

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        self.ufuncs: dict[tuple[np.dtype, ...], np.ufunc] = {}

    def specialize(self, dtypes: tuple[np.dtype, ...]) -> np.ufunc:
        """The ufunc itself, for the front end's shortcut (which never passes 0-d inputs)."""
        ufunc = self.ufuncs.get(dtypes)
        if ufunc is None:
            ufunc = self.ufuncs[dtypes] = compiled_ufunc(self.fn, dtypes)
        return ufunc

    def __call__(self, *inputs: Any, out: np.ndarray | None, dtypes: tuple[np.dtype, ...]) -> np.ndarray:
        result = self.specialize(dtypes)(*inputs, out=out)
        return result if out is not None else np.asarray(result)  # a 0-d result stays an array


for _name, _fn in SCALAR_KERNELS.items():
    register(_name, "cpu")(UfuncKernel(_fn))
