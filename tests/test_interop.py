"""NumPy's own functions on accel Arrays: np.maximum(x, 0), np.dot(a, b), np.sum(x, axis=0) run
accel's op on the Arrays' device; the rest is NumPy's, on CPU Arrays only."""
from __future__ import annotations

import operator

import numpy as np
import pytest
from hypothesis import given, strategies as st

import accel
from accel.interop import FUNCTIONS, UFUNCS
from conftest import host
from strategies import DTYPES, arrays
from test_elementwise import check, draw_operands, numpy_supports

ELEMENTWISE = {uf: fn.__name__ for uf, fn in UFUNCS.items() if uf is not np.matmul}


def on(device: str, *arrays: np.ndarray) -> list[accel.Array]:
    return [accel.asarray(a, device=device) for a in arrays]


@pytest.mark.parametrize("ufunc", ELEMENTWISE, ids=lambda uf: uf.__name__)
@given(data=st.data())
def test_numpy_ufuncs_run_accels_op(device, ufunc, data):
    op = ELEMENTWISE[ufunc]
    dtypes = tuple(data.draw(st.sampled_from(DTYPES)) for _ in range(ufunc.nin))
    if not numpy_supports(op, *dtypes):
        return
    operands = draw_operands(data, op, *dtypes)
    with np.errstate(all="ignore"):
        got, want = ufunc(*on(device, *operands)), ufunc(*operands)
    assert isinstance(got, accel.Array) and got.device == accel.asarray(0, device=device).device
    check(op, got, want)


def test_numpy_ufuncs_take_scalars_and_out(device):
    a = np.float32([[-1.5, 2.0, 0.0], [3.0, -4.0, 0.5]])
    x, = on(device, a)
    check("maximum", np.maximum(x, 0.0), np.maximum(a, 0.0))  # Deep Learning with Python's relu
    check("multiply", np.float32(2) * x, np.float32(2) * a)  # a NumPy scalar on the left keeps its dtype
    check("multiply", np.float64(2) * x, np.float64(2) * a)
    out = accel.empty((2, 3), device=device)
    assert np.add(x, x, out=out) is out
    check("add", out, a + a)
    check("matmul", np.matmul(x, x.T), a @ a.T)


OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod,
             operator.pow, operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge,
             operator.and_, operator.or_, operator.xor]


@pytest.mark.parametrize("op", OPERATORS, ids=lambda op: op.__name__)
@pytest.mark.parametrize("scalar", [np.float32(2.5), np.float64(-1.5), np.int64(3), np.uint8(2), np.bool_(True),
                                    np.array(2.0), np.array(3, np.int32)], ids=repr)
@pytest.mark.parametrize("dt", ["float32", "int32", "uint8", "bool"])
def test_numpy_scalars_and_0d_arrays_on_either_side(device, op, scalar, dt):
    """A NumPy scalar or 0-d array with an Array, either side, is NumPy's typed scalar (NEP 50).
    On the left of a comparison NumPy hands the scalar over as a 0-d array (np.int64(1) < x),
    where it once raised TypeError ("not ndarray")."""
    a = np.array([[0, 1, 2], [3, 4, 5]]).astype(dt)
    x, = on(device, a)
    oracle = np.power if op is operator.pow else op  # NumPy 2.0's a ** 2 ran square, in a's dtype
    for numpy_args, args in [((scalar, a), (scalar, x)), ((a, scalar), (x, scalar))]:
        try:
            with np.errstate(all="ignore"):
                want = oracle(*numpy_args)
        except (TypeError, ValueError) as exc:  # bitwise ops on floats; ints to negative int powers
            with pytest.raises(type(exc) if isinstance(exc, ValueError) else TypeError):
                op(*args)
            continue
        if want.dtype.name not in DTYPES:  # int8 from bool // bool, say: accel refuses it
            with pytest.raises(TypeError):
                op(*args)
            continue
        with np.errstate(all="ignore"):
            check(op.__name__, op(*args), want)


