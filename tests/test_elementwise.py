"""Elementwise ops against NumPy: values, shapes and dtypes, on random broadcastable
shapes (0-d, empty, strided and transposed inputs), for every supported dtype."""
from __future__ import annotations

import inspect
import itertools
import operator
import threading
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st
from hypothesis.extra import numpy as hnp

import accel
from accel.elementwise import RULES
from conftest import flags_of, host
from cuda_host import flush_subnormals
from strategies import DTYPES, arrays, broadcastable, dense

BINARY = ["add", "subtract", "multiply", "divide", "floor_divide", "remainder", "pow",
          "maximum", "minimum", "greater", "less", "greater_equal", "less_equal", "equal", "not_equal",
          "bitwise_and", "bitwise_or", "bitwise_xor", "add_relu"]
UNARY = ["negative", "abs", "exp", "log", "sqrt", "square", "tanh", "relu", "invert"]
ORACLE = {name: RULES[name] for name in BINARY + UNARY}
ORACLE["relu"] = lambda x: np.maximum(x, x.dtype.type(0))
ORACLE["add_relu"] = lambda x, y: (lambda s: np.maximum(s, s.dtype.type(0)))(np.add(x, y))


def numpy_supports(op: str, *dtypes) -> bool:
    """Whether NumPy (and so accel) computes ``op`` on ``dtypes`` in a supported dtype."""
    try:
        accel.elementwise.loop_dtypes(op, tuple(np.dtype(d) for d in dtypes))
        return True
    except TypeError:
        return False


def check(op: str, got: accel.Array, want: np.ndarray) -> None:
    want = np.asarray(want)
    assert got.shape == want.shape
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if want.dtype.kind == "f":
        tol = 2e-6 if want.dtype == np.float32 else 1e-13
        np.testing.assert_allclose(host(got), want, rtol=tol, atol=tol, equal_nan=True)
    else:
        np.testing.assert_array_equal(host(got), want)


def draw_operands(data, op: str, *dtypes: str) -> list[np.ndarray]:
    """Broadcastable operands of ``dtypes`` for ``op``, kept where NumPy defines the result."""
    shapes = data.draw(broadcastable(len(dtypes))).input_shapes
    if len(dtypes) == 1:
        a = data.draw(arrays(dtypes[0], shapes[0]))
        if op in ("log", "sqrt") and a.dtype.kind == "f":
            a = np.abs(a) + a.dtype.type(0.5)
        return [a]
    dt1, dt2 = dtypes
    a = data.draw(arrays(dt1, shapes[0]))
    kw = {}
    if op == "pow" and np.dtype(dt2).kind in "iub":
        kw = {"bound": 4}  # integer powers: keep exponents small and non-negative
        a = a if a.dtype.kind == "f" else np.clip(a.astype(np.int64), -8, 8).astype(a.dtype)
    b = data.draw(arrays(dt2, shapes[1], **kw))
    if op == "pow" and b.dtype.kind == "i":
        b = np.abs(b)
    if op in ("floor_divide", "remainder") and b.dtype.kind in "iub":
        b = np.where(b == 0, b.dtype.type(1), b)  # NumPy's integer division by 0 warns; not under test
    return [a, b]


@pytest.mark.parametrize("op", BINARY)
@given(data=st.data(), dt1=st.sampled_from(DTYPES), dt2=st.sampled_from(DTYPES))
def test_binary_matches_numpy(device, op, data, dt1, dt2):
    assume(numpy_supports(op, dt1, dt2))
    a, b = draw_operands(data, op, dt1, dt2)
    with np.errstate(all="ignore"):  # warnings are checked on the extremes below
        want = ORACLE[op](a, b)
        got = getattr(accel, op)(accel.asarray(a, device=device), accel.asarray(b, device=device))
    check(op, got, want)


@pytest.mark.parametrize("op", UNARY)
@given(data=st.data(), dt=st.sampled_from(DTYPES))
def test_unary_matches_numpy(device, op, data, dt):
    assume(numpy_supports(op, dt))
    a, = draw_operands(data, op, dt)
    with np.errstate(all="ignore"):
        want = ORACLE[op](a)
        got = getattr(accel, op)(accel.asarray(a, device=device))
    check(op, got, want)


@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("exponent", [2, 2.0, 0.5, np.float32(0.5), np.float64(2), np.float32(2), 3, -0.5, -1, -1.0])
def test_float_to_a_scalar_power_is_numpys(device, dt, exponent):
    """NumPy computes a float array to the scalar power 2, 0.5 or -1 as square, sqrt or 1 / x, and so
    -0.0 ** 0.5 is -0.0 and -inf ** 0.5 NaN; other powers are pow's. The dtype is NEP 50's
    (np.power's): NumPy 2.0's operator kept float32 for float32 ** np.float64(2)."""
    a = np.concatenate([extremes(dt), np.random.default_rng(0).normal(0, 3, 50).astype(dt)])
    x = accel.asarray(a, device=device)
    with np.errstate(all="ignore"):
        want = a.astype(np.power(a, exponent).dtype) ** exponent
        for got in (x ** exponent, accel.pow(x, exponent), np.power(x, exponent)):
            if device != "cpu":
                want = flush_subnormals(want)
            assert got.dtype == want.dtype
            np.testing.assert_allclose(host(got), want, rtol=2e-6 if want.dtype == np.float32 else 1e-13,
                                       equal_nan=True)
            numbers = ~np.isnan(want)  # a NaN's sign differs between CPUs and GPUs
            np.testing.assert_array_equal(np.signbit(host(got))[numbers], np.signbit(want)[numbers])


def extremes(dtype: str) -> np.ndarray:
    """Values at the edges of ``dtype``: signed zeros, infinities, NaN, the largest and smallest
    magnitudes (float64 subnormals; float32 ones are zero on the GPU), the lowest and highest ints."""
    dt = np.dtype(dtype)
    if dt.kind == "f":
        info = np.finfo(dt)
        tiny = info.smallest_subnormal if dt == np.float64 else info.tiny
        return np.array([0.0, -0.0, np.inf, -np.inf, np.nan, info.max, -info.max, tiny, -tiny, 1e-30, 3.5, -2.5,
                         1.0, -1.0], dt)
    if dt.kind == "b":
        return np.array([False, True])
    info = np.iinfo(dt)
    return np.unique(np.array([info.min, info.min + 1, -7, -1, 0, 1, 7, info.max - 1, info.max]).clip(info.min)).astype(dt)


def check_extremes(device: str, op: str, dtypes: tuple[str, ...], *operands: np.ndarray) -> None:
    with np.errstate(all="ignore"):
        want = ORACLE[op](*operands)
    if device != "cpu":  # float32 subnormal results are zero on the GPU
        want = flush_subnormals(want)
    with np.errstate(all="ignore"):  # overflow and inf - inf warn as in NumPy (checked below)
        got = getattr(accel, op)(*(accel.asarray(x, device=device) for x in operands))
    assert got.dtype == want.dtype, (op, dtypes)
    if want.dtype.kind == "f":
        np.testing.assert_allclose(host(got), want, rtol=2e-6 if want.dtype == np.float32 else 1e-13, atol=0,
                                   equal_nan=True, err_msg=f"{op}{dtypes}")
    else:
        np.testing.assert_array_equal(host(got), want, err_msg=f"{op}{dtypes}")


