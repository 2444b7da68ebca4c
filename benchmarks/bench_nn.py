"""The fused neural-network kernels against the baseline's array-op composites: softmax and
softmax + crossentropy (loss and gradient) on the MLP's logits (128, 10) and on (1024, 1024)."""
from __future__ import annotations

import numpy as np

import accel

from .common import DEVICES, data, require, sync, xp
from .numpy_mlp import softmax, softmax_cross_entropy

SHAPES = {"128x10": (128, 10), "1024x1024": (1024, 1024)}


class Softmax:
    params = (DEVICES, ["accel", "baseline"], list(SHAPES))
    param_names = ["device", "impl", "shape"]

    def setup(self, device, impl, shape):
        require(device)
        rows, classes = SHAPES[shape]
        self.x = data((rows, classes), device, impl, 0) * 3
        labels = np.random.default_rng(0).integers(0, classes, rows)
        self.labels = accel.asarray(labels, device=device) if impl == "accel" else xp(device).asarray(labels)
        self.xp = None if impl == "accel" else xp(device)
        self.time_softmax(device, impl, shape)
        self.time_softmax_cross_entropy(device, impl, shape)

    def time_softmax(self, device, impl, shape):
        accel.softmax(self.x) if self.xp is None else softmax(self.xp, self.x)
        sync(device)

    def time_softmax_cross_entropy(self, device, impl, shape):
        if self.xp is None:
            accel.softmax_cross_entropy(self.x, self.labels)
        else:
            softmax_cross_entropy(self.xp, self.x, self.labels)
        sync(device)
