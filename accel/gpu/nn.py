"""GPU neural-network kernels, each a single CUDA kernel launch.

Elementwise ones are CuPy ``ElementwiseKernel``s; the row-wise ones (softmax,
softmax + crossentropy, the bias gradient) are templated ``RawModule``
kernels in SOURCE that reduce in shared memory: one block per row, or for the
bias gradient one block per 32 columns.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import CTYPES, cupy, register
from .elementwise import run

ELEMENTWISE = {
    "relu_backward": ("T g, T y", "T dx", "dx = y > 0 ? g : T(0)"),
    "sgd_momentum": ("T g, float64 lr, float64 mu", "T p, T v", "v = mu * v - lr * g; p += v"),
    "sgd": ("T g, float64 lr", "T p", "p -= lr * g"),
}

SOURCE = r"""
/* NVRTC, which CuPy compiles with, has no math.h: no INFINITY macro */
__device__ float accel_neg_inf(float) { return __int_as_float(0xff800000); }
__device__ double accel_neg_inf(double) { return __longlong_as_double(0xfff0000000000000ULL); }

template <typename R>
__device__ R accel_block_reduce(R v, bool take_max, int lane = threadIdx.x, int lanes = blockDim.x,
                                int column = 0, int columns = 1) {
    /* the max or sum of v over a block's `lanes` (a power of two) in each of its `columns`;
       every thread gets its column's result. By default: over the whole 1-D block */
    extern __shared__ unsigned char accel_shared[];
    R* shared = reinterpret_cast<R*>(accel_shared) + column;
    shared[lane * columns] = v;
    __syncthreads();
    for (int s = lanes / 2; s > 0; s >>= 1) {
        if (lane < s) {
            R a = shared[lane * columns], b = shared[(lane + s) * columns];
            shared[lane * columns] = take_max ? max(a, b) : a + b;
        }
        __syncthreads();
    }
    R r = shared[0];
    __syncthreads();
    return r;
}

template <typename T>
__device__ void accel_softmax_row(const T* x, T* out, int n, T* row_max, double* row_sum) {
    /* sums in double, as the CPU kernels do: a float32 sum of exps loses the small losses */
    T m = accel_neg_inf(T(0));
    for (int j = threadIdx.x; j < n; j += blockDim.x) m = max(m, x[j]);
    m = accel_block_reduce(m, true);
    double s = 0;
    for (int j = threadIdx.x; j < n; j += blockDim.x) { T e = exp(x[j] - m); out[j] = e; s += e; }
    s = accel_block_reduce(s, false);
    double inv = 1.0 / s;
    for (int j = threadIdx.x; j < n; j += blockDim.x) out[j] = T(out[j] * inv);
    *row_max = m;
    *row_sum = s;
}

template <typename T>
__global__ void accel_softmax(const T* x, T* out, int n) {
    T m;
    double s;
    size_t row = (size_t)blockIdx.x * n;
    accel_softmax_row(x + row, out + row, n, &m, &s);
}

template <typename T>
__global__ void accel_softmax_cross_entropy(const T* x, const long long* labels, T* grad, double* loss,
                                            int rows, int n) {
    /* grad = (softmax(x) - onehot(label)) / rows; loss += crossentropy / rows */
    size_t row = (size_t)blockIdx.x * n;
    T m;
    double s;
    accel_softmax_row(x + row, grad + row, n, &m, &s);
    long long label = labels[blockIdx.x];
    T inv_rows = T(1) / rows;
    for (int j = threadIdx.x; j < n; j += blockDim.x)
        grad[row + j] = (grad[row + j] - (j == label ? T(1) : T(0))) * inv_rows;
    if (threadIdx.x == 0) atomicAdd(loss, (log(s) + (double)m - (double)x[row + label]) / rows);
}

template <typename T>
__global__ void accel_softmax_backward(const T* g, const T* y, T* out, int n) {
    size_t row = (size_t)blockIdx.x * n;
    double d = 0;
    for (int j = threadIdx.x; j < n; j += blockDim.x) d += (double)g[row + j] * y[row + j];
    d = accel_block_reduce(d, false);
    for (int j = threadIdx.x; j < n; j += blockDim.x) out[row + j] = T(y[row + j] * (g[row + j] - d));
}

