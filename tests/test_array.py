"""The Array type, creation functions and devices."""
from __future__ import annotations

import copy
import math
import os
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import example, given, strategies as st
from hypothesis.extra import numpy as hnp

import accel
from conftest import GPU, host
from strategies import DTYPES, arrays, shapes


@given(data=st.data(), dt=st.sampled_from(DTYPES))
def test_asarray_round_trip_and_attributes(device, data, dt):
    a = data.draw(arrays(dt, data.draw(shapes())))
    x = accel.asarray(a, device=device)
    assert (x.shape, x.ndim, x.size, x.dtype, x.device) == (a.shape, a.ndim, a.size, a.dtype, device)
    assert (x.itemsize, x.nbytes) == (a.itemsize, a.nbytes)
    np.testing.assert_array_equal(host(x), a)
    assert x.tolist() == a.tolist()
    assert x.to_device(device) is x


def test_creation_defaults(device):
    assert accel.zeros((2, 3), device=device).dtype == np.float32
    assert accel.asarray([1.5, 2.0], device=device).dtype == np.float32  # Python floats: float32
    assert accel.asarray(np.array([1.5]), device=device).dtype == np.float64  # NumPy keeps its dtype
    assert accel.asarray([1, 2], device=device).dtype == np.int64
    assert accel.full((2,), True, device=device).dtype == np.bool_
    assert accel.full((2,), 7, device=device).dtype == np.int64
    np.testing.assert_array_equal(host(accel.arange(1, 10, 3, device=device)), [1, 4, 7])
    np.testing.assert_array_equal(host(accel.ones_like(accel.zeros(3, dtype="int32", device=device))), [1, 1, 1])
    assert accel.empty_like(accel.zeros((2, 2), device=device)).shape == (2, 2)
    np.testing.assert_array_equal(host(accel.full_like(accel.zeros(2, device=device), 3.5)), [3.5, 3.5])
    np.testing.assert_array_equal(host(accel.zeros_like(accel.ones(2, device=device))), [0, 0])


@pytest.mark.parametrize("shape", [(), (1,), (6,), (2, 3), (2, 1, 3)])
def test_item_is_numpys(device, shape):
    """x.item() and x.item(i), x.item(i, j), x.item((i, j)): NumPy's element, or its error type."""
    a = np.arange(math.prod(shape), dtype=np.float32).reshape(shape) * 1.5
    x = accel.asarray(a, device=device)
    index_lists = [(), (0,), (-1,), (5,), (6,), ((2,),), (np.int64(1),), (0.5,), (True,)]
    index_lists += [tuple(n - 1 for n in shape), (tuple(n - 1 for n in shape),), tuple(-n for n in shape),
                    (0,) * (len(shape) + 1), tuple(n for n in shape), (0,) * max(len(shape) - 1, 0)]
    for index in index_lists:
        try:
            want = a.item(*index)
        except (IndexError, ValueError, TypeError) as exc:
            with pytest.raises(type(exc) if not isinstance(exc, IndexError) else IndexError):
                x.item(*index)
            continue
        got = x.item(*index)
        assert (got, type(got)) == (want, type(want)), index


NUMBERS = st.sampled_from([0, 1, 3, -1, 7, 2.5, 0.5, -0.5, 1e3, 1000.0, 300, np.nan, np.inf, 1e300, True,
                           np.int64(3), np.float32(1.5), np.float64(2.5), np.uint8(200), np.bool_(False)])


@given(value=NUMBERS, shape=st.sampled_from([(), 0, 3, (2, 3), (0, 2)]),
       dt=st.sampled_from([None, "float32", "float64", "int32", "int64", "uint8", "bool"]))
def test_full_is_numpys(device, value, shape, dt):
    """full's values, dtype and errors are NumPy's (an unsafe cast: NaN into int32 warns, 1000.0
    into uint8 wraps, the int 1000 raises), but for a Python float without dtype (float32)."""
    try:
        with np.errstate(all="ignore"):
            want = np.full(shape, value, dtype=dt)
    except (OverflowError, ValueError) as exc:
        with pytest.raises(type(exc)):
            accel.full(shape, value, dtype=dt, device=device)
        return
    with np.errstate(all="ignore"):
        want = want.astype(np.float32) if dt is None and type(value) is float else want
        got = accel.full(shape, value, dtype=dt, device=device)
    assert got.dtype == want.dtype and got.shape == want.shape
    if device == "cpu" or want.dtype.kind in "fb" or np.isfinite(value):  # a GPU's NaN -> int is its own
        np.testing.assert_array_equal(host(got), want)