@pytest.mark.parametrize("op", BINARY)
def test_binary_extremes_match_numpy(device, op):
    """Every pair of extreme values, for every dtype pair the op supports: overflow wraps, NaN and
    inf propagate as in NumPy."""
    for dtypes in itertools.product(DTYPES, repeat=2):
        if numpy_supports(op, *dtypes):
            a, b = np.meshgrid(*(extremes(d) for d in dtypes), indexing="ij")
            if op == "pow" and np.result_type(a, b).kind in "iu":
                b = np.where(b < 0, b.dtype.type(0), b)  # integers to negative powers raise, in NumPy too
            check_extremes(device, op, dtypes, a, b)


@pytest.mark.parametrize("op", UNARY)
def test_unary_extremes_match_numpy(device, op):
    for dtype in DTYPES:
        if numpy_supports(op, dtype):
            check_extremes(device, op, (dtype,), extremes(dtype))


#: Python scalars (weak: they take the array's dtype) and NumPy scalars (typed, NEP 50)
SCALARS = [2, 3.5, True, np.float32(2.5), np.float64(3.5), np.int32(3), np.int64(-2), np.uint8(7),
           np.bool_(True), np.float16(1.5)]


def fp_errors(fn) -> set[str]:
    """The floating-point errors NumPy reports for ``fn()`` (it checks the CPU's flags after each loop)."""
    raised = set()
    for kind in ("divide", "over", "under", "invalid"):
        with np.errstate(all="ignore", **{kind: "raise"}):
            try:
                fn()
            except FloatingPointError:
                raised.add(kind)
    return raised


@pytest.mark.parametrize("op", BINARY + UNARY)
def test_cpu_kernels_report_numpys_floating_point_errors(op):
    """Exactly NumPy's warnings, on every dtype pair: no spurious ones (a NaN compared in a
    vectorised loop must not set 'invalid'; NumPy's maximum, comparisons and relu are quiet) and
    none missing (inf - inf in add_relu, integer x // 0)."""
    for dtypes in itertools.product(DTYPES, repeat=2 if op in BINARY else 1):
        if not numpy_supports(op, *dtypes):
            continue
        grids = list(np.meshgrid(*(extremes(d) for d in dtypes), indexing="ij"))
        if op == "pow" and np.result_type(*grids).kind in "iu":
            grids[1] = np.where(grids[1] < 0, grids[1].dtype.type(0), grids[1])
        grids = [np.tile(g, (8,) + (1,) * (g.ndim - 1)) for g in grids]  # long enough for the SIMD loops
        want = fp_errors(lambda: ORACLE[op](*grids))
        assert fp_errors(lambda: getattr(accel, op)(*map(accel.asarray, grids))) == want, (op, dtypes)


@pytest.mark.parametrize("op", BINARY)
def test_cpu_flags_of_each_pair_of_float_extremes_are_numpys(op):
    """Each pair of float extremes alone (a full SIMD vector of it) raises NumPy's flags, no more:
    the test above sees only each grid's union, where one inf % x hides a NaN's spurious 'invalid'."""
    for dtypes in itertools.product(["float32", "float64"], repeat=2):
        if not numpy_supports(op, *dtypes):
            continue
        for a, b in itertools.product(extremes(dtypes[0]), extremes(dtypes[1])):
            if op == "pow" and np.isinf(b):
                continue  # NumPy's AVX-512 pow (SVML) flags 0 ** -inf and max ** inf; glibc's, as accel, does not
            x, y = np.full(16, a), np.full(16, b)
            want = flags_of(lambda: ORACLE[op](x, y))
            assert flags_of(lambda: getattr(accel, op)(accel.asarray(x), accel.asarray(y))) == want, (op, a, b)


def check_accuracy(op: str, a: np.ndarray, truth: np.ndarray, max_ulp: float) -> None:
    """accel's ``op`` of ``a`` against ``truth`` (computed in a wider type): within ``max_ulp`` where
    the result is normal, within one step of the smallest subnormal where it is subnormal, NumPy's
    answer where it is not finite."""
    with np.errstate(all="ignore"):
        got, want = getattr(accel, op)(accel.asarray(a)).numpy(), ORACLE[op](a)
    info = np.finfo(a.dtype)
    normal = np.isfinite(truth) & (np.abs(truth) >= info.tiny) & (np.abs(truth) <= info.max)
    ulp = np.spacing(np.abs(truth[normal]).astype(a.dtype)).astype(truth.dtype)
    assert np.max(np.abs(got[normal] - truth[normal]) / ulp) <= max_ulp
    subnormal = np.abs(truth) < info.tiny
    assert np.max(np.abs(got[subnormal] - truth[subnormal]), initial=0) <= info.smallest_subnormal  # none for log
    np.testing.assert_array_equal(got[~normal & ~subnormal], want[~normal & ~subnormal])


def check_flags_of_each(op: str, edges: list[float], dtype: type) -> None:
    """Each edge value alone (a full SIMD vector of it) raises NumPy's floating-point flags, no more:
    a lane computing on a raw inf, NaN or tiny input that a clamp was there to keep away would add
    'invalid' or 'underflow'."""
    for v in np.array(edges, dtype):
        x = np.full(16, v)
        assert fp_errors(lambda: getattr(accel, op)(accel.asarray(x))) == fp_errors(lambda: ORACLE[op](x)), v


@pytest.mark.parametrize("op", ["exp", "tanh", "log"])
def test_cpu_float32_exp_tanh_and_log_are_accurate_and_warn_as_numpy(op):
    """The CPU's own vectorised float32 exp, tanh and log, on a sweep of a million bit patterns and
    edge values: within 1.5 ulp of the float64 truth where the result is normal (NumPy's own are
    within 2.5), and NumPy's flags on the edge values."""
    info = np.finfo(np.float32)
    # exp's flags on subnormal inputs and on exactly representable subnormal results are IEEE's
    # (none), where NumPy's SIMD exp raises 'underflow'; those values are left out
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 1e-30, -1e-30, info.tiny, 2.0 ** -26, 2.0 ** -12, 0.625,
             -0.625, 9.0, 10.0, 11.0, 88.72, 88.73, 100.0, -87.3, -100.0, -104.0, -110.0, info.max, -info.max]
    if op != "exp":
        edges += [info.smallest_subnormal, -info.smallest_subnormal, 1e-40, -1e-40, 1.0, np.nextafter(1, 0), 2.0]
    a = np.concatenate([np.arange(0, 2**32, 4099, dtype=np.uint64).astype(np.uint32).view(np.float32),
                        np.array(edges, np.float32)])
    with np.errstate(all="ignore"):
        truth = ORACLE[op](a.astype(np.float64))
    check_accuracy(op, a, truth, 1.5)
    check_flags_of_each(op, edges, np.float32)