template <typename T>
__global__ void accel_bias_relu_backward(const T* g, const T* y, T* dx, T* db, int rows, int n) {
    /* the relu mask and the bias gradient's column sums in one pass: a block takes blockDim.x
       columns (a warp reads consecutive ones), its blockDim.y lanes take every blockDim.y-th row */
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    T acc = 0;
    if (j < n) {
        for (int i = threadIdx.y; i < rows; i += blockDim.y) {
            size_t k = (size_t)i * n + j;
            T d = y[k] > 0 ? g[k] : T(0);
            dx[k] = d;
            acc += d;
        }
    }
    acc = accel_block_reduce(acc, false, threadIdx.y, blockDim.y, threadIdx.x, blockDim.x);
    if (j < n && threadIdx.y == 0) db[j] = acc;
}
"""
KERNELS = ("accel_softmax", "accel_softmax_cross_entropy", "accel_softmax_backward", "accel_bias_relu_backward")
INSTANCES = [f"{k}<{t}>" for k in KERNELS for t in ("float", "double")]


@functools.lru_cache(maxsize=None)
def _module() -> Any:
    return cupy().RawModule(code=SOURCE, name_expressions=INSTANCES)


def _function(name: str, dtype: np.dtype) -> Any:
    return _module().get_function(f"{name}<{CTYPES[dtype.name]}>")


@functools.lru_cache(maxsize=None)
def _elementwise(name: str) -> Any:
    ins, outs, body = ELEMENTWISE[name]
    return cupy().ElementwiseKernel(ins, outs, body, f"accel_{name}")


#: bias_relu_backward's block: 32 columns (one warp) x 16 row lanes; a (128, 512) batch gets
#: 16 blocks of 8 rows a thread, where one thread per column gave 2 blocks of 128 rows
BIAS_GRAD_BLOCK = (32, 16)


def _row_launch(rows: int, n: int) -> tuple[tuple[int], tuple[int], int]:
    """Grid, block and shared-memory bytes (a double per thread) for one block per row (power-of-two block)."""
    threads = 32
    while threads < min(n, 256):
        threads *= 2
    return (rows,), (threads,), threads * 8


@register("bias_relu")
def bias_relu(x: Any, bias: Any) -> Any:
    return run("add_relu", x, bias, out=None, dtypes=(x.dtype,) * 3)


@register("relu_backward")
def relu_backward(grad: Any, y: Any) -> Any:
    return _elementwise("relu_backward")(grad, y)


@register("softmax")
def softmax(x: Any) -> Any:
    cp = cupy()
    x = cp.ascontiguousarray(x)
    out = cp.empty_like(x)
    if x.size:
        grid, block, shared = _row_launch(x.shape[0], x.shape[1])
        _function("accel_softmax", x.dtype)(grid, block, (x, out, np.int32(x.shape[1])), shared_mem=shared)
    return out


@register("softmax_backward")
def softmax_backward(grad: Any, y: Any) -> Any:
    cp = cupy()
    shape = y.shape
    g2 = cp.ascontiguousarray(grad).reshape(-1, shape[-1])
    y2 = cp.ascontiguousarray(y).reshape(-1, shape[-1])
    out = cp.empty_like(y2)
    if y2.size:
        grid, block, shared = _row_launch(y2.shape[0], y2.shape[1])
        _function("accel_softmax_backward", y.dtype)(grid, block, (g2, y2, out, np.int32(y2.shape[1])),
                                                    shared_mem=shared)
    return out.reshape(shape)


@register("softmax_cross_entropy")
def softmax_cross_entropy(logits: Any, labels: Any) -> tuple[Any, Any]:
    cp = cupy()
    x = cp.ascontiguousarray(logits)
    rows, n = x.shape
    grad = cp.empty_like(x)
    loss = cp.zeros((), dtype=np.float64)  # accumulated in double across rows, then cast
    if rows == 0:
        return cp.full((), np.nan, dtype=x.dtype), grad
    grid, block, shared = _row_launch(rows, n)
    _function("accel_softmax_cross_entropy", x.dtype)(
        grid, block, (x, cp.ascontiguousarray(labels, dtype=np.int64), grad, loss, np.int32(rows), np.int32(n)),
        shared_mem=shared)
    return loss.astype(x.dtype), grad


@register("bias_relu_backward")
def bias_relu_backward(grad: Any, y: Any) -> tuple[Any, Any]:
    cp = cupy()
    g, y = cp.ascontiguousarray(grad), cp.ascontiguousarray(y)
    rows, n = y.shape
    dx, db = cp.empty_like(y), cp.empty(n, dtype=y.dtype)
    if n:
        columns, lanes = BIAS_GRAD_BLOCK
        _function("accel_bias_relu_backward", y.dtype)(((n + columns - 1) // columns,), (columns, lanes),
                                                       (g, y, dx, db, np.int32(rows), np.int32(n)),
                                                       shared_mem=columns * lanes * y.dtype.itemsize)
    return dx, db


@register("sgd_update")
def sgd_update(param: Any, grad: Any, lr: float, momentum: float, velocity: Any) -> None:
    if velocity is None:
        _elementwise("sgd")(grad, lr, param)
    else:
        _elementwise("sgd_momentum")(grad, lr, momentum, param, velocity)
