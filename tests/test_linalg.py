"""matmul, dot and tensordot against NumPy: 1-D promotion, batch broadcasting, every dtype."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st
from hypothesis.extra import numpy as hnp

import accel
from conftest import host
from strategies import DTYPES, arrays


def check(got: accel.Array, want: np.ndarray) -> None:
    want = np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)
    if want.dtype.kind == "f":
        tol = 1e-4 if want.dtype == np.float32 else 1e-10
        np.testing.assert_allclose(host(got), want, rtol=tol, atol=tol)
    else:
        np.testing.assert_array_equal(host(got), want)


@st.composite
def matmul_shapes(draw):
    m, k, n = (draw(st.integers(0, 6)) for _ in range(3))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3))
    a = batch.input_shapes[0] + (m, k) if draw(st.integers(0, 4)) else (k,)
    b = batch.input_shapes[1] + (k, n) if draw(st.integers(0, 4)) else (k,)
    return a, b


@given(data=st.data(), dt1=st.sampled_from(DTYPES), dt2=st.sampled_from(DTYPES))
def test_matmul_matches_numpy(device, data, dt1, dt2):
    sa, sb = data.draw(matmul_shapes())
    a = data.draw(arrays(dt1, sa, bound=10))
    b = data.draw(arrays(dt2, sb, bound=10))
    check(accel.matmul(accel.asarray(a, device=device), accel.asarray(b, device=device)), np.matmul(a, b))


@given(data=st.data(), dt=st.sampled_from(["float32", "float64", "int32"]))
def test_dot_follows_the_seed_rules(device, data, dt):
    d = data.draw(st.integers(0, 5))  # 0: an empty sum, zeros as NumPy's
    lead = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    a = data.draw(arrays(dt, lead + (d,), bound=10))
    for sb in [(d,), (d, data.draw(st.integers(0, 4)))]:
        b = data.draw(arrays(dt, sb, bound=10))
        x, y = accel.asarray(a, device=device), accel.asarray(b, device=device)
        check(accel.dot(x, y), np.dot(a, b))
        check(x.dot(y), a.dot(b))


@pytest.mark.parametrize("sa, sb, axes", [((2, 0), (0, 2), 1), ((2, 0, 3), (0, 3, 4), 2), ((0, 3), (3, 0), 1),
                                          ((3, 0), (0,), 1), ((2, 3), (0, 3), ([1], [1]))])
def test_tensordot_over_empty_axes_is_numpys(device, sa, sb, axes):
    """A contraction over a zero-length axis is a sum of nothing: zeros, as NumPy's (a reshape to
    (-1, 0) once raised ValueError here), or NumPy's error where the axes' lengths differ."""
    a, b = np.arange(math.prod(sa), dtype=np.float32).reshape(sa), np.ones(sb, np.float32)
    x, y = accel.asarray(a, device=device), accel.asarray(b, device=device)
    try:
        want = np.tensordot(a, b, axes)
    except ValueError:
        with pytest.raises(ValueError, match="tensordot: shapes"):
            accel.tensordot(x, y, axes)
        return
    check(accel.tensordot(x, y, axes), want)
    if isinstance(axes, int) and axes == 1:
        check(accel.dot(x, y), np.dot(a, b))


def test_dot_seed_shapes(device):
    v = accel.ones(4, device=device)
    assert accel.dot(v, v).shape == ()
    x = accel.ones((2, 3, 5, 4), device=device)
    assert accel.dot(x, v).shape == (2, 3, 5)
    assert accel.dot(x, accel.ones((4, 7), device=device)).shape == (2, 3, 5, 7)
    assert accel.dot(accel.asarray(2.0, device=device), v).shape == (4,)


@given(data=st.data())
def test_tensordot_matches_numpy(device, data):
    a = data.draw(arrays("float64", data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4))))
    n = data.draw(st.integers(0, a.ndim))
    b_shape = a.shape[a.ndim - n:] + data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
    b = data.draw(arrays("float64", b_shape))
    check(accel.tensordot(accel.asarray(a, device=device), accel.asarray(b, device=device), axes=n),
          np.tensordot(a, b, axes=n))


def test_mlp_shapes_with_transposes(device):
    rng = np.random.default_rng(0)
    x, w, g = (rng.random(s, dtype=np.float32) for s in [(128, 784), (784, 512), (128, 512)])
    X, W, G = (accel.asarray(v, device=device) for v in (x, w, g))
    check(X @ W, x @ w)
    check(X.T @ G, x.T @ g)
    check(G @ W.T, g @ w.T)


@pytest.mark.parametrize("dt1, dt2", [("float32", "float32"), ("float64", "float32"), ("int32", "int32"),
                                      ("int64", "uint8"), ("float32", "int64"), ("int32", "float32")])
@pytest.mark.parametrize("sa, sb", [((3, 4), (4, 4)), ((4,), (4, 4)), ((2, 3, 4), (4, 4)), ((2, 3, 3), (2, 3, 3)),
                                    ((3, 4), (4,)), ((3, 4), (4, 5)), ((3, 3), (2, 3, 3))])
def test_matmul_in_place_is_numpys(device, dt1, dt2, sa, sb):
    """a @= b as NumPy's matmul(a, b, out=a): a's views see it; a product of another shape or
    a dtype that does not cast back is refused, as NumPy refuses it."""
    rng = np.random.default_rng(0)
    a, b = rng.integers(-5, 5, sa).astype(dt1), rng.integers(0, 5, sb).astype(dt2)
    whole = accel.asarray(np.concatenate([a, a]), device=device)
    x = whole[:len(a)]
    try:
        np.matmul(a, b, out=a)
    except (ValueError, TypeError) as exc:
        with pytest.raises(TypeError if isinstance(exc, TypeError) else ValueError, match="matmul: "):
            x @= accel.asarray(b, device=device)
        return
    y = x
    y @= accel.asarray(b, device=device)
    assert y is x
    check(whole[:len(a)], a)


@pytest.mark.parametrize("dt1, dt2", [("float32", "float32"), ("int32", "int32"), ("float32", "int64")])
@pytest.mark.parametrize("sa, sb", [((3, 4), (4, 5)), ((4,), (4, 5)), ((2, 3, 4), (4,)), ((3,), (3,)), ((2, 1, 3), (4, 1, 3, 2))])
@pytest.mark.parametrize("out_dtype", ["float64", "float32", "int64", "int32", "bool"])
@pytest.mark.parametrize("out_shape", ["product", "gaps", "wrong"])
def test_matmul_out_is_numpys(device, dt1, dt2, sa, sb, out_dtype, out_shape):
    """matmul(a, b, out=) and np.matmul(a, b, out=) as NumPy's: the product cast into out (a
    view with gaps too, whose other elements stay), or NumPy's refusal of its dtype or shape."""
    rng = np.random.default_rng(1)
    a, b = rng.integers(-5, 5, sa).astype(dt1), rng.integers(-5, 5, sb).astype(dt2)
    shape = np.matmul(a, b).shape
    shape = shape + (2,) if out_shape == "wrong" else shape
    base = np.full(tuple(2 * n for n in shape), 7, out_dtype)
    gaps = tuple(slice(None, None, 2) for _ in shape) + (Ellipsis,)  # a view even when 0-d
    want_base = base.copy()
    want = want_base[gaps] if out_shape == "gaps" else np.full(shape, 7, out_dtype)
    x, y = accel.asarray(a, device=device), accel.asarray(b, device=device)
    for fn in (accel.matmul, np.matmul):
        got_base = accel.asarray(base, device=device, copy=True)
        out = got_base[gaps] if out_shape == "gaps" else accel.full(shape, 7, dtype=out_dtype, device=device)
        try:
            if out_shape == "wrong" and len(shape) == 1 and np.can_cast(np.matmul(a, b).dtype, out_dtype, "same_kind"):
                raise ValueError("NumPy broadcasts a 0-d product into any out; accel wants its shape")
            np.matmul(a, b, out=want)
        except (ValueError, TypeError) as exc:
            with pytest.raises(TypeError if isinstance(exc, TypeError) else ValueError, match="matmul: "):
                fn(x, y, out=out)
            check(out, np.full(shape, 7, out_dtype))  # refused before anything was written
            continue
        assert fn(x, y, out=out) is out
        check(out, want)
        if out_shape == "gaps":
            check(got_base, want_base)


def test_matmul_out_errors(device):
    x = accel.ones((2, 3), device=device)
    with pytest.raises(TypeError, match="matmul: out must be an accel Array, not ndarray"):
        accel.matmul(x, x.T, out=np.empty((2, 2)))


def test_matmul_in_place_by_itself(device):
    a = np.arange(9, dtype=np.float32).reshape(3, 3)
    x = accel.asarray(a, device=device, copy=True)
    x @= x  # the product is computed whole before it is written
    check(x, a @ a)


def test_matmul_errors(device):
    a = accel.ones((2, 3), device=device)
    with pytest.raises(ValueError, match=r"inner dimensions differ: shapes \(2, 3\) and \(4, 5\)"):
        a @ accel.ones((4, 5), device=device)
    with pytest.raises(ValueError, match="at least 1-d"):
        accel.matmul(a, accel.asarray(1.0, device=device))
    with pytest.raises(ValueError, match="cannot be broadcast"):
        accel.ones((2, 2, 3), device=device) @ accel.ones((3, 3, 4), device=device)
    with pytest.raises(TypeError, match="expects accel Arrays"):
        accel.matmul(a, np.ones((3, 2)))
