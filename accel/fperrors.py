"""Floating-point warnings of NumPy's work inside accel (CPU kernels, casts), reported at the user's
line as NumPy reports its own.

NumPy warns about a ufunc's floating-point errors (``divide by zero encountered in divide``)
from the innermost Python frame, which for accel's ufuncs is accel's own line. Every such
warning would name that line, and Python's default filter, which shows a warning once per
line, would then show each message once per process rather than once per line of user code.
So while a kernel runs, the errors the user's ``np.errstate`` says to warn about go to a
callback (NumPy's ``'call'`` mode) that warns at the first frame outside accel; 'raise',
'ignore' and the other settings stay as the user set them.

NumPy offers no public way to swap its error state cheaply (``np.errstate`` costs about a
microsecond, as much as a small op), so this sets the context variable behind it, NumPy's
own since 2.0. Should that ever be missing, kernels run as they are and warnings name accel.
"""
from __future__ import annotations

import functools
import sys
import warnings
from typing import Any, Callable

import numpy as np

from .callers import callers_level

try:
    from numpy._core.umath import _extobj_contextvar, _get_extobj_dict, _make_extobj
except ImportError:  # pragma: no cover - a NumPy that reorganised its internals
    _extobj_contextvar = None

_KINDS = ("divide", "over", "under", "invalid")
_WORDS = {"divide": "divide by zero", "over": "overflow", "under": "underflow", "invalid": "invalid value"}
_BITS = {"divide": 1, "over": 2, "under": 4, "invalid": 8}  # NumPy's flags, as its callbacks get them


def reported_at_caller(ufunc: Callable[..., Any], name: str | None = None) -> Callable[..., Any]:
    """``ufunc`` (or any NumPy call) as a callable whose floating-point warnings name the caller's
    line, and ``name`` (default: the ufunc's) as the operation they were encountered in."""
    if _extobj_contextvar is None:
        return ufunc
    get, set_state, reset = _extobj_contextvar.get, _extobj_contextvar.set, _extobj_contextvar.reset
    name = name or ufunc.__name__
    warn = functools.partial(_warn, name)
    last = (None, None)  # the user's last error state (held, so its id is not reused) and ours

    def call(*args: Any, out: np.ndarray | None = None) -> Any:
        nonlocal last
        user, (seen, ours) = get(), last  # one read of the pair: another thread may replace it
        if user is not seen:
            ours = _derive(user, warn)
            last = (user, ours)
        token = set_state(ours)
        try:
            return ufunc(*args) if out is None else ufunc(*args, out=out)
        finally:
            reset(token)
    call.__name__ = call.__qualname__ = name
    return call



def _derive(user: Any, warn: Callable[[str, int], None]) -> Any:
    """The user's error state (current while this runs) with 'warn' turned into a call of ``warn``;
    the user's own state where nothing warns or where a setting uses their own callback."""
    settings = _get_extobj_dict()
    modes = {k: settings[k] for k in _KINDS}
    if "warn" not in modes.values() or "call" in modes.values() or "log" in modes.values():
        return user
    return _make_extobj(call=warn, **{k: "call" if m == "warn" else m for k, m in modes.items()})


def _warn(name: str, error: str, flags: int) -> None:
    warnings.warn(f"{error} encountered in {name}", RuntimeWarning, stacklevel=callers_level())


def report(name: str, kinds: list[str]) -> None:
    """Report the floating-point errors ``kinds`` (of 'divide', 'over', 'under', 'invalid', in
    that order) found by a kernel whose CPU flags NumPy never reads (an njit loop), as NumPy
    reports a ufunc's: by the user's ``np.errstate``, warnings at the caller's line."""
    if not kinds:
        return
    modes, flags = np.geterr(), sum(_BITS[k] for k in kinds)
    for kind in kinds:
        mode, error = modes[kind], _WORDS[kind]
        if mode == "warn":
            _warn(name, error, flags)
        elif mode == "raise":
            raise FloatingPointError(f"{error} encountered in {name}")
        elif mode == "call":
            np.geterrcall()(error, flags)
        elif mode == "print":
            print(f"Warning: {error} encountered in {name}", file=sys.stderr)
        elif mode == "log":
            np.geterrcall().write(f"Warning: {error} encountered in {name}\n")


_state: tuple[Any, bool] = (None, True)  # the last error state seen, and whether it ignores underflow


def underflow_ignored() -> bool:
    """Whether the user's ``np.errstate`` ignores underflow, as NumPy does by default: a check
    on float results for inf and NaN then sees every error NumPy would report."""
    if _extobj_contextvar is None:
        return np.geterr()["under"] == "ignore"
    global _state
    state = _extobj_contextvar.get()
    seen, ignored = _state  # one read of the pair: another thread may replace it
    if state is not seen:
        ignored = _get_extobj_dict()["under"] == "ignore"
        _state = (state, ignored)
    return ignored


#: ``a.astype(dtype, copy=copy)``, whose overflow (1e300 to float32) and invalid values (NaN to an
#: int) warn at the caller's line in NumPy's words ("overflow encountered in cast")
cast = reported_at_caller(lambda a, dtype, copy=True: a.astype(dtype, copy=copy), "cast")
