"""Reductions and shape ops against NumPy on random shapes, axes and dtypes."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import accel
from conftest import flags_of, host
from strategies import DTYPES, arrays, dense, shapes

REDUCTIONS = ["sum", "mean", "max", "min", "any", "all"]


def oracle(op: str, a: np.ndarray, axis, keepdims: bool) -> np.ndarray:
    if op == "sum":  # accel sums every integer dtype (uint8 too) to int64
        return np.sum(a, axis=axis, keepdims=keepdims, dtype=None if a.dtype.kind == "f" else np.int64)
    with np.errstate(all="ignore"):
        return getattr(np, op)(a, axis=axis, keepdims=keepdims)


@st.composite
def axes_for(draw, ndim: int):
    if draw(st.booleans()) or ndim == 0:
        return None
    picked = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(a - ndim if draw(st.booleans()) else a for a in picked) if len(picked) > 1 else picked[0]


@pytest.mark.parametrize("op", REDUCTIONS)
@pytest.mark.filterwarnings("ignore:Mean of empty slice:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")  # 0 / 0, as NumPy's  # checked below
@given(data=st.data(), dt=st.sampled_from(DTYPES), keepdims=st.booleans())
def test_reductions_match_numpy(device, op, data, dt, keepdims):
    a = data.draw(arrays(dt, data.draw(shapes(max_dims=4, max_side=6)), nan=op in ("any", "all")))  # NaN is nonzero
    axis = data.draw(axes_for(a.ndim))
    try:
        want = oracle(op, a, axis, keepdims)
    except ValueError:  # NumPy: zero-size array to a reduction without identity
        with pytest.raises(ValueError, match="zero-size array"):
            getattr(accel, op)(accel.asarray(a, device=device), axis=axis, keepdims=keepdims)
        return
    got = getattr(accel, op)(accel.asarray(a, device=device), axis=axis, keepdims=keepdims)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)
    if want.dtype.kind == "f":
        tol = 1e-5 if want.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(host(got), want, rtol=tol, atol=tol, equal_nan=True)
    else:
        np.testing.assert_array_equal(host(got), want)


@pytest.mark.parametrize("op", ["sum", "mean"])
@pytest.mark.filterwarnings("ignore:Mean of empty slice:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")  # 0 / 0, as NumPy's
@given(data=st.data(), dt=st.sampled_from(DTYPES), to=st.sampled_from(DTYPES), keepdims=st.booleans())
def test_sum_and_mean_in_a_dtype_match_numpy(device, op, data, dt, to, keepdims):
    """dtype=: the input cast to it and the result in it (integer sums wrap as NumPy's do), from
    the function, the method and NumPy's own function by its positions."""
    a = data.draw(arrays(dt, data.draw(shapes(max_dims=3, max_side=6))))
    if a.dtype.kind == "f" and np.dtype(to).kind in "iu":
        a = np.clip(a, 0, 100)  # a float out of the integer's range casts to no defined value
    axis = data.draw(axes_for(a.ndim))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN means cast to an integer
        want = np.asarray(getattr(np, op)(a, axis, np.dtype(to), None, keepdims))
        x = accel.asarray(a, device=device)
        results = [getattr(accel, op)(x, axis, keepdims, dtype=to), getattr(x, op)(axis, keepdims, dtype=to),
                   getattr(np, op)(x, axis, np.dtype(to), None, keepdims)]
    for got in results:
        assert isinstance(got, accel.Array) and (got.shape, got.dtype) == (want.shape, want.dtype)
        if want.dtype.kind == "f":
            tol = 1e-5 if want.dtype == np.float32 else 1e-12
            np.testing.assert_allclose(host(got), want, rtol=tol, atol=tol, equal_nan=True)
        elif not (op == "mean" and np.dtype(to).kind != "f" and a.size == 0):  # NaN cast to an int: any value
            np.testing.assert_array_equal(host(got), want)


@pytest.mark.parametrize("op", ["sum", "mean", "max", "any", "var", "argmax"])
def test_keepdims_must_be_a_truth_value(device, op):
    """NumPy's third argument of sum and mean is dtype; here it is keepdims, so a dtype there is refused."""
    x = accel.ones((2, 3), device=device)
    with pytest.raises(TypeError, match=f"{op}: keepdims must be a bool, got dtype\\('float64'\\)"):
        getattr(accel, op)(x, 0, np.dtype("float64"))
    with pytest.raises(TypeError, match="keepdims must be a bool, got 'float64'"):
        getattr(x, op)(0, "float64")
    assert getattr(x, op)(1, np.True_).shape == (2, 1)


@pytest.mark.parametrize("op", ["var", "std"])
@given(data=st.data(), dt=st.sampled_from(DTYPES), keepdims=st.booleans(),
       ddof=st.sampled_from([0, 1, 2.5, np.int64(3), np.float64(0.5)]))
def test_var_and_std_match_numpy(device, op, data, dt, keepdims, ddof):
    """NumPy's values and dtypes (integers and bools give float64, a NumPy ddof changes no dtype),
    and its warning where N - ddof <= 0."""
    a = data.draw(arrays(dt, data.draw(shapes(max_dims=3, max_side=6))))
    axis = data.draw(axes_for(a.ndim))
    with warnings.catch_warnings(record=True) as theirs, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        want = np.asarray(getattr(np, op)(a, axis=axis, keepdims=keepdims, ddof=ddof))
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        got = getattr(accel, op)(accel.asarray(a, device=device), axis=axis, keepdims=keepdims, ddof=ddof)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)
    reduced = a.size // max(np.prod(want.shape, dtype=int), 1) if a.size else 0
    if reduced - float(ddof) <= 0:  # a sum of squares over 0: inf, or NaN where the sum is exactly 0,
        assert not np.isfinite(host(got)).any() and not np.isfinite(want).any()  # which rounding decides
    else:
        tol = 1e-4 if want.dtype == np.float32 else 1e-10
        np.testing.assert_allclose(host(got), want, rtol=tol, atol=tol, equal_nan=True)
    dof = [w for w in theirs if "Degrees of freedom <= 0 for slice" in str(w.message)]
    assert len(dof) == len([w for w in ours if "Degrees of freedom <= 0 for slice" in str(w.message)])


