"""Fused neural-network kernels: forward against NumPy, every backward by finite differences."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import accel
from conftest import host

EPS = 1e-6


def numeric_grad(f, x: np.ndarray) -> np.ndarray:
    """Central differences of the scalar function f at x (float64)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + EPS
        up = f(x)
        x[i] = old - EPS
        down = f(x)
        x[i] = old
        g[i] = (up - down) / (2 * EPS)
    return g


def off_the_kink(z: np.ndarray) -> np.ndarray:
    """What to add to z so that no entry lies within 1e-3 of relu's kink, where central
    differences average its two slopes (x = -1.6e-10 gave 0.5 where relu's gradient is 0)."""
    return np.where(np.abs(z) < 1e-3, 1e-2, 0.0)


def np_softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


shapes = st.tuples(st.integers(1, 6), st.integers(1, 7))


@given(shape=shapes, seed=st.integers(0, 2 ** 16))
def test_bias_relu_and_its_backward(device, shape, seed):
    rng = np.random.default_rng(seed)
    x, b, up = rng.normal(size=shape), rng.normal(size=shape[1]), rng.normal(size=shape)
    x += off_the_kink(x + b)
    y = accel.bias_relu(accel.asarray(x, device=device), accel.asarray(b, device=device))
    np.testing.assert_allclose(host(y), np.maximum(x + b, 0), rtol=1e-12)
    dx, db = accel.bias_relu_backward(accel.asarray(up, device=device), y)
    loss = lambda: (lambda x_: np.sum(up * np.maximum(x_ + b, 0)), lambda b_: np.sum(up * np.maximum(x + b_, 0)))
    fx, fb = loss()
    np.testing.assert_allclose(host(dx), numeric_grad(fx, x.copy()), atol=1e-5)
    np.testing.assert_allclose(host(db), numeric_grad(fb, b.copy()), atol=1e-5)


@given(shape=shapes, seed=st.integers(0, 2 ** 16))
def test_relu_backward_is_the_relu_mask(device, shape, seed):
    rng = np.random.default_rng(seed)
    x, up = rng.normal(size=shape), rng.normal(size=shape)
    x += off_the_kink(x)
    y = accel.relu(accel.asarray(x, device=device))
    dx = accel.relu_backward(accel.asarray(up, device=device), y)
    np.testing.assert_allclose(host(dx), numeric_grad(lambda x_: np.sum(up * np.maximum(x_, 0)), x.copy()), atol=1e-5)


@given(shape=shapes, seed=st.integers(0, 2 ** 16), scale=st.sampled_from([1.0, 100.0]))
def test_softmax_is_stable_and_its_backward(device, shape, seed, scale):
    rng = np.random.default_rng(seed)
    x, up = rng.normal(size=shape) * scale, rng.normal(size=shape)
    y = accel.softmax(accel.asarray(x, device=device))
    np.testing.assert_allclose(host(y), np_softmax(x), rtol=1e-10, atol=1e-14)
    dx = accel.softmax_backward(accel.asarray(up, device=device), y)
    np.testing.assert_allclose(host(dx), numeric_grad(lambda x_: np.sum(up * np_softmax(x_)), x.copy()), atol=1e-5)


