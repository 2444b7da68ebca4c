"""Shared fixtures: every test runs once per device; GPU cases skip where no GPU is usable."""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import accel

# Numba compiles a kernel on its first call, so no per-example deadline.
settings.register_profile("default", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("ACCEL_HYPOTHESIS_PROFILE", "default"))

GPU = accel.gpu_available()
requires_gpu = pytest.mark.skipif(not GPU, reason="no usable GPU (CuPy missing or no CUDA device)")
DEVICES = ["cpu", pytest.param("gpu", marks=[pytest.mark.gpu, requires_gpu])]


@pytest.fixture(params=DEVICES, scope="session")
def device(request) -> str:
    return request.param


def host(x) -> np.ndarray:
    """The NumPy value of an accel Array from any device."""
    return x.numpy() if isinstance(x, accel.Array) else np.asarray(x)
