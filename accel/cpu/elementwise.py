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
from numba.extending import overload

from ..dispatch import register


def wrap(x, like):
    """``x`` in ``like``'s type, wrapping as NumPy does: Numba widens small ints to int64,
    which matters where a kernel uses an intermediate result before returning it."""
    return type(like)(x)


@overload(wrap)
def _wrap_compiled(x, like):
    target = like  # compiled, the argument is its Numba type: cast to it
    return lambda x, like: target(x)


def floor_div(a, b):
    """``a // b`` with NumPy's integer semantics: the lowest int // -1 wraps to itself (Numba gives 0)."""
    return a // b


@overload(floor_div)
def _floor_div_compiled(a, b):
    if not isinstance(a, nb.types.Integer):
        return lambda a, b: a // b
    return lambda a, b: -a if b == -1 else a // b  # -a wraps; the machine divide would trap


def power(a, b):
    """``a ** b`` with NumPy's integer semantics: Numba's int ``**`` turns to float pow above 2**16."""
    return a ** b


@overload(power)
def _power_compiled(a, b):
    if not isinstance(a, nb.types.Integer):
        return lambda a, b: a ** b

    def by_squaring(a, b):  # wraps on overflow, for any exponent
        r = 1
        while b > 0:
            if b & 1:
                r *= a
            a *= a
            b >>= 1
        return r
    return by_squaring


def add(a, b): return a + b
def subtract(a, b): return a - b
def multiply(a, b): return a * b
def divide(a, b): return a / b
def floor_divide(a, b): return floor_div(a, b)
def remainder(a, b): return a % b
def pow(a, b): return power(a, b)
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
def relu(a): return a if a > 0 or a != a else 0          # 0 is cast to the loop's dtype


def add_relu(a, b):
    s = wrap(a + b, a)
    return s if s > 0 or s != s else 0


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
