"""Run accel's GPU backend on the CPU: its CUDA kernels on host threads, its Python on NumPy arrays.

This is how the GPU code is tested where no GPU exists (CI, most machines). The
kernel sources from ``cuda_sources`` are compiled with g++ against SHIM, which
runs each block's threads as coroutines that meet at every ``__syncthreads``
(a barrier some threads never reach is reported, never a hang), in ascending
or descending order (``threads_in_reverse``: a missing barrier changes results
between the two), gives each block a shared-memory buffer filled with NaN bytes
(a read before a write, or past the bytes the launch asked for, shows; a write
past them is reported), passes each array between NaN guard bytes (the same for
reads and writes outside it), and runs blocks one after another. ``HostCupy`` stands in for the
``cupy`` module: NumPy for the array functions, and ``ElementwiseKernel`` and
``RawModule`` that follow CuPy's rules for binding types to placeholders and
passing kernel arguments (cupy/_core/_kernel.pyx, cupy/cuda/function.pyx),
checking every argument against the compiled kernel's parameter types.
Device buffers are ``HostArray``s, so a NumPy array sent to a kernel by mistake
is refused, as CuPy refuses it. ``emulate`` makes device ``"gpu"`` run this way
for the whole front end.

What it cannot show: CuPy's own behaviour beyond what HostCupy models (type
binding, -ftz=true at elementwise kernels, argmax on NaNs), races that no thread
order between barriers reveals (warps run in lockstep on a GPU, threads run whole
here), GPU timing, or accesses far outside a buffer (past its guard bytes) or into
memory passed to a kernel twice.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import os
import shutil
import subprocess
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

import numpy as np
import pytest

from accel.gpu import CTYPES
from cuda_sources import RAW_MODULES, Elementwise, elementwise_kernels, symbol, translation_unit

SHIM = r"""
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <math.h>
#include <memory>
#include <type_traits>
#include <ucontext.h>
#include <utility>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __shared__
using std::max;
using std::min;

struct accel_uint3 { unsigned x, y, z; };
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline double __longlong_as_double(long long i) { double d; std::memcpy(&d, &i, 8); return d; }
alignas(16) unsigned char accel_shared[48 * 1024];  // dynamic shared memory, by the name accel's kernels use