@pytest.mark.skipif(np.finfo(np.longdouble).nmant < 63, reason="the truth needs an 80-bit long double")
@pytest.mark.parametrize("op, lo, hi, max_ulp", [("exp", -750, 715, 1.0), ("log", 0, 1e6, 1.0), ("tanh", -25, 25, 1.5)])
def test_cpu_float64_exp_log_and_tanh_are_accurate_and_warn_as_numpy(op, lo, hi, max_ulp):
    """The CPU's own vectorised float64 exp, log and tanh against a long-double truth, on their
    range, near 0 and 1, and on random bit patterns: within ``max_ulp`` where the result is normal
    (measured: exp 0.87, log 0.72, tanh 1.31; NumPy's own 0.71, 0.54 and 1.18), and NumPy's flags
    on edge values (as for float32, an exactly representable subnormal result of exp raises none,
    where NumPy's may say 'underflow')."""
    info = np.finfo(np.float64)
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, info.smallest_subnormal, -info.smallest_subnormal, 1e-310,
             -1e-310, info.tiny, 2.0 ** -54, 2.0 ** -53, 2.0 ** -28, -(2.0 ** -29), 1e-8, 0.5, 0.625, -0.625, 1.0,
             np.nextafter(1, 0), np.nextafter(1, 2), -1.0, 21.9, 22.0, 22.1, 709.78, 709.79, 710.0, 800.0, -720.0,
             -745.0, -745.2, -746.0, -800.0, info.max, -info.max]
    rng = np.random.default_rng(0)
    a = np.concatenate([rng.uniform(lo, hi, 200_000), rng.uniform(-1e-3, 1e-3, 10_000) + (op == "log"),
                        rng.integers(0, 2**64, 200_000, dtype=np.uint64).view(np.float64), edges])
    with np.errstate(all="ignore"):
        truth = ORACLE[op](a.astype(np.longdouble))
    check_accuracy(op, a, truth, max_ulp)
    check_flags_of_each(op, edges, np.float64)


@pytest.mark.parametrize("op", BINARY + UNARY)
def test_cpu_warnings_are_numpys_and_name_the_callers_line(op):
    """Under NumPy's default 'warn', the same errors warn as in NumPy, each naming the line that
    called accel (not accel's own, which Python's default filter would show once per process)."""
    for dtypes in itertools.product(DTYPES, repeat=2 if op in BINARY else 1):
        if not numpy_supports(op, *dtypes):
            continue
        grids = [np.tile(g, 8) for g in np.meshgrid(*(extremes(d) for d in dtypes), indexing="ij")]
        if op == "pow" and np.result_type(*grids).kind in "iu":
            grids[1] = np.where(grids[1] < 0, grids[1].dtype.type(0), grids[1])
        with warnings.catch_warnings(record=True) as want:
            warnings.simplefilter("always")
            ORACLE[op](*grids)
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            getattr(accel, op)(*map(accel.asarray, grids)); line = inspect.currentframe().f_lineno
        errors = lambda caught: sorted(str(w.message).split(" encountered")[0] for w in caught)
        assert errors(got) == errors(want), (op, dtypes)
        assert {(w.filename, w.lineno) for w in got} <= {(__file__, line)}, (op, dtypes)


CALL_FORMS = {  # each warns at its own line here
    "x / 0": lambda x, big: x / 0,
    "0.0 / x": lambda x, big: 0.0 / (x - x),
    "out=": lambda x, big: accel.divide(x, 0, out=x),
    "np.divide": lambda x, big: np.divide(x, 0),
    "x /= 0": lambda x, big: x.__itruediv__(0),
    "spread scalar": lambda x, big: big / 0,
    "bias_relu": lambda x, big: accel.bias_relu(x, accel.full((2,), -np.inf)),
}


@pytest.mark.parametrize("form", CALL_FORMS)
def test_every_call_form_warns_at_the_callers_line(form):
    call = CALL_FORMS[form]
    for _ in range(3):  # the first call takes the full path, later ones a cached plan
        x = accel.asarray(np.array([[1.0, np.inf]], np.float32))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call(x, accel.zeros((4, 4096)))
        assert caught and all(w.category is RuntimeWarning for w in caught), form
        assert {(w.filename, w.lineno) for w in caught} == {(__file__, call.__code__.co_firstlineno)}, \
            [str(w) for w in caught]


def _outcome(call, settings):
    """What ``call`` gives under ``np.errstate(**settings)``: its result (or error) and warnings."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(**settings):
        warnings.simplefilter("always")
        try:
            result = host(call())
        except FloatingPointError as exc:
            result = str(exc)
    return result, sorted(str(w.message) for w in caught)


@pytest.mark.parametrize("op", ["add", "subtract", "multiply", "divide"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_ops_with_a_number_report_errors_as_numpy(op, dtype):
    """On the CPU, float arithmetic between a large array and a number runs a loop that reports
    no floating-point flags but sees any inf or NaN result, which the ufunc then computes again:
    NumPy's warnings and errors, or none for an inf or NaN that was already there; underflow,
    which leaves finite results, where np.errstate asks for it."""
    info = np.finfo(dtype)
    for spoil, number in [(None, 2.5), (None, info.max), (None, 0.0), (np.inf, 1.5), (np.nan, 1.5), (None, info.tiny),
                          (info.max, info.max), (info.max, -info.max)]:  # the last two overflow + and -
        a = np.random.default_rng(2).uniform(-4, 4, 3000).astype(dtype)
        if spoil is not None:
            a[1234] = spoil
        x = accel.asarray(a)
        for args, accel_args in [((a, number), (x, number)), ((number, a), (number, x))]:
            for settings in ({}, {"under": "warn"}, {"all": "raise"}):
                want = _outcome(lambda: ORACLE[op](*args), settings)
                for _ in range(2):  # the second call takes the plan the first one made
                    got = _outcome(lambda: getattr(accel, op)(*accel_args), settings)
                    assert got[1] == want[1], (op, spoil, number, settings)
                    if isinstance(want[0], str):
                        assert got[0] == want[0]
                    else:
                        np.testing.assert_array_equal(got[0], want[0])
        for settings in ({}, {"all": "raise"}):  # in place: the result written, then the error raised
            a2, x2 = a.copy(), accel.asarray(a, copy=True)
            want = _outcome(lambda: ORACLE[op](a2, number, out=a2), settings)
            got = _outcome(lambda: getattr(accel, op)(x2, number, out=x2), settings)
            assert got[1] == want[1] and (got[0] == want[0] if isinstance(want[0], str) else True)
            np.testing.assert_array_equal(host(x2), a2)


def test_errstate_settings_other_than_warn_are_kept():
    x = accel.asarray(np.array([1.0, 0.0], np.float32))
    with np.errstate(divide="raise", invalid="ignore"), pytest.raises(FloatingPointError, match="divide by zero"):
        x / 0
    with np.errstate(divide="ignore", invalid="warn"), pytest.warns(RuntimeWarning) as caught:
        x / 0
    assert [str(w.message) for w in caught] == ["invalid value encountered in divide"]
    calls = []
    with np.errstate(all="call", call=lambda error, flag: calls.append(error)):
        x / 0
    assert sorted(calls) == ["divide by zero", "invalid value"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="ignore"):
            x / 0
    old_call = np.seterrcall(lambda error, flag: None)  # installed but not used: warnings still warn here
    try:
        with pytest.warns(RuntimeWarning) as caught:
            x / 0
    finally:
        np.seterrcall(old_call)
    assert {w.filename for w in caught} == {__file__}


@pytest.mark.parametrize("n", [16, 8192])  # below and above the size from which the CPU copies back
@pytest.mark.parametrize("form", ["x *= 10", "multiply(x, 10, out=x)", "x *= y"])
def test_in_place_under_raise_writes_then_raises_as_numpy(device, n, form):
    """NumPy's in-place loop writes its result, then raises the error the loop flagged."""
    a, b = np.full(n, 3e38, np.float32), np.full(n, 10, np.float32)
    x, y = accel.asarray(a.copy(), device=device), accel.asarray(b, device=device)  # a CPU Array would share a
    calls = {"x *= 10": (lambda v, w: v.__imul__(10), lambda v, w: v.__imul__(10)),
             "multiply(x, 10, out=x)": (lambda v, w: accel.multiply(v, 10, out=v), lambda v, w: np.multiply(v, 10, out=v)),
             "x *= y": (lambda v, w: v.__imul__(w), lambda v, w: v.__imul__(w))}
    ours, theirs = calls[form]
    with np.errstate(over="raise"):
        with pytest.raises(FloatingPointError, match="overflow"):
            theirs(a, b)
        if device == "cpu":  # a GPU, as CuPy, raises no floating-point errors
            with pytest.raises(FloatingPointError, match="overflow"):
                ours(x, y)
        else:
            ours(x, y)
    np.testing.assert_array_equal(host(x), a)


