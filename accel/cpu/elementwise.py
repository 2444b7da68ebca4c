"""CPU elementwise kernels: one scalar function per op, compiled by Numba into a NumPy ufunc.

A ufunc gives broadcasting of any rank without materialising operands,
strided inputs, ``out=`` and overlap handling from NumPy's iterator, while
the inner loop is Numba's machine code (vectorised by LLVM on contiguous
runs, which covers the same-shape and row/column-vector fast paths). One ufunc
is built per (op, loop dtypes) on first use and cached on disk.
"""
from __future__ import annotations

import functools
import itertools
import operator
from typing import Any, Callable

import numba as nb
import numpy as np
from llvmlite import ir
from numba.core import cgutils
from numba.extending import intrinsic, overload

from ..dispatch import register
from ..fperrors import reported_at_caller, underflow_ignored


def wrap(x, like):
    """``x`` in ``like``'s type, wrapping as NumPy does: Numba widens small ints to int64,
    which matters where a kernel uses an intermediate result before returning it."""
    return type(like)(x)


@overload(wrap)
def _wrap_compiled(x, like):
    target = like  # compiled, the argument is its Numba type: cast to it
    return lambda x, like: target(x)


def order_key(x):
    """A number that orders as ``x`` does (NaN aside; -0 and +0 equal), compared without a float
    compare. LLVM's vectorised float ``<``/``>`` raise the CPU's "invalid" flag on a NaN, which
    NumPy reports after the loop as a RuntimeWarning (an error under ``np.errstate``) where its
    own loops stay quiet; ``==`` and ``!=`` never signal. Compiled, a float's key is an int."""
    return x


def _ir_key(builder, bits):
    """order_key on a float's bits, in LLVM IR: sign-magnitude -> two's complement. The map is its
    own inverse (but that -0.0's key, 0, maps back to +0.0), so it also turns a key into bits."""
    t = bits.type
    sign = builder.ashr(bits, ir.Constant(t, t.width - 1))  # 0 or -1
    return builder.sub(builder.xor(bits, builder.and_(sign, ir.Constant(t, (1 << (t.width - 1)) - 1))), sign)


@intrinsic
def _key_of_bits(typingctx, bits):
    """``_ir_key`` on an integer: a float's key from its bits, or its bits from its key."""
    if not isinstance(bits, nb.types.Integer):
        return None
    return bits(bits), lambda context, builder, signature, args: _ir_key(builder, args[0])


@overload(order_key)
def _order_key_compiled(x):
    if isinstance(x, nb.types.Float):
        return lambda x: _key_of_bits(_bits(x))
    return lambda x: x


def from_order_key(key, like):
    """The number of ``like``'s type whose ``order_key`` is ``key`` (a zero key gives +0.0)."""
    return key


@overload(from_order_key)
def _from_order_key_compiled(key, like):
    if isinstance(like, nb.types.Float):
        return lambda key, like: _from_bits(_key_of_bits(key), like)
    return lambda key, like: key


@intrinsic
def strict_divide(typingctx, x, y):
    """``x / y`` for two floats of one type, with its floating-point flags guaranteed: LLVM's
    constrained (``fpexcept.strict``) division is never folded, dropped or speculated into the
    lanes of a vectorised loop that do not use it, as a plain ``/`` may be. NumPy reports the
    flags it raises after the loop, so a kernel raises exactly the flags NumPy's loop would."""
    if not (isinstance(x, nb.types.Float) and x == y):
        return None

    def codegen(context, builder, signature, args):
        t, meta = args[0].type, ir.MetaDataType()
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(t, [t, t, meta, meta]),
                                            f"llvm.experimental.constrained.fdiv.f{x.bitwidth}")
        return builder.call(fn, [*args, ir.MetaDataString(builder.module, "round.tonearest"),
                                 ir.MetaDataString(builder.module, "fpexcept.strict")])
    return x(x, y), codegen


@nb.njit(inline="always")
def _divided_by_zero(a):
    """An integer x // 0 or x % 0: 0, as NumPy, with the flag behind its 'divide by zero' warning."""
    strict_divide(1.0, 0.0)
    return wrap(0, a)


def floor_div(a, b):
    """``a // b`` as NumPy computes it, with the floating-point flags its loop raises and no
    others. Integers: x // 0 is 0 ('divide') and the lowest int // -1 wraps to itself
    ('overflow'; Numba gives 0). Floats: NumPy's npy_floor_divide (Numba's own float ``//``
    raises 'invalid' on NaN, 'overflow' and 'underflow' where NumPy's is silent)."""
    return a // b


@overload(floor_div)
def _floor_div_compiled(a, b):
    if isinstance(a, nb.types.Float):
        def float_floor_div(a, b):
            if b == 0:
                return strict_divide(a, b)  # ±inf or NaN
            one = wrap(1, a)  # every step in a's type, as NumPy (Numba widens float32 with ints)
            mod = wrap(np.fmod(a, b), a)
            div = (a - mod) / b  # very nearly an integer
            if mod != 0 and np.signbit(b) != np.signbit(mod):
                div -= one
            if div == 0:
                return np.copysign(wrap(0, a), strict_divide(a, b))  # NumPy takes the sign of a / b
            floor = wrap(np.floor(div), a)
            return floor + one if order_key(wrap(div - floor, a)) > order_key(wrap(0.5, a)) else floor
        return float_floor_div

    def int_floor_div(a, b):
        if b == 0:
            return _divided_by_zero(a)
        if b == -1:  # -a wraps; the machine divide would trap
            negated = wrap(-a, a)
            if negated == a and a != 0:
                strict_divide(1e308, 1e-308)  # and its 'overflow' one
            return negated
        return a // b
    return int_floor_div


def mod(a, b):
    """``a % b`` as NumPy computes it, with the floating-point flags its loop raises and no others.
    Integers: x % 0 is 0 and raises 'divide'. Floats: NumPy's npy_remainder, whose sign tests are
    quiet (Numba's float ``%`` compares with ``<``, which raises 'invalid' on a NaN)."""
    return a % b