def test_var_and_std_methods_and_numpy_functions(device):
    a = dense("float32", (6, 5), seed=3)
    x = accel.asarray(a, device=device)
    np.testing.assert_allclose(host(x.var(axis=0, ddof=1)), a.var(axis=0, ddof=1), rtol=1e-5)
    np.testing.assert_allclose(host(x.std(1, True)), a.std(1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(host(np.std(x, axis=(0, 1))), np.std(a), rtol=1e-5)
    assert isinstance(np.var(x, ddof=1), accel.Array)
    with pytest.raises(TypeError, match="var: ddof must be a number, not str"):
        accel.var(x, ddof="1")


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@given(data=st.data(), dt=st.sampled_from(DTYPES), keepdims=st.booleans())
def test_argreductions_match_numpy(device, op, data, dt, keepdims):
    a = data.draw(arrays(dt, data.draw(shapes(min_dims=1, max_dims=4, max_side=6)), nan=True))
    axis = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1))
    try:
        want = getattr(np, op)(a, axis=axis, keepdims=keepdims)
    except ValueError:
        with pytest.raises(ValueError, match="zero-size array"):
            getattr(accel, op)(accel.asarray(a, device=device), axis=axis, keepdims=keepdims)
        return
    got = getattr(accel, op)(accel.asarray(a, device=device), axis=axis, keepdims=keepdims)
    assert got.shape == np.shape(want) and got.dtype == np.int64
    np.testing.assert_array_equal(host(got), want)


