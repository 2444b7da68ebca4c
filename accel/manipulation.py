"""Shape ops: views of the same buffer where the strides allow, copies otherwise (as NumPy)."""
from __future__ import annotations

from typing import Sequence

from .array import Array


def reshape(x: Array, shape: int | Sequence[int]) -> Array:
    """``x`` with a new shape of the same size; one dimension may be -1."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    try:
        return Array(x._data.reshape(shape), x.device)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"reshape: cannot reshape an array of shape {x.shape} (size {x.size}) "
                         f"into shape {shape}") from exc


def permute_dims(x: Array, axes: Sequence[int]) -> Array:
    """``x`` with its axes reordered (a view)."""
    axes = tuple(axes)
    in_range = all(isinstance(a, int) and -x.ndim <= a < x.ndim for a in axes)
    if not in_range or sorted(a % x.ndim for a in axes) != list(range(x.ndim)):
        raise ValueError(f"permute_dims: axes {axes} are not a permutation of the {x.ndim} axes of shape {x.shape}")
    return Array(x._data.transpose(axes), x.device)


def transpose(x: Array, axes: Sequence[int] | None = None) -> Array:
    """NumPy's transpose: the axes reversed, or reordered by ``axes``."""
    return x.T if axes is None else permute_dims(x, axes)


def flatten(x: Array) -> Array:
    """``x`` as 1-D (a view when ``x`` is contiguous)."""
    return reshape(x, -1)