@overload(mod)
def _mod_compiled(a, b):
    if isinstance(a, nb.types.Float):
        def float_mod(a, b):
            if b == 0:  # fmod(x, 0): NaN, 'invalid' unless x is already NaN
                return a if a != a else strict_divide(wrap(0, a), b)
            mod = wrap(np.fmod(a, b), a)
            if mod == 0:
                return np.copysign(wrap(0, a), b)
            return mod + b if np.signbit(b) != np.signbit(mod) else mod
        return float_mod
    if not isinstance(a, nb.types.Integer):
        return lambda a, b: a % b

    def int_mod(a, b):
        if b == 0:
            return _divided_by_zero(a)
        return a % b
    return int_mod


def power(a, b):
    """``a ** b`` with NumPy's integer semantics: Numba's int ``**`` turns to float pow above 2**16."""
    return a ** b


@overload(power)
def _power_compiled(a, b):
    if not isinstance(a, nb.types.Integer):
        return lambda a, b: a ** b

    def by_squaring(a, b):  # wraps on overflow, for any exponent
        r = 1
        while b > 0:
            if b & 1:
                r *= a
            a *= a
            b >>= 1
        return r
    return by_squaring


@intrinsic
def muladd(typingctx, a, b, c):
    """``a * b + c`` for floats of one type, fused into one FMA where the CPU has one
    (``llvm.fmuladd``): polynomials then take one instruction a term, and round once."""
    if not (isinstance(a, nb.types.Float) and a == b == c):
        return None

    def codegen(context, builder, signature, args):
        t = args[0].type
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(t, [t, t, t]),
                                            f"llvm.fmuladd.f{a.bitwidth}")
        return builder.call(fn, args)
    return a(a, b, c), codegen


def _float_ir(width: int) -> ir.Type:
    return ir.FloatType() if width == 32 else ir.DoubleType()


@intrinsic
def _quiet_clamp(typingctx, a, lo, hi, tiny):
    """Float ``a`` clamped to [lo, hi], with ±inf, NaN and |a| < tiny taken as 0, all on the
    integer bits. A select on the float (``a if finite else 0``) is not enough: LLVM, which does
    not model floating-point flags, may push the arithmetic that follows into the select's arms
    and so compute on the raw input, raising the flag the select was there to avoid. Integer
    min/max are opaque to that, so the stand-in stays in place."""
    if not (isinstance(a, nb.types.Float) and a == lo == hi == tiny):
        return None

    def codegen(context, builder, signature, args):
        width = a.bitwidth
        iw, magnitude_mask = ir.IntType(width), (1 << (width - 1)) - 1
        inf = 0x7F800000 if width == 32 else 0x7FF0000000000000
        bits, lo_, hi_, tiny_ = (builder.bitcast(v, iw) for v in args)
        magnitude = builder.and_(bits, ir.Constant(iw, magnitude_mask))
        keep = builder.and_(builder.icmp_unsigned("<", magnitude, ir.Constant(iw, inf)),
                            builder.icmp_unsigned(">=", magnitude, tiny_))
        key = _ir_key(builder, builder.select(keep, bits, ir.Constant(iw, 0)))
        lo_key, hi_key = _ir_key(builder, lo_), _ir_key(builder, hi_)
        key = builder.select(builder.icmp_signed("<", key, hi_key), key, hi_key)
        key = builder.select(builder.icmp_signed(">", key, lo_key), key, lo_key)
        return builder.bitcast(_ir_key(builder, key), _float_ir(width))  # back from the key to the bits
    return a(a, lo, hi, tiny), codegen


@intrinsic
def _select(typingctx, c, x, y):
    """``x if c else y`` as one LLVM select. Numba lowers a conditional expression as a branch,
    and inside a branch LLVM simplifies with the branch's condition (dropping a clamp the
    condition makes redundant) before it vectorises, when the clamp is there for the lanes that
    branch is not taken in."""
    if not (isinstance(c, nb.types.Boolean) and isinstance(x, nb.types.Float) and x == y):
        return None

    def codegen(context, builder, signature, args):
        return builder.select(*args)
    return x(c, x, y), codegen


@intrinsic
def _bits(typingctx, x):
    """A float's bits as an integer of its width (no float op, so no flag)."""
    if not isinstance(x, nb.types.Float):
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(x.bitwidth))
    return nb.types.int64(x) if x.bitwidth == 64 else nb.types.int32(x), codegen


@intrinsic
def _from_bits(typingctx, b, like):
    """The float of ``like``'s type whose bits are the low bits of the integer ``b``."""
    if not (isinstance(b, nb.types.Integer) and isinstance(like, nb.types.Float)):
        return None

    def codegen(context, builder, signature, args):
        iw, v = ir.IntType(like.bitwidth), args[0]
        v = builder.trunc(v, iw) if v.type.width > iw.width else builder.sext(v, iw) if v.type.width < iw.width else v
        return builder.bitcast(v, _float_ir(like.bitwidth))
    return like(b, like), codegen


# exp, tanh and log, branch-free so that LLVM vectorises their loops: libm's are one call per
# element (Numba links no vector math library). float32: Cephes' expf, tanhf and logf; float64:
# FreeBSD's (Sun's) exp and log, Cephes' tanh. exp: Cody-Waite reduction exp(x) = 2**n * exp(r),
# |r| <= ln(2)/2, then a polynomial in r; log: log(x) = n * ln(2) + log(m), m in [sqrt(1/2),
# sqrt(2)), a polynomial in m - 1.
_F = np.float32
_LOG2E, _LN2_HI, _LN2_LO = _F(1.44269504088896341), _F(0.693359375), _F(-2.12194440e-4)
_EXP_P = tuple(map(_F, (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
                        1.6666665459e-1, 5.0000001201e-1)))