@given(args=st.lists(st.sampled_from([0, 1, 2, 3, -1, 5, 7, 10, 2.5, 0.5, -0.5, 1e3]), min_size=1, max_size=3),
       dt=st.sampled_from([None, "float32", "float64", "int32", "int64", "uint8", "bool"]))
def test_arange_is_numpys(device, args, dt):
    """arange's values and errors are NumPy's, computed in its dtype (an int dtype with a float
    step steps by the difference of the first two values, as NumPy's); float32 without one."""
    try:
        with np.errstate(all="ignore"):
            want = np.arange(*args, dtype=dt)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError) as exc:
        with pytest.raises(type(exc)):
            accel.arange(*args, dtype=dt, device=device)
        return
    want = want.astype(np.float32) if dt is None and want.dtype.kind == "f" else want
    with np.errstate(all="ignore"):
        got = accel.arange(*args, dtype=dt, device=device)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(host(got), want)


@given(values=st.lists(st.integers(-2**64, 2**64), max_size=4), dt=st.sampled_from([None, "int32", "int64", "uint8"]))
@example(values=[0, 2**63], dt=None)  # NumPy makes this float64
@example(values=[2**63], dt=None)  # and this uint64
def test_asarray_of_python_ints_never_wraps(device, values, dt):
    """Python ints that do not fit raise OverflowError, as in NumPy, rather than wrap."""
    try:
        want = np.asarray(values, dtype=dt)
        fits = want.dtype != object and (want.dtype != np.uint64 or not want.size or want.max() < 2**63)
    except OverflowError:
        fits = False
    if not fits:
        with pytest.raises((OverflowError, TypeError)) as error:  # TypeError: NumPy made an object array
            accel.asarray(values, dtype=dt, device=device)
        assert error.type is OverflowError or "unsupported dtype object" in str(error.value)
        return
    got = accel.asarray(values, dtype=dt, device=device)
    if dt is None:  # accel's defaults: NumPy's ints as int64, its floats ([], [0, 2**63]) as float32
        want = want.astype(np.float32 if want.dtype.kind == "f" else np.int64)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(host(got), want)


def test_asarray_widens_other_numpy_ints_to_int64(device):
    for dt in (np.int8, np.int16, np.uint16, np.uint32, np.uint64):
        x = accel.asarray(np.array([0, 5, np.iinfo(dt).max if dt != np.uint64 else 2**63 - 1], dt), device=device)
        assert x.dtype == np.int64 and host(x).tolist() == [0, 5, int(np.iinfo(dt).max if dt != np.uint64 else 2**63 - 1)]
    with pytest.raises(OverflowError, match="uint64 value 18446744073709551615 does not fit int64"):
        accel.asarray(np.array([1, 2**64 - 1], np.uint64), device=device)


@pytest.mark.parametrize("n, m, k, dtype", [(3, None, 0, None), (4, 2, 1, "int32"), (2, 5, -1, "float64"), (0, None, 0, None),
                                         (3, 3, 7, "bool")])
def test_eye_matches_numpy(device, n, m, k, dtype):
    got, want = accel.eye(n, m, k, dtype=dtype, device=device), np.eye(n, m, k, dtype=dtype or np.float32)
    assert got.dtype == want.dtype and got.device.kind == device
    np.testing.assert_array_equal(host(got), want)
    labels = accel.asarray([2, 0, 1], device=device)
    np.testing.assert_array_equal(host(accel.eye(3, device=device)[labels]), np.eye(3, dtype=np.float32)[[2, 0, 1]])
    with pytest.raises(ValueError, match="non-negative"):
        accel.eye(-1, device=device)
    with pytest.raises(TypeError, match="eye: k must be an int, not float"):
        accel.eye(2, k=0.5, device=device)


