"""The op table: one place that maps (op, device kind) to a backend kernel.

Backends fill the table with ``@register(op, kind)`` when their package is
imported; the front ends (``accel.elementwise``, ``accel.linalg``, ...) check
shapes, dtypes and devices once, then call ``kernel(op, device)``. A new
backend adds kernels here without touching any front end.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Iterable, Sequence, Union

import numpy as np
from numpy.exceptions import AxisError

from .devices import Device, backend

_TABLE: dict[tuple[str, str], Callable[..., Any]] = {}


def register(op: str, kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: make ``fn`` the kernel for ``op`` on devices of ``kind``."""
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        _TABLE[(op, kind)] = fn
        return fn
    return deco


def kernel(op: str, device: Device) -> Callable[..., Any]:
    """The kernel for ``op`` on ``device``, importing its backend on first use."""
    try:
        return _TABLE[(op, device.kind)]
    except KeyError:
        backend(device)
    try:
        return _TABLE[(op, device.kind)]
    except KeyError:
        raise NotImplementedError(f"{op} has no kernel for device '{device}'") from None


def ops(kind: str) -> set[str]:
    """Names of the ops registered for ``kind`` (tests use it to find missing kernels)."""
    return {op for op, k in _TABLE if k == kind}


def same_device(op: str, devices: Iterable[Device]) -> Device:
    """The one device all operands share; operands on two devices are an error, never a copy."""
    found = list(dict.fromkeys(devices))
    if len(found) != 1:
        names = " and ".join(f"'{d}'" for d in found)
        raise ValueError(f"{op}: operands are on different devices ({names}); "
                         "move them with .to_device() first")
    return found[0]


@functools.lru_cache(maxsize=4096)
def broadcast_shapes(op: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy's broadcast of ``shapes`` (cached: a training loop repeats a few shapes); the error
    names every shape."""
    first = shapes[0]
    if all(s == first for s in shapes):
        return first
    ndim = max(len(s) for s in shapes)
    out = []
    for dims in zip(*[(1,) * (ndim - len(s)) + tuple(s) for s in shapes]):
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1:
            listed = ", ".join(str(tuple(s)) for s in shapes)
            raise ValueError(f"{op}: shapes {listed} cannot be broadcast together")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


Axis = Union[int, Sequence[int], None]


def normalize_axes(op: str, ndim: int, axis: Axis) -> tuple[int, ...]:
    """``axis`` as sorted non-negative ints; out-of-range or repeated axes are errors. A 0-d
    array takes the int axis 0 or -1 (none in a tuple), as NumPy's ufunc reductions do."""
    if axis is None:
        return tuple(range(ndim))
    one = not isinstance(axis, (tuple, list))
    axes = (axis,) if one else tuple(axis)
    result = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {a!r}")
        if not -ndim <= a < ndim and not (ndim == 0 and one and a in (0, -1)):
            raise AxisError(f"{op}: axis {a} is out of bounds for an array of dimension {ndim}")
        result.append(int(a) % max(ndim, 1))
    if len(set(result)) != len(result):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(result)) if ndim else ()