_TANH_P = tuple(map(_F, (-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1,
                         -3.33332819422e-1)))
_LOG_P = tuple(map(_F, (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
                        -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)))


def _pow2(n, like):
    """``2.0 ** n`` in ``like``'s float type, built from its bits; n must be a normal exponent."""


@overload(_pow2)
def _pow2_compiled(n, like):
    info = np.finfo(_F if like == nb.types.float32 else np.float64)
    mantissa, bias = info.nmant, info.maxexp - 1
    return lambda n, like: _from_bits((n + bias) << mantissa, like)


@nb.njit(inline="always")
def _times_pow2(y, n):
    """``y * 2**n`` for n from below the subnormals' exponents to above the largest, in two
    normal factors (so that the product rounds once, and overflows or underflows as it should)."""
    half = n >> 1
    return y * _pow2(half, y) * _pow2(n - half, y)


@nb.njit(inline="always")
def _exp_reduced(x):
    """(p, n) with exp(x) = p * 2**n, p in [0.7, 1.42], for a finite float32 x in [-104, 89]."""
    z = np.floor(muladd(_LOG2E, x, _F(0.5)))
    r = muladd(z, -_LN2_LO, muladd(z, -_LN2_HI, x))
    q = muladd(muladd(muladd(muladd(muladd(_EXP_P[0], r, _EXP_P[1]), r, _EXP_P[2]), r, _EXP_P[3]), r,
                      _EXP_P[4]), r, _EXP_P[5])
    return muladd(q, r * r, r) + _F(1), np.int32(z)


def _exp_f32(a):
    """np.exp for float32: within 1 ulp of the true value on a sweep of a million inputs (NumPy's
    own: 2.3), and NumPy's warnings: 'overflow' above 88.72, 'underflow' where the result is
    subnormal and inexact (NumPy's also for subnormal inputs); inf, -inf and NaN quietly.
    Non-finite inputs are computed as 0 and replaced, and |a| < 2**-26 (where exp(a) rounds to
    1) as 0, so that r * r never underflows."""
    x = _quiet_clamp(a, _F(-104), _F(89), _F(2.0 ** -26))  # exp(89) overflows and exp(-104) underflows to 0
    p, n = _exp_reduced(x)
    return _exp_specials(a, _times_pow2(p, n))  # n runs from -150 to 128


@nb.njit(inline="always")
def _exp_specials(a, y):
    """``y``, exp computed for a finite ``a``, or else exp(a): inf for inf, 0 for -inf, NaN as it is."""
    k, inf = order_key(a), order_key(wrap(np.inf, a))
    return _select((k > -inf) & (k < inf), y, _select(a != a, a, _select(k > 0, wrap(np.inf, a), wrap(0, a))))


# float64 exp: FreeBSD's, the same reduction with r = hi - lo carried in two parts, then
# exp(r) = 1 - ((lo - r c / (2 - c)) - hi) with c = r - r**2 P(r**2): below 1 ulp by its error
# analysis (Cephes' Pade form measured 1.6 ulp)
_D = np.float64
_LOG2E_D, _LN2_HI_D, _LN2_LO_D = np.log2(np.e), 6.93147180369123816490e-01, 1.90821492927058770002e-10
_EXP_P_D = (4.13813679705723846039e-08, -1.65339022054652515390e-06, 6.61375632143793436117e-05,
            -2.77777777770155933842e-03, 1.66666666666666019037e-01)


@nb.njit(inline="always")
def _exp_reduced_f64(x):
    """(e, n) with exp(x) = e * 2**n, e in [0.7, 1.42], for a finite float64 x in [-746, 710]."""
    z = np.floor(muladd(_LOG2E_D, x, _D(0.5)))
    hi, lo = muladd(z, -_LN2_HI_D, x), z * _LN2_LO_D  # hi is exact: _LN2_HI_D has 32 bits
    r = hi - lo
    t = r * r
    p = muladd(muladd(muladd(muladd(_EXP_P_D[0], t, _EXP_P_D[1]), t, _EXP_P_D[2]), t, _EXP_P_D[3]), t, _EXP_P_D[4])
    c = r - t * p
    return _D(1) - ((lo - r * c / (_D(2) - c)) - hi), np.int64(z)


def _exp_f64(a):
    """np.exp for float64, with NumPy's warnings: 'overflow' above 709.78, 'underflow' where the
    result is subnormal and inexact; inf, -inf and NaN quietly. Non-finite inputs are computed
    as 0 and replaced, and |a| < 2**-54 (where exp(a) rounds to 1) as 0, so that r * r never
    underflows."""
    x = _quiet_clamp(a, _D(-746), _D(710), _D(2.0 ** -54))  # exp(710) overflows, exp(-746) underflows to 0
    e, n = _exp_reduced_f64(x)
    return _exp_specials(a, _times_pow2(e, n))  # n runs from -1076 to 1025


def _tanh_f32(a):
    """np.tanh for float32, quiet as NumPy's: a polynomial below |a| = 0.625, 1 - 2 / (exp(2|a|) + 1)
    above it (|a| capped at 10, where tanh rounds to 1), and a itself below 2**-12."""
    m = np.abs(a)
    x = _quiet_clamp(m, _F(0.625), _F(10), _F(0))  # inf and NaN computed as 0.625: replaced below
    p, n = _exp_reduced(_F(2) * x)
    s = _quiet_clamp(m, _F(2.0 ** -12), _F(0.625), _F(0))
    z = s * s
    q = muladd(muladd(muladd(muladd(_TANH_P[0], z, _TANH_P[1]), z, _TANH_P[2]), z, _TANH_P[3]), z, _TANH_P[4])
    return _tanh_joined(a, _F(1) - _F(2) / (p * _pow2(n, p) + _F(1)), muladd(q * z, s, s), _F(2.0 ** -12))