@given(data=st.data(), dt=st.sampled_from(["float32", "float64", "int64"]))
def test_numpy_functions_run_accels_op(device, data, dt):
    a = data.draw(arrays(dt, (3, 4, 2)))
    b = data.draw(arrays(dt, (2, 5)))
    c = data.draw(arrays("bool", (4, 2)))
    x, y, cond = on(device, a, b, c)
    cases = [
        (np.sum, (x,), {"axis": 1}, (a,)), (np.sum, (x,), {}, (a,)), (np.mean, (x, 0), {"keepdims": True}, (a,)),
        (np.max, (x,), {"axis": (0, 2)}, (a,)), (np.amax, (x,), {}, (a,)), (np.min, (x, -1), {}, (a,)),
        (np.amin, (x,), {}, (a,)), (np.argmax, (x,), {"axis": 1}, (a,)), (np.argmin, (x, 2), {}, (a,)),
        (np.any, (x,), {"axis": 0}, (a,)), (np.all, (x,), {}, (a,)),
        (np.var, (x,), {"axis": 1, "ddof": 1}, (a,)), (np.std, (x, (0, 2)), {"keepdims": True}, (a,)),
        (np.dot, (x, y), {}, (a, b)), (np.tensordot, (x, y), {"axes": 1}, (a, b)),
        (np.transpose, (x,), {}, (a,)), (np.transpose, (x, (1, 0, 2)), {}, (a,)),
        (np.swapaxes, (x, 0, -1), {}, (a,)), (np.moveaxis, (x,), {"source": [0, 1], "destination": [2, 0]}, (a,)),
        (np.reshape, (x, (4, -1)), {}, (a,)), (np.where, (cond, x, 0), {}, (c, a, 0)),
        (np.zeros_like, (x,), {}, (a,)), (np.ones_like, (x,), {"dtype": "float64"}, (a,)),
        (np.full_like, (x, 2), {}, (a, 2)), (np.empty_like, (x,), {}, (a,)),
        (np.concatenate, ([x, x],), {"axis": 1}, ([a, a],)), (np.stack, ((x, x),), {}, ((a, a),)),
        (np.clip, (x, 0, 1), {}, (a,)), (np.ravel, (x,), {}, (a,)), (np.squeeze, (x[:1],), {}, (a[:1],)),
        (np.squeeze, (x[:, :1],), {"axis": 1}, (a[:, :1],)), (np.expand_dims, (x, (0, -1)), {}, (a,)),
    ]
    assert {f for f, *_ in cases} | {np.shape, np.ndim, np.size} == set(FUNCTIONS)
    assert (np.shape(x), np.ndim(x), np.size(x), np.size(x, 1)) == (a.shape, a.ndim, a.size, a.shape[1])
    for func, args, kwargs, numpy_args in cases:
        with np.errstate(all="ignore"):
            got, want = func(*args, **kwargs), np.asarray(func(*numpy_args, *args[len(numpy_args):], **kwargs))
        assert isinstance(got, accel.Array), func
        assert (got.shape, got.dtype, got.device.kind) == (want.shape, want.dtype, device), func
        if func is not np.empty_like:
            tol = 1e-4 if want.dtype == np.float32 else 1e-10  # test_linalg's: dot and sums cancel
            np.testing.assert_allclose(host(got), want, rtol=tol, atol=tol, equal_nan=True, err_msg=str(func))


@pytest.mark.parametrize("call, why", [
    (lambda x: np.sin(x), r"numpy\.sin has no accel version"),
    (lambda x: np.var(x, dtype=np.float64),
     r"numpy\.var was called with arguments accel\.var does not take \(dtype=\)"),
    (lambda x: np.std(x, 0, np.float64), r"accel\.std does not take \(dtype=\)"),  # NumPy's 3rd is dtype, not keepdims
    (lambda x: np.max(x, 0, accel.empty(2)), r"accel\.max does not take \(out=\)"),
    (lambda x: np.zeros_like(x, None, "C"), r"accel\.zeros_like does not take \(order=\)"),
    (lambda x: np.multiply(x, 2, dtype=np.float64), r"accel\.multiply does not take \(dtype=\)"),
    (lambda x: np.add.reduce(x), r"numpy\.add\.reduce has no accel version"),
    (lambda x: np.cumsum(x), r"numpy\.cumsum has no accel version"),
    (lambda x: np.allclose(x, x), r"numpy\.allclose has no accel version"),
])
def test_the_rest_is_numpys_on_cpu_arrays_only(device, call, why):
    a = np.float32([[0.5, -1.0], [2.0, 3.0]])
    x, = on(device, a)
    if device == "cpu":  # NumPy computes it from the Array's buffer, as for any array-like
        got = call(x)
        assert not isinstance(got, accel.Array)
        np.testing.assert_array_equal(got, call(a))
    else:
        with pytest.raises(TypeError, match=why + r", and NumPy cannot read an array on 'gpu:0'.*\.numpy\(\)"):
            call(x)


def test_numpy_positions_are_numpys(device):
    """Arguments by NumPy's positions reach accel's by name; NumPy's defaults for what accel lacks pass."""
    a = np.random.default_rng(1).normal(size=(3, 4)).astype(np.float32)
    x, = on(device, a)
    cases = [
        (np.sum, (x, 0, None, None, True)), (np.mean, (x, 1, None, None, True)), (np.max, (x, 1, None, True)),
        (np.any, (x, 0, None, True)), (np.var, (x, 0, None, None, 1)), (np.std, (x, 1, None, None, 1, True)),
        (np.argmax, (x, 1, None)), (np.zeros_like, (x, None, "K")), (np.reshape, (x, (4, 3), "C")),
    ]  # not np.dot or np.concatenate: on NumPy 2.0 they have no signature, so their calls go by position
    for func, args in cases:
        got = func(*args)
        want = func(host(x), *args[1:])
        assert isinstance(got, accel.Array) and (got.shape, got.dtype) == (want.shape, want.dtype), func
        if func is not np.zeros_like:
            np.testing.assert_allclose(host(got), want, rtol=1e-5, atol=1e-6, err_msg=str(func))


def test_numpy_arrays_are_still_refused_as_operands(device):
    x, = on(device, np.ones(3, np.float32))
    for call in (lambda: np.ones(3) + x, lambda: np.add(np.ones(3), x), lambda: np.maximum(x, np.ones(3))):
        with pytest.raises(TypeError, match="convert NumPy arrays with accel.asarray"):
            call()
    a = np.ones(3)
    with pytest.raises(TypeError, match="convert NumPy arrays with accel.asarray"):
        a += x


def test_format_of_a_0d_array_is_its_scalars(device):
    x, = on(device, np.float32([1.25, 2.5]))
    assert f"{x.sum():.3f}" == "3.750" and f"{x.max():>6}" == f"{2.5:>6}"
    assert f"{x.argmax():d}" == "1"
    assert f"{x}" == str(x) == str(np.float32([1.25, 2.5]))
    with pytest.raises(TypeError):
        f"{x:.2f}"  # as NumPy: format specs apply to 0-d arrays only