@given(data=st.data(), dt=st.sampled_from(DTYPES), keepdims=st.booleans())
def test_methods_are_the_functions(device, data, dt, keepdims):
    """x.sum(...), x.argmax(...) etc. are accel.sum(x, ...), accel.argmax(x, ...)."""
    a = data.draw(arrays(dt, data.draw(shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))))
    x = accel.asarray(a, device=device)
    axis = data.draw(axes_for(a.ndim))
    for op in REDUCTIONS:
        np.testing.assert_array_equal(host(getattr(x, op)(axis, keepdims)), host(getattr(accel, op)(x, axis, keepdims)))
    axis = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1))
    for op in ("argmax", "argmin"):
        np.testing.assert_array_equal(host(getattr(x, op)(axis=axis, keepdims=keepdims)), getattr(np, op)(a, axis, keepdims=keepdims))


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(7, 5), (3, 700), (700, 3)])  # long rows and long columns: the vectorised loops
def test_extremes_and_their_indices_match_numpy(device, dt, shape):
    """max/min/argmax/argmin along every axis where values repeat (the first index wins), and for
    floats where many NaNs (the first one wins), infinities and both zeros sit."""
    rng = np.random.default_rng(5)
    if dt in ("float32", "float64"):
        a = rng.choice(np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, 1.5, -2.5, 3.0], dt), size=shape,
                       p=[0.3, 0.05, 0.05, 0.1, 0.1, 0.2, 0.1, 0.1])
        a[1] = np.arange(shape[1]) % 3  # a row without NaN, with ties
        a[:, 1] = -np.arange(shape[0]) % 4  # likewise a column
    else:
        a = dense(dt, shape, seed=5, bound=3)  # few distinct values: many ties
    x = accel.asarray(a, device=device)
    for axis in (None, 0, 1):
        for op in ("max", "min", "argmax", "argmin"):
            got, want = getattr(accel, op)(x, axis=axis), getattr(np, op)(a, axis=axis)
            np.testing.assert_array_equal(host(got), want, err_msg=f"{op} axis={axis}")


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_extremes_of_zeros_keep_their_sign(device, dt):
    """Rows of one signed zero give that zero, as NumPy's max and min do (accel finds a row's
    extreme through an order key that -0.0 and +0.0 share)."""
    a = np.array([[-0.0] * 300, [0.0] * 300, [-1.0] * 299 + [-0.0]], dt)
    x = accel.asarray(a, device=device)
    for op in ("max", "min"):
        want = getattr(np, op)(a, axis=1)
        np.testing.assert_array_equal(np.signbit(host(getattr(accel, op)(x, axis=1))), np.signbit(want), err_msg=op)
        assert np.signbit(host(getattr(accel, op)(x[0]))) and not np.signbit(host(getattr(accel, op)(x[1])))


@pytest.mark.parametrize("shape, axis", [((0,), None), ((0, 3), 0), ((0, 3), 1), ((3, 0), 0), ((2, 0, 3), (0, 1))])
def test_mean_of_empty_warns_as_numpy(device, shape, axis):
    def mean_and_warnings(fn):
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            warnings.simplefilter("always")
            result = fn()
        return result, ["Mean of empty slice" in str(w.message) for w in caught]
    want, numpy_warned = mean_and_warnings(lambda: np.mean(np.zeros(shape, np.float32), axis=axis))
    got, accel_warned = mean_and_warnings(lambda: accel.mean(accel.zeros(shape, device=device), axis=axis))
    assert accel_warned == numpy_warned
    np.testing.assert_array_equal(host(got), want)