@nb.njit(inline="always")
def _tanh_joined(a, large, small, tiny):
    """tanh(a) from ``large`` (computed for |a| >= 0.625) and ``small`` (for tiny <= |a| < 0.625):
    |a| itself below ``tiny``, 1 for an infinite |a|, a NaN as it is, and a's sign."""
    m = np.abs(a)
    key = order_key(m)
    t = _select(key >= order_key(wrap(0.625, a)), _select(m == wrap(np.inf, a), wrap(1, a), large),
                _select(key < order_key(tiny), m, small))
    return _select(a != a, a, np.copysign(t, a))


# float64 tanh: Cephes' tanh, a rational function below |a| = 0.625 and 1 - 2 / (exp(2|a|) + 1) above
_TANH_P_D = (-9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3)
_TANH_Q_D = (1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3)


def _tanh_f64(a):
    """np.tanh for float64, quiet as NumPy's: |a| capped at 22, where tanh rounds to 1, and a
    itself below 2**-28."""
    m = np.abs(a)
    x = _quiet_clamp(m, _D(0.625), _D(22), _D(0))  # inf and NaN computed as 0.625: replaced below
    e, n = _exp_reduced_f64(_D(2) * x)
    s = _quiet_clamp(m, _D(2.0 ** -28), _D(0.625), _D(0))
    z = s * s
    p = muladd(muladd(_TANH_P_D[0], z, _TANH_P_D[1]), z, _TANH_P_D[2])
    q = muladd(muladd(z + _TANH_Q_D[0], z, _TANH_Q_D[1]), z, _TANH_Q_D[2])
    return _tanh_joined(a, _D(1) - _D(2) / (e * _pow2(n, e) + _D(1)), muladd(s * z, p / q, s), _D(2.0 ** -28))


def _log_reduced(a):
    """(n, m - 1) with a = m * 2**n, m in [sqrt(1/2), sqrt(2)), from a's bits (exactly), for a
    positive finite ``a``; others are computed as the smallest subnormal (see ``_log_f32``)."""


@overload(_log_reduced)
def _log_reduced_compiled(a):
    t = _F if a == nb.types.float32 else _D
    info = np.finfo(t)
    mantissa, bias = info.nmant, info.maxexp - 1
    sqrt_half = int(np.array(np.sqrt(0.5), t).view(np.int32 if t is _F else np.int64))
    subnormal_shift = mantissa + bias - 1  # a subnormal x is read as its integer bits, x * 2**shift
    smallest, largest, zero, one = info.smallest_subnormal, info.max, t(0), t(1)

    def reduced(a):
        x = _quiet_clamp(a, smallest, largest, zero)
        b = _bits(x)
        subnormal = b < (1 << mantissa)
        v = _select(subnormal, t(b), x)
        ix = _bits(v) + ((bias << mantissa) - sqrt_half)
        n = t((ix >> mantissa) - bias - subnormal_shift * subnormal)
        return n, _from_bits((ix & ((1 << mantissa) - 1)) + sqrt_half, zero) - one
    return reduced


def _log_f32(a):
    """np.log for float32, with NumPy's warnings: 'divide by zero' for ±0 (-inf), 'invalid' for
    a < 0 (NaN); inf and NaN quietly. Inputs that are not positive and finite are computed as the
    smallest subnormal and their results replaced; a subnormal x is read as its integer bits
    (x * 2**149, exactly). Every lane ends in one division, by 1 but for ±0 (-1 / 0) and a < 0
    (0 / 0), which raise the flags: a division in only those lanes' arm of a select, LLVM (which
    does not model flags) folds to a constant, and the flags are lost."""
    n, f = _log_reduced(a)
    z = f * f
    q = _LOG_P[0]
    q = muladd(muladd(muladd(muladd(q, f, _LOG_P[1]), f, _LOG_P[2]), f, _LOG_P[3]), f, _LOG_P[4])
    q = muladd(muladd(muladd(muladd(q, f, _LOG_P[5]), f, _LOG_P[6]), f, _LOG_P[7]), f, _LOG_P[8])
    return _log_specials(a, muladd(n, _LN2_HI, f + muladd(n, _LN2_LO, muladd(_F(-0.5), z, q * f * z))))


@nb.njit(inline="always")
def _log_specials(a, y):
    """``y``, log computed for a positive finite ``a``, or else log(a) with NumPy's flags, from
    one division in every lane (see ``_log_f32``). NaNs' keys lie beyond the infinities'; other
    forms of these selects kept LLVM 14 (Numba 0.60) from vectorising."""
    k, inf = order_key(a), order_key(wrap(np.inf, a))
    y = _select(k > 0, _select(k < inf, y, a), _select(k == 0, wrap(-1, a), _select(k < -inf, a, wrap(0, a))))
    return y / _select((k <= 0) & (k >= -inf), wrap(0, a), wrap(1, a))


# float64 log: FreeBSD's log, the same reduction, then with f = m - 1 and s = f / (2 + f),
# log(m) = f - (f**2 / 2 - s (f**2 / 2 + R(s**2))): below 1 ulp by its error analysis
_LOG_P_D = (6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01,
            1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01)


def _log_f64(a):
    """np.log for float64, as ``_log_f32`` for float32."""
    n, f = _log_reduced(a)
    s = f / (_D(2) + f)
    z = s * s
    w = z * z
    r = muladd(z, muladd(w, muladd(w, muladd(w, _LOG_P_D[6], _LOG_P_D[4]), _LOG_P_D[2]), _LOG_P_D[0]),
               w * muladd(w, muladd(w, _LOG_P_D[5], _LOG_P_D[3]), _LOG_P_D[1]))
    half_f2 = _D(0.5) * f * f
    return _log_specials(a, n * _LN2_HI_D - ((half_f2 - muladd(s, half_f2 + r, n * _LN2_LO_D)) - f))


