"""Every GPU kernel as CuPy itself writes and compiles it: runs where CuPy is installed, GPU or not.

test_gpu_sources compiles the kernels as this repository renders CuPy's elementwise
loop, with no CuPy. Here CuPy's own code generator writes each ElementwiseKernel
instance accel can launch, for every mix of array and scalar inputs CuPy accepts,
and CuPy's NVRTC driver compiles it with CuPy's headers and options (C++17,
``-ftz=true``) for the H100, as a first call would on a GPU; the raw modules go
through the same driver. The generator is CuPy's private API (cupy._core._kernel),
so a CuPy release that changes it fails here first.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable

import numpy as np
import pytest

from cuda_sources import RAW_MODULES, Elementwise, elementwise_kernels

cupy = pytest.importorskip("cupy")
from cupy._core import _carray, _kernel, _scalar, core  # noqa: E402
from cupy.cuda import compiler  # noqa: E402

ARCH = "90"  # the H100
NDARRAY, INDEXER, SCALAR = 1, 2, 3  # cupy/_core/_kernel.pxd: _ArgKind


def cupy_kernel(name: str) -> Any:
    """The cupy.ElementwiseKernel accel builds for kernel ``name`` ("accel_add", "accel_sgd", ...)."""
    from accel.gpu import elementwise, nn
    op = name.removeprefix("accel_")
    return elementwise._kernel(op) if op in elementwise.OPERATIONS else nn._elementwise(op)


def arg_info(dtype: np.dtype, scalar: bool) -> Any:
    """What CuPy records of an argument: a scalar by value, or a strided 2-d array."""
    if scalar:
        return _kernel._ArgInfo(SCALAR, _scalar.CScalar, dtype, 0, True, True)
    return _kernel._ArgInfo(NDARRAY, cupy.ndarray, dtype, 2, False, True)


def cupy_sources(instance: Elementwise) -> list[str]:
    """CuPy's code for ``instance`` with each mix of array and scalar inputs that binds every type
    placeholder, each in a namespace of its own so that all of them fit in one compilation."""
    kernel, types = cupy_kernel(instance.name), dict(instance.types)
    out_dtypes = tuple(np.dtype(types[p.ctype]) for p in kernel.out_params)
    sources = []
    for scalars in itertools.product((False, True), repeat=len(kernel.in_params)):
        in_dtypes = tuple(None if s else p.dtype or np.dtype(types[p.ctype])
                          for p, s in zip(kernel.in_params, scalars))
        try:
            in_types, _, type_map = _kernel._decide_params_type(kernel.in_params, kernel.out_params,
                                                                in_dtypes, out_dtypes)
        except KeyError:  # a placeholder only scalars would bind: CuPy refuses the call
            continue
        infos = (*(arg_info(np.dtype(t), s) for t, s in zip(in_types, scalars)),
                 *(arg_info(t, False) for t in out_dtypes),
                 _kernel._ArgInfo(INDEXER, _carray.Indexer, None, 2, True, True))
        name = instance.symbol + "_" + "".join("s" if s else "a" for s in scalars)
        code = _kernel._get_elementwise_kernel_code(infos, type_map, kernel.params, kernel.operation, name,
                                                    kernel.preamble)
        sources.append(f"namespace {name} {{\n{code}\n}}\n")
    return sources


HEADER = "".join(f"#include <{h}>\n" for h in core._cupy_header_list)  # what CuPy puts before a kernel


def translation_unit() -> str:
    """CuPy's headers, then every elementwise instance as CuPy writes it."""
    return HEADER + "".join(s for k in elementwise_kernels() for s in cupy_sources(k))


@pytest.fixture
def nvrtc(monkeypatch) -> Callable[..., tuple]:
    """CuPy's NVRTC driver, given the architecture instead of asking a GPU for it."""
    monkeypatch.setattr(compiler, "_get_arch_for_options_for_nvrtc", lambda arch: (f"-arch=sm_{arch}", "cubin"))
    options = core.assemble_cupy_compiler_options(()) + ("-ftz=true",)  # as core.compile_with_cache does
    return lambda source, names=None: compiler.compile_using_nvrtc(source, options, arch=ARCH,
                                                                   name_expressions=names)


def test_cupy_compiles_every_elementwise_kernel(nvrtc):
    source = translation_unit()
    assert source.count("__global__") > len(elementwise_kernels())  # scalar variants too
    nvrtc(source)


@pytest.mark.parametrize("source, names", RAW_MODULES, ids=["linalg", "nn"])
def test_cupy_compiles_the_raw_modules(nvrtc, source, names):
    _, lowered = nvrtc(source, names)
    assert set(lowered) == set(names)


def test_a_typo_fails_through_cupy_too(nvrtc):
    """The check above can fail: CuPy's compiler refuses a broken kernel body."""
    relu = next(k for k in elementwise_kernels() if k.name == "accel_relu")
    source = HEADER + "".join(cupy_sources(relu))
    nvrtc(source)
    with pytest.raises(compiler.CompileException):
        nvrtc(source.replace("T(0)", "T(0"))
