"""Shared fixtures: every test runs once per device.

The devices are "cpu" and "gpu". Where no GPU is usable, the "gpu" case skips and
a "gpu-emulated" case runs instead: device "gpu" then runs accel's GPU backend with
its CUDA kernels on the host (tests/cuda_host.py). This checks the GPU code
against NumPy; it does not show that the code works on a GPU.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import accel
import cuda_host

# Numba compiles a kernel on its first call, so no per-example deadline.
settings.register_profile("default", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("ACCEL_HYPOTHESIS_PROFILE", "default"))

GPU = accel.gpu_available()
requires_gpu = pytest.mark.skipif(not GPU, reason="no usable GPU (CuPy missing or no CUDA device)")
DEVICES = ["cpu", pytest.param("gpu", marks=[pytest.mark.gpu, requires_gpu])]
if not GPU and cuda_host.available():
    # no GPU here: run the GPU backend's code on the host instead (tests/cuda_host.py), under its own name
    DEVICES.append(pytest.param("gpu", id="gpu-emulated"))


@pytest.fixture(params=DEVICES, scope="session")
def device(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def host_cuda(request, tmp_path_factory) -> cuda_host.HostCuda:
    """The GPU kernels built for the host, once per source version (kept in pytest's cache)."""
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    return cuda_host.build(Path(cache.mkdir("cuda_host")) if cache else tmp_path_factory.mktemp("cuda_host"))


@pytest.fixture(autouse=True)
def _emulated_gpu(request):
    """Device "gpu" is the host emulator for the tests of the gpu-emulated parameter, and only for them."""
    callspec = getattr(request.node, "callspec", None)
    if GPU or callspec is None or callspec.params.get("device") != "gpu":
        yield
        return
    with cuda_host.emulate(request.getfixturevalue("host_cuda")):
        yield


def host(x) -> np.ndarray:
    """The NumPy value of an accel Array from any device."""
    return x.numpy() if isinstance(x, accel.Array) else np.asarray(x)


def flags_of(fn) -> int:
    """The floating-point flags (NumPy's bit mask) NumPy reports after ``fn()``'s loops, in one run."""
    seen = [0]
    with np.errstate(all="call", call=lambda kind, flags: seen.__setitem__(0, seen[0] | flags)):
        fn()
    return seen[0]