def test_threads_keep_their_own_errstate():
    """np.errstate is per thread; a kernel's cached error state must not leak between threads."""
    x = accel.asarray(np.array([1.0, 2.0], np.float32))
    outcomes = {"raise": set(), "warn": set()}

    def run(mode):
        with np.errstate(divide=mode):
            for _ in range(3000):
                try:
                    x / 0
                    outcomes[mode].add("computed")
                except FloatingPointError:
                    outcomes[mode].add("raised")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        threads = [threading.Thread(target=run, args=(m,)) for m in outcomes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert outcomes == {"raise": {"raised"}, "warn": {"computed"}}


def test_nn_kernels_are_quiet_on_nan():
    a = np.tile(np.array([np.nan, -np.nan, 1.5, -2.5, 0.0], np.float32), 40)
    x = accel.asarray(a)
    with np.errstate(all="raise"):
        accel.relu_backward(x, x)
        accel.bias_relu(x.reshape(8, 25), x[:25])


@pytest.mark.parametrize("op", ["add", "multiply", "maximum", "greater", "pow", "divide"])
@given(data=st.data(), dt=st.sampled_from(DTYPES), scalar=st.sampled_from(SCALARS), left=st.booleans())
def test_scalars_follow_numpy_promotion(device, op, data, dt, scalar, left):
    a = data.draw(arrays(dt, data.draw(broadcastable(1)).input_shapes[0]))
    args = (scalar, a) if left else (a, scalar)
    if op == "pow" and (left or a.dtype.kind != "f"):
        return
    call = lambda: getattr(accel, op)(*(accel.asarray(x, device=device) if isinstance(x, np.ndarray) else x for x in args))
    try:
        with np.errstate(all="ignore"):
            want = ORACLE[op](*args)
    except TypeError:
        with pytest.raises(TypeError):
            call()
        return
    numpy_loop = RULES[op].resolve_dtypes(tuple(type(x) if type(x) in (int, float) else np.asarray(x).dtype
                                                for x in args) + (None,))
    if any(d.name not in DTYPES for d in numpy_loop):  # e.g. float16: accel says to cast first
        with pytest.raises(TypeError, match="which accel does not support"):
            call()
        return
    with np.errstate(all="ignore"):
        got = call()
    check(op, got, want)


@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("op", ["floor_divide", "remainder"])
def test_float_division_ops_on_ordinary_values(device, op, dt):
    """Quotients that are not near integers, which hypothesis' draws seldom give."""
    rng = np.random.default_rng(7)
    a = (rng.standard_normal(4096) * 100).astype(dt)
    b = (rng.random(4096) * np.where(rng.random(4096) < 0.5, -2, 2)).astype(dt)
    check(op, getattr(accel, op)(accel.asarray(a, device=device), accel.asarray(b, device=device)),
          getattr(np, op)(a, b))


@given(data=st.data(), dt=st.sampled_from(DTYPES))
def test_where_matches_numpy(device, data, dt):
    shapes = data.draw(broadcastable(3))
    c = data.draw(arrays("bool", shapes.input_shapes[0]))
    x = data.draw(arrays(dt, shapes.input_shapes[1]))
    y = data.draw(arrays(dt, shapes.input_shapes[2]))
    got = accel.where(*(accel.asarray(v, device=device) for v in (c, x, y)))
    check("where", got, np.where(c, x, y))


@pytest.mark.parametrize("op", ["floor_divide", "remainder"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_division_signs_zeros_and_nans(device, op, dtype):
    """Every sign pair, zero, (for floats) inf/NaN and (for ints) the lowest value, whose quotient
    by -1 overflows: NumPy's rounding, signs and wrap-around, bit for bit."""
    vals = [-7, -3, -1, 0, 1, 3, 7] + ([-0.5, 2.5, np.inf, -np.inf, np.nan] if dtype[0] == "f"
                                       else [np.iinfo(dtype).min, np.iinfo(dtype).max])
    a, b = (np.array(v, dtype) for v in zip(*[(x, y) for x in vals for y in vals]))
    with np.errstate(all="ignore"):
        want = ORACLE[op](a, b)  # integer division by 0 gives 0, with a warning
        got = getattr(accel, op)(accel.asarray(a, device=device), accel.asarray(b, device=device))
    check(op, got, want)
    np.testing.assert_array_equal(np.signbit(host(got)), np.signbit(want))


def test_float32_subnormals_are_zero_on_the_gpu(device):
    """The CPU keeps float32 subnormals, as NumPy does; GPU kernels read and write them as zero,
    because CuPy compiles every kernel with -ftz=true (as cupy.divide itself behaves)."""
    a, b = np.float32([1e-30, 1e-41, 1e-41]), np.float32([1e-40, 1e-41, 1.0])
    with np.errstate(all="ignore"):
        want = a / b if device == "cpu" else np.float32([np.inf, np.nan, 0.0])
    got = accel.asarray(a, device=device) / accel.asarray(b, device=device)
    np.testing.assert_array_equal(host(got), want)
    tiny = accel.asarray(np.float32([1e-41, 0.0]), device=device)  # reductions are kernels too
    assert (bool(tiny.any()), bool(tiny[:1].all())) == ((True, True) if device == "cpu" else (False, False))


@given(data=st.data(), dt=st.sampled_from(DTYPES))
def test_clip_matches_numpy(device, data, dt):
    """Bounds as scalars, arrays that broadcast, None, NaN, and min > max (max wins)."""
    a = data.draw(arrays(dt, data.draw(broadcastable(1)).input_shapes[0], nan=True))
    lo_hi = data.draw(st.sampled_from([(2, 5), (5, 2), (None, 3), (-1.5, None), (0.5, 2.5),
                                       (np.float32(1), np.float32(np.nan)), "arrays"]))
    if lo_hi == "arrays":
        lo_hi = tuple(data.draw(arrays(dt, data.draw(hnp.broadcastable_shapes(a.shape, min_dims=0, max_dims=a.ndim, min_side=0))))
                      for _ in range(2))
    want_error = None
    try:
        with np.errstate(all="ignore"):
            want = np.clip(a, *lo_hi)
    except (TypeError, OverflowError, ValueError) as exc:  # e.g. bounds that broadcast with a, not
        want_error = type(exc)                              # with each other: accel must refuse too
    on = lambda v: accel.asarray(v, device=device) if isinstance(v, np.ndarray) else v
    if want_error is not None or want.dtype.name not in DTYPES:
        with pytest.raises(want_error or TypeError):
            accel.clip(on(a), *map(on, lo_hi))
        return
    check("clip", accel.clip(on(a), *map(on, lo_hi)), want)
    check("np.clip", np.clip(on(a), *map(on, lo_hi)), want)
    check("x.clip", on(a).clip(*map(on, lo_hi)), want)
    # out=, as a view with gaps (every other row of a buffer whose other rows must stay 7)
    buffer = accel.full((2 * want.shape[0], *want.shape[1:]) if want.ndim else (), 7, dtype=want.dtype, device=device)
    out = buffer[::2] if want.ndim else buffer
    for fn in (accel.clip, np.clip):
        assert fn(on(a), *map(on, lo_hi), out=out) is out
        check(f"{fn.__module__}.clip out=", out, want)
        if want.ndim:
            np.testing.assert_array_equal(host(buffer[1::2]), np.full_like(want, 7))
    assert on(a).clip(*map(on, lo_hi), out=out) is out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_clip_signed_zeros_and_nans(device, dtype):
    """Every triple of special values: NumPy's clip gives a tie to the bound (clip(-0.0, 0.0, 1)
    is +0.0, where maximum(-0.0, 0.0) is -0.0) and the first NaN of x, min, max; bit for bit."""
    vals = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, -1.0, 1.0, 0.5], dtype)
    a, lo, hi = (v.ravel() for v in np.meshgrid(vals, vals, vals, indexing="ij"))
    lo[np.isnan(lo)] = -np.nan  # min's NaNs have the sign bit: which NaN won shows in it
    want = np.clip(a, lo, hi)
    got = accel.clip(*(accel.asarray(v, device=device) for v in (a, lo, hi)))
    check("clip", got, want)
    np.testing.assert_array_equal(np.signbit(host(got)), np.signbit(want))


def test_clip_needs_a_bound(device):
    with pytest.raises(ValueError, match="clip: give min, max or both"):
        accel.clip(accel.ones(3, device=device))


def test_where_with_python_scalars(device):
    c = np.array([[True], [False]])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    cond = accel.asarray(c, device=device)
    check("where", accel.where(cond, accel.asarray(x, device=device), -1.0), np.where(c, x, np.float32(-1)))
    check("where", accel.where(cond, 1.5, -2.5), np.where(c, 1.5, -2.5))


def test_nan_propagates_like_numpy(device):
    a = np.array([np.nan, 1.0, -2.0, 3.0], np.float32)
    b = np.array([0.0, np.nan, -3.0, 1.0], np.float32)
    x, y = accel.asarray(a, device=device), accel.asarray(b, device=device)
    check("maximum", accel.maximum(x, y), np.maximum(a, b))
    check("minimum", accel.minimum(x, y), np.minimum(a, b))
    check("relu", accel.relu(x), np.maximum(a, 0))


def test_seed_example(device):
    """The seed's broadcast: maximum of (64, 3, 32, 10) and (32, 10), y never copied."""
    rng = np.random.default_rng(0)
    a, b = rng.random((64, 3, 32, 10)), rng.random((32, 10))
    x = accel.asarray(a, dtype="float32", device=device)
    y = accel.asarray(b, dtype="float32", device=device)
    z = accel.maximum(x, y)
    assert (z.shape, z.dtype, z.ndim) == ((64, 3, 32, 10), np.float32, 4)
    np.testing.assert_array_equal(host(z), np.maximum(a.astype(np.float32), b.astype(np.float32)))
    w = accel.relu(x @ accel.ones((10, 4), device=device) + 1.0)
    np.testing.assert_allclose(host(w), np.maximum(a.astype(np.float32) @ np.ones((10, 4), np.float32) + 1, 0), rtol=1e-5)


@pytest.mark.parametrize("op", BINARY + UNARY + ["where"])
@pytest.mark.parametrize("view", ["x[::2]", "x[:, ::2]", "x[::-1, 1::3]", "x.T[::2]", "x[:, ::-1]", "x.T",
                                  "x.reshape(-1)[::-1]"])
def test_out_with_gaps_gets_exactly_its_elements(device, op, view):
    """An out= view with gaps between its elements, reversed or F-ordered, from contiguous inputs:
    Numba's ufunc loops would write it as if contiguous (they test only the inputs' steps)."""
    base = np.zeros((8, 12), np.float64)
    target = eval(view, {"x": base})
    shape, rng = target.shape, np.random.default_rng(5)
    a, b = rng.uniform(1, 4, shape), rng.uniform(1, 4, shape)
    args = {"where": (a > 2, a, b)}.get(op, (a,) if op in UNARY else (a, b))
    if op in ("bitwise_and", "bitwise_or", "bitwise_xor", "invert"):
        args, base = tuple(x.astype(np.int64) for x in args), base.astype(np.int64)
    target = eval(view, {"x": base})
    x = accel.asarray(base.copy(), device=device)
    out = eval(view, {"x": x})
    fn = getattr(accel, op)
    with np.errstate(all="ignore"):
        want_all = base.copy()
        eval(view, {"x": want_all})[...] = ORACLE[op](*args) if op in ORACLE else getattr(np, op)(*args)
        assert fn(*(accel.asarray(v, device=device) if isinstance(v, np.ndarray) else v for v in args), out=out) is out
    np.testing.assert_allclose(host(x), want_all, rtol=1e-12)


IN_PLACE_OPERATORS = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
                      "**=": operator.ipow, "//=": operator.ifloordiv, "&=": operator.iand}
