"""The CUDA source of every GPU kernel accel can launch, for the tests that run without a GPU.

CuPy turns an ``ElementwiseKernel`` into a ``__global__`` loop whose body sees
``const T &a = _raw_a[i]`` for each input and ``O &out = _raw_out[i]`` for each
output, with a ``typedef`` per type placeholder. ``elementwise_kernels`` writes
that loop for every (kernel, types) accel can dispatch, under the symbol
``symbol(name, types)``; the raw kernels (``RawModule`` sources) are taken as
they are, with their template instances. ``test_gpu_sources`` compiles the
result with NVRTC, as CuPy does; ``cuda_host`` runs it on CPU threads.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from accel.elementwise import loop_dtypes
from accel.gpu import CTYPES, elementwise, linalg, nn
from strategies import DTYPES


@dataclass(frozen=True)
class Elementwise:
    """One ElementwiseKernel instance: CuPy's arguments plus the dtypes bound to its placeholders."""

    name: str
    ins: str
    outs: str
    body: str
    types: tuple[tuple[str, str], ...]  # (placeholder, dtype name), sorted

    @property
    def symbol(self) -> str:
        return symbol(self.name, dict(self.types))

    def params(self) -> list[tuple[str, str, bool]]:
        """(C type, name, is_output) for each parameter, placeholders resolved."""
        out = []
        for text, is_out in ((self.ins, False), (self.outs, True)):
            for param in text.split(","):
                type_, name = param.split()
                out.append((CTYPES[dict(self.types).get(type_, np.dtype(type_).name)], name, is_out))
        return out

    def source(self) -> str:
        params = self.params()
        args = ", ".join(f"{'' if o else 'const '}{t}* _raw_{n}" for t, n, o in params)
        refs = " ".join(f"{'' if o else 'const '}{t} &{n} = _raw_{n}[i];" for t, n, o in params)
        typedefs = " ".join(f"typedef {CTYPES[d]} {p};" for p, d in self.types)
        return (f"namespace {self.symbol} {{ {typedefs}\n"
                f"extern \"C\" __global__ void {self.symbol}({args}, long long n) {{\n"
                f"    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;"
                f" i += (long long)gridDim.x * blockDim.x) {{ {refs} {self.body}; }}\n}} }}\n")


def symbol(name: str, types: dict[str, str]) -> str:
    return name + "__" + "_".join(f"{p}{d}" for p, d in sorted(types.items()))


def elementwise_kernels() -> list[Elementwise]:
    """Every (op, loop dtype, result dtype) the front end can send to ``accel.gpu.elementwise``, and the NN kernels."""
    kernels = []
    for op, body in elementwise.OPERATIONS.items():
        arity = 3 if op in ("where", "clip") else 1 if op in elementwise.UNARY else 2
        seen = set()
        for types in itertools.product(DTYPES, repeat=arity):
            try:
                loop = loop_dtypes(op, tuple(np.dtype(t) for t in types))
            except TypeError:
                continue
            seen.add((loop[-2].name, loop[-1].name))
        assert seen, f"no dtype reaches {op}"
        kernels += [Elementwise(f"accel_{op}", elementwise.params(op), "O out", body, (("O", o), ("T", t)))
                    for t, o in sorted(seen)]
    for name, (ins, outs, body) in nn.ELEMENTWISE.items():
        kernels += [Elementwise(f"accel_{name}", ins, outs, body, (("T", t),)) for t in ("float32", "float64")]
    return kernels


#: the RawModule sources with the template instances accel asks for by name
RAW_MODULES = [(linalg.SOURCE, linalg.INSTANCES), (nn.SOURCE, nn.INSTANCES)]


def translation_unit() -> str:
    """All kernels in one CUDA source: the elementwise preamble and loops, then the raw modules."""
    return "\n".join([elementwise.PREAMBLE, *(k.source() for k in elementwise_kernels()),
                      *(source for source, _ in RAW_MODULES)])
