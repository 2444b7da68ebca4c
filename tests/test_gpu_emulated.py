"""The GPU backend's own code, run on the CPU against NumPy: every CUDA kernel and the Python that launches it.

``accel.gpu`` runs here with ``cuda_host.HostCupy`` in place of CuPy, so its
kernels execute on host threads (see cuda_host for what that can and cannot
show). This is the GPU path's test where no GPU exists; on a GPU the same ops
run for real in the device-parametrised tests and ``scripts/gpu_check.py``.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from accel.elementwise import loop_dtypes
from cuda_host import HostArray, available, emulate
from strategies import DTYPES
from test_elementwise import BINARY, ORACLE, UNARY, check, draw_operands, numpy_supports
from test_nn import np_softmax

pytestmark = pytest.mark.skipif(not available(), reason="g++ builds the GPU kernels for the host")


@pytest.fixture(scope="module")
def gpu(host_cuda):
    """accel.gpu's kernel modules, running on the host emulator."""
    from accel.gpu import elementwise, linalg, nn
    with emulate(host_cuda):
        yield SimpleNamespace(elementwise=elementwise, linalg=linalg, nn=nn)


def dev(*arrays: np.ndarray):
    """The arrays as device (emulated GPU) buffers."""
    out = [np.array(a).view(HostArray) for a in arrays]
    return out[0] if len(out) == 1 else out


def run(gpu, op: str, *inputs):
    """The GPU kernel of ``op`` on arrays (NumPy scalars too) and Python scalars, as the front end calls it."""
    inputs = tuple(dev(x) if isinstance(x, (np.ndarray, np.generic)) else x for x in inputs)
    types = tuple(x.dtype if isinstance(x, np.ndarray) else np.dtype(bool) if isinstance(x, bool) else type(x)
                  for x in inputs)  # what the front end hands NumPy's promotion: Python scalars stay weak
    return gpu.elementwise.run(op, *inputs, out=None, dtypes=loop_dtypes(op, types))


@pytest.mark.parametrize("op", BINARY)
@given(data=st.data(), dt1=st.sampled_from(DTYPES), dt2=st.sampled_from(DTYPES))
def test_binary_kernels(gpu, op, data, dt1, dt2):
    assume(numpy_supports(op, dt1, dt2))
    a, b = draw_operands(data, op, dt1, dt2)
    with np.errstate(all="ignore"):
        check(op, run(gpu, op, a, b), ORACLE[op](a, b))


@pytest.mark.parametrize("op", UNARY)
@given(data=st.data(), dt=st.sampled_from(DTYPES))
def test_unary_kernels(gpu, op, data, dt):
    assume(numpy_supports(op, dt))
    a, = draw_operands(data, op, dt)
    with np.errstate(all="ignore"):
        check(op, run(gpu, op, a), ORACLE[op](a))


