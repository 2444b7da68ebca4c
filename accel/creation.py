"""Creating arrays: from data, filled, ranges and seeded random numbers.

Floating arrays default to float32 (the dtype neural networks train in, as
in PyTorch); NumPy arrays keep their dtype. Random numbers come from NumPy's
PCG64 generator on the host and are then moved to the device, so one seed
gives the same numbers on every device.
"""
from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from . import dtypes as _dt
from .array import Array
from .devices import Device, DeviceLike, backend, resolve
from .fperrors import cast, reported_at_caller
from .manipulation import join

Shape = Union[int, Sequence[int]]
DEFAULT_FLOAT = _dt.float32


def _shape(shape: Shape) -> tuple[int, ...]:
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(d, (int, np.integer)) and d >= 0 for d in dims):
        raise ValueError(f"shape must be non-negative integers, got {shape!r}")
    return tuple(int(d) for d in dims)


def _place(host: np.ndarray, device: Device) -> Array:
    return Array(backend(device).from_host(host, device), device)


def _filled(xp: Any, shape: tuple[int, ...], value: Any, dtype: np.dtype) -> Any:
    """``xp.full``; on the host NumPy's full in its own two steps (np.full is Python, and its line
    would take the warning below), an unsafe cast as theirs: NaN into int32 warns, 1000.0 into
    uint8 wraps, where an assignment would raise."""
    if xp is not np:  # CuPy fills on the device, without warnings
        return xp.full(shape, value, dtype=dtype)
    data = np.empty(shape, dtype=dtype)
    np.copyto(data, value, casting="unsafe")
    return data


#: a fill value that overflows dtype (1e300 in float32) warns at the caller's line
_full = reported_at_caller(_filled, "cast")


def _new(fill: str, shape: Shape, dtype: Any, device: DeviceLike | None, value: Any = None) -> Array:
    dev = resolve(device)
    dt = _dt.as_dtype(DEFAULT_FLOAT if dtype is None else dtype)
    with backend(dev).on(dev):
        xp = backend(dev).xp
        data = _full(xp, _shape(shape), value, dt) if fill == "full" else getattr(xp, fill)(_shape(shape), dtype=dt)
    return Array(data, dev)


def asarray(obj: Any, dtype: Any = None, device: DeviceLike | None = None, copy: bool | None = None) -> Array:
    """An Array from an Array, a NumPy array, a scalar, nested sequences, or a list of Arrays
    (stacked on their device, as ``np.array([a, b])`` stacks).

    NumPy arrays keep their dtype; Python floats become float32. On the CPU a
    contiguous NumPy array of the right dtype is shared, not copied, unless
    ``copy=True``.
    """
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(v, Array) for v in obj):
        # stacked where they live, as np.array([a, b]) would: a GPU's Arrays never pass through NumPy
        obj, copy = join("stack", obj, op="asarray"), False  # the stack is a new array already
    if isinstance(obj, Array):
        out = obj.to_device(device) if device is not None else obj
        out = out.astype(dtype, copy=bool(copy)) if dtype is not None else out
        return Array(out._data.copy(), out.device) if copy and out is obj else out
    dev = resolve(device)
    dt = None if dtype is None else _dt.as_dtype(dtype)
    if isinstance(obj, (np.ndarray, np.generic)):
        host = np.asarray(obj)  # an explicit dtype casts, as ndarray.astype does
    else:  # Python data: NumPy raises OverflowError where an int does not fit dtype, never wraps
        host = np.asarray(obj, dtype=dt)
        if dt is None and host.dtype.kind == "f":
            dt = DEFAULT_FLOAT
    host = cast(host, dt or _dt.default_dtype(host), bool(copy))
    return _place(host, dev)


def zeros(shape: Shape, dtype: Any = None, device: DeviceLike | None = None) -> Array:
    """An array of zeros (float32 unless ``dtype`` says otherwise)."""
    return _new("zeros", shape, dtype, device)


def ones(shape: Shape, dtype: Any = None, device: DeviceLike | None = None) -> Array:
    """An array of ones (float32 unless ``dtype`` says otherwise)."""
    return _new("ones", shape, dtype, device)


def empty(shape: Shape, dtype: Any = None, device: DeviceLike | None = None) -> Array:
    """An array whose contents are whatever the memory held."""
    return _new("empty", shape, dtype, device)


