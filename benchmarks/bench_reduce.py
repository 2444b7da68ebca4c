"""Reductions: a full sum of 2**24, the bias gradient's column sum, argmax over classes, and
max/argmax/argmin of a (1024, 1024) along its rows and down its columns, its variance down the
columns; all (every element read) and any down the columns of one."""
from __future__ import annotations

import accel

from .common import DEVICES, data, require, sync, xp

CASES = {
    "sum 2**24": ((2 ** 24,), "sum", None),
    "sum axis 0 (128,512)": ((128, 512), "sum", 0),
    "max axis 1 (128,512)": ((128, 512), "max", 1),
    "argmax axis 1 (128,10)": ((128, 10), "argmax", 1),
    "max axis 1 (1024,1024)": ((1024, 1024), "max", 1),
    "argmax axis 1 (1024,1024)": ((1024, 1024), "argmax", 1),
    "max axis 0 (1024,1024)": ((1024, 1024), "max", 0),
    "argmin axis 0 (1024,1024)": ((1024, 1024), "argmin", 0),
    "var axis 0 (1024,1024)": ((1024, 1024), "var", 0),
    "all (1024,1024)": ((1024, 1024), "all", None),
    "any axis 0 (1024,1024)": ((1024, 1024), "any", 0),
}


class Reduce:
    params = (DEVICES, ["accel", "baseline"], list(CASES))
    param_names = ["device", "impl", "case"]

    def setup(self, device, impl, case):
        require(device)
        shape, op, self.axis = CASES[case]
        self.x = data(shape, device, impl)
        self.fn = getattr(accel if impl == "accel" else xp(device), op)
        self.time_reduce(device, impl, case)

    def time_reduce(self, device, impl, case):
        self.fn(self.x, axis=self.axis)
        sync(device)