namespace accel_emu {
/* A block's threads are coroutines (ucontext) run by one OS thread: each runs until it reaches
   __syncthreads() or returns; when every thread waits, the barrier opens. Deterministic, and a
   barrier that some threads never reach is seen exactly, not by a timeout. Threads run in
   ascending or (reverse) descending order, so a result that depends on the order between two
   barriers (a missing barrier) differs between the two. */
accel_uint3 grid_dim, block_dim, block_idx, thread_idx;
bool reverse = false;
struct Fiber { ucontext_t context; bool done; };
ucontext_t scheduler;
Fiber* current;
std::function<void()> kernel_body;
const std::size_t STACK = 64 * 1024;
std::vector<std::unique_ptr<char[]>> stacks;

inline void sync() { swapcontext(&current->context, &scheduler); }
void run_thread() { kernel_body(); current->done = true; }  // then uc_link returns to the scheduler

template <typename X> constexpr int kind() {
    using U = std::remove_cv_t<X>;
    return std::is_same<U, bool>::value ? 'b' : std::is_floating_point<U>::value ? 'f'
         : std::is_signed<U>::value ? 'i' : 'u';
}
template <typename A> constexpr int code() {  // 100000 + ... for a pointer; kind * 16 + size of the value
    using P = std::remove_cv_t<std::remove_pointer_t<A>>;
    return std::is_pointer<A>::value ? 100000 + kind<P>() * 16 + (int)sizeof(P) : kind<A>() * 16 + (int)sizeof(A);
}
template <typename... A> int signature(void (*)(A...), int* codes) {
    int c[] = {code<A>()..., 0};
    for (unsigned i = 0; i < sizeof...(A); ++i) codes[i] = c[i];
    return (int)sizeof...(A);
}
template <typename... A, std::size_t... I> void call(void (*f)(A...), void** args, std::index_sequence<I...>) {
    f(*static_cast<A*>(args[I])...);
}
template <typename... A>
int launch(void (*f)(A...), const unsigned* grid, const unsigned* block, void** args, unsigned shared_bytes) {
    unsigned n = block[0] * block[1] * block[2];
    unsigned long blocks = (unsigned long)grid[0] * grid[1] * grid[2];
    grid_dim = {grid[0], grid[1], grid[2]};
    block_dim = {block[0], block[1], block[2]};
    kernel_body = [&] { call(f, args, std::index_sequence_for<A...>{}); };
    while (stacks.size() < n) stacks.emplace_back(new char[STACK]);
    std::vector<Fiber> fibers(n);
    for (unsigned long b = 0; b < blocks; ++b) {
        block_idx = {(unsigned)(b % grid[0]), (unsigned)(b / grid[0] % grid[1]),
                     (unsigned)(b / ((unsigned long)grid[0] * grid[1]))};
        std::memset(accel_shared, 0xff, sizeof accel_shared);  // NaN bytes: a read before a write shows
        for (unsigned t = 0; t < n; ++t) {
            getcontext(&fibers[t].context);
            fibers[t].context.uc_stack.ss_sp = stacks[t].get();
            fibers[t].context.uc_stack.ss_size = STACK;
            fibers[t].context.uc_link = &scheduler;
            makecontext(&fibers[t].context, run_thread, 0);
            fibers[t].done = false;
        }
        for (;;) {  // one round: every live thread runs to its next __syncthreads() or to its end
            unsigned done = 0;
            for (unsigned i = 0; i < n; ++i) {
                unsigned t = reverse ? n - 1 - i : i;
                if (fibers[t].done) { ++done; continue; }
                current = &fibers[t];
                thread_idx = {t % block[0], t / block[0] % block[1], t / (block[0] * block[1])};
                swapcontext(&scheduler, &fibers[t].context);
                done += fibers[t].done;
            }
            if (done == n) break;
            if (done) return 1;  // some threads returned while others wait at a __syncthreads()
        }
        for (std::size_t i = shared_bytes; i < sizeof accel_shared; ++i)
            if (accel_shared[i] != 0xff) return 2;  // a write past the shared memory the launch asked for
    }
    return 0;
}
}  // namespace accel_emu

