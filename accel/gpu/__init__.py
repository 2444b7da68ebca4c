"""The GPU backend: CuPy buffers and CUDA kernels on NVIDIA GPUs.

CuPy is imported on first use, never by ``import accel``; the kernel sources
in this package are plain strings, so CI (no GPU) can compile them with NVRTC
and run them on host threads (tests/cuda_host.py).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from ..dispatch import register as _register


def cupy() -> Any:
    """The cupy module (imported lazily)."""
    import cupy as cp
    return cp


def __getattr__(name: str) -> Any:
    if name == "xp":
        return cupy()
    raise AttributeError(name)


def on(device: Any) -> Any:
    """Make ``device`` current, so buffers and kernels land on that GPU."""
    return cupy().cuda.Device(device.index)


def to_host(data: Any) -> np.ndarray:
    return data.get()


def from_host(data: np.ndarray, device: Any) -> Any:
    with on(device):
        return cupy().asarray(data)


def synchronize() -> None:
    cupy().cuda.get_current_stream().synchronize()


def setitem(data: Any, key: Any, value: Any) -> None:
    """``data[key] = value`` as NumPy does it: NumPy reads a value or index that overlaps the target
    (``x[1:] = x[:-1]``) as if copied first; CuPy does not (a cudaMemcpy or a scatter kernel over
    the shared memory), so such operands are copied here."""
    cp = cupy()

    def apart(x: Any) -> Any:
        return x.copy() if isinstance(x, cp.ndarray) and cp.may_share_memory(data, x) else x
    data[tuple(map(apart, key)) if isinstance(key, tuple) else apart(key)] = apart(value)


def register(op: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a GPU kernel for ``op``; it runs on the GPU that holds its first array."""
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def on_owner(*args: Any, **kwargs: Any) -> Any:
            owner = next(a for a in args if isinstance(a, cupy().ndarray))
            with owner.device:
                return fn(*args, **kwargs)
        _register(op, "gpu")(on_owner)
        return fn
    return deco


CTYPES = {"float32": "float", "float64": "double", "int32": "int", "int64": "long long",
          "uint8": "unsigned char", "bool": "bool"}


from . import elementwise, linalg, nn, reduce  # noqa: E402,F401  (registers the kernels)