PLAIN = {operator.iadd: operator.add, operator.isub: operator.sub, operator.imul: operator.mul,
         operator.itruediv: operator.truediv, operator.ipow: operator.pow, operator.ifloordiv: operator.floordiv,
         operator.iand: operator.and_}


def _reversed(a):
    """``a`` reversed along its last axis: a view with a negative step, NumPy's or accel's."""
    return a[(slice(None),) * (a.ndim - 1) + (slice(None, None, -1),)]


@pytest.mark.parametrize("shape", [(8, 12), (80, 120)], ids=["small", "copied back"])  # 9600 >= IN_PLACE_FROM
@pytest.mark.parametrize("view", ["x[::-1]", "x[:, ::-1]", "x[::-1, ::2]", "x.T", "x[::2]", "x[:, 1:]",
                                  "x.reshape(-1)[::-1]", "x.reshape(-1)[::-2]", "x.reshape(-1)[1::3][::-1]"])
@pytest.mark.parametrize("symbol", IN_PLACE_OPERATORS)
def test_in_place_operators_on_views_write_exactly_their_elements(device, shape, view, symbol):
    """``v op= y`` on a reversed, F-ordered or gapped view, with y the view itself, the same view
    made again, another array reversed, a reversed row, or a number: each element of v becomes
    op(v, y) of the values before, and nothing outside v changes. Numba's ufunc loops wrote a
    reversed out (x[::-1] += x[::-1], 1-d) outside itself, corrupting the heap."""
    iop = IN_PLACE_OPERATORS[symbol]
    dtype = "int64" if symbol in ("&=", "//=") else "float64"
    rng = np.random.default_rng(7)
    base = rng.integers(1, 4, shape).astype(dtype)
    other = rng.integers(1, 4, eval(view, {"x": base}).shape).astype(dtype)
    operands = {
        "itself": (None, None),
        "same view": (lambda b: eval(view, {"x": b}), lambda X: eval(view, {"x": X})),
        "other reversed": (lambda b: _reversed(other), lambda X: _reversed(accel.asarray(other, device=device))),
        "row reversed": (lambda b: _reversed(other[(0,) * (other.ndim - 1)]),
                         lambda X: _reversed(accel.asarray(other, device=device)[(0,) * (other.ndim - 1)])),
        "number": (lambda b: 2, lambda X: 2),
    }
    for name, (numpy_operand, accel_operand) in operands.items():
        want, x = base.copy(), accel.asarray(base.copy(), device=device)
        target = eval(view, {"x": want})
        y = target.copy() if numpy_operand is None else np.copy(numpy_operand(want))
        target[...] = PLAIN[iop](target.copy(), y)  # the values before, as NumPy's overlap rule has it
        v = eval(view, {"x": x})
        v = iop(v, v if accel_operand is None else accel_operand(x))
        np.testing.assert_array_equal(host(x), want, err_msg=name)