@pytest.mark.parametrize("op", ["any", "all"])
@pytest.mark.parametrize("dt", ["bool", "float32", "int64"])
def test_any_all_settle_at_any_position(device, op, dt):
    """Long rows (the CPU reads them in blocks of 1024 and stops early): a lone odd element
    first, at a block's edge or last; along rows, down columns and over everything."""
    base = np.ones if op == "all" else np.zeros
    for n in (1, 1023, 1024, 1025, 3000):
        for where in sorted({0, n - 1, min(1023, n - 1), min(1024, n - 1), n // 2}):
            a = base((3, n), dtype=dt)
            a[1, where] = 0 if op == "all" else (np.nan if dt == "float32" else 1)
            for x, axis in ((a, None), (a, 1), (a.T, 0), (a.T.copy(), 0), (a[:, ::-2], 1)):
                want = getattr(np, op)(x, axis=axis)
                got = getattr(accel, op)(accel.asarray(x, device=device), axis=axis)
                assert got.dtype == want.dtype and host(got).tolist() == want.tolist(), (n, where, axis)


@pytest.mark.parametrize("call", [lambda x: accel.mean(x), lambda x: x.mean()], ids=["function", "method"])
def test_mean_of_empty_warning_names_the_callers_line(device, call):
    """NumPy's two warnings on the CPU, its 0 / 0 included; a GPU warns of no floating-point error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(accel.zeros((0,), device=device))
    assert [w.filename for w in caught] == [__file__] * len(caught)
    assert [str(w.message) for w in caught] == ["Mean of empty slice."] + (
        ["invalid value encountered in divide"] if device == "cpu" else [])


#: rows on which NumPy's float loops and accel's float64 sums raise the same flags (a float32 row
#: summing past 3.4e38 in part overflows in NumPy only: accel's float64 partial sums hold it)
ERROR_ROWS = [("float64", [np.inf, -np.inf, 1.0]),  # inf - inf: 'invalid'
              ("float32", [np.inf, -np.inf, 1.0]),
              ("float32", [np.inf, 1.0, 2.0]),  # a sum is inf, quietly; var's deviations are inf - inf
              ("float64", [np.nan, np.inf, 2.0]),  # NaN in, NaN out: quiet
              ("float64", [1.7e308, 1.7e308, 0.0])]  # 'overflow'


@pytest.mark.parametrize("op", ["sum", "mean", "var", "std"])
@pytest.mark.parametrize("dtype, row", ERROR_ROWS)
def test_cpu_float_reductions_report_numpys_errors(op, dtype, row):
    """NumPy's flags from sums that Numba computes and never reports: the row with a clean one,
    along rows, down columns and over everything."""
    a = np.array([row, [1.0, 2.0, 3.0]], dtype)
    for x, axis in ((a, 1), (a.T, 0), (np.ascontiguousarray(a.T), 0), (a, None)):
        want = flags_of(lambda: getattr(np, op)(x, axis=axis))
        assert flags_of(lambda: getattr(accel, op)(accel.asarray(x), axis=axis)) == want, (x, axis)


def test_cpu_float32_sum_beyond_float32_warns_at_the_callers_line():
    """A float32 sum past 3.4e38 (summed in float64, then cast) is inf with NumPy's 'overflow',
    named at the user's line; under np.errstate it raises."""
    x = accel.asarray(np.array([3e38, 3e38], np.float32))
    for call in (lambda: accel.sum(x), lambda: x.sum(axis=0), lambda: np.sum(x)):
        with pytest.warns(RuntimeWarning, match="overflow encountered in sum") as caught:
            assert host(call()) == np.inf
        assert [w.filename for w in caught] == [__file__]
    with np.errstate(over="raise"), pytest.raises(FloatingPointError, match="overflow encountered in sum"):
        x.sum()
    with np.errstate(over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        x.sum()


def test_large_float32_sum_is_accurate(device):
    a = np.random.default_rng(1).random(2 ** 20, dtype=np.float32)
    np.testing.assert_allclose(host(accel.sum(accel.asarray(a, device=device))), a.astype(np.float64).sum(), rtol=1e-6)


def test_axis_errors(device):
    x = accel.ones((2, 3), device=device)
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds for an array of dimension 2"):
        accel.sum(x, axis=2)
    with pytest.raises(ValueError, match="repeated axis"):
        accel.sum(x, axis=(0, -2))
    with pytest.raises(TypeError, match="axis must be an int or None"):
        accel.argmax(x, axis=(0, 1))


@pytest.mark.parametrize("op", REDUCTIONS + ["var", "std", "argmax", "argmin", "squeeze"])
@pytest.mark.parametrize("axis", [0, -1, 1, -2, (0,), (-1,), (), None])
@pytest.mark.parametrize("keepdims", [False, True])
def test_axes_of_a_0d_array_are_numpys(device, op, axis, keepdims):
    """NumPy's ufunc reductions (and squeeze) take the int axis 0 or -1 of a 0-d array, though
    not in a tuple; mean, var and std take neither. An axis NumPy refuses is an AxisError."""
    a = np.array(3.0, np.float32)
    x = accel.asarray(a, device=device)
    kwargs = {} if op == "squeeze" else {"keepdims": keepdims}
    try:
        want = getattr(np, op)(a, axis=axis, **kwargs)
    except (np.exceptions.AxisError, TypeError) as exc:
        with pytest.raises(type(exc)):
            getattr(accel, op)(x, axis=axis, **kwargs)
        return
    got = getattr(accel, op)(x, axis=axis, **kwargs)
    assert got.shape == np.shape(want) and got.dtype == np.asarray(want).dtype
    np.testing.assert_array_equal(host(got), want)


@given(data=st.data(), dt=st.sampled_from(DTYPES))
def test_shape_ops_match_numpy(device, data, dt):
    a = data.draw(arrays(dt, data.draw(shapes(min_dims=1, max_dims=4))))
    x = accel.asarray(a, device=device)
    perm = data.draw(st.permutations(range(a.ndim)))
    np.testing.assert_array_equal(host(accel.permute_dims(x, perm)), np.transpose(a, perm))
    np.testing.assert_array_equal(host(x.T), a.T)
    np.testing.assert_array_equal(host(x.transpose()), a.transpose())
    np.testing.assert_array_equal(host(x.transpose(*perm)), a.transpose(*perm))
    np.testing.assert_array_equal(host(x.transpose(perm)), a.transpose(perm))
    a1, a2 = (data.draw(st.integers(-a.ndim, a.ndim - 1)) for _ in range(2))
    for got in (accel.swapaxes(x, a1, a2), x.swapaxes(a1, a2), np.swapaxes(x, a1, a2)):
        assert isinstance(got, accel.Array)
        np.testing.assert_array_equal(host(got), np.swapaxes(a, a1, a2))
    moved = data.draw(st.lists(st.integers(0, a.ndim - 1), min_size=1, max_size=a.ndim, unique=True))
    src = [s - a.ndim if data.draw(st.booleans()) else s for s in moved]
    dst = [d - a.ndim if data.draw(st.booleans()) else d
           for d in data.draw(st.permutations(range(a.ndim)))[:len(src)]]
    src, dst = (src[0], dst[0]) if len(src) == 1 and data.draw(st.booleans()) else (src, dst)
    for got in (accel.moveaxis(x, src, dst), np.moveaxis(x, src, dst)):
        assert isinstance(got, accel.Array)
        np.testing.assert_array_equal(host(got), np.moveaxis(a, src, dst))
    for flat in (accel.flatten(x), x.flatten(), accel.ravel(x), x.ravel()):
        np.testing.assert_array_equal(host(flat), a.reshape(-1))
    if a.size:  # -1 is ambiguous for an empty array, in NumPy too
        np.testing.assert_array_equal(host(x.reshape(-1, *a.shape[1:])), a.reshape(-1, *a.shape[1:]))


@given(data=st.data(), dt=st.sampled_from(DTYPES))
def test_squeeze_and_expand_dims_match_numpy(device, data, dt):
    a = data.draw(arrays(dt, data.draw(shapes(max_dims=4, max_side=2))))
    x = accel.asarray(a, device=device)
    ones = [i for i, n in enumerate(a.shape) if n == 1]
    picked = data.draw(st.lists(st.sampled_from(ones), unique=True) if ones else st.just([]))
    axis = tuple(i - a.ndim if data.draw(st.booleans()) else i for i in picked)
    axis = axis[0] if len(axis) == 1 and data.draw(st.booleans()) else axis
    for got, want in ((accel.squeeze(x), np.squeeze(a)), (x.squeeze(axis), a.squeeze(axis)),
                      (np.squeeze(x, axis), np.squeeze(a, axis))):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(host(got), want)
    ndim = a.ndim + data.draw(st.integers(1, 2))  # the result's: new axes are positions in it
    new = data.draw(st.lists(st.integers(0, ndim - 1), min_size=ndim - a.ndim, max_size=ndim - a.ndim, unique=True))
    axis = tuple(i - ndim if data.draw(st.booleans()) else i for i in new)
    axis = axis[0] if len(axis) == 1 and data.draw(st.booleans()) else axis
    np.testing.assert_array_equal(host(accel.expand_dims(x, axis)), np.expand_dims(a, axis))
    assert isinstance(np.expand_dims(x, axis), accel.Array)


def test_which_shape_ops_are_views(device):
    """As NumPy: squeeze, expand_dims and ravel of contiguous data share the buffer; flatten and
    ravel of strided data copy. Writes show which."""
    def shares(view_of, fill=7):
        x = accel.zeros((2, 1, 3), device=device)
        y = view_of(x)
        y[(0,) * y.ndim] = fill
        return bool((x == fill).any())
    assert shares(accel.squeeze) and shares(lambda x: accel.expand_dims(x, 0)) and shares(accel.ravel)
    assert shares(lambda x: x.reshape(3, 2))
    assert not shares(accel.flatten) and not shares(lambda x: x[:, :, ::2].ravel())


@pytest.mark.parametrize("how", ["concatenate", "stack"])
@given(data=st.data(), dts=st.lists(st.sampled_from(DTYPES), min_size=1, max_size=3))
def test_concatenate_and_stack_match_numpy(device, how, data, dts):
    """Dtypes promote as in NumPy; strided inputs; every axis, negative ones too."""
    base = data.draw(shapes(min_dims=1, max_dims=3))
    axis = data.draw(st.integers(-len(base) - (how == "stack"), len(base) - (how == "concatenate")))
    parts = []
    for dt in dts:
        shape = list(base)
        if how == "concatenate":
            shape[axis] = data.draw(st.integers(0, 3))
        parts.append(data.draw(arrays(dt, tuple(shape))))
    want = getattr(np, how)(parts, axis=axis)
    for fn in (getattr(accel, how), getattr(np, how)):  # np.concatenate on Arrays runs accel's
        got = fn([accel.asarray(p, device=device) for p in parts], axis=axis)
        assert got.dtype == want.dtype, (got.dtype, want.dtype)
        np.testing.assert_array_equal(host(got), want)


def test_concatenate_and_stack_errors(device):
    x, y = accel.ones((2, 3), device=device), accel.ones((2, 4), device=device)
    with pytest.raises(TypeError, match="concatenate expects a non-empty list or tuple of accel Arrays"):
        accel.concatenate([])
    with pytest.raises(TypeError, match="stack expects a non-empty list or tuple of accel Arrays"):
        accel.stack([x, np.ones((2, 3))])
    with pytest.raises(ValueError):  # NumPy's (or CuPy's) message names the sizes
        accel.concatenate([x, y])
    with pytest.raises(ValueError):
        accel.stack([x, y])
    with pytest.raises(np.exceptions.AxisError):
        accel.concatenate([x, x], axis=2)
    if device != "cpu":
        with pytest.raises(ValueError, match="concatenate: operands are on different devices"):
            accel.concatenate([x, x.to_device("cpu")])


def test_shape_op_errors(device):
    x = accel.ones((2, 3), device=device)
    with pytest.raises(ValueError, match=r"cannot reshape an array of shape \(2, 3\) \(size 6\) into shape \(4,\)"):
        x.reshape(4)
    with pytest.raises(ValueError, match="not a permutation"):
        accel.permute_dims(x, (0, 5))
    with pytest.raises(np.exceptions.AxisError, match="swapaxes: axis -3 is out of bounds for an array of dimension 2"):
        x.swapaxes(0, -3)
    with pytest.raises(np.exceptions.AxisError, match="swapaxes: axis 0 is out of bounds for an array of dimension 0"):
        accel.swapaxes(x[0, 0], 0, 0)
    with pytest.raises(ValueError, match=r"moveaxis: repeated axis in \(0, -2\)"):
        accel.moveaxis(x, (0, -2), (0, 1))
    with pytest.raises(ValueError, match=r"moveaxis: source \(0, 1\) and destination 0 must name as many axes"):
        accel.moveaxis(x, (0, 1), 0)
    with pytest.raises(TypeError, match="moveaxis: axis must be an int or a tuple of ints, got None"):
        accel.moveaxis(x, None, 0)
    with pytest.raises(ValueError, match=r"squeeze: axis 1 of shape \(2, 3\) has length 3; only length-1 axes"):
        accel.squeeze(x, -1)
    with pytest.raises(np.exceptions.AxisError, match="squeeze: axis 2 is out of bounds for an array of dimension 2"):
        x.squeeze(2)
    with pytest.raises(np.exceptions.AxisError, match="expand_dims: axis 3 is out of bounds for an array of dimension 3"):
        accel.expand_dims(x, 3)
    with pytest.raises(ValueError, match=r"expand_dims: repeated axis in \(0, -4\)"):
        accel.expand_dims(x, (0, -4))
    with pytest.raises(TypeError, match="expand_dims: axis must be an int or a tuple of ints, got None"):
        accel.expand_dims(x, None)
    with pytest.raises(TypeError, match="sum: axis must be an int or a tuple of ints, got 1.5"):
        accel.sum(x, 1.5)
