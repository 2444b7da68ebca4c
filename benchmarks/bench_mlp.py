"""MLP training: one step and one epoch (60,000 images, batch 128, SGD with momentum),
accel's fused manual backprop against the plain NumPy/CuPy implementation in numpy_mlp.py.
Random data of MNIST's shape: the arithmetic is the same as on the digits."""
from __future__ import annotations

import numpy as np

import accel
from models.network import SGD, BatchGenerator, mlp, train_step

from .common import DEVICES, require, sync, xp
from .numpy_mlp import NumpyMLP


def _dataset(n: int):
    rng = np.random.default_rng(0)
    return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)


class TrainStep:
    params = (DEVICES, ["accel", "baseline"])
    param_names = ["device", "impl"]

    def setup(self, device, impl):
        require(device)
        x, y = _dataset(128)
        if impl == "accel":
            self.model, self.opt = mlp(device=device), SGD(0.05, 0.9)
            self.x, self.y = accel.asarray(x, device=device), accel.asarray(y, device=device)
            self.step = lambda: train_step(self.model, self.opt, self.x, self.y)
        else:
            m = xp(device)
            net, self.x, self.y = NumpyMLP(m), m.asarray(x), m.asarray(y)
            self.step = lambda: net.step(self.x, self.y)
        self.time_train_step(device, impl)

    def time_train_step(self, device, impl):
        self.step()
        sync(device)


class Epoch:
    params = (DEVICES, ["accel", "baseline"])
    param_names = ["device", "impl"]
    number, repeat, timeout = 1, 3, 300

    def setup(self, device, impl):
        require(device)
        x, y = _dataset(60000)
        if impl == "accel":
            model, opt = mlp(device=device), SGD(0.05, 0.9)
            batches = BatchGenerator(accel.asarray(x, device=device), accel.asarray(y, device=device), 128)
            self.run = lambda: [train_step(model, opt, a, b) for a, b in batches]
        else:
            m = xp(device)
            net, X, Y = NumpyMLP(m), m.asarray(x), m.asarray(y)
            rng = np.random.default_rng(0)

            def run():
                order = m.asarray(rng.permutation(60000))
                Xs, Ys = X[order], Y[order]
                for i in range(0, 60000, 128):
                    net.step(Xs[i:i + 128], Ys[i:i + 128])
            self.run = run
        self.run()  # warm-up: compiles the kernels and touches every buffer

    def time_epoch(self, device, impl):
        self.run()
        sync(device)
