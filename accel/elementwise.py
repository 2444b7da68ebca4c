"""Elementwise ops: the front ends that check operands and call a device's kernel.

Every op follows NumPy: broadcasting of any rank (operands are never
materialised), NumPy 2's dtype promotion (a Python scalar takes the array's
dtype, a NumPy scalar keeps its own), and an optional ``out=``. Each op names
the NumPy ufunc whose type rules it follows; the backends supply the kernels
under the same name.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Union

import numpy as np

from . import dtypes as _dt
from .array import Array
from .creation import full
from .dispatch import broadcast_shapes, kernel, same_device

Scalar = Union[bool, int, float, np.generic]
Operand = Union[Array, Scalar]

#: op name -> the NumPy ufunc whose dtype rules it follows (None: special rule below).
RULES: dict[str, np.ufunc | None] = {
    "add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.divide,
    "floor_divide": np.floor_divide, "remainder": np.remainder, "pow": np.power,
    "maximum": np.maximum, "minimum": np.minimum,
    "greater": np.greater, "less": np.less, "greater_equal": np.greater_equal,
    "less_equal": np.less_equal, "equal": np.equal, "not_equal": np.not_equal,
    "bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor,
    "invert": np.invert,
    "negative": np.negative, "abs": np.absolute, "exp": np.exp, "log": np.log,
    "sqrt": np.sqrt, "square": np.square, "tanh": np.tanh, "relu": np.positive,
    "add_relu": np.add, "clip": np._core.umath.clip,  # np.clip's own ufunc
    "where": None,
}


def _type_of(x: Operand) -> Any:
    """What NumPy's promotion sees: an array's or NumPy scalar's dtype, or a Python scalar's weak type."""
    if isinstance(x, Array):
        return x.dtype
    if isinstance(x, np.generic):  # np.float32(2) is typed, as in NumPy 2 (NEP 50)
        return x.dtype
    if isinstance(x, bool):
        return _dt.bool_
    if isinstance(x, (int, float)):
        return type(x)
    kind = "NumPy arrays" if isinstance(x, np.ndarray) else f"{type(x).__name__}s" if isinstance(x, (list, tuple)) else None
    raise TypeError(f"operands must be accel Arrays or scalars, not {type(x).__name__}"
                    + (f"; convert {kind} with accel.asarray()" if kind else ""))


@functools.lru_cache(maxsize=None)
def loop_dtypes(op: str, types: tuple) -> tuple[np.dtype, ...]:
    """The dtypes ``op``'s kernel computes in: one per input, then the result's."""
    if op == "where":
        if types[0] != _dt.bool_:
            raise TypeError(f"where: the condition must have dtype bool, not {getattr(types[0], 'name', types[0])}")
        result = _dt.as_dtype(np.result_type(*(t if isinstance(t, np.dtype) else t(0) for t in types[1:])))
        return (_dt.bool_, result, result, result)
    return _dt.resolve(RULES[op], op, types)


#: comparison -> (its answer for an integer array against a Python int above its dtype's range,
#: and against one below), and the comparison with its operands swapped
_BEYOND = {"greater": (False, True), "greater_equal": (False, True), "less": (True, False),
           "less_equal": (True, False), "equal": (False, False), "not_equal": (True, True)}
_SWAPPED = {"greater": "less", "less": "greater", "greater_equal": "less_equal",
            "less_equal": "greater_equal", "equal": "equal", "not_equal": "not_equal"}

#: the scalars whose type alone decides an op's loop dtypes, so that a plan can be keyed by it:
#: Python ints and floats (not bools, which promote differently) and NumPy's numbers
NUMBERS = frozenset({int, float} | {t for t in np.sctypeDict.values() if issubclass(t, (np.number, np.bool_))})

#: (op, device kind, input dtypes) -> kernel(*buffers) for calls that need no per-call check
#: (a kernel runs on the device that holds its arrays, so GPUs share one plan); _IN_PLACE's
#: plans write into their first buffer (x += y)
_PLANS: dict[tuple, Callable[..., Any]] = {}
_IN_PLACE: dict[tuple, Callable[..., Any]] = {}


def apply(op: str, *args: Operand, out: Array | None = None) -> Array:
    """Check ``args`` (devices, dtypes, shapes, ``out``) and run ``op``'s kernel on them.

    Dispatch costs microseconds, which is what a small array pays: Arrays of one
    shape and device whose dtypes were seen before take a shortcut with nothing
    left to check; everything else takes the full path below, once per call.
    """
    if out is None and type(args[0]) is Array:
        if len(args) == 2:
            return binary(op, args[0], args[1])
        if len(args) == 1:
            a = args[0]._data
            plan = _PLANS.get((op, args[0]._device.kind, a.dtype))
            if plan is not None:
                return Array(_array(plan(a)), args[0]._device)
    elif out is None and len(args) == 2 and type(args[1]) is Array and type(args[0]) in NUMBERS:
        b = args[1]._data  # 1.0 - x: a number first
        plan = _PLANS.get((op, args[1]._device.kind, type(args[0]), b.dtype))
        if plan is not None:
            return Array(plan(args[0], b), args[1]._device)
    return _apply(op, args, out)


def _array(result: Any) -> Any:
    """A plan's result as an array: a CPU ufunc given only 0-d arrays returns a NumPy scalar."""
    return np.asarray(result) if isinstance(result, np.generic) else result