def test_random_rejects_a_shape_where_a_bound_goes():
    with pytest.raises(TypeError, match=r"pass the shape as shape="):
        accel.uniform((2, 3))
    with pytest.raises(TypeError, match=r"normal: the first two arguments are numbers"):
        accel.normal(0, (2, 3))


def test_random_takes_numpys_size(device):
    """size= (NumPy's and PyTorch's name) is shape=; the numbers are NumPy's generator's with that seed."""
    a = accel.uniform(-1, 1, size=(4, 5), seed=3, device=device)
    want = np.random.default_rng(3).uniform(-1, 1, (4, 5)).astype(np.float32)
    np.testing.assert_array_equal(host(a), want)
    b = accel.normal(size=7, seed=4, dtype="float64", device=device)
    np.testing.assert_array_equal(host(b), np.random.default_rng(4).normal(0, 1, 7))
    with pytest.raises(TypeError, match="uniform: give the shape once"):
        accel.uniform(0, 1, (2,), size=(2,))


def test_seeded_random_is_reproducible_and_device_independent(device):
    a = accel.uniform(-1, 1, (100,), seed=3, device=device)
    b = accel.uniform(-1, 1, (100,), seed=3, device="cpu")
    np.testing.assert_array_equal(host(a), host(b))
    assert -1 <= host(a).min() and host(a).max() < 1
    accel.seed(5)
    n1 = host(accel.normal(0, 2, (1000,), device=device))
    accel.seed(5)
    np.testing.assert_array_equal(n1, host(accel.normal(0, 2, (1000,), device=device)))
    assert abs(n1.std() - 2) < 0.2


def test_indexing_like_numpy(device):
    a = np.arange(2 * 28 * 28 * 3).reshape(6, 28, 28) % 251
    x = accel.asarray(a, device=device)
    for key in [3, -1, slice(1, 4), (slice(None), slice(7, -7), slice(7, -7)), (Ellipsis, 0), (None, 2, slice(None, None, -3)),
                np.int64(3), (np.int32(-1), slice(2, None), np.uint8(5))]:  # NumPy's integers index as ints do
        np.testing.assert_array_equal(host(x[key]), a[key])
    n = 1
    np.testing.assert_array_equal(host(x[2 * n: 2 * (n + 1)]), a[2:4])
    idx = np.array([5, 0, 2, -1])
    np.testing.assert_array_equal(host(x[accel.asarray(idx, device=device)]), a[idx])
    y = x.copy()
    x[0] = 0
    x[1, 2:4] = accel.ones(28, dtype="int64", device=device)
    x[2, 3] = np.int32(-7)
    a[0], a[1, 2:4], a[2, 3] = 0, 1, -7
    np.testing.assert_array_equal(host(x), a)
    assert host(y)[0].any() and host(y)[2, 3, 0] != -7  # the copy kept the old values
    with pytest.raises(TypeError, match=f"can only assign Arrays or scalars, not ndarray; .*device='{device}"):
        x[0] = a[1]
    for mask in [a > 100, a[:, 0, 0] % 2 == 0, a[:, :, 3] < 50, np.ones((), bool)]:
        np.testing.assert_array_equal(host(x[accel.asarray(mask, device=device)]), a[mask])
    x[x > 200] = -1
    a[a > 200] = -1
    np.testing.assert_array_equal(host(x), a)
    with pytest.raises(IndexError, match=r"boolean index of shape \(28,\) does not match the array's leading axes \(6,\)"):
        x[accel.asarray(a[0, 0] > 0, device=device)]
    with pytest.raises(IndexError, match="integer or bool dtype, got float32"):
        x[accel.zeros(2, device=device)]
    with pytest.raises(IndexError, match="out of bounds for axis 0 with size 6"):
        x[accel.asarray([6], device=device)]
    with pytest.raises(IndexError):
        x[10]