def _per_width(f32: Callable[..., Any], f64: Callable[..., Any]) -> Callable[..., Any]:
    """A function that Numba compiles as ``f32`` for a float32 argument and as ``f64`` for a
    float64 one (the only loop dtypes of exp, log and tanh)."""
    def by_width(a):
        """Compiled only: ``f32`` or ``f64`` by ``a``'s width."""
    overload(by_width)(lambda a: f32 if a == nb.types.float32 else f64)
    return by_width


_exp, _log, _tanh = (_per_width(_exp_f32, _exp_f64), _per_width(_log_f32, _log_f64),
                     _per_width(_tanh_f32, _tanh_f64))


def add(a, b): return a + b
def subtract(a, b): return a - b
def multiply(a, b): return a * b
def divide(a, b): return a / b
def floor_divide(a, b): return floor_div(a, b)
def remainder(a, b): return mod(a, b)
def pow(a, b): return power(a, b)
# ordered compares go through order_key (see there); x == x is False only for NaN
def maximum(a, b): return a if a != a or (b == b and order_key(a) >= order_key(b)) else b  # NaN wins
def minimum(a, b): return a if a != a or (b == b and order_key(a) <= order_key(b)) else b
def greater(a, b): return a == a and b == b and order_key(a) > order_key(b)
def less(a, b): return a == a and b == b and order_key(a) < order_key(b)
def greater_equal(a, b): return a == a and b == b and order_key(a) >= order_key(b)
def less_equal(a, b): return a == a and b == b and order_key(a) <= order_key(b)
def equal(a, b): return a == b
def not_equal(a, b): return a != b
def where(c, a, b): return a if c else b


def clip(a, lo, hi):
    """NumPy's clip loop: a tie goes to the bound (clip(-0.0, 0.0, 1) is 0.0), the first NaN of
    a, lo, hi wins. Selects only, on keys computed once: LLVM vectorises it (minimum(maximum())
    recomputed the middle key behind nested NaN branches: 2**20 float32 took 1.4x as long)."""
    ka, kl = order_key(a), order_key(lo)
    r = (a if ka > kl else lo) if max(ka, kl) < order_key(hi) else hi
    r = hi if hi != hi else r
    r = lo if lo != lo else r
    return a if a != a else r


def bitwise_and(a, b): return a & b
def bitwise_or(a, b): return a | b
def bitwise_xor(a, b): return a ^ b
def invert(a): return a ^ wrap(-1, a)  # every bit flipped; for a bool, -1 is True: logical not
def negative(a): return -a
def abs(a): return np.abs(a)
def exp(a): return _exp(a)
def log(a): return _log(a)
def sqrt(a): return np.sqrt(a)
def square(a): return a * a


def tanh(a): return _tanh(a)


def relu(a): return a if order_key(a) > 0 or a != a else 0   # 0 is cast to the loop's dtype


def add_relu(a, b):
    s = wrap(a + b, a)
    return s if order_key(s) > 0 or s != s else 0


def relu_mask(g, y):
    """nn's relu_backward. It sits beside order_key because Numba's disk cache of a function
    does not notice changes to the helpers it calls in other files."""
    return g if order_key(y) > 0 else 0


SCALAR_KERNELS: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (
        add, subtract, multiply, divide, floor_divide, remainder, pow, maximum, minimum,
        greater, less, greater_equal, less_equal, equal, not_equal, where, clip,
        bitwise_and, bitwise_or, bitwise_xor, invert,
        negative, abs, exp, log, sqrt, square, tanh, relu, add_relu)
}


