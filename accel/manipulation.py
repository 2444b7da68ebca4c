"""Shape ops: views of the same buffer where the strides allow, copies otherwise (as NumPy);
``flatten`` and the joins (concatenate, stack) always copy, on the Arrays' device."""
from __future__ import annotations

from typing import Sequence

from numpy.exceptions import AxisError

from .array import Array
from .devices import backend
from .dispatch import Axis, normalize_axes, same_device


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


def swapaxes(x: Array, axis1: int, axis2: int) -> Array:
    """``x`` with two axes exchanged (a view): NumPy's ``swapaxes``, PyTorch's ``x.transpose(0, 1)``."""
    order = list(range(x.ndim))
    (a,), (b,) = _each_axis("swapaxes", x.ndim, axis1), _each_axis("swapaxes", x.ndim, axis2)
    order[a], order[b] = b, a
    return permute_dims(x, order)


def moveaxis(x: Array, source: int | Sequence[int], destination: int | Sequence[int]) -> Array:
    """``x`` with the axes ``source`` moved to the positions ``destination``, the others kept in
    order (a view): NumPy's ``moveaxis``, e.g. channels last to first, ``moveaxis(x, -1, 1)``."""
    src, dst = _each_axis("moveaxis", x.ndim, source), _each_axis("moveaxis", x.ndim, destination)
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {source!r} and destination {destination!r} must name as many axes")
    order = [a for a in range(x.ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute_dims(x, order)


def _each_axis(op: str, ndim: int, axis: int | Sequence[int]) -> list[int]:
    """``axis`` (an int or a sequence) as non-negative ints in the order given; normalize_axes
    checks them (types, bounds, repeats) but sorts, and takes None as every axis."""
    axes = list(axis) if isinstance(axis, (tuple, list)) else [axis]
    if None in axes:
        raise TypeError(f"{op}: axis must be an int or a tuple of ints, got None")
    if ndim == 0 and axes:
        raise AxisError(f"{op}: axis {axes[0]} is out of bounds for an array of dimension 0")
    normalize_axes(op, ndim, axis)
    return [int(a) % ndim for a in axes]


def flatten(x: Array) -> Array:
    """``x`` as a 1-D copy (NumPy's ``ndarray.flatten``: writing to it never changes ``x``)."""
    return Array(x._data.flatten(), x.device)


def ravel(x: Array) -> Array:
    """``x`` as 1-D: a view when the strides allow, else a copy (NumPy's ``ravel``)."""
    return Array(x._data.ravel(), x.device)


def squeeze(x: Array, axis: Axis = None) -> Array:
    """``x`` without its length-1 axes (all of them, or those in ``axis``): a view."""
    if axis is not None:
        axes = normalize_axes("squeeze", x.ndim, axis)
        longer = [a for a in axes if x.shape[a] != 1]
        if longer:
            raise ValueError(f"squeeze: axis {longer[0]} of shape {x.shape} has length "
                             f"{x.shape[longer[0]]}; only length-1 axes can be removed")
        axis = axes
    return Array(x._data.squeeze(axis), x.device)


def expand_dims(x: Array, axis: int | Sequence[int]) -> Array:
    """``x`` with new length-1 axes at ``axis`` (positions in the result): a view."""
    if axis is None:
        raise TypeError("expand_dims: axis must be an int or a tuple of ints, got None")
    axes = normalize_axes("expand_dims", x.ndim + (len(axis) if isinstance(axis, (tuple, list)) else 1), axis)
    shape = iter(x.shape)
    return reshape(x, tuple(1 if i in axes else next(shape) for i in range(x.ndim + len(axes))))


def concatenate(arrays: Sequence[Array], axis: int = 0) -> Array:
    """NumPy's concatenate: ``arrays`` joined along an existing ``axis``, on their device."""
    return join("concatenate", arrays, axis)


def stack(arrays: Sequence[Array], axis: int = 0) -> Array:
    """NumPy's stack: ``arrays`` of one shape joined along a new ``axis``, on their device."""
    return join("stack", arrays, axis)


def join(how: str, arrays: Sequence[Array], axis: int = 0, op: str | None = None) -> Array:
    """The backend's ``concatenate`` or ``stack`` (``how``) of Arrays on one device, where they
    live; dtypes promote and shapes are checked as in NumPy. ``op`` names the caller in errors."""
    op = op or how
    if not isinstance(arrays, (list, tuple)) or not arrays or not all(isinstance(a, Array) for a in arrays):
        raise TypeError(f"{op} expects a non-empty list or tuple of accel Arrays")
    device = same_device(op, (a.device for a in arrays))
    with backend(device).on(device):
        return Array(getattr(backend(device).xp, how)([a._data for a in arrays], axis=axis), device)
