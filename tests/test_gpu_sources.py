"""Every GPU kernel compiles with NVRTC, the compiler CuPy uses: runs wherever libnvrtc exists, GPU or not.

NVRTC has no host headers (no math.h, so no ``INFINITY``), which is why this
test does not use nvcc. libnvrtc comes from the test extra's
``nvidia-cuda-nvrtc-cu12`` wheel, CuPy's CUDA 13 wheels or a CUDA toolkit, and
is driven here through its C API; compiling needs no GPU and no CuPy.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os

import pytest

from cuda_sources import RAW_MODULES, translation_unit

ARCH = "sm_90"  # the H100; NVRTC emits a cubin, so ptxas runs too


def find_nvrtcs() -> list[str]:
    """Every libnvrtc on this machine, one per path it resolves to: NVIDIA's wheels (nvidia/cuda_nvrtc for
    CUDA 12, nvidia/cu13 for 13), $CUDA_PATH and the loader's. The kernels must compile with each,
    since the lent GPU machine's CuPy is a CUDA 13 wheel and the gpu extra's a CUDA 12 one."""
    patterns = [os.path.join(os.environ.get("CUDA_PATH", "/usr/local/cuda"), d, "libnvrtc.so*") for d in ("lib64", "lib")]
    try:
        import nvidia
        patterns = [os.path.join(p, "*", "lib", "libnvrtc.so*") for p in nvidia.__path__] + patterns
    except ImportError:
        pass
    found = [path for pattern in patterns for path in sorted(glob.glob(pattern))]
    if ctypes.util.find_library("nvrtc"):
        found.append(ctypes.util.find_library("nvrtc"))
    return list({os.path.realpath(path): path for path in found}.values())


NVRTCS = find_nvrtcs()
pytestmark = pytest.mark.skipif(not NVRTCS, reason="libnvrtc (NVIDIA's runtime CUDA compiler) is not installed")


class Nvrtc:
    """The few NVRTC calls CuPy makes to build a module: create, add name expressions, compile, read the log."""

    def __init__(self, path: str):
        self.lib = ctypes.CDLL(path)
        major, minor = ctypes.c_int(), ctypes.c_int()
        self.check(self.lib.nvrtcVersion(ctypes.byref(major), ctypes.byref(minor)), "nvrtcVersion")
        self.version = (major.value, minor.value)

    def check(self, status: int, what: str) -> None:
        if status:
            self.lib.nvrtcGetErrorString.restype = ctypes.c_char_p
            raise RuntimeError(f"{what}: {self.lib.nvrtcGetErrorString(status).decode()}")

    def compile(self, source: str, options: list[str], names: list[str]) -> tuple[int, str, dict[str, str]]:
        """(status, log, lowered names) of compiling ``source``; status 0 means success."""
        prog = ctypes.c_void_p()
        self.check(self.lib.nvrtcCreateProgram(ctypes.byref(prog), source.encode(), b"accel.cu", 0, None, None),
                   "nvrtcCreateProgram")
        try:
            for name in names:
                self.check(self.lib.nvrtcAddNameExpression(prog, name.encode()), f"nvrtcAddNameExpression({name})")
            opts = (ctypes.c_char_p * len(options))(*(o.encode() for o in options))
            status = self.lib.nvrtcCompileProgram(prog, len(options), opts)
            size = ctypes.c_size_t()
            self.check(self.lib.nvrtcGetProgramLogSize(prog, ctypes.byref(size)), "nvrtcGetProgramLogSize")
            log = ctypes.create_string_buffer(size.value)
            self.check(self.lib.nvrtcGetProgramLog(prog, log), "nvrtcGetProgramLog")
            lowered = {}
            if status == 0:
                for name in names:
                    out = ctypes.c_char_p()
                    self.check(self.lib.nvrtcGetLoweredName(prog, name.encode(), ctypes.byref(out)), name)
                    lowered[name] = out.value.decode()
            return status, log.value.decode(errors="replace"), lowered
        finally:
            self.lib.nvrtcDestroyProgram(ctypes.byref(prog))


@pytest.fixture(scope="module", params=NVRTCS, ids=os.path.basename)
def nvrtc(request) -> Nvrtc:
    return Nvrtc(request.param)


NAMES = [name for _, instances in RAW_MODULES for name in instances]
# CuPy's defaults: C++17, and functions are device functions unless marked otherwise
OPTIONS = [f"--gpu-architecture={ARCH}", "--std=c++17", "--device-as-default-execution-space"]


def test_every_gpu_kernel_compiles(nvrtc):
    status, log, lowered = nvrtc.compile(translation_unit(), OPTIONS, NAMES)
    assert status == 0, log[-4000:]
    assert set(lowered) == set(NAMES), "a template instance accel asks for was not generated"


@pytest.mark.parametrize("good, bad", [
    ("T m = accel_neg_inf(T(0));", "T m = -INFINITY;"),  # nvcc accepts this; NVRTC does not
    ("return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;", "return (r != 0 && ((r < 0) != (b < 0)) ? r + b : r;"),
])
def test_a_typo_fails_to_compile(nvrtc, good, bad):
    """The check above can fail: a broken kernel is reported."""
    assert good in translation_unit()
    status, log, _ = nvrtc.compile(translation_unit().replace(good, bad), OPTIONS, NAMES)
    assert status != 0, "NVRTC accepted a broken kernel"


def test_every_cpu_op_has_a_gpu_kernel():
    import accel.cpu  # noqa: F401  (fills the op table)
    from accel.dispatch import ops
    assert ops("cpu") == ops("gpu")