#: kernels that never set a floating-point flag (compares go through order_key; as NumPy's, these
#: are quiet), and so need no warning redirection; nor do integer loops but // and %
QUIET = {"maximum", "minimum", "greater", "less", "greater_equal", "less_equal", "equal", "not_equal",
         "where", "clip", "floor_divide_in_float", "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "negative", "abs", "relu", "relu_mask"}


@functools.lru_cache(maxsize=None)
def may_warn(fn: Callable[..., Any], dtypes: tuple[np.dtype, ...]) -> bool:
    """Whether ``fn``'s kernel for ``dtypes`` can set a floating-point flag, which NumPy reports."""
    if fn.__name__ in QUIET:
        return False
    return any(d.kind == "f" for d in dtypes) or fn.__name__ in ("floor_divide", "remainder")


@functools.lru_cache(maxsize=None)
def compiled_ufunc(fn: Callable[..., Any], dtypes: tuple[np.dtype, ...]) -> np.ufunc:
    """``fn`` compiled by Numba for exactly ``dtypes`` (inputs..., result) as a NumPy ufunc."""
    types = [nb.from_dtype(d) for d in dtypes]
    # .ufunc is NumPy's own object: calling it skips the DUFunc wrapper's ~1.5 us per call
    return nb.vectorize([types[-1](*types[:-1])], cache=True)(fn).ufunc


#: a scalar operand of a larger array is spread into a row of MIN_ROW to ROW elements (64 KiB of
#: float32 at most, which stays in cache), repeated down the array viewed as rows; NumPy's
#: iterator pays about 5 us more for rows of 4096 or fewer than for one long run
MIN_ROW, ROW = 256, 16384
#: smaller arrays take NumPy's stride-0 scalar as it is: a run costs about 0.3 us to fill, which
#: the vectorised loop wins back from about 1k elements for the quiet ops (comparisons, maximum:
#: float32 x > 0.5 on 2048 took 3.3 us stride-0, 1.3 with a run) and 4k for arithmetic
SPREAD_FROM, QUIET_SPREAD_FROM = 4096, 1024


def spread_scalars(ufunc: Callable[..., Any], inputs: tuple, out: np.ndarray | None,
                   dtypes: tuple[np.dtype, ...]) -> np.ndarray | None:
    """``ufunc(*inputs)`` where scalars (and 0-d arrays) meet C-contiguous arrays of one shape,
    with every operand unit-strided; None where that does not apply.

    NumPy hands a ufunc's inner loop a scalar with stride 0, which sends Numba's loop down its
    strided, unvectorised path: ``x > 0.5`` took 20x NumPy's time on 2**20 float32. Here each
    scalar becomes a contiguous run of copies, one row long, which NumPy broadcasts down the
    arrays viewed as rows; still one ufunc call, so NumPy reports floating-point errors once.
    """
    first, last = inputs[0], inputs[-1]  # the cheap early answer for small arrays: one of these is an array
    if not ((isinstance(first, np.ndarray) and first.size >= SPREAD_FROM) or
            (isinstance(last, np.ndarray) and last.size >= SPREAD_FROM)):
        return None
    arrays = [x for x in inputs if isinstance(x, np.ndarray) and x.ndim]
    if len(arrays) == len(inputs):
        return None
    shape, n = arrays[0].shape, arrays[0].size
    if any(x.shape != shape or not x.flags.c_contiguous for x in arrays + ([] if out is None else [out])):
        return None
    row = _row_length(shape, n)
    if row is None:
        return None
    if row == n:  # one run in the arrays' own shape
        return ufunc(*(x if isinstance(x, np.ndarray) and x.ndim else _run_of(x, dt, shape)
                       for x, dt in zip(inputs, dtypes)), out=out)
    rows = (n // row, row)
    result = np.empty(shape, dtypes[-1]) if out is None else out
    ufunc(*(x.reshape(rows) if isinstance(x, np.ndarray) and x.ndim else _run_of(x, dt, (row,))
            for x, dt in zip(inputs, dtypes)), out=result.reshape(rows))
    return result


#: rows shorter than this cost NumPy's iterator more than a search for a longer divisor does
#: (1 x 10**6 float32 had none among the axes and powers of two: x > 0.5 took 27x NumPy's time)
LONG_ROW = 4096
_CANDIDATES = np.arange(ROW, MIN_ROW - 1, -1)


@functools.lru_cache(maxsize=4096)
def _row_length(shape: tuple[int, ...], n: int) -> int | None:
    """A divisor of ``n`` to view the arrays in rows of: ``n`` itself up to ROW, else the longest
    of the trailing axes' products and of n's power-of-two factors in [MIN_ROW, ROW], else, where
    that is shorter than LONG_ROW, the longest divisor of n in [MIN_ROW, ROW] (a search of about
    30 us, once per shape); None where n has none (a prime: a run as long as the arrays, filled
    afresh each call, cost 4.4 ms on 10**6 + 3 elements in page faults, the stride-0 loop 0.3)."""
    if n <= ROW:
        return n
    fits = [r for r in (min(n & -n, ROW), *itertools.accumulate(reversed(shape), operator.mul)) if MIN_ROW <= r <= ROW]
    row = max(fits, default=0)
    if row < LONG_ROW:
        longer = _CANDIDATES[n % _CANDIDATES == 0]
        row = max(row, int(longer[0])) if longer.size else row
    return row or None


def _run_of(value: Any, dtype: np.dtype, shape: tuple[int, ...]) -> np.ndarray:
    run = np.empty(shape, dtype)
    run.fill(value)
    return run


@functools.lru_cache(maxsize=None)
def _jitable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, made callable (inlined) from jitted code."""
    return nb.extending.register_jitable(inline="always")(fn)


#: float ops whose every floating-point error (overflow, invalid, divide by zero) leaves a non-finite
#: result; underflow, the one that does not, NumPy ignores unless told otherwise
CHECKED = {"add", "subtract", "multiply", "divide"}


@functools.lru_cache(maxsize=None)
def number_kind(fn: Callable[..., Any], dtypes: tuple[np.dtype, ...]) -> str | None:
    """How a number loop may run ``fn`` for ``dtypes``: "quiet" (it sets no floating-point flag),
    "checked" (float arithmetic: it reports whether a result is not finite, and then the ufunc
    computes the answer again for NumPy's warnings), or None (the ufunc only)."""
    if not may_warn(fn, dtypes):
        return "quiet"
    return "checked" if fn.__name__ in CHECKED and all(d.kind == "f" for d in dtypes) else None


@functools.lru_cache(maxsize=None)
def number_loop(fn: Callable[..., Any], numbers: tuple[bool, ...], checked: bool) -> Callable[..., bool]:
    """An njit loop of ``fn`` over a 1-D C-contiguous array and numbers, ``loop(array, *numbers,
    out)``; ``numbers`` marks which of ``fn``'s inputs are the numbers: (False, True) is x > 0.5,
    (True, False) 0.5 < x, (False, True, True) clip(x, 0, 1). A number stays in a register, where
    a ufunc reads it down a run of copies: float32 x > 0.5 on 2**20 took 128 us that way, 58 here
    (NumPy 57). Nothing reports its floating-point flags, so where ``checked`` it returns whether
    a result is inf or NaN (which costs nothing measurable: the loop waits on memory)."""
    f = _jitable(fn)  # the function itself (a dispatcher in the closure would key the disk cache by its uuid)
    number_first = numbers == (True, False)  # a constant in the closure: Numba compiles one branch
    if numbers in ((False, True), (True, False)):
        def loop(array, number, out):
            bad = False
            for i in range(out.shape[0]):
                out[i] = f(number, array[i]) if number_first else f(array[i], number)
                if checked:
                    bad |= not np.abs(out[i]) < np.inf
            return bad
    elif numbers == (False, True, True) and not checked:
        def loop(array, b, c, out):
            for i in range(out.shape[0]):
                out[i] = f(array[i], b, c)
            return False
    else:
        raise ValueError(f"no number loop for the pattern {numbers}")
    return nb.njit(cache=True, error_model="numpy")(loop)  # as a ufunc: x / 0 is inf, not ZeroDivisionError


#: the patterns number_loop has, and the size from which it beats the ufunc (its call costs about
#: 0.5 us more: at 1024 elements x > 0.5 took 2.1 us against 2.2, xi // 7 5.9 against 6.1)
NUMBER_LOOPS, NUMBER_LOOP_FROM = {(False, True), (True, False), (False, True, True)}, 1024


def _number_loop_call(fn: Callable[..., Any], inputs: tuple, out: np.ndarray | None,
                      dtypes: tuple[np.dtype, ...], checked: bool) -> np.ndarray | None:
    """``fn``'s number_loop on ``inputs`` (one C-contiguous array, in its loop dtype, and numbers,
    0-d arrays among them), into ``out`` (None, or C-contiguous, the array's shape, the result's
    dtype, and for a checked loop apart from the array); None where that does not apply or a
    checked loop saw a result that is not finite (then the ufunc runs)."""
    first = inputs[0]  # the cheap early answer: the array is the first input, or the second of two
    likely = first if len(inputs) != 2 or (isinstance(first, np.ndarray) and first.ndim) else inputs[1]
    if not isinstance(likely, np.ndarray) or likely.size < NUMBER_LOOP_FROM or (checked and not underflow_ignored()):
        return None
    array = None
    numbers = []
    for x, dt in zip(inputs, dtypes):
        is_number = not (isinstance(x, np.ndarray) and x.ndim)
        if not is_number:
            if array is not None or x.dtype != dt or not x.flags.c_contiguous:
                return None
            array = x
        numbers.append(is_number)
    numbers = tuple(numbers)
    if array is None or numbers not in NUMBER_LOOPS or (checked and len(numbers) != 2):
        return None
    # a shifted overlap would read elements the loop has written (NumPy's ufunc copies), and a
    # checked loop that fails must leave the array as it was, for the ufunc
    if out is not None and not (out.shape == array.shape and out.dtype == dtypes[-1] and out.flags.c_contiguous
                                and out.flags.writeable  # else the ufunc's "output array is read-only"
                                and ((out is array and not checked) or not np.may_share_memory(out, array))):
        return None
    result = np.empty(array.shape, dtypes[-1]) if out is None else out
    values = [dt.type(x[()] if isinstance(x, np.ndarray) else x) for x, dt, number in zip(inputs, dtypes, numbers) if number]
    return None if number_loop(fn, numbers, checked)(array.reshape(-1), *values, result.reshape(-1)) else result


#: In place (``out`` is an input) Numba's loop runs scalar: LLVM vectorises it behind a runtime
#: check that the output overlaps no input, which fails. From this size a new result copied back
#: costs less (2**20 float32: sqrt 1504 -> 307 us, add 378 -> 309 us; 4096: sqrt 5.9 -> 1.9 us)
IN_PLACE_FROM = 4096


def _in_place(ufunc: Callable[..., Any], a: np.ndarray, b: Any) -> None:
    """``a = ufunc(a, b)``, for the front end's in-place plans (x += y)."""
    if a.size < IN_PLACE_FROM and _writable_by_ufunc(a):
        ufunc(a, b, out=a)
    else:
        _copied_back(a, lambda: ufunc(a, b))


def _writable_by_ufunc(out: np.ndarray) -> bool:
    """Whether a Numba ufunc may write into ``out`` directly: only a C-contiguous one. Its loops
    take the output as unit-strided whenever every input is, in the inner loop NumPy's iterator
    hands them (numba/np/ufunc/wrappers.py tests only the inputs' steps), and that iterator
    flips negative steps and reorders axes for the inputs' sake: an output with gaps
    (``x[::2]``), reversed (``x[::-1] += y``, even as its own input) or F-ordered was written
    outside itself, and wrong. Any other output gets a new result, copied in."""
    return out.flags.c_contiguous


def _copied_back(out: np.ndarray, compute: Callable[[], np.ndarray]) -> None:
    """``out[...] = compute()``, the in-place rule of IN_PLACE_FROM. Under ``np.errstate``'s
    'raise' the error comes after ``out`` is written, as NumPy's own in-place loop leaves it:
    the result is then computed again quietly, and copied, before the error goes on."""
    try:
        np.copyto(out, compute())
    except FloatingPointError:
        with np.errstate(all="ignore"):
            np.copyto(out, compute())
        raise


class UfuncKernel:
    """The CPU kernel of one op: a ufunc per loop dtypes, built on first use, then one dict lookup."""

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        self.ufuncs: dict[tuple[np.dtype, ...], Callable[..., Any]] = {}

    def specialize(self, dtypes: tuple[np.dtype, ...], in_place: bool = False) -> Callable[..., Any]:
        """The ufunc (warning at the caller's line where it can warn), for the front end's
        shortcut (0-d inputs only give a NumPy scalar, which it makes a 0-d array again);
        ``in_place``, a function of (a, b) computing into a."""
        ufunc = self.ufuncs.get(dtypes)
        if ufunc is None:
            ufunc = compiled_ufunc(self.fn, dtypes)
            if may_warn(self.fn, dtypes):
                ufunc = reported_at_caller(ufunc)
            self.ufuncs[dtypes] = ufunc
        return functools.partial(_in_place, ufunc) if in_place else ufunc

    def specialize_number(self, dtypes: tuple[np.dtype, ...], number_first: bool) -> Callable[[Any, Any], Any]:
        """For the front end's shortcut of an array and a number (``x > 0.5``, ``1.0 - x``): a
        function of the two, without the general path's checks, which casts the number to its
        loop dtype. Where number_kind allows, it runs number_loop on a C-contiguous array of its
        dtype from NUMBER_LOOP_FROM elements. Otherwise it calls the ufunc, with the number
        spread into a run of the array's shape for a C-contiguous array of up to ROW elements
        (from QUIET_SPREAD_FROM or SPREAD_FROM); larger or strided arrays take the general path."""
        number_dtype, array_dtype, result_dtype = dtypes[0 if number_first else 1], dtypes[1 if number_first else 0], dtypes[-1]
        cast, lowest = number_dtype.type, QUIET_SPREAD_FROM if self.fn.__name__ in QUIET else SPREAD_FROM
        kind = number_kind(self.fn, dtypes)
        checked = kind == "checked"
        loop = None if kind is None else number_loop(self.fn, (True, False) if number_first else (False, True), checked)
        ufunc = None  # built on first need: the number loop may serve every call

        def plan(a: Any, b: Any) -> Any:
            nonlocal ufunc
            array, number = (b, cast(a)) if number_first else (a, cast(b))
            size, contiguous = array.size, array.flags.c_contiguous
            if (loop is not None and size >= NUMBER_LOOP_FROM and contiguous and array.dtype == array_dtype
                    and (not checked or underflow_ignored())):
                result = np.empty(array.shape, result_dtype)
                if not loop(array.reshape(-1), number, result.reshape(-1)):
                    return result
                return self.through_ufunc((number, array) if number_first else (array, number), None, dtypes)
            if size >= lowest and not (size <= ROW and contiguous):
                return self(number, array, dtypes=dtypes) if number_first else self(array, number, dtypes=dtypes)
            ufunc = ufunc or self.specialize(dtypes)
            if size < lowest:  # stride 0 as it is (a 0-d array's NumPy scalar made an array again)
                return np.asarray(ufunc(number, array) if number_first else ufunc(array, number))
            run = np.empty(array.shape, number_dtype)
            run.fill(number)
            return ufunc(run, array) if number_first else ufunc(array, run)
        return plan

    def __call__(self, *inputs: Any, dtypes: tuple[np.dtype, ...], out: np.ndarray | None = None) -> np.ndarray:
        if out is not None and ((out.size >= IN_PLACE_FROM and any(x is out for x in inputs))
                                or not _writable_by_ufunc(out)):
            _copied_back(out, lambda: self(*inputs, dtypes=dtypes))
            return out
        kind = number_kind(self.fn, dtypes)
        if kind is not None:
            result = _number_loop_call(self.fn, inputs, out, dtypes, kind == "checked")
            if result is not None:
                return result
        return self.through_ufunc(inputs, out, dtypes)

    def through_ufunc(self, inputs: tuple, out: np.ndarray | None, dtypes: tuple[np.dtype, ...]) -> np.ndarray:
        """The op by its ufunc, numbers spread into runs where spread_scalars can."""
        ufunc = self.specialize(dtypes)
        result = spread_scalars(ufunc, inputs, out, dtypes)
        if result is None:
            result = ufunc(*inputs, out=out)
        return result if out is not None else np.asarray(result)  # a 0-d result stays an array


#: the registered kernel of each op (nn's fused kernels call some of them)
def floor_divide_in_float(a, b):
    """``a // b`` for integers of up to 32 bits and ``b`` not 0 or -1, as ``floor((a + h) * (1 / b))``
    with h = 0.5 of b's sign: (a + h) / b lies at least 0.5 / |b| inside the interval
    [q, q + 1) of the true quotient q = floor(a / b) (a = q b + m, m an integer between 0 and b,
    not b), and below 2**31 the float64 product is within 2**-21 / |b| of it (below 2**16 the
    float32 one within 2**-7 / |b|), so its floor is q. With b fixed the reciprocal is computed
    once: a multiply, where a float division per element took twice as long."""
    return _float_quotient_floor(a, b)


def _float_quotient_floor(a, b):
    """Compiled only: see ``floor_divide_in_float``."""


@overload(_float_quotient_floor)
def _float_quotient_floor_compiled(a, b):
    f = np.float32 if a.bitwidth <= 16 else np.float64

    def impl(a, b):
        fb = f(b)
        half = f(0.5) if fb > 0 else f(-0.5)
        return wrap(np.int32(np.floor((f(a) + half) * (f(1) / fb))), a)  # |q| < 2**31: int32 converts in SIMD
    return impl


class FloorDivideKernel(UfuncKernel):
    """floor_divide, where an integer array of up to 32 bits is divided by a scalar other than 0
    and -1 (whose special cases need the integer loop's branches) in floats: x // 7 on 2**20
    int32 took 6.4 ms in the integer loop, a division instruction per element, where NumPy's
    libdivide takes 0.22."""

    def __init__(self) -> None:
        super().__init__(floor_divide)
        self.by_scalar = UfuncKernel(floor_divide_in_float)

    @staticmethod
    def _in_float(dtype: np.dtype) -> bool:
        """Whether floor_divide_in_float serves ``dtype`` (with a divisor not in INTEGER_LOOP)."""
        return dtype.kind in "iu" and dtype.itemsize <= 4

    def __call__(self, *inputs: Any, dtypes: tuple[np.dtype, ...], out: np.ndarray | None = None) -> np.ndarray:
        b = inputs[1]
        if np.ndim(b) == 0 and self._in_float(dtypes[1]) and b not in INTEGER_LOOP:
            return self.by_scalar(*inputs, dtypes=dtypes, out=out)
        return super().__call__(*inputs, dtypes=dtypes, out=out)

    def specialize_number(self, dtypes: tuple[np.dtype, ...], number_first: bool) -> Callable[[Any, Any], Any]:
        """The float quotient's plan for a divisor it takes (``x // 7``), else the general path."""
        cast = dtypes[0 if number_first else 1].type
        if number_first:
            return lambda a, b: self(cast(a), b, dtypes=dtypes)
        if not self._in_float(dtypes[1]):
            return lambda a, b: self(a, cast(b), dtypes=dtypes)
        by_scalar = self.by_scalar.specialize_number(dtypes, number_first=False)
        return lambda a, b: by_scalar(a, b) if b not in INTEGER_LOOP else self(a, cast(b), dtypes=dtypes)


#: the divisors whose special cases (// 0 is 0 with a warning, MIN // -1 wraps) need the integer loop
INTEGER_LOOP = (0, -1)


KERNELS: dict[str, UfuncKernel] = {
    name: register(name, "cpu")(FloorDivideKernel() if name == "floor_divide" else UfuncKernel(fn))
    for name, fn in SCALAR_KERNELS.items()}
