"""GPU matrix products: floats through cuBLAS (CuPy's matmul), integers and bools through our kernel."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import CTYPES, cupy, register

SOURCE = r"""
template <typename T>
__global__ void accel_int_matmul(const T* a, const T* b, T* out, int m, int k, int n) {
    /* one thread per output element; blockIdx.z walks the batch of contiguous (m, k) @ (k, n) */
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    int row = blockIdx.y * blockDim.y + threadIdx.y;
    if (row >= m || col >= n) return;
    const T* A = a + (size_t)blockIdx.z * m * k + (size_t)row * k;
    const T* B = b + (size_t)blockIdx.z * k * n + col;
    T acc = 0;
    for (int p = 0; p < k; ++p) acc += A[p] * B[(size_t)p * n];
    out[(size_t)blockIdx.z * m * n + (size_t)row * n + col] = acc;
}
"""
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
    a3 = cp.ascontiguousarray(cp.broadcast_to(a, batch + (m, k))).reshape(-1, m, k)
    b3 = cp.ascontiguousarray(cp.broadcast_to(b, batch + (k, n))).reshape(-1, k, n)
    out = cp.empty(batch + (m, n), dtype=dtype)
    if out.size:
        kernel = _module().get_function(f"accel_int_matmul<{CTYPES[dtype.name]}>")
        grid = ((n + 15) // 16, (m + 15) // 16, a3.shape[0])
        kernel(grid, (16, 16), (a3, b3, out, np.int32(m), np.int32(k), np.int32(n)))
    return out