@given(data=st.data())
def test_list_and_numpy_indices_like_numpy(device, data):
    """A list or NumPy array as the index is sent to the array's device, as CuPy does, and
    selects what NumPy selects; so is an assignment through it."""
    a = data.draw(arrays("float32", data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))))
    n = a.shape[0]
    key = data.draw(st.one_of(
        st.lists(st.integers(-n, n - 1), max_size=6),
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.lists(st.integers(-n, n - 1), max_size=6).map(lambda k: np.array(k, np.int32)),
        st.lists(st.booleans(), min_size=n, max_size=n).map(np.array),
        st.lists(st.lists(st.integers(0, n - 1), min_size=2, max_size=2), min_size=1, max_size=3)))
    x = accel.asarray(a, device=device)
    want = a[key]
    got = x[key]
    assert got.device == x.device and got.dtype == want.dtype
    np.testing.assert_array_equal(host(got), want)
    x[key] = 7.0
    a[key] = 7.0
    np.testing.assert_array_equal(host(x), a)


@st.composite
def index_tuples(draw, shape: tuple[int, ...]):
    """A tuple key for ``shape`` of basic and advanced parts: ints, slices, integer lists, NumPy
    arrays and Arrays (``"array"``, turned into accel Arrays by the test), masks of one axis, and
    sometimes None or an Ellipsis in place of the trailing axes."""
    count = draw(st.integers(1, len(shape)))
    ellipsis = draw(st.sampled_from(["none", "first", "last"])) if count < len(shape) else "none"
    parts = []
    for n in (shape[len(shape) - count:] if ellipsis == "first" else shape[:count]):
        kind = draw(st.sampled_from(["int", "slice", "list", "numpy", "array", "mask"]))
        ints = st.lists(st.integers(-n, n - 1), min_size=1, max_size=3) if n else st.just([])
        if kind == "int" and n:
            parts.append(draw(st.integers(-n, n - 1)))
        elif kind == "list":
            parts.append(draw(ints))
        elif kind == "numpy":
            parts.append(np.array(draw(ints), np.int64))
        elif kind == "array":
            parts.append(("array", draw(ints)))
        elif kind == "mask":
            parts.append(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), bool))
        else:
            parts.append(slice(draw(st.integers(-n, n) | st.none()), None, draw(st.sampled_from([1, -1, 2]))))
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), None)
    return tuple([Ellipsis] * (ellipsis == "first") + parts + [Ellipsis] * (ellipsis == "last"))


@given(data=st.data())
def test_tuple_indices_with_index_arrays_like_numpy(device, data):
    """``p[accel.arange(n), labels]``, ``x[i, [2, 5]] = 1`` and the like: NumPy's answer (its rule for
    where the advanced axes go included), or its IndexError (index arrays that do not broadcast)."""
    a = data.draw(arrays("float32", data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))))
    key = data.draw(index_tuples(a.shape))
    ours = tuple(accel.asarray(k[1], device=device) if isinstance(k, tuple) else k for k in key)
    theirs = tuple(np.array(k[1]) if isinstance(k, tuple) else k for k in key)
    x = accel.asarray(a, device=device)
    try:
        want = a[theirs]
    except IndexError:
        with pytest.raises(IndexError):
            x[ours]
        return
    got = x[ours]
    assert got.shape == want.shape
    np.testing.assert_array_equal(host(got), want)
    x[ours] = -7.0
    a[theirs] = -7.0
    np.testing.assert_array_equal(host(x), a)


def test_bad_list_and_numpy_indices(device):
    x = accel.ones((4, 3), device=device)
    for key, error in [([0.5], "integer or bool dtype, got float64"), (np.float32([1]), "got float32"),
                       ([4], "out of bounds for axis 0 with size 4"), ([True, False], r"boolean index of shape \(2,\)"),
                       ((0, [3]), "out of bounds for axis 1 with size 3"), ((0, 1, [0]), "too many indices"),
                       ((slice(None), [True]), r"does not match the array's axes from 1 \(3,\)"), ((0, "a"), "unsupported index")]:
        with pytest.raises(IndexError, match=error):
            x[key]


def test_iteration_is_over_the_first_axis(device):
    a = np.arange(6).reshape(3, 2)
    x = accel.asarray(a, device=device)
    rows = list(x)
    assert len(rows) == 3 and all(isinstance(r, accel.Array) and r.shape == (2,) for r in rows)
    np.testing.assert_array_equal([host(r) for r in rows], a)
    rows[1][0] = 9  # views, as NumPy's rows are
    assert host(x)[1, 0] == 9
    with pytest.raises(TypeError, match="iteration over a 0-d array"):
        list(accel.asarray(3.0, device=device))