def binary(op: str, x1: Array, x2: Operand, in_place: bool = False) -> Array:
    """``apply`` for two operands, the first an Array (and the output, ``x1 += x2``, where
    ``in_place``): the operators' entry point."""
    a, plans, plan = x1._data, _IN_PLACE if in_place else _PLANS, None
    if type(x2) is Array and x2._device is x1._device:
        b = x2._data
        # not a 0-d array with a larger one: the full path spreads it (see cpu.elementwise.spread_scalars)
        if a.shape == b.shape or (a.ndim and b.ndim and (broadcast_shapes(op, a.shape, b.shape) == a.shape
                                                         or not in_place)):
            plan = plans.get((op, x1._device.kind, a.dtype, b.dtype))
    elif type(x2) in NUMBERS:  # x * 0.5: the scalar's type is all that counts
        b, plan = x2, plans.get((op, x1._device.kind, a.dtype, type(x2)))
    if plan is None:
        return _apply(op, (x1, x2), x1 if in_place else None)
    result = plan(a, b)
    return x1 if in_place else Array(_array(result), x1._device)


def _apply(op: str, args: tuple, out: Array | None) -> Array:
    device = shape = None
    same_shape = True
    types = []
    for a in args:
        if isinstance(a, Array):
            types.append(a._data.dtype)
            if device is None:
                device, shape = a._device, a._data.shape
            else:
                if a._device is not device and a._device != device:
                    same_device(op, [x._device for x in args if isinstance(x, Array)])
                same_shape = same_shape and a._data.shape == shape
        elif type(a) is np.ndarray and a.ndim == 0:  # a NumPy scalar, as NumPy hands np.int64(1) < x
            return _apply(op, tuple(x[()] if type(x) is np.ndarray and x.ndim == 0 else x for x in args), out)
        else:
            types.append(_type_of(a))
    if device is None:
        raise TypeError(f"{op} needs at least one accel Array operand")
    loop = loop_dtypes(op, tuple(types))
    if not same_shape:
        shape = broadcast_shapes(op, *(a.shape for a in args if isinstance(a, Array)))
    if out is not None:
        check_out_array(op, out, device)
        check_out_fits(op, out, shape, loop[-1])
    checked = op == "pow" and loop[1].kind in "iu"
    if checked and _has_negative(args[1]):
        raise ValueError("pow: integers to negative integer powers are not allowed")
    beyond = _comparison_beyond_range(op, args, loop)
    if beyond is not None:
        if out is None:
            return full(shape, beyond, _dt.bool_, device)
        out._data[...] = beyond
        return out
    fn = kernel(op, device)
    ints = [i for i, a in enumerate(args) if type(a) is int and loop[i].kind in "iu"] if op in _BEYOND else []
    if not checked and (out is None or (out is args[0] and len(args) == 2 and not ints)) and _shortcut(args):
        if all(isinstance(a, Array) for a in args) and hasattr(fn, "specialize"):
            # a backend's direct callable where it has one (the CPU: the ufunc itself)
            plan = fn.specialize(loop, in_place=out is not None)
        elif len(args) == 2 and out is None and hasattr(fn, "specialize_number"):
            plan = fn.specialize_number(loop, number_first=not isinstance(args[0], Array))
        else:
            call = functools.partial(fn, dtypes=loop)
            plan = call if out is None else functools.partial(_into_first, call)
            if not isinstance(args[-1], Array):  # the number in the loop's dtype, as in bufs below
                plan = functools.partial(_number_last, plan, loop[1].type)
            elif not isinstance(args[0], Array):
                plan = functools.partial(_number_first, plan, loop[0].type)
        if ints:  # a Python int compared with integers: its value counts, the plan serves those in range
            info = np.iinfo(loop[ints[0]])
            plan = functools.partial(_int_in_range, plan, op, device, ints[0], int(info.min), int(info.max))
        # keyed as binary() and apply() look plans up: a number by its type (np.float32, float)
        key = tuple(a._data.dtype if isinstance(a, Array) else type(a) for a in args)
        (_PLANS if out is None else _IN_PLACE)[(op, device.kind) + key] = plan
    bufs = [a._data if isinstance(a, Array) else dt.type(a) for a, dt in zip(args, loop)]
    result = fn(*bufs, out=None if out is None else out._data, dtypes=loop)
    return out if out is not None else Array(result, device)