def test_out_and_inplace_operators(device):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    x = accel.asarray(a, device=device, copy=True)
    out = accel.empty((3, 4), device=device)
    assert accel.add(x, 1.0, out=out) is out
    np.testing.assert_array_equal(host(out), a + 1)
    y = accel.asarray(a, device=device, copy=True)  # on the CPU asarray shares a's memory otherwise
    y += accel.ones(4, device=device)
    y *= 2
    np.testing.assert_array_equal(host(y), (a + 1) * 2)
    i = accel.asarray(np.arange(4), device=device)
    wide = accel.zeros(4, dtype="float64", device=device)
    assert accel.add(i, i, out=wide) is wide  # an int64 result cast into a float64 out
    np.testing.assert_array_equal(host(wide), 2.0 * np.arange(4))
    with pytest.raises(TypeError, match="cannot write a float64 result into out of dtype int64"):
        i += 0.5
    with pytest.raises(ValueError, match=r"out has shape \(2,\) but the result has shape \(3, 4\)"):
        accel.add(x, x, out=accel.empty(2, device=device))
    with pytest.raises(TypeError, match="cannot write a float64 result"):  # both wrong: NumPy names the dtype
        accel.add(i, 0.5, out=accel.empty(2, dtype="int64", device=device))


@pytest.mark.parametrize("dt", [d for d in DTYPES if d != "bool"])  # bool // bool computes in int8
def test_divmod_is_numpys(device, dt):
    """divmod(x, y) is (x // y, x % y), as np.divmod, with an Array on either side."""
    a, b = dense(dt, (3, 4), seed=5, bound=9), dense(dt, (4,), seed=6, bound=9)
    b = np.where(b == 0, b.dtype.type(1), b)
    x, y = accel.asarray(a, device=device), accel.asarray(b, device=device)
    with np.errstate(all="ignore"):
        for got, want in ((divmod(x, y), np.divmod(a, b)), (divmod(x, 3), np.divmod(a, 3)),
                          (divmod(7, y), np.divmod(7, b))):
            check("floor_divide", got[0], want[0])
            check("remainder", got[1], want[1])


@pytest.mark.parametrize("op", UNARY + ["add", "pow", "where"])
@pytest.mark.parametrize("size", [100, 5000])
def test_out_that_is_an_input(device, op, size):
    """``out=`` the input itself, below and above the size from which the CPU computes apart and
    copies back (its vectorised loop would run scalar on an output that is an input)."""
    for dt in ("float32", "float64", "int32"):
        a = dense(dt, (size,), seed=4, bound=9)
        if op in ("log", "sqrt") and dt != "int32":
            a = np.abs(a) + 1
        b = np.abs(a[::-1]) % 4 if op == "pow" else a[::-1].copy()  # no negative integer powers
        args = (a > 3, a, b) if op == "where" else (a, b) if op in BINARY else (a,)
        with np.errstate(all="ignore"):
            try:
                want = ORACLE[op](*args) if op != "where" else np.where(*args)
            except TypeError:  # e.g. invert of floats
                continue
        if want.dtype != a.dtype:
            continue
        x = [accel.asarray(v, device=device, copy=True) for v in args]
        out = x[1] if op == "where" else x[0]
        with np.errstate(all="ignore"):
            assert getattr(accel, op)(*x, out=out) is out
        check(op, out, want)


OVERLAPS = {  # an out= that overlaps an input other than itself: NumPy computes as if from a copy
    "shifted up": lambda xp, x: xp.add(x[1:], x[:-1], out=x[1:]),
    "shifted down": lambda xp, x: xp.add(x[:-1], x[1:], out=x[:-1]),
    "reversed": lambda xp, x: xp.subtract(x, x[::-1], out=x),
    "transposed": lambda xp, x: xp.add(x.T, x, out=x),
    "broadcast row": lambda xp, x: xp.multiply(x, x[1:2], out=x),
    "unary": lambda xp, x: xp.negative(x[::-1], out=x),
    "in-place operator": lambda xp, x: x[1:].__iadd__(x[:-1]),
}


@pytest.mark.parametrize("case", OVERLAPS)
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_out_overlapping_an_input_reads_the_input_first(device, case, dtype):
    a = np.arange(1, 65, dtype=dtype).reshape(8, 8)
    want = a.copy()
    OVERLAPS[case](np, want)
    x = accel.asarray(a, device=device, copy=True)
    OVERLAPS[case](accel, x)
    np.testing.assert_array_equal(host(x), want)


NUMBER_OVERLAPS = {  # the same with a number, on arrays long enough for the CPU's number loop
    "shifted up": lambda xp, x: xp.maximum(x[:-1], 40, out=x[1:]),
    "shifted down": lambda xp, x: xp.subtract(x[1:], 3, out=x[:-1]),
    "number first": lambda xp, x: xp.minimum(60, x[1:], out=x[:-1]),
    "itself": lambda xp, x: xp.maximum(x, 40, out=x),
}


@pytest.mark.parametrize("case", NUMBER_OVERLAPS)
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_out_overlapping_an_input_with_a_number(device, case, dtype):
    a = np.random.default_rng(5).integers(0, 100, 3000).astype(dtype)
    want = a.copy()
    NUMBER_OVERLAPS[case](np, want)
    x = accel.asarray(a, device=device, copy=True)
    NUMBER_OVERLAPS[case](accel, x)
    np.testing.assert_array_equal(host(x), want)


