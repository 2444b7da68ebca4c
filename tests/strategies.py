"""Hypothesis strategies shared by the oracle tests."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DTYPES = ["float32", "float64", "int32", "int64", "uint8", "bool"]


def values(dtype: str, **kw) -> st.SearchStrategy:
    """Elements of ``dtype`` kept small enough that NumPy and accel agree without overflow games."""
    dt = np.dtype(dtype)
    if dt.kind == "f":
        # no float32 subnormals: GPU kernels read them as zero (CuPy compiles with -ftz=true),
        # which test_float32_subnormals_are_zero_on_the_gpu pins down
        finite = st.floats(-kw.get("bound", 50), kw.get("bound", 50), width=dt.itemsize * 8,
                           allow_subnormal=dt.itemsize == 8)
        return finite | st.just(float("nan")) if kw.get("nan") else finite
    if dt.kind == "b":
        return st.booleans()
    low = 0 if dt.kind == "u" else -kw.get("bound", 50)
    return st.integers(low, kw.get("bound", 50))


def dense(dtype: str, shape, seed: int, **kw) -> np.ndarray:
    """Every element drawn independently from ``values``' range by a seeded generator.

    hypothesis' ``arrays`` fills most of an array with one value and sets a few others, which finds
    edge cases but rarely puts ordinary, all-different values side by side; this does.
    """
    rng, dt, bound = np.random.default_rng(seed), np.dtype(dtype), kw.get("bound", 50)
    if dt.kind == "f":
        a = np.asarray(rng.uniform(-bound, bound, shape), dt)
        if kw.get("nan"):
            a[rng.random(shape) < 0.1] = np.nan
        return a
    if dt.kind == "b":
        return np.asarray(rng.random(shape) < 0.5)
    return np.asarray(rng.integers(0 if dt.kind == "u" else -bound, bound, shape, endpoint=True), dt)


@st.composite
def arrays(draw, dtype: str, shape, strided: bool = True, **kw) -> np.ndarray:
    """A NumPy array of ``shape``, either hypothesis-built or dense random values (``dense``);
    sometimes a strided view (a reversed or step-2 slice, or a transpose)."""
    layout = draw(st.sampled_from(["c", "step", "transpose"])) if strided else "c"
    seed = draw(st.none() | st.integers(0, 2**32 - 1))

    def base(shape) -> np.ndarray:
        if seed is not None:
            return dense(dtype, shape, seed, **kw)
        return draw(hnp.arrays(dtype, shape, elements=values(dtype, **kw)))

    if layout == "step" and len(shape):
        big = base((shape[0] * 2,) + tuple(shape[1:]))
        return big[::-2] if draw(st.booleans()) else big[::2]
    if layout == "transpose" and len(shape) >= 2:
        return base(tuple(reversed(shape))).T
    return base(shape)


def shapes(min_dims: int = 0, max_dims: int = 4, max_side: int = 5, min_side: int = 0):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable(num: int = 2, max_dims: int = 4):
    return hnp.mutually_broadcastable_shapes(num_shapes=num, min_dims=0, max_dims=max_dims,
                                             min_side=0, max_side=5)
