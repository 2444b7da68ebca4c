"""The GPU machine's one command: run the GPU tests, then a short GPU timing table.

From the repo root on a machine with an NVIDIA GPU and CuPy, no network and
nothing installed:  PYTHONPATH=. python scripts/gpu_check.py
Each timing is the median of several runs measured with CUDA events, accel
against plain CuPy on the same data, side by side in one process.
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np


def gpu_time(fn, repeat: int = 20, number: int = 10) -> float:
    """Median milliseconds per call of ``fn``, timed with CUDA events around ``number`` calls."""
    import cupy as cp
    fn()
    cp.cuda.Device().synchronize()
    times = []
    for _ in range(repeat):
        start, stop = cp.cuda.Event(), cp.cuda.Event()
        start.record()
        for _ in range(number):
            fn()
        stop.record()
        stop.synchronize()
        times.append(cp.cuda.get_elapsed_time(start, stop) / number)
    return float(np.median(times))


def timing_table() -> list[tuple[str, float, float]]:
    import cupy as cp

    import accel
    from benchmarks.numpy_mlp import NumpyMLP
    from models.network import SGD, mlp, train_step

    rng = np.random.default_rng(0)

    def pair(shape):
        host = rng.uniform(-1, 1, shape).astype(np.float32)
        return accel.asarray(host, device="gpu"), cp.asarray(host)

    rows = []
    (x, cx), (y, cy) = pair(2 ** 24), pair(2 ** 24)
    out, cout = accel.empty(2 ** 24, device="gpu"), cp.empty(2 ** 24, np.float32)
    rows.append(("add+relu 2**24 (fused vs 2 CuPy ops)", gpu_time(lambda: accel.add_relu(x, y, out=out)),
                 gpu_time(lambda: cp.maximum(cx + cy, 0, out=cout))))
    rows.append(("x + 0 into out=, 2**24 (a copy's traffic) vs copy", gpu_time(lambda: accel.add(x, 0.0, out=out)),
                 gpu_time(lambda: cp.copyto(cout, cx))))
    (a, ca), (b, cb) = pair((64, 3, 32, 10)), pair((32, 10))
    rows.append(("maximum (64,3,32,10) vs (32,10)", gpu_time(lambda: accel.maximum(a, b)),
                 gpu_time(lambda: cp.maximum(ca, cb))))
    (z, cz), (bias, cbias) = pair((128, 512)), pair(512)
    rows.append(("bias + relu (128,512)", gpu_time(lambda: accel.bias_relu(z, bias)),
                 gpu_time(lambda: cp.maximum(cz + cbias, 0))))
    (up, cup), (act, cact) = pair((128, 512)), pair((128, 512))
    rows.append(("bias_relu_backward (128,512) vs where + sum", gpu_time(lambda: accel.bias_relu_backward(up, act)),
                 gpu_time(lambda: (lambda d: d.sum(axis=0))(cp.where(cact > 0, cup, 0)))))
    (m1, cm1), (m2, cm2) = pair((128, 784)), pair((784, 512))
    rows.append(("matmul (128,784)@(784,512)", gpu_time(lambda: m1 @ m2), gpu_time(lambda: cm1 @ cm2)))
    (s1, cs1), (s2, cs2) = pair((2048, 2048)), pair((2048, 2048))
    rows.append(("matmul 2048 square", gpu_time(lambda: s1 @ s2, number=3), gpu_time(lambda: cs1 @ cs2, number=3)))
    images, labels = rng.random((128, 784), dtype=np.float32), rng.integers(0, 10, 128)
    model, opt = mlp(device="gpu"), SGD(0.05, 0.9)
    X, Y = accel.asarray(images, device="gpu"), accel.asarray(labels, device="gpu")
    net, CX, CY = NumpyMLP(cp), cp.asarray(images), cp.asarray(labels)
    rows.append(("MLP train step, batch 128", gpu_time(lambda: train_step(model, opt, X, Y)),
                 gpu_time(lambda: net.step(CX, CY))))
    return rows


def main() -> int:
    import accel
    if not accel.gpu_available():
        from accel.devices import _gpu_problem
        print(f"no usable GPU: {_gpu_problem()}")
        return 1
    import cupy as cp
    props = cp.cuda.runtime.getDeviceProperties(0)
    print(f"GPU: {props['name'].decode()}, CuPy {cp.__version__}, CUDA runtime {cp.cuda.runtime.runtimeGetVersion()}")
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "gpu", "-p", "no:cacheprovider",
                            "tests"], check=False)
    print(f"\n{'op':44s} {'accel ms':>10s} {'CuPy ms':>10s} {'CuPy/accel':>10s}")
    for name, ours, theirs in timing_table():
        print(f"{name:44s} {ours:10.4f} {theirs:10.4f} {theirs / ours:10.2f}")
    print(f"\nGPU tests: {'passed' if tests.returncode == 0 else f'FAILED (exit {tests.returncode})'}")
    return tests.returncode


if __name__ == "__main__":
    sys.exit(main())
