"""CPU matrix products (Numba).

Floats call BLAS through Numba's ``np.dot`` (SciPy's BLAS), so a float32
product runs at NumPy's speed; C- and Fortran-ordered operands (transposes)
are passed to BLAS without copies. Integer and bool products, which BLAS
lacks, use our own i-k-j loop, wrapping on overflow as NumPy does.
"""
from __future__ import annotations

import numba as nb
import numpy as np

from ..dispatch import register


@nb.njit(cache=True)
def _gemm_blas(a, b, out):
    np.dot(a, b, out)


@nb.njit(cache=True)
def _gemm_loop(a, b, out):
    out[...] = 0
    for r in range(a.shape[0]):
        for p in range(a.shape[1]):
            arp = a[r, p]
            for c in range(b.shape[1]):
                out[r, c] += arp * b[p, c]


def _gemm(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    if out.dtype.kind != "f":
        _gemm_loop(a, b, out)
    elif a.shape[1] == 0:  # BLAS is not asked to multiply empty inner dimensions
        out[...] = 0
    elif out.size:
        _gemm_blas(a, b, out)


@register("matmul", "cpu")
def matmul(a: np.ndarray, b: np.ndarray, batch: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """2-D products go straight to one kernel call; a batch loops over 2-D products."""
    a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
    out = np.empty(batch + (a.shape[-2], b.shape[-1]), dtype=dtype)
    if not batch:
        _gemm(a, b, out)
        return out
    a3 = np.broadcast_to(a, batch + a.shape[-2:])
    b3 = np.broadcast_to(b, batch + b.shape[-2:])
    for index in np.ndindex(*batch):
        _gemm(a3[index], b3[index], out[index])
    return out
