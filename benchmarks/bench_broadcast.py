"""Broadcasting: the seed's maximum of (64, 3, 32, 10) and (32, 10), and a bias row + relu on (128, 512)."""
from __future__ import annotations

import accel

from .common import DEVICES, data, require, sync, xp


class Maximum:
    params = (DEVICES, ["accel", "baseline"])
    param_names = ["device", "impl"]

    def setup(self, device, impl):
        require(device)
        self.x, self.y = data((64, 3, 32, 10), device, impl, 0), data((32, 10), device, impl, 1)
        self.fn = accel.maximum if impl == "accel" else xp(device).maximum
        self.time_maximum(device, impl)

    def time_maximum(self, device, impl):
        self.fn(self.x, self.y)
        sync(device)


class BiasRelu:
    """relu(z + b) on a (128, 512) matmul output: accel's fused kernel against maximum(z + b, 0)."""
    params = (DEVICES, ["accel", "baseline"])
    param_names = ["device", "impl"]

    def setup(self, device, impl):
        require(device)
        self.z, self.b = data((128, 512), device, impl, 0), data((512,), device, impl, 1)
        self.m = xp(device)
        self.time_bias_relu(device, impl)

    def time_bias_relu(self, device, impl):
        if impl == "accel":
            accel.bias_relu(self.z, self.b)
        else:
            self.m.maximum(self.z + self.b, 0)
        sync(device)