@pytest.mark.parametrize("shape", [(3, 0), (0, 4), (2, 0, 5)])
def test_softmax_and_backward_of_empty_arrays(device, shape):
    x = accel.zeros(shape, device=device)
    y = accel.softmax(x)
    dx = accel.softmax_backward(x, y)
    assert y.shape == dx.shape == shape and y.dtype == dx.dtype == np.float32


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_huge_and_infinite_logits(device, dtype):
    x = np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, -np.inf]], dtype)
    y = host(accel.softmax(accel.asarray(x, device=device)))
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(5, 1000), (5, 4099), (6, 17)])
def test_softmax_and_its_crossentropy_on_long_rows(device, dtype, shape):
    """Rows of many SIMD vectors and a remainder (the CPU runs vectorised passes over them), with
    a NaN in row 1 and +inf in row 2, which make their rows NaN, as in NumPy; float64 truth."""
    rng = np.random.default_rng(shape[1])
    x = (rng.normal(size=shape) * 10).astype(dtype).astype(np.float64)
    x[1, shape[1] // 2], x[2, -1] = np.nan, np.inf
    labels = rng.integers(0, shape[1], size=shape[0])
    with np.errstate(invalid="ignore"):
        want = np_softmax(x)
    # float32's x - max rounds by up to 2**-18 where it is near -80 (rows span about 80): exp's relative error
    tol = dict(rtol=1e-5, atol=1e-30) if dtype == "float32" else dict(rtol=1e-13, atol=1e-300)
    got = host(accel.softmax(accel.asarray(x.astype(dtype), device=device)))
    np.testing.assert_allclose(got, want, **tol)
    ok = slice(3, None)  # the loss of the rows without NaN or inf
    loss, grad = accel.softmax_cross_entropy(accel.asarray(x[ok].astype(dtype), device=device),
                                             accel.asarray(labels[ok], device=device))
    p = want[ok]
    np.testing.assert_allclose(float(host(loss)), -np.mean(np.log(p[np.arange(len(p)), labels[ok]])), **tol)
    onehot = np.eye(shape[1])[labels[ok]]  # p - 1 cancels: the label's gradient is good to 1/n's rounding
    np.testing.assert_allclose(host(grad), (p - onehot) / len(p), rtol=tol["rtol"],
                               atol=2 * np.finfo(dtype).eps / len(p))


@given(shape=shapes, seed=st.integers(0, 2 ** 16), dtype=st.sampled_from(["float32", "float64"]))
def test_softmax_cross_entropy_loss_and_gradient(device, shape, seed, dtype):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=shape) * 3
    labels = rng.integers(0, shape[1], size=shape[0])

    def loss(z: np.ndarray) -> float:
        p = np_softmax(z)
        return float(-np.mean(np.log(p[np.arange(shape[0]), labels])))

    got, grad = accel.softmax_cross_entropy(accel.asarray(logits.astype(dtype), device=device),
                                            accel.asarray(labels, device=device))
    assert got.shape == () and got.dtype == dtype and grad.dtype == dtype
    tol = 1e-5 if dtype == "float32" else 1e-9
    np.testing.assert_allclose(float(host(got)), loss(logits), rtol=tol)
    np.testing.assert_allclose(host(grad), numeric_grad(loss, logits.copy()), atol=max(tol, 1e-6))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_update_in_place(device, momentum, dtype):
    rng = np.random.default_rng(0)
    p, g, v = (rng.normal(size=(5, 4)).astype(dtype) for _ in range(3))
    P, G, V = (accel.asarray(a, device=device, copy=True) for a in (p, g, v))
    accel.sgd_update(P, G, lr=0.1, momentum=momentum, velocity=V if momentum else None)
    if momentum:
        v = momentum * v - 0.1 * g
        np.testing.assert_allclose(host(V), v, rtol=1e-6)
        p = p + v
    else:
        p = p - 0.1 * g
    np.testing.assert_allclose(host(P), p, rtol=1e-6)


def test_nn_errors(device):
    x = accel.ones((4, 3), device=device)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\), got values from 0 to 3"):
        accel.softmax_cross_entropy(x, accel.asarray([0, 1, 2, 3], device=device))
    with pytest.raises(ValueError, match=r"labels shape \(3,\) does not match logits shape \(4, 3\)"):
        accel.softmax_cross_entropy(x, accel.asarray([0, 1, 2], device=device))
    with pytest.raises(TypeError, match="labels must be integers"):
        accel.softmax_cross_entropy(x, accel.ones(4, device=device))
    with pytest.raises(ValueError, match=r"bias shape \(4,\) does not match x of shape \(4, 3\)"):
        accel.bias_relu(x, accel.ones(4, device=device))
    with pytest.raises(TypeError, match="needs float32 or float64"):
        accel.bias_relu(x.astype("int32"), accel.ones(3, dtype="int32", device=device))
    with pytest.raises(ValueError, match="momentum needs a velocity"):
        accel.sgd_update(x, x, lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="C-contiguous"):
        accel.sgd_update(x.T, x.T, lr=0.1)
    g = accel.zeros_like(x)
    for lr, error, message in [(accel.ones(3, device=device), TypeError, r"lr must be a real number, not Array of shape \(3,\)"),
                               ("0.1", TypeError, "lr must be a real number, not str"),
                               (None, TypeError, "lr must be a real number, not NoneType"),
                               (float("nan"), ValueError, "lr must be finite, got nan")]:
        with pytest.raises(error, match="sgd_update: " + message):
            accel.sgd_update(x, g, lr=lr)
    with pytest.raises(ValueError, match="sgd_update: momentum must be finite, got inf"):
        accel.sgd_update(x, g, lr=0.1, momentum=np.inf, velocity=accel.zeros_like(x))
    accel.sgd_update(x, g, lr=np.float32(0.1), momentum=accel.asarray(0.5, device=device), velocity=accel.zeros_like(x))
    for grad, velocity in [(x, None), (x[::-1], None), (accel.zeros_like(x), x)]:
        with pytest.raises(ValueError, match="param, grad and velocity must be separate arrays"):
            accel.sgd_update(x, grad, lr=0.1, momentum=0.9 if velocity is not None else 0.0, velocity=velocity)


def test_sgd_update_refuses_read_only_weights():
    """A read-only NumPy buffer under an Array is refused by name, before Numba would fail to compile."""
    frozen = np.ones((4, 3), np.float32)
    frozen.flags.writeable = False
    w, g = accel.asarray(frozen), accel.ones((4, 3))
    with pytest.raises(ValueError, match="sgd_update updates in place, and param or velocity is read-only"):
        accel.sgd_update(w, g, lr=0.1)
    with pytest.raises(ValueError, match="read-only"):
        accel.sgd_update(accel.ones((4, 3)), g, lr=0.1, momentum=0.9, velocity=w)
    np.testing.assert_array_equal(host(w), frozen)
