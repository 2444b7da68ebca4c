"""A straightforward manual-backprop 784-512-10 MLP in plain NumPy (or CuPy): the training baseline.

Written as a user would without accel: matmuls, ``maximum``, a stable softmax
with crossentropy, and SGD with momentum, one array op at a time.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def softmax(xp: Any, logits: Any) -> Any:
    """A stable row softmax, one array op at a time."""
    e = xp.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(xp: Any, logits: Any, y: Any) -> tuple[Any, Any]:
    """Mean sparse categorical crossentropy of softmax(logits) and its gradient, one array op at a time."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = xp.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    rows = xp.arange(len(y))
    loss = (xp.log(s[:, 0]) - shifted[rows, y]).mean()
    g = e / s
    g[rows, y] -= 1
    g /= len(y)
    return loss, g


class NumpyMLP:
    def __init__(self, xp: Any = np, hidden: int = 512, seed: int = 0, lr: float = 0.05, momentum: float = 0.9):
        rng = np.random.default_rng(seed)
        lim1, lim2 = np.sqrt(6 / (784 + hidden)), np.sqrt(6 / (hidden + 10))
        self.xp = xp
        self.params = [xp.asarray(rng.uniform(-lim1, lim1, (784, hidden)).astype(np.float32)),
                       xp.zeros(hidden, np.float32),
                       xp.asarray(rng.uniform(-lim2, lim2, (hidden, 10)).astype(np.float32)),
                       xp.zeros(10, np.float32)]
        self.velocity = [xp.zeros_like(p) for p in self.params]
        self.lr, self.momentum = lr, momentum

    def step(self, x: Any, y: Any) -> Any:
        xp = self.xp
        W1, b1, W2, b2 = self.params
        h = xp.maximum(x @ W1 + b1, 0)
        loss, g = softmax_cross_entropy(xp, h @ W2 + b2, y)
        grads = [None, None, h.T @ g, g.sum(axis=0)]
        dh = (g @ W2.T) * (h > 0)
        grads[0], grads[1] = x.T @ dh, dh.sum(axis=0)
        for p, v, gr in zip(self.params, self.velocity, grads):
            v *= self.momentum
            v -= self.lr * gr
            p += v
        return loss
