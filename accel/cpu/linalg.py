"""CPU matrix products.

Floats go to NumPy's matmul, i.e. straight to its BLAS, with no copies for
transposed operands. Numba's ``np.dot`` reaches the same speed through SciPy's
BLAS, but that is a second OpenBLAS with its own spinning thread pool: in a
process that also uses NumPy (every process that uses accel) the two pools
fight over the cores, and the MLP step measured 2.2-2.3 ms for accel and for
NumPy alike, against 1.5 ms each with one shared BLAS. Integer and bool products,
which BLAS lacks, use our own Numba i-k-j loop, wrapping on overflow as NumPy does.
"""
from __future__ import annotations

import numba as nb
import numpy as np

from ..dispatch import register
from ..fperrors import reported_at_caller

_matmul = reported_at_caller(np.matmul)  # an overflow in BLAS's sums warns at the caller's line


@nb.njit(cache=True)
def _gemm_loop(a, b, out):
    out[...] = 0
    for r in range(a.shape[0]):
        for p in range(a.shape[1]):
            arp = a[r, p]
            for c in range(b.shape[1]):
                out[r, c] += arp * b[p, c]


@register("matmul", "cpu")
def matmul(a: np.ndarray, b: np.ndarray, batch: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Floats: one BLAS call (batches broadcast by NumPy). Integers: the loop per 2-D product."""
    if a.dtype != dtype or b.dtype != dtype:
        a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
    if dtype.kind == "f":
        return _matmul(a, b)
    out = np.empty(batch + (a.shape[-2], b.shape[-1]), dtype=dtype)
    a3 = np.broadcast_to(a, batch + a.shape[-2:])
    b3 = np.broadcast_to(b, batch + b.shape[-2:])
    for index in np.ndindex(*batch):
        _gemm_loop(a3[index], b3[index], out[index])
    return out
