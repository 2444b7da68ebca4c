"""The fused neural-network kernels against the baseline's array-op composites: softmax and
softmax + crossentropy (loss and gradient) on the MLP's logits (128, 10) and on (1024, 1024);
the backward kernels and the SGD update at the MLP's shapes."""
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


def _backward_cases(m) -> dict:
    """name -> (accel's call, the baseline's composite with array module ``m``), each on (up, y, w, v)."""
    return {
        "bias_relu_backward (128,512)": (
            lambda up, y, w, v: accel.bias_relu_backward(up, y),
            lambda up, y, w, v: (lambda d: (d, d.sum(axis=0)))(m.where(y > 0, up, 0))),
        "relu_backward (128,512)": (
            lambda up, y, w, v: accel.relu_backward(up, y),
            lambda up, y, w, v: up * (y > 0)),
        "softmax_backward (128,512)": (
            lambda up, y, w, v: accel.softmax_backward(up, y),
            lambda up, y, w, v: y * (up - (up * y).sum(axis=-1, keepdims=True))),
        "sgd_update momentum (128,512)": (
            lambda up, y, w, v: accel.sgd_update(w, up, 0.05, 0.9, v),
            lambda up, y, w, v: (v.__imul__(0.9), v.__isub__(0.05 * up), w.__iadd__(v))),
    }


class Backward:
    """The backward passes and the in-place momentum update, one kernel each, against the array ops
    a user would write (``where`` and a column sum, a mask product, three in-place updates)."""
    params = (DEVICES, ["accel", "baseline"], list(_backward_cases(np)))
    param_names = ["device", "impl", "case"]

    def setup(self, device, impl, case):
        require(device)
        up, y = data((128, 512), device, impl, 0), data((128, 512), device, impl, 1)
        self.args = (up, y, data((128, 512), device, impl, 2), data((128, 512), device, impl, 3) * 0)
        self.fn = _backward_cases(xp(device))[case][0 if impl == "accel" else 1]
        self.time_backward(device, impl, case)

    def time_backward(self, device, impl, case):
        self.fn(*self.args)
        sync(device)
