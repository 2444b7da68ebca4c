"""``accel.Array``: an n-d array that lives on one device.

It wraps the backend's buffer (a NumPy array on the CPU, a CuPy array on a
GPU) and routes every computation through the op table, so the same Python
code runs on either device. Views (slices, transposes, reshapes that need no
copy) share the buffer, as in NumPy.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from . import dtypes as _dt
from .devices import Device, DeviceLike, backend, resolve
from .fperrors import cast

_BASIC_INDEX = (int, np.integer, slice, type(None), type(Ellipsis))


class Array:
    """An n-d array on one device. Create one with ``accel.asarray`` or ``accel.zeros``."""

    __slots__ = ("_data", "_device")

    def __init__(self, data: Any, device: Device):
        self._data = data
        self._device = device

    # -- attributes ---------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    @property
    def device(self) -> Device:
        return self._device

    @property
    def T(self) -> "Array":
        """The array with its axes reversed (NumPy's ``.T``; for 2-D, the transpose)."""
        return Array(self._data.T, self._device)

    @property
    def mT(self) -> "Array":
        """Transpose of the last two axes (array API's ``mT``)."""
        if self.ndim < 2:
            raise ValueError(f"mT needs at least 2 dimensions, got shape {self.shape}")
        return Array(self._data.swapaxes(-1, -2), self._device)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d array")
        return self.shape[0]

    def __iter__(self) -> Iterator["Array"]:
        """The views along the first axis; a 0-d array is an error, as in NumPy (without this,
        Python's fallback iteration would end at the first IndexError: an empty list)."""
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    def __contains__(self, value: Any) -> bool:
        """``value in x``: whether any element equals it, as NumPy (one kernel, not a Python loop)."""
        return bool((self == value).any())

    # -- conversion ---------------------------------------------------------
    def reshape(self, *shape: int | tuple[int, ...]) -> "Array":
        from .manipulation import reshape
        return reshape(self, shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) else shape)

    def flatten(self) -> "Array":
        """A 1-D copy, as NumPy's (``ravel`` gives a view where it can)."""
        from .manipulation import flatten
        return flatten(self)

    def ravel(self) -> "Array":
        from .manipulation import ravel
        return ravel(self)

    def squeeze(self, axis: _red.Axis = None) -> "Array":
        from .manipulation import squeeze
        return squeeze(self, axis)

    def transpose(self, *axes: int | tuple[int, ...]) -> "Array":
        """NumPy's ``x.transpose()``: the axes reversed, or in the order given."""
        from .manipulation import transpose
        return transpose(self, axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes or None)

    def swapaxes(self, axis1: int, axis2: int) -> "Array":
        from .manipulation import swapaxes
        return swapaxes(self, axis1, axis2)

    def dot(self, other: "Array") -> "Array":
        """``x.dot(y)`` is ``accel.dot(x, y)``, as NumPy's method."""
        return _la.dot(self, other)

    def clip(self, min: Any = None, max: Any = None, *, out: "Array | None" = None) -> "Array":
        """``x.clip(min, max)`` is ``accel.clip(x, min, max)``, as NumPy's method."""
        return _ew.clip(self, min, max, out=out)

    def fill(self, value: bool | int | float) -> None:
        """Set every element to ``value`` in place, as NumPy's ``ndarray.fill`` (``x[...] = value``)."""
        self[...] = value

    def copy(self) -> "Array":
        """A copy on the same device (views share their buffer; a copy does not)."""
        return Array(self._data.copy(), self._device)

    def astype(self, dtype: Any, copy: bool = True) -> "Array":
        """A copy converted to ``dtype`` (no copy when ``copy=False`` and the dtype already matches)."""
        dt = _dt.as_dtype(dtype)
        if not copy and dt == self.dtype:
            return self
        return Array(cast(self._data, dt), self._device)

    def to_device(self, device: DeviceLike) -> "Array":
        """A copy of this array on ``device`` (the same array if it is already there)."""
        dev = resolve(device)
        if dev == self._device:
            return self
        host = backend(self._device).to_host(self._data)
        return Array(backend(dev).from_host(host, dev), dev)

    def numpy(self) -> np.ndarray:
        """A NumPy copy of the data, from any device."""
        return np.array(backend(self._device).to_host(self._data))

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if self._device.kind != "cpu":
            raise TypeError(f"implicit conversion of an array on '{self._device}' to NumPy is not "
                            "allowed; call .to_device('cpu') or .numpy() first")
        if copy:
            return np.array(self._data, dtype=dtype)
        return np.asarray(self._data, dtype=dtype)

    def tolist(self) -> Any:
        """The data as nested Python lists of Python scalars (a scalar for a 0-d array)."""
        return self.numpy().tolist()

    def item(self, *index: int | tuple[int, ...]) -> Any:
        """One element as a Python scalar, as NumPy's ``item``: a size-1 array's, or that at a flat
        index (``x.item(5)``) or at one index per axis (``x.item(1, 2)``, ``x.item((1, 2))``)."""
        if not index:
            return self._scalar("item()")
        key = index[0] if len(index) == 1 else index
        key = key[0] if isinstance(key, tuple) and len(key) == 1 else key  # NumPy's item((5,)) is item(5)
        if not isinstance(key, tuple):  # a flat index; indexing checks its bounds
            if isinstance(key, bool) or not isinstance(key, (int, np.integer)):
                raise TypeError(f"item: an index must be an int, not {type(key).__name__}")
            return self.reshape(-1)[int(key)]._scalar("item()")
        if len(key) != self.ndim or not all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in key):
            raise ValueError(f"item: {key!r} is not one int per axis of an array of shape {self.shape}")
        return self[key]._scalar("item()")

    def _scalar(self, caller: str) -> Any:
        if self.size != 1:
            raise ValueError(f"{caller} needs an array of size 1, got shape {self.shape}")
        return self.numpy().item()

    def __float__(self) -> float:
        return float(self._scalar("float()"))

    def __int__(self) -> int:
        return int(self._scalar("int()"))

    def __bool__(self) -> bool:
        if self.size != 1:  # `if x > 0:` on a whole array is a common slip: say what to write instead
            raise ValueError(f"the truth value of an array of shape {self.shape} is ambiguous; "
                             "reduce it first, with .any() or .all()")
        return bool(self.numpy().item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iu" or self.ndim != 0:
            raise TypeError("only 0-d integer arrays can be used as an index")
        return int(self.item())

    def __repr__(self) -> str:
        body = np.array2string(self.numpy(), separator=", ", prefix="Array(")
        return f"Array({body}, dtype={self.dtype}, device='{self._device}')"

    def __str__(self) -> str:
        return str(self.numpy())

    def __format__(self, spec: str) -> str:
        """``f"{loss:.4f}"`` formats a 0-d array as its scalar, as NumPy and PyTorch do."""
        if self.ndim == 0:
            return format(self.item(), spec)
        return super().__format__(spec)  # str(x) for an empty spec, else TypeError, as NumPy

    # -- NumPy's functions: np.maximum(x, 0), np.dot(a, b) run accel's op (accel/interop.py) --
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _interop.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        return _interop.array_function(func, args, kwargs)

    # -- reductions: NumPy's method forms of accel.sum, accel.max, ... -------
    def sum(self, axis: _red.Axis = None, keepdims: bool = False, *, dtype: Any = None) -> "Array":
        return _red.sum(self, axis, keepdims, dtype=dtype)

    def mean(self, axis: _red.Axis = None, keepdims: bool = False, *, dtype: Any = None) -> "Array":
        return _red.mean(self, axis, keepdims, dtype=dtype)

    def var(self, axis: _red.Axis = None, keepdims: bool = False, ddof: int | float = 0) -> "Array":
        return _red.var(self, axis, keepdims, ddof)

    def std(self, axis: _red.Axis = None, keepdims: bool = False, ddof: int | float = 0) -> "Array":
        return _red.std(self, axis, keepdims, ddof)

    def max(self, axis: _red.Axis = None, keepdims: bool = False) -> "Array":
        return _red.max(self, axis, keepdims)

    def min(self, axis: _red.Axis = None, keepdims: bool = False) -> "Array":
        return _red.min(self, axis, keepdims)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> "Array":
        return _red.argmax(self, axis, keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> "Array":
        return _red.argmin(self, axis, keepdims)

    def any(self, axis: _red.Axis = None, keepdims: bool = False) -> "Array":
        return _red.any(self, axis, keepdims)

    def all(self, axis: _red.Axis = None, keepdims: bool = False) -> "Array":
        return _red.all(self, axis, keepdims)

    # -- indexing -----------------------------------------------------------
    def _key(self, key: Any) -> Any:
        """The backend index for ``key``: basic indices pass through; lists and NumPy arrays go to
        this device as index Arrays (as CuPy sends them), and every index Array is checked against
        the axes it indexes (a GPU does not check bounds)."""
        if isinstance(key, _BASIC_INDEX):
            return key
        if not isinstance(key, tuple):
            return self._advanced((key,))[0]
        for k in key:
            if not isinstance(k, _BASIC_INDEX):
                return self._advanced(key)
        return key

    def _advanced(self, key: tuple) -> tuple:
        parts = [self._index_array(k) if isinstance(k, (list, np.ndarray)) else k for k in key]
        for k in parts:
            if not isinstance(k, (Array, *_BASIC_INDEX)):
                raise IndexError(f"unsupported index {k!r}: use integers, slices, None, ..., integer or "
                                 "boolean mask Arrays (or lists)")
        # the axes each part indexes: a mask its ndim, an integer, slice or index array one, None none
        spans = [k.ndim if isinstance(k, Array) and k.dtype == _dt.bool_ else 0 if k is None or k is Ellipsis else 1
                 for k in parts]
        axis, checked = 0, []
        for k, span in zip(parts, spans):
            if k is Ellipsis:
                axis += self.ndim - sum(spans)
            elif isinstance(k, Array):
                self._check_index(k, axis)
                k = k._data
            axis += span
            checked.append(k)
        return tuple(checked)

    def _check_index(self, key: "Array", axis: int) -> None:
        """An index Array used at ``axis``: on this device, an integer or bool dtype, within bounds."""
        if key._device != self._device:
            raise ValueError(f"index array is on '{key._device}' but the array is on '{self._device}'")
        if key.dtype == _dt.bool_:  # a mask over the axes from ``axis``, as NumPy's x[x > 0]
            if key.shape != self.shape[axis:axis + key.ndim]:
                where = "leading axes" if axis == 0 else f"axes from {axis}"
                raise IndexError(f"boolean index of shape {key.shape} does not match the array's "
                                 f"{where} {self.shape[axis:axis + key.ndim]} (shape {self.shape})")
            return
        if key.dtype.kind not in "iu":
            raise IndexError(f"index arrays must have an integer or bool dtype, got {key.dtype}")
        if axis >= self.ndim:
            raise IndexError(f"too many indices for an array of dimension {self.ndim}")
        n = self.shape[axis]
        if key.size and (int(key._data.min()) < -n or int(key._data.max()) >= n):
            raise IndexError(f"index array has values out of bounds for axis {axis} with size {n}")

    def _index_array(self, key: list | np.ndarray) -> "Array":
        host = np.asarray(key)
        if host.size == 0 and isinstance(key, list):  # x[[]] selects nothing (NumPy reads [] as float)
            host = host.astype(np.int64)
        if host.dtype.kind not in "iub":
            raise IndexError(f"index arrays must have an integer or bool dtype, got {host.dtype}")
        return _creation.asarray(host, device=self._device)

    def __getitem__(self, key: Any) -> "Array":
        key = self._key(key)
        data = self._data[key]
        if isinstance(data, np.generic):  # x[i, j]: NumPy gives a scalar copy; keep a 0-d view, as CuPy does
            data = self._data[(*(key if isinstance(key, tuple) else (key,)), ...)]
        return Array(data, self._device)

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(value, Array):
            if value._device != self._device:
                raise ValueError(f"cannot assign an array on '{value._device}' into one on '{self._device}'")
            value = value._data
        elif not isinstance(value, (int, float, bool, np.generic)):
            raise TypeError(f"can only assign Arrays or scalars, not {type(value).__name__}; send it to the "
                            f"array's device first, x[...] = accel.asarray(value, device={str(self._device)!r}) "
                            "(CuPy too refuses host data here)")
        backend(self._device).setitem(self._data, self._key(key), value)

    # -- operators ----------------------------------------------------------
    def __add__(self, other): return _ew.binary("add", self, other)
    def __radd__(self, other): return _ew.binary("add", self, other)  # commutative: 2.0 + x takes the shortcut
    def __iadd__(self, other): return _ew.binary("add", self, other, in_place=True)
    def __sub__(self, other): return _ew.binary("subtract", self, other)
    def __rsub__(self, other): return _ew.subtract(other, self)
    def __isub__(self, other): return _ew.binary("subtract", self, other, in_place=True)
    def __mul__(self, other): return _ew.binary("multiply", self, other)
    def __rmul__(self, other): return _ew.binary("multiply", self, other)
    def __imul__(self, other): return _ew.binary("multiply", self, other, in_place=True)
    def __truediv__(self, other): return _ew.binary("divide", self, other)
    def __rtruediv__(self, other): return _ew.divide(other, self)
    def __itruediv__(self, other): return _ew.binary("divide", self, other, in_place=True)
    def __floordiv__(self, other): return _ew.floor_divide(self, other)
    def __rfloordiv__(self, other): return _ew.floor_divide(other, self)
    def __ifloordiv__(self, other): return _ew.floor_divide(self, other, out=self)
    def __mod__(self, other): return _ew.remainder(self, other)
    def __rmod__(self, other): return _ew.remainder(other, self)
    def __imod__(self, other): return _ew.remainder(self, other, out=self)
    def __divmod__(self, other): return _ew.floor_divide(self, other), _ew.remainder(self, other)
    def __rdivmod__(self, other): return _ew.floor_divide(other, self), _ew.remainder(other, self)
    def __pow__(self, other): return _ew.pow(self, other)
    def __rpow__(self, other): return _ew.pow(other, self)
    def __ipow__(self, other): return _ew.pow(self, other, out=self)
    def __matmul__(self, other): return _la.matmul(self, other)
    def __rmatmul__(self, other): return _la.matmul(other, self)
    def __imatmul__(self, other): return _la.matmul(self, other, out=self)
    def __lt__(self, other): return _ew.binary("less", self, other)
    def __le__(self, other): return _ew.binary("less_equal", self, other)
    def __gt__(self, other): return _ew.binary("greater", self, other)
    def __ge__(self, other): return _ew.binary("greater_equal", self, other)
    def __eq__(self, other): return _ew.binary("equal", self, other)  # type: ignore[override]
    def __ne__(self, other): return _ew.binary("not_equal", self, other)  # type: ignore[override]
    def __and__(self, other): return _ew.binary("bitwise_and", self, other)
    def __rand__(self, other): return _ew.binary("bitwise_and", self, other)  # commutative, as are | and ^
    def __iand__(self, other): return _ew.binary("bitwise_and", self, other, in_place=True)
    def __or__(self, other): return _ew.binary("bitwise_or", self, other)
    def __ror__(self, other): return _ew.binary("bitwise_or", self, other)
    def __ior__(self, other): return _ew.binary("bitwise_or", self, other, in_place=True)
    def __xor__(self, other): return _ew.binary("bitwise_xor", self, other)
    def __rxor__(self, other): return _ew.binary("bitwise_xor", self, other)
    def __ixor__(self, other): return _ew.binary("bitwise_xor", self, other, in_place=True)
    def __invert__(self): return _ew.invert(self)
    def __neg__(self): return _ew.negative(self)
    def __pos__(self): return self
    def __abs__(self): return _ew.abs(self)

    __hash__ = None  # type: ignore[assignment]  # mutable, and == is elementwise


from . import elementwise as _ew  # noqa: E402  (the operators' front ends import Array)
from . import linalg as _la  # noqa: E402
from . import reduce as _red  # noqa: E402
from . import interop as _interop  # noqa: E402
from . import creation as _creation  # noqa: E402

for _name in ("sum", "mean", "var", "std", "max", "min", "argmax", "argmin", "any", "all"):  # help(x.sum) tells what accel.sum does
    getattr(Array, _name).__doc__ = f"``x.{_name}(...)`` is ``accel.{_name}(x, ...)``: {getattr(_red, _name).__doc__}"
