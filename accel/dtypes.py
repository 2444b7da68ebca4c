"""The dtypes accel supports, and NumPy's promotion rules applied to them."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

float32 = np.dtype("float32")
float64 = np.dtype("float64")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")

SUPPORTED = (float32, float64, int32, int64, uint8, bool_)
FLOATS = (float32, float64)
_NAMES = ", ".join(str(d) for d in SUPPORTED)


def as_dtype(dtype: Any) -> np.dtype:
    """Validate ``dtype`` (a name, NumPy dtype or Python type) as one accel supports."""
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"not a dtype: {dtype!r}") from exc
    if dt not in SUPPORTED:
        raise TypeError(f"unsupported dtype {dt}: accel supports {_NAMES}")
    return dt


def default_dtype(obj: Any) -> np.dtype:
    """The dtype ``asarray`` gives ``obj`` when none is asked for: NumPy's, within SUPPORTED."""
    values = np.asarray(obj)
    dt = values.dtype
    if dt in SUPPORTED:
        return dt
    if dt.kind == "f" and dt.itemsize < 8:
        return float32
    if dt.kind in "iu":  # int8, int16, uint16, uint32, uint64 widen to int64 where the values fit
        if dt == np.uint64 and values.size and values.max() > np.iinfo(int64).max:
            raise OverflowError(f"uint64 value {values.max()} does not fit int64, accel's widest integer dtype")
        return int64
    return as_dtype(dt)


@functools.lru_cache(maxsize=None)
def resolve(ufunc: np.ufunc, name: str, operands: tuple) -> tuple[np.dtype, ...]:
    """NumPy's loop dtypes for ``ufunc`` on ``operands`` (dtypes, or Python types for scalars).

    The last entry is the result dtype. Raises TypeError when NumPy refuses the
    combination or would compute it in a dtype accel does not support.
    """
    names = ", ".join(getattr(o, "name", getattr(o, "__name__", str(o))) for o in operands)
    try:
        loop = ufunc.resolve_dtypes(operands + (None,))
    except TypeError as exc:  # NumPy's "no loop" errors are TypeErrors too
        raise TypeError(f"{name} does not support operands of dtype ({names}): {exc}") from None
    for dt in loop:
        if dt not in SUPPORTED:
            raise TypeError(f"{name} on ({names}) would compute in {dt}, which accel does not "
                            f"support; cast first, e.g. x.astype('float32')")
    return loop
