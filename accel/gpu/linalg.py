"""GPU matrix products: floats through cuBLAS (CuPy's matmul), integers and bools through our kernel."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import CTYPES, cupy, register

SOURCE = r"""
template <typename T>
__global__ void accel_int_matmul(const T* a, const T* b, T* out, long long m, long long k, long long n) {
    /* one thread per output element of (m, k) @ (k, n); blockIdx.y walks a batch of contiguous matrices */
    long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    if (i >= m * n) return;
    long long row = i / n, col = i % n;
    const T* A = a + blockIdx.y * m * k + row * k;
    const T* B = b + blockIdx.y * k * n + col;
    T acc = 0;
    for (long long p = 0; p < k; ++p) acc += A[p] * B[p * n];
    out[blockIdx.y * m * n + i] = acc;
}
"""
MAX_GRID_Y = 65535
INSTANCES = [f"accel_int_matmul<{CTYPES[d]}>" for d in ("int32", "int64", "uint8", "bool")]


@functools.lru_cache(maxsize=None)
def _module() -> Any:
    return cupy().RawModule(code=SOURCE, name_expressions=INSTANCES)


@register("matmul")
def matmul(a: Any, b: Any, batch: tuple[int, ...], dtype: np.dtype) -> Any:
    cp = cupy()
    a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
    if dtype.kind == "f":
        return cp.matmul(a, b)
    m, k, n = a.shape[-2], a.shape[-1], b.shape[-1]
    out = cp.empty(batch + (m, n), dtype=dtype)
    if out.size == 0:
        return out
    count = out.size // (m * n)
    a3 = cp.ascontiguousarray(cp.broadcast_to(a, batch + (m, k))).reshape(count, m, k)
    b3 = cp.ascontiguousarray(cp.broadcast_to(b, batch + (k, n))).reshape(count, k, n)
    out3 = out.reshape(count, m, n)
    kernel = _module().get_function(f"accel_int_matmul<{CTYPES[dtype.name]}>")
    for start in range(0, count, MAX_GRID_Y):  # CUDA caps a grid's y dimension at 65535 blocks
        stop = min(start + MAX_GRID_Y, count)
        kernel(((m * n + 255) // 256, stop - start), (256,),
               (a3[start:stop], b3[start:stop], out3[start:stop], np.int64(m), np.int64(k), np.int64(n)))
    return out