def _shortcut(args: tuple) -> bool:
    """Whether later calls like this one can take a shortcut of ``apply`` or ``binary``: Arrays
    only, or an Array and a number."""
    numbers = [type(a) in NUMBERS for a in args]
    if len(args) == 2 and sum(numbers) == 1:
        return isinstance(args[1 - numbers.index(True)], Array)
    return all(isinstance(a, Array) for a in args)


def _comparison_beyond_range(op: str, args: tuple, loop: tuple[np.dtype, ...]) -> bool | None:
    """The answer of every element where integers meet a Python int outside their dtype's range:
    NumPy 2 compares exactly (uint8 > -1 is True throughout) rather than raise OverflowError."""
    if op not in _BEYOND:
        return None
    for i, (a, dt) in enumerate(zip(args, loop)):
        if type(a) is int and dt.kind in "iu" and not np.iinfo(dt).min <= a <= np.iinfo(dt).max:
            return _BEYOND[op if i == 1 else _SWAPPED[op]][0 if a > 0 else 1]
    return None


def _int_in_range(plan: Callable[..., Any], op: str, device: Any, i: int, lo: int, hi: int, a: Any, b: Any) -> Any:
    """``plan(a, b)`` where operand ``i``, a Python int compared with integers, lies in their
    dtype's range [lo, hi]; beyond it the full path gives NumPy 2's answer (uint8 > -1: all True)."""
    if lo <= (b if i else a) <= hi:
        return plan(a, b)
    return _apply(op, (a, Array(b, device)) if i == 0 else (Array(a, device), b), None)._data


def _number_last(plan: Callable[..., Any], dtype: type, a: Any, number: int | float) -> Any:
    return plan(a, dtype(number))


def _number_first(plan: Callable[..., Any], dtype: type, number: int | float, b: Any) -> Any:
    return plan(dtype(number), b)


def _into_first(call: Callable[..., Any], a: Any, b: Any) -> Any:
    return call(a, b, out=a)


def check_out_array(op: str, out: Any, device) -> None:
    """NumPy's first check of an ``out=``, which needs no result: an Array on the operands' device."""
    if not isinstance(out, Array):
        raise TypeError(f"{op}: out must be an accel Array, not {type(out).__name__}")
    same_device(op, [device, out._device])


def check_out_fits(op: str, out: Array, shape: tuple[int, ...], dtype: np.dtype) -> None:
    """NumPy's checks of an ``out=`` against the result: a dtype that casts to out's, then its shape."""
    if not np.can_cast(dtype, out.dtype, "same_kind"):  # NumPy checks the dtype first
        raise TypeError(f"{op}: cannot write a {dtype} result into out of dtype {out.dtype}")
    if out.shape != shape:
        raise ValueError(f"{op}: out has shape {out.shape} but the result has shape {shape}")


def _has_negative(x: Operand) -> bool:
    if isinstance(x, Array):
        return x.size > 0 and bool(x._data.min() < 0)
    return x < 0