@pytest.mark.parametrize("size", [100, 2000, 5000])
def test_read_only_arrays_are_read_not_written(size):
    """An Array over a read-only NumPy buffer computes, and refuses to be written with NumPy's
    ValueError, whichever loop would write it (the number loops from 1024 elements, in place from 4096)."""
    a = np.linspace(-1, 1, size, dtype=np.float32)
    a.flags.writeable = False
    x = accel.asarray(a)
    check("greater", x > 0.5, a > 0.5)
    for write in (lambda: x.__iadd__(1), lambda: x.__imul__(2.0), lambda: accel.maximum(x, 0.5, out=x),
                  lambda: accel.multiply(x, 2.0, out=x), lambda: x.__setitem__(slice(None), 0)):
        with pytest.raises(ValueError, match="read-only"):
            write()
    np.testing.assert_array_equal(host(x), np.linspace(-1, 1, size, dtype=np.float32))


def test_operators_and_reflected_scalars(device):
    a = np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int32)
    x = accel.asarray(a, device=device)
    pairs = [(x + 1, a + 1), (1 - x, 1 - a), (2 * x, 2 * a), (x / 2, a / 2), (7 // x, 7 // a),
             (x % 4, a % 4), (x ** 2, a ** 2), (-x, -a), (abs(x), np.abs(a)), (x > 2, a > 2),
             (x <= 3, a <= 3), (x == 5, a == 5), (x != 5, a != 5), (2 ** x.astype("float32"), 2.0 ** a.astype(np.float32)),
             (x & 6, a & 6), (5 | x, 5 | a), (x ^ x[::-1], a ^ a[::-1]), (~x, ~a),
             ((x > 0) & (x < 5), (a > 0) & (a < 5)), (~(x > 0) | (x == 4), ~(a > 0) | (a == 4))]
    for got, want in pairs:
        check("op", got, want)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("scalar", [3, -2, 0.5, 300, 2.0**70, np.float32(0.5), np.float64(2.5), np.int64(-2),
                                    np.uint8(7), np.bool_(True)])
def test_repeated_calls_with_a_scalar_match_numpy(device, dt, scalar):
    """An op with a Python or NumPy number takes a shortcut from its second call of the same
    dtypes: every call gives NumPy's dtype and values, or its error (uint8 + 300 is an
    OverflowError each time). The same ops on an array of the scalar's dtype, in between, must
    not take the number's shortcut."""
    a = dense(dt, (3, 5), seed=1, bound=9)
    x = accel.asarray(a, device=device)
    b = np.full(a.shape, scalar)
    ops = {"add": lambda v, s: v + s, "radd": lambda v, s: s + v, "multiply": lambda v, s: v * s,
           "rmultiply": lambda v, s: s * v, "subtract": lambda v, s: v - s, "divide": lambda v, s: v / s,
           "rsubtract": lambda v, s: s - v, "rdivide": lambda v, s: s / v, "rpow": lambda v, s: s ** v,
           "maximum": lambda v, s: (accel if isinstance(v, accel.Array) else np).maximum(v, s),
           "greater": lambda v, s: v > s}
    for name, op in ops.items():
        for _, (theirs, ours) in itertools.product(range(3), [(scalar, scalar), (b, accel.asarray(b, device=device))]):
            try:
                with np.errstate(all="ignore"):
                    want = op(a, theirs)
            except (OverflowError, TypeError, ValueError) as exc:  # ValueError: ints to negative int powers
                with pytest.raises(next(e for e in (OverflowError, TypeError, ValueError) if isinstance(exc, e))):
                    op(x, ours)
                continue
            if want.dtype.name not in DTYPES:  # float16 etc.: accel says to cast first
                continue
            with np.errstate(all="ignore"):
                check(name, op(x, ours), want)


@pytest.mark.parametrize("dt", ["float32", "int64"])
def test_repeated_ops_on_0d_arrays_give_writable_0d_arrays(device, dt):
    """Ops on 0-d Arrays (``x[i, j]`` in Deep Learning with Python's naive loops) take a shortcut
    from their second call: each still gives NumPy's value in a 0-d Array, one that can be
    written (``z += w``, ``z[()] = 1``) as a NumPy 0-d array can."""
    a = dense(dt, (3, 4), seed=4, bound=9)
    x = accel.asarray(a, device=device)
    ops = {"add": lambda v, w: v + w, "multiply by a number": lambda v, w: v * 2, "number first": lambda v, w: 3 - v,
           "negative": lambda v, w: -v, "maximum": lambda v, w: accel.maximum(v, w) if isinstance(v, accel.Array)
           else np.maximum(v, w), "greater": lambda v, w: v > w}
    for _, (name, op) in itertools.product(range(3), ops.items()):
        want = np.asarray(op(a[0, 1], a[2, 3]))
        z = op(x[0, 1], x[2, 3])
        check(name, z, want)
        z[()] = 1
        if z.dtype != np.bool_:
            z += x[1, 1]
        np.testing.assert_array_equal(host(z), (1 if z.dtype == np.bool_ else 1 + a[1, 1]), err_msg=name)
    np.testing.assert_array_equal(host(x), a)  # the results were new arrays


@pytest.mark.parametrize("shape", [(4, 6), (64, 96)])  # the CPU computes 4096 elements or more apart, then copies
@pytest.mark.parametrize("dt", DTYPES)
def test_repeated_in_place_operators_match_numpy(device, dt, shape):
    """x += y and friends take a shortcut from their second call of the same dtypes: every call
    updates x as NumPy does, broadcasts, overlaps and casts included, or raises as NumPy does."""
    a, row = dense(dt, shape, seed=2, bound=9), dense(dt, shape[1:], seed=3, bound=9)
    want, x = a.copy(), accel.asarray(a, device=device, copy=True)
    operands = {  # name: (NumPy's target and operand, accel's)
        "int": lambda: ((want, 3), (x, 3)), "float": lambda: ((want, 0.5), (x, 0.5)),
        "numpy float": lambda: ((want, np.float32(0.5)), (x, np.float32(0.5))),
        "numpy int": lambda: ((want, np.int32(2)), (x, np.int32(2))),
        "row": lambda: ((want, row), (x, accel.asarray(row, device=device))), "itself": lambda: ((want, want), (x, x)),
        "overlapping": lambda: ((want[1:], want[:-1]), (x[1:], x[:-1])),
    }
    for name in ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__", "__ipow__"):
        for operand in operands.values():
            for _ in range(3):
                (t, o), (tx, ox) = operand()
                try:
                    with np.errstate(all="ignore"):
                        # NumPy 2.0's **= by a NumPy scalar 2 ran square, keeping uint8 (2.4 follows
                        # np.power, NEP 50's dtype, as accel does)
                        np.power(t, o, out=t) if name == "__ipow__" else getattr(t, name)(o)
                except (TypeError, OverflowError, ValueError) as exc:  # e.g. int += 0.5: NumPy cannot cast back
                    with pytest.raises(next(e for e in (TypeError, OverflowError, ValueError) if isinstance(exc, e))):
                        getattr(tx, name)(ox)
                    continue
                with np.errstate(all="ignore"):
                    assert getattr(tx, name)(ox) is tx
                check(name, x, want)


# the CPU spreads a scalar into a run as long as the array (128 x 64; 20 x 100 for the quiet ops such
# as comparisons, which it spreads from 1024 elements), or as a row of it: the last
# axis (5 x 4096), a power-of-two factor (2 x 16384 of 1 x 32768) or another divisor of the size
# (7737 of 3 x 23211, odd, its last axis longer than a row); where the size has none in the rows'
# range (65537, a prime) it leaves the scalar to NumPy's stride-0 loop
@pytest.mark.parametrize("shape", [(20, 100), (128, 64), (5, 4096), (1, 32768), (3, 23211), (1, 65537)])
@pytest.mark.parametrize("op", BINARY + ["where"])
def test_scalar_operands_of_large_arrays_match_numpy(device, op, shape):
    """Python and NumPy scalars and 0-d arrays, on either side, allocating or into ``out=`` (the
    CPU spreads them into contiguous runs from 4096 elements), and strided arrays, which do not."""
    oracle = np.where if op == "where" else ORACLE[op]
    for dt in DTYPES:
        a = dense(dt, shape, seed=3, bound=9)
        zero_d = np.asarray(3, dt)
        cases = ([(a > 4, a, 2), (a > 4, zero_d, a), (a > 4, 2, zero_d)] if op == "where" else
                 [(a, s) for s in (3, 2.5, np.float32(2.5), zero_d)] + [(s, a) for s in (3, zero_d)])
        for numpy_args in cases:
            if op == "pow" and (a.dtype.kind != "f" or numpy_args[0] is not a):
                continue  # integer powers: exponents are kept non-negative elsewhere
            args = [accel.asarray(v, device=device) if isinstance(v, np.ndarray) else v for v in numpy_args]
            try:
                with np.errstate(all="ignore"):
                    want = oracle(*numpy_args)
            except (TypeError, OverflowError) as exc:  # e.g. bitwise ops on floats
                with pytest.raises(TypeError if isinstance(exc, TypeError) else OverflowError):
                    getattr(accel, op)(*args)
                continue
            if want.dtype.name not in DTYPES:
                continue
            strided = [v[:, ::2] if np.ndim(v) else v for v in numpy_args]
            with np.errstate(all="ignore"):
                for _ in range(2):  # the second call takes the shortcut its first call made
                    check(op, getattr(accel, op)(*args), want)
                out = accel.empty(want.shape, dtype=want.dtype, device=device)
                assert getattr(accel, op)(*args, out=out) is out
                check(op, out, want)
                check(op, getattr(accel, op)(*(v[:, ::2] if np.ndim(v) else v for v in args)), oracle(*strided))


def test_integer_floor_division_by_a_scalar_matches_numpy(device):
    """The CPU divides ints of up to 32 bits by a scalar in floats (exact there): every uint8 pair,
    and int32 over its range with divisors at its edges; 0 and -1 take the integer loop."""
    u = np.tile(np.arange(256, dtype=np.uint8), 17)  # 4352 elements: the scalar is spread
    x = accel.asarray(u, device=device)
    for d in range(1, 256):
        for divisor in (d, np.uint8(d)):
            np.testing.assert_array_equal(host(x // divisor), u // divisor)
    info = np.iinfo(np.int32)
    a = np.concatenate([np.array([info.min, info.min + 1, -7, -1, 0, 1, 7, info.max - 1, info.max], np.int32),
                        np.random.default_rng(1).integers(info.min, info.max, 5000, dtype=np.int32)])
    for d in [1, 2, 3, 7, -2, -7, 1000003, info.max, info.min, -(2**30), np.int32(5), 0, -1]:
        # and exact multiples of d with their neighbours, where a quotient rounded the wrong way floors wrong
        k = np.random.default_rng(2).integers(info.min // abs(int(d) or 1), info.max // abs(int(d) or 1), 1000)
        near = (k * int(d))[:, None] + np.array([-1, 0, 1])
        ad = np.concatenate([a, near[(near >= info.min) & (near <= info.max)].astype(np.int32)])
        with np.errstate(all="ignore"):
            want = ad // d
            got = accel.asarray(ad, device=device) // d
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(host(got), want, err_msg=str(d))


@pytest.mark.parametrize("dt", ["uint8", "int32", "int64"])
def test_comparing_integers_with_a_python_int_beyond_their_range(device, dt):
    """NumPy 2 compares exactly (uint8 > -1 is all True, == 300 all False) rather than overflow;
    ints in range and beyond it alternate, as later calls take the shortcut of the first in range
    (on 1200 elements, which the CPU compares with a run of the int)."""
    a = np.tile(np.array([0, 1, 3, np.iinfo(dt).max, np.iinfo(dt).min], dt), 240)
    x = accel.asarray(a, device=device)
    out = accel.ones(a.size, dtype="bool", device=device)
    for op in ["greater", "greater_equal", "less", "less_equal", "equal", "not_equal"]:
        for scalar in [3, -1, 3, 256, 1, 2**40, 0, -(2**70), 3, 2**70, 3]:
            for args, numpy_args in [((x, scalar), (a, scalar)), ((scalar, x), (scalar, a))]:
                check(op, getattr(accel, op)(*args), getattr(np, op)(*numpy_args))
                check(op, getattr(accel, op)(*args, out=out), getattr(np, op)(*numpy_args))


def test_errors_name_the_problem(device):
    x = accel.ones((2, 3), device=device)
    with pytest.raises(ValueError, match=r"shapes \(2, 3\), \(4,\) cannot be broadcast"):
        accel.add(x, accel.ones(4, device=device))
    with pytest.raises(TypeError, match="subtract does not support operands of dtype"):
        accel.subtract(accel.ones(2, dtype="bool", device=device), accel.ones(2, dtype="bool", device=device))
    with pytest.raises(TypeError, match="float16"):
        accel.exp(accel.ones(2, dtype="uint8", device=device))
    with pytest.raises(TypeError, match="convert NumPy arrays with accel.asarray"):
        accel.add(x, np.ones(3))
    with pytest.raises(TypeError, match=r"not tuple; convert tuples with accel.asarray\(\)"):
        x * (1, 2, 3)  # never converted behind the user's back, as in CuPy and PyTorch
    with pytest.raises(TypeError, match="operands must be accel Arrays or scalars, not NoneType$"):
        x == None  # noqa: E711 (NumPy compares elementwise to an object; accel has no object dtype)
    with pytest.raises(TypeError, match="needs at least one accel Array"):
        accel.add(1, 2)
    with pytest.raises(ValueError, match="negative integer powers"):
        accel.asarray([2, 3], device=device) ** -1
    with pytest.raises(TypeError, match="condition must have dtype bool"):
        accel.where(x, x, x)
    with pytest.raises(OverflowError):
        accel.asarray([1], dtype="uint8", device=device) + 300
    for call, message in [(lambda: accel.add(x), r"add\(\) missing 1 required positional argument: 'x2'"),
                          (lambda: accel.exp(x, x), r"exp\(\) takes 1 positional argument but 2 were given"),
                          (lambda: accel.where(x > 0), r"where\(\) missing 2 required positional arguments")]:
        with pytest.raises(TypeError, match=message):
            call()
