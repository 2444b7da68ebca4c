"""CPU neural-network kernels (Numba), each one pass over its data."""
from __future__ import annotations

import numba as nb
import numpy as np

from ..dispatch import register
from .elementwise import KERNELS, UfuncKernel, relu_mask
from .reduce import row_max


_add_relu, _exp, _relu_mask = KERNELS["add_relu"], KERNELS["exp"], UfuncKernel(relu_mask)


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


# softmax runs in passes that LLVM vectorises: the row max (reduce's kernel), the subtraction,
# exp (the registered elementwise kernel), each row scaled by its sum. One fused loop, calling exp per
# element and with an unvectorised max and sum, took 3.4x NumPy's composite on (1024, 1024)
# float32; and a kernel here that called exp's helpers in elementwise.py would escape Numba's
# disk cache, which does not see changes to other files.


@nb.njit(cache=True)
def _subtract_rows(x, m, out):
    for i in range(x.shape[0]):
        r, o, mi = x[i], out[i], m[i]
        for j in range(r.shape[0]):
            o[j] = r[j] - mi


def _shifted(x: np.ndarray) -> np.ndarray:
    """x less its row max: exponents at most 0, so exp cannot overflow (a NaN makes its row NaN)."""
    out = np.empty(x.shape, dtype=x.dtype)
    _subtract_rows(x, row_max(x), out)
    return out


@nb.njit(cache=True, fastmath={"reassoc"})
def _scale_rows(e, total, sums):
    """Each row of e scaled to sum to ``total``; its sum before, in float64, goes to ``sums``
    (reassociated, so that LLVM vectorises it). The scale is in e's dtype, or the multiply
    would not vectorise either."""
    for i in range(e.shape[0]):
        r = e[i]
        s = 0.0
        for j in range(r.shape[0]):
            s += r[j]
        sums[i] = s
        scale = r.dtype.type(total / s)
        for j in range(r.shape[0]):
            r[j] *= scale


@register("softmax", "cpu")
def softmax(x: np.ndarray) -> np.ndarray:
    if not x.size:
        return np.empty(x.shape, dtype=x.dtype)
    e = _exp(_shifted(x), dtypes=(x.dtype,) * 2)
    _scale_rows(e, 1.0, np.empty(x.shape[0]))
    return e


@nb.njit(cache=True, fastmath={"reassoc"})  # lets LLVM vectorise the row's dot product (3x on (128, 512))
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
def _onehot_and_loss(grad, labels, shifted, sums):
    """grad[i, label] -= 1 / n; the mean over rows of log(sum of exp(shifted)) - shifted[label],
    read before exp, which can underflow to 0."""
    n = grad.shape[0]
    total = 0.0
    for i in range(n):
        total += np.log(sums[i]) - shifted[i, labels[i]]
        grad[i, labels[i]] -= 1.0 / n
    return total / n


@register("softmax_cross_entropy", "cpu")
def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean crossentropy of softmax rows against labels; grad = (softmax - onehot) / n."""
    n = logits.shape[0]
    if not n:  # the mean of no rows; rows of no classes have no valid label, and the front end refused them
        return np.asarray(np.nan, dtype=logits.dtype), np.empty(logits.shape, dtype=logits.dtype)
    shifted = _shifted(logits)
    grad, sums = _exp(shifted, dtypes=(logits.dtype,) * 2), np.empty(n)
    _scale_rows(grad, 1.0 / n, sums)
    return np.asarray(_onehot_and_loss(grad, labels, shifted, sums), dtype=logits.dtype), grad


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
