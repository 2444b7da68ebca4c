"""NumPy's own functions on accel Arrays (NEP 13's ``__array_ufunc__``, NEP 18's ``__array_function__``).

``np.maximum(x, 0.0)``, ``np.dot(a, b)`` or ``np.sum(x, axis=0)`` run accel's op on the
Arrays' device and return an Array, as NumPy's functions do on CuPy arrays: NumPy code
written for ndarrays (Deep Learning with Python's chapter 2, say) runs unchanged on either
device. Anything else is NumPy's: a function accel lacks (``np.sin``), or a call with an
argument accel's op does not take (``np.var(x, dtype=...)``). On CPU Arrays NumPy computes it
and returns NumPy arrays; on a GPU it raises, since NumPy cannot read GPU memory.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

import numpy as np

from . import creation, elementwise as ew, linalg, manipulation, reduce
from .array import Array

#: NumPy ufunc -> the accel op that follows it (``np.divide`` is ``np.true_divide``, ``np.mod`` ``np.remainder``)
UFUNCS: dict[np.ufunc, Callable[..., Array]] = {
    np.add: ew.add, np.subtract: ew.subtract, np.multiply: ew.multiply, np.divide: ew.divide,
    np.floor_divide: ew.floor_divide, np.remainder: ew.remainder, np.power: ew.pow,
    np.maximum: ew.maximum, np.minimum: ew.minimum, np.greater: ew.greater, np.less: ew.less,
    np.greater_equal: ew.greater_equal, np.less_equal: ew.less_equal, np.equal: ew.equal,
    np.not_equal: ew.not_equal, np.negative: ew.negative, np.absolute: ew.abs, np.exp: ew.exp,
    np.log: ew.log, np.sqrt: ew.sqrt, np.square: ew.square, np.tanh: ew.tanh, np.matmul: linalg.matmul,
    np.bitwise_and: ew.bitwise_and, np.bitwise_or: ew.bitwise_or, np.bitwise_xor: ew.bitwise_xor,
    np.invert: ew.invert,
}


def shape(a: Array) -> tuple[int, ...]:
    return a.shape


def ndim(a: Array) -> int:
    return a.ndim


def size(a: Array, axis: int | None = None) -> int:
    return a.size if axis is None else a.shape[axis]


#: NumPy function -> the accel function that takes the same leading arguments (np.shape, np.ndim
#: and np.size read no data, so they work on any device)
FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.sum: reduce.sum, np.mean: reduce.mean, np.var: reduce.var, np.std: reduce.std, np.max: reduce.max, np.amax: reduce.max,
    np.min: reduce.min, np.amin: reduce.min, np.argmax: reduce.argmax, np.argmin: reduce.argmin,
    np.any: reduce.any, np.all: reduce.all,
    np.dot: linalg.dot, np.tensordot: linalg.tensordot, np.transpose: manipulation.transpose,
    np.swapaxes: manipulation.swapaxes, np.moveaxis: manipulation.moveaxis,
    np.reshape: manipulation.reshape, np.ravel: manipulation.ravel, np.squeeze: manipulation.squeeze,
    np.expand_dims: manipulation.expand_dims, np.concatenate: manipulation.concatenate, np.stack: manipulation.stack,
    np.where: ew.where, np.clip: ew.clip, np.zeros_like: creation.zeros_like,
    np.ones_like: creation.ones_like, np.empty_like: creation.empty_like, np.full_like: creation.full_like,
    np.shape: shape, np.ndim: ndim, np.size: size,
}

_signature = functools.cache(inspect.signature)  # on first use, not at import


@functools.cache
def _keywords(fn: Callable[..., Any]) -> frozenset[str]:
    """The keywords a ufunc's accel op takes (NumPy has checked the operands' count)."""
    return frozenset(p.name for p in _signature(fn).parameters.values() if p.kind == p.KEYWORD_ONLY)


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """``ufunc(*inputs, **kwargs)`` (or its ``method``) with an Array among the operands."""
    name = f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    ours = UFUNCS.get(ufunc) if method == "__call__" else None
    if ours is None:
        return _numpy(getattr(ufunc, method), inputs, kwargs, f"{name} has no accel version")
    unknown = kwargs.keys() - _keywords(ours)
    if unknown:
        why = f"{name} was called with arguments accel.{ours.__name__} does not take ({', '.join(sorted(unknown))}=)"
        return _numpy(ufunc, inputs, kwargs, why)
    if "out" in kwargs:  # NumPy hands over out= as a tuple, one entry per output
        kwargs = {"out": kwargs["out"][0]}
    return ours(*inputs, **kwargs)


def array_function(func: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """``func(*args, **kwargs)``, a NumPy function with an Array among its arguments."""
    name = f"numpy.{func.__name__}"
    ours = FUNCTIONS.get(func)
    if ours is None:
        return _numpy(func, args, kwargs, f"{name} has no accel version")
    try:
        call_args, call_kwargs = _as_call_of(ours, func, args, kwargs)
        _signature(ours).bind(*call_args, **call_kwargs)
    except TypeError as exc:
        return _numpy(func, args, kwargs, f"{name} was called with arguments accel.{ours.__name__} does not take ({exc})")
    return ours(*call_args, **call_kwargs)


_RENAMED = {"newshape": "shape"}  # NumPy 2.0's name for reshape's shape (2.1 renamed it)


def _as_call_of(ours: Callable[..., Any], func: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """NumPy's call ``func(*args, **kwargs)`` as a call of accel's ``ours``, argument by name.

    NumPy's positions are not accel's (``np.sum(x, 0, np.float64)`` passes dtype where
    accel.sum takes keepdims; its dtype is keyword-only), so the call is bound to NumPy's
    signature and handed on by name; an argument accel does not take is dropped where it is
    NumPy's default (``out=None``) and refused (TypeError) otherwise. Where accel's op takes its operands
    positionally only (``where``, ``clip``: NumPy's names differ), or NumPy's function has no
    signature to bind to, the call goes by position.
    """
    mine = _signature(ours).parameters
    try:
        theirs = _signature(func)
    except ValueError:  # a NumPy function without a signature (a C one, on some versions)
        theirs = None
    if theirs is None or any(p.kind == p.POSITIONAL_ONLY for p in mine.values()):
        return args, kwargs
    bound = theirs.bind(*args, **kwargs).arguments  # NumPy's own TypeError if NumPy would refuse it
    first, *rest = bound.items()
    named = {}
    for key, value in rest:
        if _RENAMED.get(key) in mine:
            named[_RENAMED[key]] = value
        elif key in mine:
            named[key] = value
        elif not _is_default(value, theirs.parameters[key].default):
            raise TypeError(f"{key}=")
    return (first[1],), named


def _is_default(value: Any, default: Any) -> bool:
    return value is default or (type(value) is type(default) and isinstance(value, (str, int)) and value == default)


def _numpy(fn: Callable[..., Any], args: tuple, kwargs: dict, why: str) -> Any:
    """NumPy's ``fn`` on the Arrays' data, as before accel took part: CPU Arrays only."""
    for a in _arrays((args, kwargs)):
        if a.device.kind != "cpu":
            raise TypeError(f"{why}, and NumPy cannot read an array on '{a.device}': "
                            "move it with .to_device('cpu') or .numpy() first")
    return fn(*_host(args), **_host(kwargs))


def _arrays(obj: Any) -> list[Array]:
    if isinstance(obj, Array):
        return [obj]
    items = obj.values() if isinstance(obj, dict) else obj if type(obj) in (list, tuple) else ()
    return [a for item in items for a in _arrays(item)]


def _host(obj: Any) -> Any:
    """``obj`` with every CPU Array replaced by a NumPy view of its buffer (so ``out=`` writes land)."""
    if isinstance(obj, Array):
        return obj._data
    if isinstance(obj, dict):
        return {k: _host(v) for k, v in obj.items()}
    if type(obj) in (list, tuple):
        return type(obj)(_host(v) for v in obj)
    return obj