def test_fill_sets_every_element_in_place(device):
    x = accel.ones((3, 4), dtype="int32", device=device)
    view = x[1]
    x.fill(7)
    assert x.dtype == np.int32 and (host(x) == 7).all() and (host(view) == 7).all()
    view.fill(-1)
    np.testing.assert_array_equal(host(x)[:, 0], [7, -1, 7])
    with pytest.raises(TypeError, match="can only assign Arrays or scalars, not str"):
        x.fill("a")


def test_integer_index_is_a_0d_view(device):
    """``x[i, j]`` is a 0-d Array sharing ``x``'s memory on every device, as in CuPy and PyTorch
    (NumPy gives a scalar copy), so Deep Learning with Python's naive loops give NumPy's answers."""
    a = np.float32([[-1.5, 2.0, 0.5], [3.0, -4.0, 0.0]])
    x = accel.asarray(a.copy(), device=device)
    v = x[1, 0]
    assert isinstance(v, accel.Array) and v.shape == () and x[-1][0].shape == ()
    x[1, 0] = 7.0
    assert v.item() == 7.0 and x[1, 0].item() == 7.0
    x[1, 0] = 3.0
    y = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] = max(x[i, j], 0)  # naive_relu
            y[i, j] += x[i, j]  # naive_add
    np.testing.assert_array_equal(host(x), np.maximum(a, 0))
    np.testing.assert_array_equal(host(y), a + np.maximum(a, 0))


def test_repr_and_conversions(device):
    x = accel.asarray([[1.0, 2.0]], device=device)
    gpu_name = "gpu:0"
    assert repr(x) == f"Array([[1., 2.]], dtype=float32, device='{'cpu' if device == 'cpu' else gpu_name}')"
    assert float(accel.sum(x)) == 3.0 and int(x[0, 1]) == 2 and accel.sum(x).item() == 3.0
    assert len(x) == 1
    assert x.astype("int32").dtype == np.int32
    with pytest.raises(TypeError, match="unsupported dtype float16"):
        x.astype("float16")
    with pytest.raises(ValueError, match=r"item\(\) needs an array of size 1, got shape \(1, 2\)"):
        x.item()
    with pytest.raises(ValueError, match=r"float\(\) needs an array of size 1, got shape \(1, 2\)"):
        float(x)
    for ambiguous in (x, x[:, :0]):
        with pytest.raises(ValueError, match=r"the truth value of an array of shape .* is ambiguous; .*\.any\(\) or \.all\(\)"):
            bool(ambiguous > 0)
    assert bool(x[0, 1] > 1) and not bool(x[:, :1] > 1)
    assert 2.0 in x and 2 in x and 3.0 not in x and x[0, 0] in x and np.nan not in x


def test_asarray_of_a_list_of_arrays_stacks_them_where_they_are(device):
    a, b = np.arange(6.0).reshape(2, 3), np.arange(6).reshape(2, 3)
    x, y = accel.asarray(a, device=device), accel.asarray(b, device=device)
    for got, want in [(accel.asarray([x, y]), np.asarray([a, b])), (accel.asarray((x.sum(), y.max())), np.asarray([15.0, 5.0])),
                      (accel.asarray([x[0], x[1]], dtype="float32"), a.astype(np.float32))]:
        assert (got.shape, got.dtype, got.device) == (want.shape, want.dtype, x.device)
        np.testing.assert_array_equal(host(got), want)
    with pytest.raises(ValueError, match="same shape"):
        accel.asarray([x, y[0]])
    if device != "cpu":
        with pytest.raises(ValueError, match="different devices"):
            accel.asarray([x, accel.ones(3)])


def test_pickle_and_deepcopy_round_trip(device):
    x = accel.asarray(np.arange(6.0).reshape(2, 3), device=device)
    for y in (pickle.loads(pickle.dumps(x)), copy.deepcopy(x)):
        assert y.device is x.device  # the interned Device, which the operators' shortcut compares by identity
        np.testing.assert_array_equal(host(y + x), 2 * host(x))
        assert (y.dtype, y.shape) == (x.dtype, x.shape)