def full(shape: Shape, fill_value: bool | int | float, dtype: Any = None,
         device: DeviceLike | None = None) -> Array:
    """An array filled with ``fill_value``; the dtype follows the value: a Python bool, int or
    float gives bool, int64 or float32, a NumPy scalar its own dtype (as ``asarray``)."""
    if dtype is None:
        if isinstance(fill_value, (np.generic, np.ndarray)):
            dtype = _dt.default_dtype(fill_value)
        else:
            dtype = _dt.bool_ if isinstance(fill_value, bool) else _dt.int64 if isinstance(fill_value, int) else None
    return _new("full", shape, dtype, device, fill_value)


def eye(n: int, m: int | None = None, k: int = 0, dtype: Any = None, device: DeviceLike | None = None) -> Array:
    """An (n, m) array with ones on the ``k``-th diagonal (0: the main one) and zeros elsewhere, as
    NumPy's eye (float32 unless ``dtype`` says otherwise); ``eye(10)[labels]`` one-hot encodes."""
    n, m = _shape((n, n if m is None else m))
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"eye: k must be an int, not {type(k).__name__}")
    dev = resolve(device)
    with backend(dev).on(dev):
        return Array(backend(dev).xp.eye(n, m, int(k), dtype=_dt.as_dtype(DEFAULT_FLOAT if dtype is None else dtype)), dev)


def arange(start: int | float, stop: int | float | None = None, step: int | float = 1,
           dtype: Any = None, device: DeviceLike | None = None) -> Array:
    """Evenly spaced values in [start, stop), as NumPy's arange (floats as float32). A ``dtype``
    is NumPy's too: the values are computed in it (``arange(7, 3, -0.5, dtype="int32")`` steps
    by the difference of its first two, as NumPy's, not by a rounded -0.5)."""
    dt = None if dtype is None else _dt.as_dtype(dtype)
    host = np.arange(start, stop, step, dtype=dt)
    return asarray(host, dtype=dt or (DEFAULT_FLOAT if host.dtype.kind == "f" else None), device=device)


def zeros_like(x: Array, dtype: Any = None, device: DeviceLike | None = None) -> Array:
    return zeros(x.shape, dtype or x.dtype, device or x.device)


def ones_like(x: Array, dtype: Any = None, device: DeviceLike | None = None) -> Array:
    return ones(x.shape, dtype or x.dtype, device or x.device)


def empty_like(x: Array, dtype: Any = None, device: DeviceLike | None = None) -> Array:
    return empty(x.shape, dtype or x.dtype, device or x.device)


def full_like(x: Array, fill_value: bool | int | float, dtype: Any = None,
              device: DeviceLike | None = None) -> Array:
    return full(x.shape, fill_value, dtype or x.dtype, device or x.device)


_rng = [np.random.default_rng()]


def seed(value: int) -> None:
    """Seed the generator that ``uniform`` and ``normal`` use when given no ``seed``."""
    _rng[0] = np.random.default_rng(value)


def _generator(seed: int | None) -> np.random.Generator:
    return _rng[0] if seed is None else np.random.default_rng(seed)


def _random(method: str, params: tuple[float, float], shape: Shape, dtype: Any,
            device: DeviceLike | None, seed: int | None) -> Array:
    if not all(isinstance(p, (int, float, np.integer, np.floating)) for p in params):
        raise TypeError(f"{method}: the first two arguments are numbers, got {params!r}; "
                        f"pass the shape as shape=, e.g. accel.{method}(shape=(2, 3))")
    dt = _dt.as_dtype(dtype or DEFAULT_FLOAT)
    if dt.kind != "f":
        raise TypeError(f"{method} needs a floating dtype, not {dt}")
    host = getattr(_generator(seed), method)(*params, _shape(shape))
    return asarray(cast(host, dt), device=device)


def uniform(low: float = 0.0, high: float = 1.0, shape: Shape = (), dtype: Any = None,
            device: DeviceLike | None = None, seed: int | None = None, *, size: Shape | None = None) -> Array:
    """Uniform random numbers in [low, high). ``size`` is NumPy's and PyTorch's name for ``shape``."""
    return _random("uniform", (low, high), _shape_or_size("uniform", shape, size), dtype, device, seed)


def normal(mean: float = 0.0, std: float = 1.0, shape: Shape = (), dtype: Any = None,
           device: DeviceLike | None = None, seed: int | None = None, *, size: Shape | None = None) -> Array:
    """Normally distributed random numbers. ``size`` is NumPy's and PyTorch's name for ``shape``."""
    return _random("normal", (mean, std), _shape_or_size("normal", shape, size), dtype, device, seed)


def _shape_or_size(method: str, shape: Shape, size: Shape | None) -> Shape:
    if size is None:
        return shape
    if shape != ():
        raise TypeError(f"{method}: give the shape once, as shape= or as size=, not both")
    return size