#define threadIdx accel_emu::thread_idx
#define blockIdx accel_emu::block_idx
#define blockDim accel_emu::block_dim
#define gridDim accel_emu::grid_dim
#define __syncthreads() accel_emu::sync()
template <typename T> T atomicAdd(T* p, T v) { T old = *p; *p = old + v; return old; }  // one OS thread: atomic
extern "C" void accel_emu_reverse(int on) { accel_emu::reverse = on; }
"""

MAX_SHARED = 48 * 1024  # bytes of dynamic shared memory a launch may ask for without opting in
MAX_THREADS = 1024      # threads per block
GUARD = 256             # NaN bytes either side of each array a kernel gets: reads past it show, writes are reported
FIXED = set(CTYPES)  # type names that are dtypes, not placeholders


def _entry_points(functions: list[str]) -> str:
    """extern "C" signature_<i>/launch_<i> for each kernel function, by its index in ``functions``."""
    return "".join(
        f'extern "C" int signature_{i}(int* c) {{ return accel_emu::signature(&{f}, c); }}\n'
        f'extern "C" int launch_{i}(const unsigned* g, const unsigned* b, void** a, unsigned s)'
        f' {{ return accel_emu::launch(&{f}, g, b, a, s); }}\n' for i, f in enumerate(functions))


def build(cache: Path) -> "HostCuda":
    """Compile every kernel for the host once (cached by source hash) and load it."""
    kernels = elementwise_kernels()
    raw = [n for _, instances in RAW_MODULES for n in instances]
    names = [k.symbol for k in kernels] + raw
    functions = [f"{k.symbol}::{k.symbol}" for k in kernels] + raw  # each loop sits in a namespace of its name
    source = "\n".join([SHIM, translation_unit(), _entry_points(functions)])
    lib = cache / f"accel_kernels_{hashlib.sha256(source.encode()).hexdigest()[:16]}.so"
    if not lib.exists():
        cache.mkdir(parents=True, exist_ok=True)
        src = lib.with_suffix(".cpp")
        src.write_text(source)
        tmp = lib.with_suffix(f".{os.getpid()}.tmp")
        result = subprocess.run(["g++", "-std=c++17", "-O1", "-fwrapv", "-shared", "-fPIC",
                                 "-w", str(src), "-o", str(tmp)], capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"the host build of the GPU kernels failed:\n{result.stderr[-4000:]}")
        os.replace(tmp, lib)
    return HostCuda(ctypes.CDLL(str(lib)), names, kernels)


def _code_name(code: int) -> str:
    pointer, code = code >= 100000, code % 100000
    kinds = {"b": "bool", "f": "float", "i": "int", "u": "uint"}
    name = f"{kinds[chr(code // 16)]}{8 * (code % 16)}"
    return f"{name}*" if pointer else name


class HostCuda:
    """The compiled kernels: launch one by name with CuPy's argument conventions."""

    def __init__(self, lib: ctypes.CDLL, names: list[str], kernels: list[Elementwise]):
        self.lib, self.index = lib, {n: i for i, n in enumerate(names)}
        self.elementwise = {k.symbol: k for k in kernels}

    @contextlib.contextmanager
    def threads_in_reverse(self) -> Iterator[None]:
        """Run each block's threads in descending order between barriers while inside."""
        self.lib.accel_emu_reverse(1)
        try:
            yield
        finally:
            self.lib.accel_emu_reverse(0)

    def signature(self, name: str) -> list[int]:
        codes = (ctypes.c_int * 64)()
        n = getattr(self.lib, f"signature_{self.index[name]}")(codes)
        return list(codes[:n])

    def launch(self, name: str, grid: tuple, block: tuple, args: tuple, shared_mem: int = 0) -> None:
        """Check the launch and every argument as a GPU would need them, then run the kernel's threads."""
        if name not in self.index:
            raise KeyError(f"{name} is not among the kernels built for the host")
        grid, block = (tuple(grid) + (1, 1))[:3], (tuple(block) + (1, 1))[:3]
        if (min(grid) < 1 or min(block) < 1 or np.prod(block) > MAX_THREADS or grid[0] >= 2 ** 31
                or max(grid[1:]) > 65535 or block[2] > 64):
            raise ValueError(f"{name}: invalid launch configuration grid={grid} block={block} "
                             "(CUDA: cudaErrorInvalidConfiguration)")
        if not 0 <= shared_mem <= MAX_SHARED:
            raise ValueError(f"{name}: {shared_mem} bytes of shared memory is over the {MAX_SHARED}-byte limit")
        codes = self.signature(name)
        if len(args) != len(codes):
            raise TypeError(f"{name} takes {len(codes)} arguments, {len(args)} given")
        keep, ptrs, guarded = [], (ctypes.c_void_p * len(args))(), []
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        for i, (arg, code) in enumerate(zip(args, codes)):
            if isinstance(arg, np.ndarray):
                if not isinstance(arg, HostArray):
                    raise TypeError(f"{name}: argument {i} is a NumPy array, not a device array")
                if not arg.flags.c_contiguous:
                    raise ValueError(f"{name}: argument {i} is a non-contiguous array; a raw kernel sees only its "
                                     "buffer")
                got = 100000 + ord(arg.dtype.kind) * 16 + arg.itemsize
                if sum(np.shares_memory(arg, a) for a in arrays) == 1:  # its own buffer: pass it between guards
                    padded = np.full(arg.nbytes + 2 * GUARD, 0xff, np.uint8)
                    padded[GUARD:GUARD + arg.nbytes] = arg.reshape(-1).view(np.uint8)
                    guarded.append((i, arg, padded))
                    value = ctypes.c_void_p(padded.ctypes.data + GUARD)
                else:  # the same memory passed twice: as it is
                    value = ctypes.c_void_p(arg.ctypes.data)
            else:  # CuPy passes a Python int as int64, a float as float64, a NumPy scalar in its own dtype
                value = np.array(arg, dtype=arg.dtype if isinstance(arg, np.generic) else type(arg))
                got = ord(value.dtype.kind) * 16 + value.itemsize
            if got != code:
                raise TypeError(f"{name}: argument {i} is {_code_name(got)} but the kernel takes {_code_name(code)}")
            keep.append(value)
            ptrs[i] = ctypes.addressof(value) if isinstance(value, ctypes.c_void_p) else value.ctypes.data
        dims = [(ctypes.c_uint * 3)(*d) for d in (grid, block)]
        failed = getattr(self.lib, f"launch_{self.index[name]}")(dims[0], dims[1], ptrs, ctypes.c_uint(shared_mem))
        if failed == 1:
            raise RuntimeError(f"{name}: deadlock, some threads of a block returned while others wait at "
                               "__syncthreads()")
        if failed == 2:
            raise RuntimeError(f"{name}: wrote past the {shared_mem} bytes of shared memory the launch asked for")
        for i, arg, padded in guarded:
            if (padded[:GUARD] != 0xff).any() or (padded[GUARD + arg.nbytes:] != 0xff).any():
                raise RuntimeError(f"{name}: wrote outside argument {i}'s buffer of {arg.nbytes} bytes")
            inside, before = padded[GUARD:GUARD + arg.nbytes], arg.reshape(-1).view(np.uint8)
            if not arg.flags.writeable:
                if (inside != before).any():
                    raise RuntimeError(f"{name}: wrote into argument {i}, a read-only array")
            else:
                before[...] = inside