def test_numpy_interop_on_cpu():
    a = np.arange(4.0)
    x = accel.asarray(a)
    assert np.shares_memory(np.asarray(x), a)
    with pytest.raises(TypeError, match="convert NumPy arrays with accel.asarray"):
        a + x  # NumPy hands np.add to Array.__array_ufunc__, and accel.add refuses ndarrays


def test_unknown_and_unavailable_devices():
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        accel.zeros(2, device="tpu")
    if not GPU:
        with pytest.raises(accel.DeviceError, match="device 'gpu:0' is not available"):
            accel.zeros(2, device="gpu")
        assert not accel.gpu_available()


def test_operands_on_different_devices_are_an_error(device):
    if device == "cpu":
        pytest.skip("needs a second device")
    with pytest.raises(ValueError, match="different devices"):
        accel.ones(2) + accel.ones(2, device=device)
    x = accel.ones(2, device=device)
    assert accel.sum(x.to_device("cpu") + accel.ones(2)).item() == 4.0


def test_default_device_context_and_environment():
    assert accel.get_default_device() == "cpu"
    with accel.default_device("cpu") as dev:
        assert accel.zeros(1).device == dev == accel.Device("cpu")
    code = "import accel; print(accel.get_default_device())"
    env = dict(os.environ, ACCEL_DEVICE="cuda:1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "gpu:1"


def test_gpu_array_refuses_implicit_numpy_conversion(device):
    if device == "cpu":
        pytest.skip("CPU arrays convert implicitly")
    with pytest.raises(TypeError, match="implicit conversion"):
        np.asarray(accel.ones(2, device=device))


def test_import_does_not_import_cupy():
    code = "import sys, accel; accel.ones(2) + 1; print('cupy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


SETITEM_OVERLAPS = {  # NumPy reads the value and the index as if copied before writing
    "shift right": lambda x: x.__setitem__(slice(1, None), x[:-1]),
    "shift left": lambda x: x.__setitem__(slice(None, -1), x[1:]),
    "reversed": lambda x: x.__setitem__(slice(None), x[::-1]),
    "index array from the target": lambda x: x.__setitem__(x[:3], 0),
    "index array from the target, in a tuple": lambda x: x.__setitem__((Ellipsis, x[:3]), 0),
    "masked, value from the target": lambda x: x.__setitem__(x > 3, x[::-1][x > 3]),
}


@pytest.mark.parametrize("case", SETITEM_OVERLAPS)
def test_setitem_from_overlapping_memory_matches_numpy(device, case):
    a = np.array([2, 0, 1, 5, 4, 7, 6, 3])
    want = a.copy()
    SETITEM_OVERLAPS[case](want)
    x = accel.asarray(a, device=device, copy=True)
    SETITEM_OVERLAPS[case](x)
    np.testing.assert_array_equal(host(x), want)


BIG = np.array([1e300, 1e300, 3.0])
CASTS = {  # each overflows float32 (or, to an int, is invalid) in NumPy's own cast
    "astype": lambda: accel.asarray(BIG).astype("float32"),
    "astype to int": lambda: accel.asarray(np.array([np.nan, 1.0])).astype("int32"),
    "asarray": lambda: accel.asarray(BIG, dtype="float32"),
    "sum dtype=": lambda: accel.asarray(BIG).sum(dtype="float32"),
    "setitem": lambda: accel.zeros(3).__setitem__(slice(None), accel.asarray(BIG)),
    "fill": lambda: accel.zeros(3).fill(1e300),
    "full": lambda: accel.full(3, 1e300, dtype="float32"),
    "uniform": lambda: accel.uniform(0, 1e300, shape=(3,), dtype="float32"),
    "matmul": lambda: accel.asarray(np.full((2, 2), 1e300)) @ accel.asarray(np.full((2, 2), 1e300)),
}


@pytest.mark.parametrize("form", CASTS)
def test_cpu_casts_warn_as_numpy_at_the_callers_line(form):
    """The line that called accel, not accel's own, as for the elementwise ops; NumPy's words."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CASTS[form]()
    kind = "invalid value" if form == "astype to int" else "overflow"
    where = "matmul" if form == "matmul" else "cast"
    assert [(str(w.message), w.filename) for w in caught] == [(f"{kind} encountered in {where}", __file__)]
    with np.errstate(all="raise"), pytest.raises(FloatingPointError):
        CASTS[form]()
