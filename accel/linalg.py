"""The tensor product: matmul (NumPy's rules), dot and tensordot.

``matmul`` is the one kernel; ``dot`` and ``tensordot`` are written in terms
of it (and of views), as NumPy does, so each backend supplies a single
batched matrix-product kernel.
"""
from __future__ import annotations

import math
from typing import Sequence, Union

import numpy as np

from . import dtypes as _dt
from .array import Array
from .dispatch import broadcast_shapes, kernel, same_device
from .elementwise import check_out_array, check_out_fits, multiply

Axes = Union[int, tuple[Sequence[int], Sequence[int]]]


def _check(op: str, a: object, b: object) -> None:
    for x in (a, b):
        if not isinstance(x, Array):
            raise TypeError(f"{op} expects accel Arrays, not {type(x).__name__}")
    if a._device is not b._device:
        same_device(op, (a._device, b._device))


def matmul(a: Array, b: Array, /, *, out: Array | None = None) -> Array:
    """a @ b with NumPy's rules: 1-D operands are promoted and the added axis removed,
    leading (batch) axes broadcast. Float products run on BLAS/cuBLAS. ``out=`` (NumPy's: the
    product's shape, a dtype it casts to) gets the product, computed whole first, so ``out``
    may be an operand (``a @= b``) and is written as one assignment."""
    _check("matmul", a, b)
    if out is not None:
        check_out_array("matmul", out, a._device)  # before the product, as NumPy refuses it
        product = matmul(a, b)
        check_out_fits("matmul", out, product.shape, product.dtype)
        out[...] = product
        return out
    if a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0]:  # the common case, checked cheaply
        dtype = _dt.resolve(np.matmul, "matmul", (a.dtype, b.dtype))[-1]
        return Array(kernel("matmul", a.device)(a._data, b._data, (), dtype), a.device)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must be at least 1-d, got shapes {a.shape} and {b.shape}; "
                         "use multiply for scalars")
    dtype = _dt.resolve(np.matmul, "matmul", (a.dtype, b.dtype))[-1]
    a2 = a._data[None, :] if a.ndim == 1 else a._data
    b2 = b._data[:, None] if b.ndim == 1 else b._data
    if a2.shape[-1] != b2.shape[-2]:
        raise ValueError(f"matmul: inner dimensions differ: shapes {a.shape} and {b.shape} "
                         f"({a2.shape[-1]} != {b2.shape[-2]})")
    batch = broadcast_shapes("matmul", a2.shape[:-2], b2.shape[:-2])
    product = kernel("matmul", a.device)(a2, b2, batch, dtype)
    if a.ndim == 1:
        product = product[..., 0, :]
    if b.ndim == 1:
        product = product[..., 0]
    return Array(product, a.device)


def tensordot(a: Array, b: Array, axes: Axes = 2) -> Array:
    """Sum of products over ``axes`` of ``a`` and ``b`` (an int N: a's last N with b's first N)."""
    _check("tensordot", a, b)
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: axes={axes} does not fit shapes {a.shape} and {b.shape}")
        ax_a, ax_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        ax_a, ax_b = ([x] if isinstance(x, int) else list(x) for x in axes)
        ax_a = [x % a.ndim for x in ax_a] if a.ndim else ax_a
        ax_b = [x % b.ndim for x in ax_b] if b.ndim else ax_b
    if len(ax_a) != len(ax_b) or any(a.shape[i] != b.shape[j] for i, j in zip(ax_a, ax_b)):
        raise ValueError(f"tensordot: shapes {a.shape} and {b.shape} do not match on axes {ax_a} and {ax_b}")
    free_a = [i for i in range(a.ndim) if i not in ax_a]
    free_b = [j for j in range(b.ndim) if j not in ax_b]
    k = math.prod(a.shape[i] for i in ax_a)  # the sizes spelled out: -1 cannot be solved for where k is 0
    a2 = Array(a._data.transpose(free_a + ax_a).reshape(math.prod(a.shape[i] for i in free_a), k), a.device)
    b2 = Array(b._data.transpose(ax_b + free_b).reshape(k, math.prod(b.shape[j] for j in free_b)), b.device)
    out = matmul(a2, b2)
    return out.reshape(tuple(a.shape[i] for i in free_a) + tuple(b.shape[j] for j in free_b))


def dot(a: Array, b: Array) -> Array:
    """NumPy's dot: vector.vector is a 0-d array, (a, b, c, d).(d,) is (a, b, c),
    (a, b, c, d).(d, e) is (a, b, c, e); a 0-d operand multiplies."""
    _check("dot", a, b)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if b.ndim == 1:
        return matmul(a, b)
    return tensordot(a, b, ([a.ndim - 1], [b.ndim - 2]))