def flush_subnormals(x: np.ndarray) -> np.ndarray:
    """A float32 array as a GPU kernel reads or leaves it: CuPy compiles with ``-ftz=true``
    (cupy/cuda/compiler.py), so float32 subnormals are (signed) zeros to its kernels.
    The emulator applies this where elementwise kernels read and write memory."""
    if x.dtype == np.float32:
        x = np.where(np.abs(x) < np.finfo(np.float32).tiny, np.copysign(np.float32(0), x), x)
    return x


class ElementwiseKernel:
    """cupy.ElementwiseKernel on the host: CuPy's broadcasting and type binding, then the compiled loop."""

    def __init__(self, cuda: HostCuda, in_params: str, out_params: str, operation: str, name: str,
                 preamble: str = ""):
        self.cuda, self.name, self.operation = cuda, name, operation
        self.ins = [p.split() for p in in_params.split(",")]
        self.outs = [p.split() for p in out_params.split(",")]

    def _bind(self, ins: tuple, outs: tuple) -> dict[str, np.dtype]:
        """cupy _decide_params_type_core: outputs bind first, then array inputs; scalars bind nothing.

        Returns the dtype of every type name used, placeholders and fixed dtypes alike.
        """
        params = self.outs + self.ins
        types = {t: np.dtype(t) for t, _ in params if t in FIXED}
        for (type_, name), arg in zip(params, (*outs, *ins)):
            if isinstance(arg, np.ndarray):
                want = types.setdefault(type_, arg.dtype)
                if arg.dtype != want:
                    raise TypeError(f"Type is mismatched. {name} {arg.dtype} {want} {type_}")
        missing = {t for t, _ in params} - set(types)
        if missing:  # CuPy fails with a bare KeyError here
            raise TypeError(f"{self.name}: no array argument binds the type placeholder(s) {sorted(missing)}")
        return types

    def __call__(self, *args: Any) -> Any:
        nin = len(self.ins)
        if len(args) not in (nin, nin + len(self.outs)):
            raise TypeError(f"Wrong number of arguments for {self.name!r}")
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        if not all(isinstance(a, HostArray) for a in arrays):
            raise TypeError(f"{self.name}: a NumPy array was passed where a device array is needed")
        if not arrays:
            raise ValueError("Loop size is undecided.")
        for a in args[:nin]:
            if any(isinstance(a, np.ndarray) and a is not o and np.may_share_memory(a, o) for o in args[nin:]):
                # CuPy passes it as it is (only its ufuncs copy such inputs): on a GPU the threads race
                raise ValueError(f"{self.name}: an input overlaps an output it is not")
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        dtype = self._bind(args[:nin], args[nin:])
        outs = list(args[nin:]) or [np.empty(shape, dtype[t]).view(HostArray) for t, _ in self.outs]
        if any(o.shape != shape for o in outs):
            raise ValueError("Out shape is mismatched")
        if 0 not in shape:
            kernel = symbol(self.name, {t: d.name for t, d in dtype.items() if t not in FIXED})
            assert self.cuda.elementwise[kernel].body == self.operation, f"{kernel} was built from another body"
            ins = [flush_subnormals(np.ascontiguousarray(np.broadcast_to(np.asarray(a, dtype[t]), shape)))
                   .view(HostArray) for (t, _), a in zip(self.ins, args[:nin])]
            work = [np.ascontiguousarray(o).view(HostArray) for o in outs]  # outputs may be read too (``p += v``)
            for w in work:
                w[...] = flush_subnormals(w)
            self.cuda.launch(kernel, (2,), (32,), (*ins, *work, np.int64(np.prod(shape))))
            for o, w in zip(outs, work):
                w[...] = flush_subnormals(w)
                if not np.shares_memory(o, w):
                    o[...] = w
        return outs[0] if len(outs) == 1 else tuple(outs)


