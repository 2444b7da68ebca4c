"""Elementwise ops: the seed's add + relu (naive loops vs NumPy/CuPy vs accel), large arrays, copies."""
from __future__ import annotations

import numpy as np

import accel

from .common import DEVICES, data, require, sync, xp
from .naive import naive_add, naive_relu

SIZES = {"20x100": (20, 100), "2**24": (2 ** 24,)}


class AddRelu:
    """relu(x + y): accel's fused kernel (allocating, and into out=), the baseline's two ops, the seed's loops."""
    params = (DEVICES, ["accel", "accel_out", "baseline", "naive"], list(SIZES))
    param_names = ["device", "impl", "size"]

    def setup(self, device, impl, size):
        require(device)
        if impl == "naive" and (device != "cpu" or size != "20x100"):
            raise NotImplementedError("the naive loops run on the CPU at the seed's size only")
        shape = SIZES[size]
        self.x, self.y = data(shape, device, impl, 0), data(shape, device, impl, 1)
        self.out = accel.empty(shape, device=device) if impl == "accel_out" else None
        self.xp = xp(device) if impl == "baseline" else None
        self.time_add_relu(device, impl, size)  # compile / warm the kernel cache outside the timing

    def time_add_relu(self, device, impl, size):
        if impl == "naive":
            naive_relu(naive_add(self.x, self.y))
        elif impl == "baseline":
            self.xp.maximum(self.x + self.y, 0)
        else:
            accel.add_relu(self.x, self.y, out=self.out)
        sync(device)

    def peakmem_add_relu(self, device, impl, size):
        self.time_add_relu(device, impl, size)


class Copy:
    """The bandwidth reference: a plain copy of 2**24 float32 into an existing array (reads + writes 128 MiB)."""
    params = (DEVICES,)
    param_names = ["device"]

    def setup(self, device):
        require(device)
        self.xp = xp(device)
        self.x = data((2 ** 24,), device, "baseline")
        self.out = self.xp.empty_like(self.x)

    def time_copy(self, device):
        self.xp.copyto(self.out, self.x)
        sync(device)


class Ops:
    """Single elementwise ops on 2**20 elements, accel against the baseline (log of positive data)."""
    params = (DEVICES, ["accel", "baseline"], ["add", "multiply", "greater", "exp", "log", "tanh", "relu"],
              ["float32", "float64"])
    param_names = ["device", "impl", "op", "dtype"]

    def setup(self, device, impl, op, dtype):
        require(device)
        low = 0.01 if op == "log" else -1.0
        self.x, self.y = (data((2 ** 20,), device, impl, seed, low).astype(dtype) for seed in (0, 1))
        if impl == "accel":
            fn = getattr(accel, op)
        else:
            m = xp(device)
            fn = (lambda a: m.maximum(a, 0)) if op == "relu" else getattr(m, op)
        self.args = (self.x,) if op in ("exp", "log", "tanh", "relu") else (self.x, self.y)
        self.fn = fn
        self.time_op(device, impl, op, dtype)

    def time_op(self, device, impl, op, dtype):
        self.fn(*self.args)
        sync(device)


class InPlace:
    """In place on 2**20 float32: ``x += y`` and ``sqrt(x, out=x)``, where the output is an input
    (the CPU backend computes apart and copies back: its loop would run scalar)."""
    params = (DEVICES, ["accel", "baseline"])
    param_names = ["device", "impl"]

    def setup(self, device, impl):
        require(device)
        self.x, self.y = data((2 ** 20,), device, impl, 0, 0.01), data((2 ** 20,), device, impl, 1, 0.01)
        self.sqrt = accel.sqrt if impl == "accel" else xp(device).sqrt
        self.time_iadd(device, impl)
        self.time_sqrt_out(device, impl)

    def time_iadd(self, device, impl):
        self.x += self.y
        sync(device)

    def time_sqrt_out(self, device, impl):
        self.sqrt(self.x, out=self.x)
        sync(device)


class ScalarOps:
    """An array and a Python number on 2**20 and 10**6 float32 (``x * 0.5``, ``x > 0.5``,
    ``maximum(x, 0.5)``): a ufunc gets the number with stride 0, so the CPU backend runs its
    number loop instead (cpu.elementwise.number_loop; the multiply checked for inf and NaN)."""
    params = (DEVICES, ["accel", "baseline"], ["multiply", "greater", "maximum"], ["2**20", "10**6"])
    param_names = ["device", "impl", "op", "size"]

    def setup(self, device, impl, op, size):
        require(device)
        self.x = data((2 ** 20 if size == "2**20" else 10 ** 6,), device, impl, 0)
        self.fn = getattr(accel if impl == "accel" else xp(device), op)
        self.time_op(device, impl, op, size)

    def time_op(self, device, impl, op, size):
        self.fn(self.x, 0.5)
        sync(device)


class SmallOp:
    """Per-call cost on the seed's (20, 100): what dispatch adds to a tiny add, and to an
    operator with a Python number (``x * 0.5``)."""
    params = (DEVICES, ["accel", "baseline"])
    param_names = ["device", "impl"]

    def setup(self, device, impl):
        require(device)
        self.x, self.y = data((20, 100), device, impl, 0), data((20, 100), device, impl, 1)
        self.add = accel.add if impl == "accel" else xp(device).add
        self.add(self.x, self.y)
        self.x * 0.5

    def time_add(self, device, impl):
        self.add(self.x, self.y)
        sync(device)

    def time_scale(self, device, impl):
        self.x * 0.5
        sync(device)
