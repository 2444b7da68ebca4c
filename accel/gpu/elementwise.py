"""GPU elementwise kernels: one CuPy ``ElementwiseKernel`` per op, declared beside the CPU twin's names.

CuPy's kernels broadcast and handle strides themselves; ``T`` is the loop
dtype the front end resolved (operands of another dtype are cast to it first)
and ``O`` the result's. The helpers in PREAMBLE give NumPy's semantics where
C++ differs: floor division, Python's remainder, integer powers, NaN in max/min, a bool's ~.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import cupy, register

PREAMBLE = r"""
template <typename T> __device__ T accel_floor_divide(T a, T b) {
    if (b == 0) return 0;
    if (b == -1) return T(0ULL - (unsigned long long)a);  /* the lowest int / -1 overflows: wrap, as NumPy */
    T q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
template <typename T> __device__ T accel_remainder(T a, T b) {
    if (b == 0 || b == -1) return 0;
    T r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
template <typename T> __device__ T accel_float_divmod(T a, T b, T* mod) {
    /* NumPy's npy_divmod: the quotient floored, the remainder with the divisor's sign */
    T m = fmod(a, b);
    if (b == 0) { *mod = m; return a / b; }
    T div = (a - m) / b;
    if (m != 0) { if ((b < 0) != (m < 0)) { m += b; div -= 1; } } else { m = copysign(T(0), b); }
    *mod = m;
    if (div == 0) return copysign(T(0), a / b);
    T f = floor(div);
    return (div - f > T(0.5)) ? f + 1 : f;
}
__device__ float accel_floor_divide(float a, float b) { float m; return accel_float_divmod(a, b, &m); }
__device__ double accel_floor_divide(double a, double b) { double m; return accel_float_divmod(a, b, &m); }
__device__ float accel_remainder(float a, float b) { float m; accel_float_divmod(a, b, &m); return m; }
__device__ double accel_remainder(double a, double b) { double m; accel_float_divmod(a, b, &m); return m; }
template <typename T> __device__ T accel_pow(T a, T b) {
    T r = 1;
    for (; b > 0; b >>= 1) { if (b & 1) r *= a; a *= a; }
    return r;
}
__device__ float accel_pow(float a, float b) { return powf(a, b); }
__device__ double accel_pow(double a, double b) { return pow(a, b); }
template <typename T> __device__ T accel_invert(T a) { return ~a; }
__device__ bool accel_invert(bool a) { return !a; }  /* ~true is -2 in C++, which is true again */
"""

#: op -> the CUDA statement that computes ``out`` from ``a`` (and ``b``, or ``c ? a : b``, or
#: clip's ``a`` between ``b`` and ``c``).
OPERATIONS: dict[str, str] = {
    "add": "out = a + b",
    "subtract": "out = a - b",
    "multiply": "out = a * b",
    "divide": "out = a / b",
    "floor_divide": "out = accel_floor_divide(a, b)",
    "remainder": "out = accel_remainder(a, b)",
    "pow": "out = accel_pow(a, b)",
    "maximum": "out = (a >= b || a != a) ? a : b",
    "minimum": "out = (a <= b || a != a) ? a : b",
    "greater": "out = a > b",
    "less": "out = a < b",
    "greater_equal": "out = a >= b",
    "less_equal": "out = a <= b",
    "equal": "out = a == b",
    "not_equal": "out = a != b",
    "where": "out = c ? a : b",
    "clip": "T m = (a > b || a != a) ? a : b; out = (m < c || m != m) ? m : c",  # NumPy's clip: a tie gives the bound
    "bitwise_and": "out = a & b",
    "bitwise_or": "out = a | b",
    "bitwise_xor": "out = a ^ b",
    "invert": "out = accel_invert(a)",
    "negative": "out = -a",
    "abs": "out = a >= 0 ? a : -a",
    "exp": "out = exp(a)",
    "log": "out = log(a)",
    "sqrt": "out = sqrt(a)",
    "square": "out = a * a",
    "tanh": "out = tanh(a)",
    "relu": "out = (a > 0 || a != a) ? a : T(0)",
    "add_relu": "T s = a + b; out = (s > 0 || s != s) ? s : T(0)",
}

UNARY = {"negative", "abs", "exp", "log", "sqrt", "square", "tanh", "relu", "invert"}


def params(op: str) -> str:
    """The ElementwiseKernel input parameters of ``op``."""
    if op in ("where", "clip"):
        return "bool c, T a, T b" if op == "where" else "T a, T b, T c"
    return "T a" if op in UNARY else "T a, T b"


@functools.lru_cache(maxsize=None)
def _kernel(op: str) -> Any:
    return cupy().ElementwiseKernel(params(op), "O out", OPERATIONS[op], f"accel_{op}", preamble=PREAMBLE)


def run(op: str, *inputs: Any, dtypes: tuple[np.dtype, ...], out: Any = None) -> Any:
    """Cast operands to the loop dtype (a no-op when they have it) and run ``op``'s kernel.

    An input that overlaps ``out`` but is not ``out`` itself (``x[1:] += x[:-1]``) is copied
    first: NumPy reads inputs as if copied, but CuPy's ElementwiseKernel does not (its ufuncs do),
    and the GPU's threads would race over the shared memory.
    """
    cp = cupy()
    args = [x.astype(dt, copy=False) if isinstance(x, cp.ndarray) else dt.type(x)
            for x, dt in zip(inputs, dtypes[:-1])]
    if out is not None:
        args = [x.copy() if isinstance(x, cp.ndarray) and x is not out and cp.may_share_memory(x, out) else x
                for x in args]
    if op == "where" and not any(isinstance(x, cp.ndarray) for x in args[1:]):
        args[1] = cp.asarray(args[1])  # CuPy binds T from array arguments only, never from scalars
    shape = np.broadcast_shapes(*(np.shape(x) for x in args))
    if out is None or out.dtype != dtypes[-1]:
        result = cp.empty(shape, dtype=dtypes[-1])
        _kernel(op)(*args, result)
        if out is None:
            return result
        out[...] = result
        return out
    _kernel(op)(*args, out)
    return out


for _op in OPERATIONS:
    register(_op)(functools.partial(run, _op))
