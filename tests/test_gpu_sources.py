"""Every GPU kernel's CUDA source compiles: runs in CI wherever nvcc exists, GPU or not.

CuPy's ElementwiseKernel wraps an operation in a loop with ``typedef``s for its
type placeholders, ``const`` inputs and reference outputs; the wrapper below
reproduces that for every (op, loop dtype) accel can dispatch, so a typo in an
operation, a preamble or a raw kernel fails here rather than on a user's GPU.
"""
from __future__ import annotations

import itertools
import shutil
import subprocess

import numpy as np
import pytest

from accel.elementwise import loop_dtypes
from accel.gpu import CTYPES, elementwise, linalg, nn
from strategies import DTYPES

NVCC = shutil.which("nvcc")
pytestmark = pytest.mark.skipif(NVCC is None, reason="nvcc (the CUDA compiler) is not installed")


def wrap(name: str, ins: str, outs: str, body: str, types: dict[str, str]) -> str:
    """One ElementwiseKernel body as CuPy would see it, for concrete ``types``."""
    def decl(param: str, ref: bool) -> str:
        type_, var = param.split()
        ctype = types.get(type_) or CTYPES[np.dtype(type_).name]
        return f"{ctype}& {var}" if ref else f"const {ctype} {var}"
    typedefs = "".join(f"typedef {c} {t}; " for t, c in types.items())
    args = [decl(p.strip(), False) for p in ins.split(",")] + [decl(p.strip(), True) for p in outs.split(",")]
    return f"namespace {name} {{ {typedefs}__device__ void body({', '.join(args)}) {{ {body}; }} }}\n"


def elementwise_instances() -> list[str]:
    code = []
    for op in elementwise.OPERATIONS:
        arity = 3 if op == "where" else 1 if op in elementwise.UNARY else 2
        seen = set()
        for types in itertools.product(DTYPES, repeat=arity):
            try:
                loop = loop_dtypes(op, tuple(np.dtype(t) for t in types))
            except TypeError:
                continue
            seen.add((loop[-2].name, loop[-1].name))
        assert seen, f"no dtype reaches {op}"
        for t, o in sorted(seen):
            code.append(wrap(f"{op}_{t}_{o}", elementwise.params(op), "O out", elementwise.OPERATIONS[op],
                             {"T": CTYPES[t], "O": CTYPES[o]}))
    for name, (ins, outs, body) in nn.ELEMENTWISE.items():
        for t in ("float32", "float64"):
            code.append(wrap(f"{name}_{t}", ins, outs, body, {"T": CTYPES[t]}))
    return code


def raw_instances() -> str:
    """Take each templated kernel's address from host code, which instantiates it."""
    names = linalg.INSTANCES + nn.INSTANCES
    return "void accel_instantiate() {\n" + "".join(f"    (void)&{n};\n" for n in names) + "}\n"


def test_every_gpu_kernel_compiles(tmp_path):
    source = "\n".join([elementwise.PREAMBLE, *elementwise_instances(), linalg.SOURCE, nn.SOURCE, raw_instances()])
    path = tmp_path / "accel_kernels.cu"
    path.write_text(source)
    result = subprocess.run([NVCC, "-std=c++14", "-arch=sm_80", "-c", str(path), "-o", str(tmp_path / "k.o")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]


def test_every_cpu_op_has_a_gpu_kernel():
    import accel.cpu  # noqa: F401  (fills the op table)
    from accel.dispatch import ops
    assert ops("cpu") == ops("gpu")