class RawModule:
    """cupy.RawModule on the host: only sources built into the host library, kernels by name expression."""

    def __init__(self, cuda: HostCuda, code: str, options: tuple = (), name_expressions: tuple = ()):
        if code not in [source for source, _ in RAW_MODULES]:
            raise ValueError("this RawModule source was not built for the host (add it to cuda_sources.RAW_MODULES)")
        self.cuda, self.names = cuda, list(name_expressions)

    def get_function(self, name: str) -> Any:
        if name not in self.names:
            raise KeyError(f"{name} is not among the name_expressions this RawModule was built with")
        return lambda grid, block, args, shared_mem=0: self.cuda.launch(name, grid, block, args, shared_mem)


class HostArray(np.ndarray):
    """A device buffer of the emulated GPU: a NumPy array with what accel asks only of a CuPy array."""

    @property
    def device(self) -> contextlib.nullcontext:  # cupy: the Device that holds it, a context manager
        return contextlib.nullcontext()

    def get(self) -> np.ndarray:  # cupy: copy to the host
        return np.array(self)

    def __getitem__(self, key: Any) -> Any:
        """cupy: basic indexing gives a view, a 0-d one for x[i, j] (it appends ``...`` to the key)."""
        value = super().__getitem__(key)
        if isinstance(value, np.generic):
            value = super().__getitem__((*(key if isinstance(key, tuple) else (key,)), ...))
        return _on_device(value)

    def __setitem__(self, key: Any, value: Any) -> None:
        """cupy: a value or index array that overlaps the target is not copied first; a same-layout
        slice is then copied with cudaMemcpy (undefined for overlapping memory) or a scatter
        kernel's threads race, so the emulator refuses what NumPy would handle."""
        for x in (value, *(key if isinstance(key, tuple) else (key,))):
            if isinstance(x, np.ndarray) and x is not self and np.may_share_memory(self, x):
                raise ValueError("setitem: a value or index array overlaps the array it is written into")
        super().__setitem__(key, value)

    def __array_wrap__(self, arr: np.ndarray, context: Any = None, return_scalar: bool = False) -> Any:
        return super().__array_wrap__(arr, context, False)  # reductions too give 0-d arrays, as in CuPy


def _on_device(value: Any) -> Any:
    """What CuPy would return: device arrays, and 0-d arrays where NumPy gives scalars."""
    if isinstance(value, np.ndarray):
        return value if isinstance(value, HostArray) else value.view(HostArray)
    if isinstance(value, np.generic):
        return np.asarray(value).view(HostArray)
    if isinstance(value, tuple):
        return tuple(_on_device(v) for v in value)
    return value


