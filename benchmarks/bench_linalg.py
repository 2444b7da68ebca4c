"""Matrix products at the MLP's shapes (forward and the transposed backward products) and 2048 square."""
from __future__ import annotations

import accel

from .common import DEVICES, data, require, sync

# name -> (shape of a, shape of b, transpose a, transpose b); the transposes are views, as in backprop
SHAPES = {
    "x@W1 (128,784)@(784,512)": ((128, 784), (784, 512), False, False),
    "h@W2 (128,512)@(512,10)": ((128, 512), (512, 10), False, False),
    "x.T@dz (784,128)@(128,512)": ((128, 784), (128, 512), True, False),
    "dz@W1.T (128,512)@(512,784)": ((128, 512), (784, 512), False, True),
    "h.T@g (512,128)@(128,10)": ((128, 512), (128, 10), True, False),
    "g@W2.T (128,10)@(10,512)": ((128, 10), (512, 10), False, True),
    "2048 square": ((2048, 2048), (2048, 2048), False, False),
}


class Matmul:
    params = (DEVICES, ["accel", "baseline"], list(SHAPES))
    param_names = ["device", "impl", "shapes"]

    def setup(self, device, impl, shapes):
        require(device)
        sa, sb, ta, tb = SHAPES[shapes]
        a, b = data(sa, device, impl, 0), data(sb, device, impl, 1)
        self.a, self.b = (a.T if ta else a), (b.T if tb else b)
        self.time_matmul(device, impl, shapes)

    def time_matmul(self, device, impl, shapes):
        self.a @ self.b
        sync(device)


class MatmulInt:
    """Integer products, which BLAS and cuBLAS lack: accel's own kernel against NumPy's or CuPy's."""
    params = (DEVICES, ["accel", "baseline"])
    param_names = ["device", "impl"]

    def setup(self, device, impl):
        require(device)
        a, b = data((128, 256), device, impl, 0), data((256, 64), device, impl, 1)
        self.a, self.b = (a * 10).astype("int32"), (b * 10).astype("int32")
        self.time_matmul_int32(device, impl)

    def time_matmul_int32(self, device, impl):
        self.a @ self.b
        sync(device)