@pytest.mark.parametrize("op", ["floor_divide", "remainder"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_division_signs_zeros_and_nans(gpu, op, dtype):
    """Every sign pair, zero and (for floats) inf/NaN operands: NumPy's rounding and signs, bit for bit."""
    vals = [-7, -3, -1, 0, 1, 3, 7] + ([-0.5, 2.5, np.inf, -np.inf, np.nan] if dtype[0] == "f" else [])
    a, b = (np.array(v, dtype) for v in zip(*[(x, y) for x in vals for y in vals]))
    with np.errstate(all="ignore"):
        want = ORACLE[op](a, b)
    if dtype[0] == "i":
        want = np.where(b == 0, 0, want)  # NumPy gives 0 (and warns); so does the kernel
    check(op, run(gpu, op, a, b), want)
    np.testing.assert_array_equal(np.signbit(run(gpu, op, a, b)), np.signbit(want))


@pytest.mark.parametrize("op", ["maximum", "minimum"])
def test_nan_propagates(gpu, op):
    a = np.array([np.nan, 1.0, -2.0, np.nan], np.float32)
    b = np.array([0.0, np.nan, -3.0, np.nan], np.float32)
    check(op, run(gpu, op, a, b), ORACLE[op](a, b))
    check("relu", run(gpu, "relu", a), ORACLE["relu"](a))


@pytest.mark.parametrize("scalar", [2, 3.5, True])
@pytest.mark.parametrize("op", ["add", "multiply", "maximum", "greater", "divide"])
def test_python_scalars_are_cast_to_the_loop_dtype(gpu, op, scalar):
    a = np.arange(-3, 3, dtype=np.int32)
    with np.errstate(divide="ignore"):
        check(op, run(gpu, op, a, scalar), ORACLE[op](a, scalar))
        check(op, run(gpu, op, scalar, a), ORACLE[op](scalar, a))


def test_where_with_arrays_and_scalars(gpu):
    c = np.array([[True], [False]])
    x, y = np.arange(6, dtype=np.float32).reshape(2, 3), np.float32(-1)
    check("where", run(gpu, "where", c, x, y.item()), np.where(c, x, y))
    check("where", run(gpu, "where", c, 1.5, -2.5), np.where(c, 1.5, -2.5))


def test_out_of_another_dtype(gpu):
    a, out = dev(np.arange(6, dtype=np.int32).reshape(2, 3), np.zeros((2, 3), np.float64))
    got = gpu.elementwise.run("add", a, a, out=out, dtypes=loop_dtypes("add", (a.dtype, a.dtype)))
    assert got is out
    np.testing.assert_array_equal(out, 2.0 * a)


# rows x columns that cover a partial warp, a non-power-of-two width, and rows wider than a block (256)
NN_SHAPES = [(1, 1), (3, 10), (5, 33), (2, 300), (4, 700)]
FLOATS = ["float32", "float64"]


def tolerance(dtype: str) -> dict:
    return {"rtol": 2e-5, "atol": 1e-6} if dtype == "float32" else {"rtol": 1e-12, "atol": 1e-14}


@pytest.mark.parametrize("shape", NN_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_and_backward(gpu, shape, dtype):
    rng = np.random.default_rng(sum(shape))
    x, up = dev(*(rng.normal(size=shape).astype(dtype) * 5 for _ in range(2)))
    y = gpu.nn.softmax(x)
    assert y.dtype == dtype
    np.testing.assert_allclose(y, np_softmax(x.astype(np.float64)), **tolerance(dtype))
    want = y * (up - np.sum(up * y, axis=-1, keepdims=True))
    np.testing.assert_allclose(gpu.nn.softmax_backward(up, y), want, **tolerance(dtype))


@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_huge_logits(gpu, dtype):
    x = dev(np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, -np.inf]], dtype))
    np.testing.assert_array_equal(gpu.nn.softmax(x), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


@pytest.mark.parametrize("shape", NN_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_cross_entropy(gpu, shape, dtype):
    rng = np.random.default_rng(sum(shape))
    logits = (rng.normal(size=shape) * 3).astype(dtype)
    labels = rng.integers(0, shape[1], size=shape[0])
    loss, grad = gpu.nn.softmax_cross_entropy(*dev(logits, labels))
    p = np_softmax(logits.astype(np.float64))
    assert loss.shape == () and loss.dtype == dtype and grad.dtype == dtype
    np.testing.assert_allclose(loss, -np.mean(np.log(p[np.arange(shape[0]), labels])), **tolerance(dtype))
    np.testing.assert_allclose(grad, (p - np.eye(shape[1])[labels]) / shape[0], **tolerance(dtype))


@pytest.mark.parametrize("shape", NN_SHAPES + [(300, 3)])
@pytest.mark.parametrize("dtype", FLOATS)
def test_bias_relu_and_backwards(gpu, shape, dtype):
    rng = np.random.default_rng(sum(shape))
    x, up, b = rng.normal(size=shape).astype(dtype), rng.normal(size=shape).astype(dtype), rng.normal(size=shape[1])
    x, up, b = dev(x, up, b.astype(dtype))
    y = gpu.nn.bias_relu(x, b)
    np.testing.assert_array_equal(y, np.maximum(x + b, 0))
    dx, db = gpu.nn.bias_relu_backward(up, y)
    np.testing.assert_array_equal(dx, np.where(y > 0, up, 0))
    np.testing.assert_allclose(db, np.where(y > 0, up, 0).sum(axis=0), **tolerance(dtype))
    np.testing.assert_array_equal(gpu.nn.relu_backward(up, y), np.where(y > 0, up, 0))


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("dtype", FLOATS)
def test_sgd_update_in_place(gpu, momentum, dtype):
    rng = np.random.default_rng(0)
    p, g, v = (rng.normal(size=(7, 5)).astype(dtype) for _ in range(3))
    P, G, V = dev(p, g, v)
    gpu.nn.sgd_update(P, G, 0.1, momentum, V if momentum else None)
    if momentum:
        v = momentum * v - 0.1 * g
        np.testing.assert_allclose(V, v, **tolerance(dtype))
        p = p + v
    else:
        p = p - 0.1 * g
    np.testing.assert_allclose(P, p, **tolerance(dtype))


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool"])
@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((2, 1, 17, 9), (3, 9, 20)), ((1, 1), (1, 1)),
                                    ((0, 3), (3, 2))])
def test_integer_matmul_kernel(gpu, dtype, shapes):
    rng = np.random.default_rng(0)
    a, b = (rng.integers(0, 3 if dtype == "bool" else 50, size=s).astype(dtype) for s in shapes)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    got = gpu.linalg.matmul(*dev(a, b), batch, np.dtype(dtype))
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, np.matmul(a, b))


def test_the_emulator_checks_what_a_gpu_would_not(gpu):
    """Launch mistakes that would corrupt memory or hang on a GPU raise here: this is what makes the tests above bite."""
    x = dev(np.ones((2, 3), np.float32))
    kernel = gpu.nn._function("accel_softmax", x.dtype)
    with pytest.raises(TypeError, match="argument 0 is a NumPy array, not a device array"):
        kernel((2,), (32,), (np.ones((2, 3), np.float32), x, np.int32(3)), shared_mem=128)
    with pytest.raises(TypeError, match="argument 2 is int64 but the kernel takes int32"):
        kernel((2,), (32,), (x, x, 3), shared_mem=128)  # a Python int travels as int64
    with pytest.raises(TypeError, match=r"argument 0 is float64\* but the kernel takes float32\*"):
        kernel((2,), (32,), (dev(np.ones((2, 3))), x, np.int32(3)), shared_mem=128)
    with pytest.raises(ValueError, match="non-contiguous"):
        kernel((2,), (32,), (dev(np.ones((3, 2), np.float32)).T, x, np.int32(3)), shared_mem=128)
    with pytest.raises(ValueError, match="invalid launch configuration"):
        kernel((0,), (32,), (x, x, np.int32(3)), shared_mem=128)
    with pytest.raises(TypeError, match="Type is mismatched"):
        gpu.nn.sgd_update(x, x.astype(np.float64), 0.1, 0.0, None)
