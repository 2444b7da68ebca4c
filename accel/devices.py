"""Devices: where an array's buffer lives, and which backend runs its kernels.

A device is ``"cpu"`` (NumPy buffers, Numba kernels) or ``"gpu"``/``"gpu:N"``
(CuPy buffers and kernels; ``"cuda"`` is an alias). CuPy is imported only when a
GPU device is first asked for, so ``import accel`` and the whole CPU path work
without it.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import os
from dataclasses import dataclass
from types import ModuleType
from typing import Iterator, Union


class DeviceError(RuntimeError):
    """A device was asked for that this machine cannot provide."""


@dataclass(frozen=True)
class Device:
    """One compute device: ``kind`` is ``"cpu"`` or ``"gpu"``; ``index`` numbers GPUs."""

    kind: str
    index: int = 0

    def __str__(self) -> str:
        return "cpu" if self.kind == "cpu" else f"gpu:{self.index}"

    def __repr__(self) -> str:
        return f"Device('{self}')"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = parse_device(other)
            except ValueError:
                return False
        if not isinstance(other, Device):
            return NotImplemented
        return (self.kind, self.index) == (other.kind, other.index)

    def __hash__(self) -> int:
        return hash((self.kind, self.index))

    def __reduce__(self) -> tuple:
        return parse_device, (str(self),)  # unpickled or deep-copied, it is the interned Device again


DeviceLike = Union[str, Device]
CPU = Device("cpu")


def parse_device(spec: DeviceLike) -> Device:
    """Turn ``"cpu"``, ``"gpu"``, ``"cuda"``, ``"gpu:1"`` or a Device into a Device."""
    if isinstance(spec, Device):
        return _interned(spec.kind, spec.index)
    if not isinstance(spec, str):
        raise TypeError(f"device must be a string such as 'cpu' or 'gpu', not {type(spec).__name__}")
    name, _, index = spec.strip().lower().partition(":")
    if name == "cpu" and not index:
        return CPU
    if name in ("gpu", "cuda") and (not index or index.isdigit()):
        return _interned("gpu", int(index or 0))
    raise ValueError(f"unknown device {spec!r}: use 'cpu', 'gpu', 'cuda' or 'gpu:N'")


@functools.lru_cache(maxsize=None)
def _interned(kind: str, index: int) -> Device:
    """One Device object per device, so the hot path can compare devices with ``is``."""
    return CPU if kind == "cpu" else Device(kind, index)


def _gpu_problem(index: int = 0) -> str | None:
    """Why GPU ``index`` cannot be used, or None when it can."""
    try:
        import cupy
    except ImportError as exc:
        return (f"CuPy is not installed ({exc}); install the GPU extra with "
                "`pip install 'accel[gpu]'` (cupy-cuda12x) or the CuPy wheel matching your CUDA")
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # CUDARuntimeError, or a missing driver library
        return f"CuPy is installed but no CUDA device is usable ({exc}); check the NVIDIA driver with `nvidia-smi`"
    if index >= count:
        return f"GPU {index} was asked for but only {count} CUDA device(s) exist"
    return None


def gpu_available() -> bool:
    """True when CuPy is installed and at least one CUDA GPU answers."""
    return _gpu_problem() is None


def check_device(device: Device) -> Device:
    """Raise DeviceError, naming what to install or check, if ``device`` is unusable."""
    if device.kind == "gpu":
        problem = _gpu_problem(device.index)
        if problem:
            raise DeviceError(f"device '{device}' is not available: {problem}")
    return device


_checked: set[Device] = {CPU}
_default: list[Device] = []


def resolve(device: DeviceLike | None) -> Device:
    """The Device meant by ``device`` (None means the default), checked once per process."""
    dev = get_default_device() if device is None else parse_device(device)
    if dev not in _checked:
        check_device(dev)
        _checked.add(dev)
    return dev


def get_default_device() -> Device:
    """The innermost ``default_device`` context, else ``$ACCEL_DEVICE``, else the CPU."""
    if _default:
        return _default[-1]
    env = os.environ.get("ACCEL_DEVICE")
    return parse_device(env) if env else CPU


@contextlib.contextmanager
def default_device(device: DeviceLike) -> Iterator[Device]:
    """Make ``device`` the default for arrays created inside the ``with`` block."""
    dev = resolve(device)
    _default.append(dev)
    try:
        yield dev
    finally:
        _default.pop()


_BACKENDS: dict[str, ModuleType] = {}


def backend(device: Device) -> ModuleType:
    """The backend package (``accel.cpu`` or ``accel.gpu``) that runs ``device``'s kernels."""
    module = _BACKENDS.get(device.kind)
    if module is None:  # imported on first use (import_module costs microseconds even then)
        module = _BACKENDS[device.kind] = importlib.import_module(f"accel.{device.kind}")
    return module
