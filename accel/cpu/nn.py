"""CPU neural-network kernels (Numba), each one pass over its data."""
from __future__ import annotations

import numba as nb
import numpy as np

from ..dispatch import register
from .elementwise import UfuncKernel, add_relu, relu_mask


_add_relu, _relu_mask = UfuncKernel(add_relu), UfuncKernel(relu_mask)


@register("bias_relu", "cpu")
def bias_relu(x: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """relu(x + bias) as one ufunc pass; the bias row is broadcast, never copied."""
    return _add_relu(x, bias, out=None, dtypes=(x.dtype,) * 3)


@register("relu_backward", "cpu")
def relu_backward(grad: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _relu_mask(grad, y, out=None, dtypes=(y.dtype,) * 3)


@nb.njit(cache=True)
def _bias_relu_backward(g, y, dx, db):
    db[:] = 0
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            d = g[i, j] if y[i, j] > 0 else 0
            dx[i, j] = d
            db[j] += d


@register("bias_relu_backward", "cpu")
def bias_relu_backward(grad: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dx = np.empty(y.shape, dtype=y.dtype)
    db = np.empty(y.shape[1], dtype=y.dtype)
    _bias_relu_backward(grad, y, dx, db)
    return dx, db


@nb.njit(cache=True)
def _softmax_row(x, out):
    """out = softmax(x) for one row; returns (row max, sum of exp(x - max))."""
    m = x[0]
    for j in range(1, x.shape[0]):
        m = max(m, x[j])
    s = 0.0
    for j in range(x.shape[0]):
        e = np.exp(x[j] - m)
        out[j] = e
        s += e
    inv = 1.0 / s
    for j in range(x.shape[0]):
        out[j] *= inv
    return m, s


@nb.njit(cache=True)
def _softmax_rows(x, out):
    for i in range(x.shape[0]):
        _softmax_row(x[i], out[i])


@register("softmax", "cpu")
def softmax(x: np.ndarray) -> np.ndarray:
    out = np.empty(x.shape, dtype=x.dtype)
    if x.size:
        _softmax_rows(x, out)
    return out


@nb.njit(cache=True)
def _softmax_backward(g, y, out):
    for i in range(y.shape[0]):
        dot = 0.0
        for j in range(y.shape[1]):
            dot += g[i, j] * y[i, j]
        for j in range(y.shape[1]):
            out[i, j] = y[i, j] * (g[i, j] - dot)


@register("softmax_backward", "cpu")
def softmax_backward(grad: np.ndarray, y: np.ndarray) -> np.ndarray:
    shape = y.shape
    g2, y2 = grad.reshape(-1, shape[-1]), y.reshape(-1, shape[-1])
    out = np.empty(y2.shape, dtype=y.dtype)
    _softmax_backward(g2, y2, out)
    return out.reshape(shape)


@nb.njit(cache=True)
def _softmax_xent(x, labels, grad):
    """Mean crossentropy of softmax rows against labels; grad = (softmax - onehot) / n."""
    n = x.shape[0]
    total = 0.0
    for i in range(n):
        m, s = _softmax_row(x[i], grad[i])
        total += np.log(s) + m - x[i, labels[i]]
        for j in range(x.shape[1]):
            grad[i, j] /= n
        grad[i, labels[i]] -= 1.0 / n
    return total / n if n else np.nan


@register("softmax_cross_entropy", "cpu")
def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    grad = np.empty(logits.shape, dtype=logits.dtype)
    loss = _softmax_xent(logits, labels, grad)
    return np.asarray(loss, dtype=logits.dtype), grad


@nb.njit(cache=True)
def _sgd_momentum(p, g, lr, momentum, v):
    for i in range(p.shape[0]):
        v[i] = momentum * v[i] - lr * g[i]
        p[i] += v[i]


@nb.njit(cache=True)
def _sgd(p, g, lr):
    for i in range(p.shape[0]):
        p[i] -= lr * g[i]


@register("sgd_update", "cpu")
def sgd_update(param: np.ndarray, grad: np.ndarray, lr: float, momentum: float,
               velocity: np.ndarray | None) -> None:
    """Serial on purpose: with Numba's threads beside BLAS's on 2 cores, a parallel update made
    the MLP step 1.3-8x slower. lr and momentum are cast to the weights' dtype so float32
    weights update in float32 SIMD lanes (58 us instead of 90 us for the 784x512 layer)."""
    p, g, scalar = param.reshape(-1), grad.reshape(-1), param.dtype.type
    if velocity is None:
        _sgd(p, g, scalar(lr))
    else:
        _sgd_momentum(p, g, scalar(lr), scalar(momentum), velocity.reshape(-1))