def _op(name: str, doc: str) -> Callable[..., Array]:
    """The public function for ``name``, with its operands as positional parameters (so a wrong
    count gets Python's own error, and help() shows them)."""
    if name == "where":
        def fn(condition: Array, x1: Operand, x2: Operand, /, *, out: Array | None = None) -> Array:
            return apply(name, condition, x1, x2, out=out)
    elif RULES[name].nin == 2:
        def fn(x1: Operand, x2: Operand, /, *, out: Array | None = None) -> Array:  # type: ignore[misc]
            return apply(name, x1, x2, out=out)
    else:
        def fn(x: Operand, /, *, out: Array | None = None) -> Array:  # type: ignore[misc]
            return apply(name, x, out=out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


add = _op("add", "x1 + x2, elementwise with broadcasting.")
subtract = _op("subtract", "x1 - x2, elementwise with broadcasting.")
multiply = _op("multiply", "x1 * x2, elementwise with broadcasting.")
divide = _op("divide", "x1 / x2 (true division; integers give float64).")
floor_divide = _op("floor_divide", "x1 // x2, rounding toward minus infinity.")
remainder = _op("remainder", "x1 % x2, with the sign of the divisor (Python's rule).")
maximum = _op("maximum", "The larger of x1 and x2, elementwise; NaN propagates.")
minimum = _op("minimum", "The smaller of x1 and x2, elementwise; NaN propagates.")
greater = _op("greater", "x1 > x2 as a bool array.")
less = _op("less", "x1 < x2 as a bool array.")
greater_equal = _op("greater_equal", "x1 >= x2 as a bool array.")
less_equal = _op("less_equal", "x1 <= x2 as a bool array.")
equal = _op("equal", "x1 == x2 as a bool array.")
not_equal = _op("not_equal", "x1 != x2 as a bool array.")
bitwise_and = _op("bitwise_and", "x1 & x2 for ints and bools (for bools: logical and).")
bitwise_or = _op("bitwise_or", "x1 | x2 for ints and bools (for bools: logical or).")
bitwise_xor = _op("bitwise_xor", "x1 ^ x2 for ints and bools (for bools: logical xor).")
invert = _op("invert", "~x for ints and bools: every bit flipped (for bools: logical not).")
negative = _op("negative", "-x, elementwise.")
abs = _op("abs", "|x|, elementwise.")
exp = _op("exp", "e ** x, elementwise (integers give float64).")
log = _op("log", "The natural logarithm, elementwise.")
sqrt = _op("sqrt", "The square root, elementwise.")
square = _op("square", "x * x, elementwise (integers wrap, as in NumPy).")
tanh = _op("tanh", "The hyperbolic tangent, elementwise.")
relu = _op("relu", "max(x, 0), elementwise, in x's dtype; NaN propagates.")
add_relu = _op("add_relu", "relu(x1 + x2) in one pass (no temporary for the sum), with broadcasting.")
where = _op("where", "where(condition, x1, x2): x1 where condition is True, else x2.")


def pow(x1: Operand, x2: Operand, /, *, out: Array | None = None) -> Array:
    """x1 ** x2, elementwise. As in NumPy, a float array to the scalar power 2, 0.5 or -1 is
    ``square(x1)``, ``sqrt(x1)`` or ``1 / x1``: many times faster than pow (25x for -1 on the
    CPU), and NumPy's answers (``-0.0 ** 0.5`` is -0.0 and ``-inf ** 0.5`` NaN, where C's pow
    gives 0.0 and inf)."""
    if (type(x1) is Array and x1._data.dtype.kind == "f" and type(x2) in NUMBERS and x2 in (2, 0.5, -1)
            and loop_dtypes("pow", (x1._data.dtype, _type_of(x2)))[-1] == x1._data.dtype):
        return divide(1, x1, out=out) if x2 == -1 else (square if x2 == 2 else sqrt)(x1, out=out)
    return apply("pow", x1, x2, out=out)


def clip(x: Operand, min: Operand | None = None, max: Operand | None = None, /, *,
         out: Array | None = None) -> Array:
    """NumPy's clip: ``minimum(maximum(x, min), max)``, either bound None for none; NaN propagates,
    and where ``min`` > ``max`` the answer is ``max``. With both bounds one pass (NumPy's clip
    ufunc's dtypes and broadcasting), with one a ``maximum`` or a ``minimum``; ``out=`` as theirs."""
    if min is None and max is None:
        raise ValueError("clip: give min, max or both")
    if min is None:
        return minimum(x, max, out=out)
    return maximum(x, min, out=out) if max is None else apply("clip", x, min, max, out=out)
