"""The GPU kernels' edge cases, run on the host emulator against NumPy.

The device-parametrised tests already run every op through the front end on the
emulated GPU (``gpu-emulated``); these call ``accel.gpu``'s kernels directly, on
what those small random shapes miss: rows wider than a block, batches of integer
matmuls, and the emulator's own checks (see cuda_host for what it can and cannot show).
"""
from __future__ import annotations

import contextlib
import itertools
from types import SimpleNamespace

import numpy as np
import pytest

from cuda_host import HostArray, available, emulate
from test_nn import np_softmax

pytestmark = pytest.mark.skipif(not available(), reason="g++ builds the GPU kernels for the host")


@pytest.fixture(scope="module", params=["ascending", "descending"])
def gpu(request, host_cuda):
    """accel.gpu's kernel modules on the host emulator, a block's threads run in either order
    (a kernel that misses a barrier gives different results in the two)."""
    from accel.gpu import elementwise, linalg, nn
    order = host_cuda.threads_in_reverse() if request.param == "descending" else contextlib.nullcontext()
    with emulate(host_cuda), order:
        yield SimpleNamespace(elementwise=elementwise, linalg=linalg, nn=nn)


def dev(*arrays: np.ndarray):
    """The arrays as device (emulated GPU) buffers."""
    out = [np.array(a).view(HostArray) for a in arrays]
    return out[0] if len(out) == 1 else out


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


@pytest.mark.parametrize("shape", NN_SHAPES + [(300, 3), (37, 70), (128, 512)])
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
    kernel((2,), (32,), (x, x, np.int32(3)), shared_mem=256)  # 32 threads, a double each
    with pytest.raises(RuntimeError, match="wrote past the 128 bytes of shared memory the launch asked for"):
        kernel((2,), (32,), (x, x, np.int32(3)), shared_mem=128)
    with pytest.raises(RuntimeError, match="wrote outside argument 1's buffer of 24 bytes"):
        kernel((2,), (32,), (dev(np.ones((2, 4), np.float32)), x, np.int32(4)), shared_mem=256)  # out too small
    with pytest.raises(TypeError, match="Type is mismatched"):
        gpu.nn.sgd_update(x, x.astype(np.float64), 0.1, 0.0, None)


def test_the_emulator_binds_types_as_cupy_does():
    """cuda_host binds type placeholders as CuPy's own resolver does, mismatches included, for
    every parameter list accel's ElementwiseKernels use and every mix of arrays and scalars."""
    cupy = pytest.importorskip("cupy")
    from cupy._core._kernel import _decide_params_type
    from accel.gpu import elementwise, nn
    from cuda_host import FIXED, ElementwiseKernel
    from strategies import DTYPES
    signatures = {(elementwise.params(op), "O out") for op in elementwise.OPERATIONS}
    signatures |= {(ins, outs) for ins, outs, _ in nn.ELEMENTWISE.values()}
    checked = 0
    for ins, outs in sorted(signatures):
        real, host = cupy.ElementwiseKernel(ins, outs, "", "k"), ElementwiseKernel(None, ins, outs, "", "k")
        for scalars in itertools.product((False, True), repeat=len(real.in_params)):
            for dtypes in itertools.product(DTYPES, repeat=len(real.in_params) + len(real.out_params)):
                args = [np.dtype(d).type(1) if s else dev(np.ones(1, d)) for d, s in zip(dtypes, scalars + (False,) * len(real.out_params))]
                in_args, out_args = args[:len(real.in_params)], args[len(real.in_params):]
                try:
                    _, _, type_map = _decide_params_type(real.in_params, real.out_params,
                                                         tuple(None if s else a.dtype for a, s in zip(in_args, scalars)),
                                                         tuple(a.dtype for a in out_args))
                    want = dict(type_map._pairs)
                except (TypeError, KeyError) as exc:
                    want = type(exc)
                try:
                    got = {t: d for t, d in host._bind(tuple(in_args), tuple(out_args)).items() if t not in FIXED}
                except TypeError as exc:  # where CuPy fails with a bare KeyError, the emulator says why
                    got = KeyError if "binds the type placeholder" in str(exc) else TypeError
                assert got == want, (ins, outs, scalars, dtypes)
                checked += 1
    assert checked > 10000