def _arg_extreme(fn: Any, a: np.ndarray, axis: int | None) -> HostArray:
    """cupy.argmax/argmin: NumPy's answer, except where a slice holds several NaNs.

    CuPy then returns the index of one of them, not always the first: its
    reductions combine partial results out of index order, and on two NaNs both
    ``my_argmax_float`` (cupy/_core/_routines_statistics.pyx) and CUB's ``ArgMax``
    (cupy/cuda/cupy_cub.cu) keep the left operand. The emulator answers the last
    NaN, so code that counts on NumPy's first NaN fails here as it would there.
    """
    index = fn(a, axis=axis)
    if a.dtype.kind == "f":
        nan = np.isnan(a.reshape(-1) if axis is None else np.moveaxis(a, axis, -1))
        last = nan.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
        index = np.where(nan.any(axis=-1), last, index)
    return _on_device(index)


class HostCupy:
    """The ``cupy`` module as accel.gpu uses it: NumPy's functions on HostArrays, host kernels, one device."""

    ndarray = HostArray

    def __init__(self, cuda: HostCuda):
        self.cuda_kernels = cuda
        stream = SimpleNamespace(synchronize=lambda: None)
        self.cuda = SimpleNamespace(Device=lambda index=0: contextlib.nullcontext(),
                                    get_current_stream=lambda: stream)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(np, name)
        if not callable(attr) or isinstance(attr, type):
            return attr

        @functools.wraps(attr)
        def on_device(*args: Any, **kwargs: Any) -> Any:
            with warnings.catch_warnings(), np.errstate(all="ignore"):  # CuPy computes without warnings
                warnings.simplefilter("ignore", RuntimeWarning)
                return _on_device(attr(*args, **kwargs))
        return on_device

    def argmax(self, a: Any, axis: int | None = None) -> HostArray:
        return _arg_extreme(np.argmax, a, axis)

    def argmin(self, a: Any, axis: int | None = None) -> HostArray:
        return _arg_extreme(np.argmin, a, axis)

    def any(self, a: Any, axis: Any = None) -> HostArray:  # CuPy's reduction kernels are built with -ftz=true too
        return _on_device(np.any(flush_subnormals(a), axis=axis))

    def all(self, a: Any, axis: Any = None) -> HostArray:
        return _on_device(np.all(flush_subnormals(a), axis=axis))

    def asarray(self, a: Any, dtype: Any = None) -> HostArray:
        """A device array: a copy of host data, the array itself when already on the device."""
        if isinstance(a, HostArray) and (dtype is None or a.dtype == dtype):
            return a
        return np.array(a, dtype=dtype).view(HostArray)

    def ElementwiseKernel(self, *args: Any, **kwargs: Any) -> ElementwiseKernel:  # noqa: N802 (CuPy's name)
        return ElementwiseKernel(self.cuda_kernels, *args, **kwargs)

    def RawModule(self, **kwargs: Any) -> RawModule:  # noqa: N802
        return RawModule(self.cuda_kernels, **kwargs)


def available() -> bool:
    return shutil.which("g++") is not None


@contextlib.contextmanager
def emulate(cuda: HostCuda) -> Iterator[HostCupy]:
    """While inside, device "gpu" is an emulated GPU: accel.gpu's code runs with HostCupy as its cupy."""
    import accel.gpu
    from accel import devices
    from accel.gpu import elementwise, linalg, nn, reduce
    fake = HostCupy(cuda)
    caches = [elementwise._kernel, nn._module, nn._elementwise, linalg._module]
    for c in caches:
        c.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as mp:
            for module in (accel.gpu, elementwise, linalg, nn, reduce):
                mp.setattr(module, "cupy", lambda: fake)
            mp.setattr(devices, "_gpu_problem", lambda index=0: None if index == 0 else "one GPU is emulated")
            yield fake
    finally:
        for c in caches:
            c.cache_clear()
        devices._checked.discard(devices.parse_device("gpu"))
