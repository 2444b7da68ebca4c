"""Helpers shared by the asv benchmarks: devices, baselines, synchronisation.

Every benchmark is parametrised over the device; GPU cases raise
NotImplementedError in ``setup`` (asv's way to skip) where no GPU is usable.
``baseline`` is plain NumPy on the CPU and plain CuPy on the GPU.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import accel

DEVICES = ["cpu", "gpu"]


def require(device: str) -> None:
    if device == "gpu" and not accel.gpu_available():
        raise NotImplementedError("no usable GPU")


def xp(device: str) -> Any:
    """The baseline's array module: NumPy on the CPU, CuPy on the GPU."""
    if device == "cpu":
        return np
    import cupy
    return cupy


def sync(device: str) -> None:
    """Wait for queued GPU work, so that a timing covers the kernels, not their launch."""
    if device != "cpu":
        accel.synchronize(device)


def data(shape: tuple[int, ...], device: str, impl: str, seed: int = 0, low: float = -1.0) -> Any:
    """Random float32 data for ``impl`` ("accel" or "baseline") on ``device``."""
    host = np.random.default_rng(seed).uniform(low, 1.0, shape).astype(np.float32)
    if impl.startswith("accel"):
        return accel.asarray(host, device=device)
    return xp(device).asarray(host)
