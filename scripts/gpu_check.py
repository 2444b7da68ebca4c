"""The GPU machine's one command: a short GPU timing table, then the GPU tests.

From the repo root on a machine with an NVIDIA GPU and CuPy, no network and
nothing installed:  PYTHONPATH=. python scripts/gpu_check.py
Each timing is the median of several runs measured with CUDA events, accel
against plain CuPy on the same data, side by side in one process; each row also
checks that accel's answer is CuPy's. The table comes first: it is short, and
it compiles the kernels the tests then reuse.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from typing import Any, Callable, NamedTuple

import numpy as np

Timer = Callable[[Callable[[], Any]], float]


class Row(NamedTuple):
    name: str
    accel_ms: float
    cupy_ms: float
    agrees: bool


def gpu_time(fn: Callable[[], Any], repeat: int = 20, number: int = 10) -> float:
    """Median milliseconds per call of ``fn``, timed with CUDA events around ``number`` calls."""
    from accel.gpu import cupy
    cp = cupy()
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


def _host(result: Any) -> list[np.ndarray]:
    """An accel or CuPy result (or a tuple of them) as NumPy arrays."""
    import accel
    items = result if isinstance(result, tuple) else (result,)
    return [x.numpy() if isinstance(x, accel.Array) else x.get() for x in items]


def _agree(ours: Any, theirs: Any, rtol: float) -> bool:
    a, b = _host(ours), _host(theirs)
    return len(a) == len(b) and all(x.shape == y.shape and np.allclose(x, y, rtol=rtol, atol=rtol / 10)
                                    for x, y in zip(a, b))


def timing_table(cp: Any, timer: Timer = gpu_time, n: int = 2 ** 24, square: int = 2048,
                 batch: int = 128) -> list[Row]:
    """accel against CuPy (the module ``cp``) on elementwise, broadcast, fused, matmul and MLP work.

    ``n`` elements for the elementwise rows, ``square`` for the large matmul, ``batch``
    rows for the MLP-sized ones; the defaults are the figures the README quotes.
    """
    import accel
    from benchmarks.numpy_mlp import NumpyMLP
    from models.network import SGD, mlp, train_step

    rng = np.random.default_rng(0)
    rows = []

    def pair(shape: Any) -> tuple[Any, Any]:
        host = rng.uniform(-1, 1, shape).astype(np.float32)
        return accel.asarray(host, device="gpu"), cp.asarray(host)

    def row(name: str, ours: Callable[[], Any], theirs: Callable[[], Any], rtol: float = 1e-5) -> None:
        agrees = _agree(ours(), theirs(), rtol)
        rows.append(Row(name, timer(ours), timer(theirs), agrees))

    (x, cx), (y, cy) = pair(n), pair(n)
    out, cout = accel.empty(n, device="gpu"), cp.empty(n, np.float32)
    row(f"add+relu {n} (fused vs 2 CuPy ops)", lambda: accel.add_relu(x, y, out=out),
        lambda: cp.maximum(cx + cy, 0, out=cout))
    row(f"x + 0 into out=, {n} vs copy", lambda: accel.add(x, 0.0, out=out), lambda: cp.copyto(cout, cx) or cout)
    (a, ca), (b, cb) = pair((64, 3, 32, 10)), pair((32, 10))
    row("maximum (64,3,32,10) vs (32,10)", lambda: accel.maximum(a, b), lambda: cp.maximum(ca, cb))
    (z, cz), (bias, cbias) = pair((batch, 512)), pair(512)
    row(f"bias + relu ({batch},512)", lambda: accel.bias_relu(z, bias), lambda: cp.maximum(cz + cbias, 0))
    (up, cup), (act, cact) = pair((batch, 512)), pair((batch, 512))
    act, cact = accel.relu(act), cp.maximum(cact, 0)

    def cupy_backward() -> tuple[Any, Any]:
        d = cp.where(cact > 0, cup, 0)
        return d, d.sum(axis=0)
    row(f"bias_relu_backward ({batch},512) vs where + sum", lambda: accel.bias_relu_backward(up, act),
        cupy_backward)
    (m1, cm1), (m2, cm2) = pair((batch, 784)), pair((784, 512))
    row(f"matmul ({batch},784)@(784,512)", lambda: m1 @ m2, lambda: cm1 @ cm2, rtol=1e-4)
    (s1, cs1), (s2, cs2) = pair((square, square)), pair((square, square))
    row(f"matmul {square} square", lambda: s1 @ s2, lambda: cs1 @ cs2, rtol=1e-4)

    images, labels = rng.random((batch, 784), dtype=np.float32), rng.integers(0, 10, batch)
    model, opt = mlp(device="gpu"), SGD(0.05, 0.9)
    X, Y = accel.asarray(images, device="gpu"), accel.asarray(labels, device="gpu")
    net, CX, CY = NumpyMLP(cp), cp.asarray(images), cp.asarray(labels)
    net.params = [cp.asarray(w.numpy()) for w in model.weights]  # the same start, so steps can be compared
    net.velocity = [cp.zeros_like(p) for p in net.params]
    losses = [(train_step(model, opt, X, Y)[0], net.step(CX, CY)) for _ in range(2)]  # the 2nd uses momentum
    agrees = (all(_agree(ours, theirs, 1e-4) for ours, theirs in losses)
              and _agree(tuple(model.weights), tuple(net.params), 1e-4))
    rows.append(Row(f"MLP train step, batch {batch} (2 losses, weights)", timer(lambda: train_step(model, opt, X, Y)),
                    timer(lambda: net.step(CX, CY)), agrees))
    return rows


def format_table(rows: list[Row]) -> str:
    lines = [f"{'op':48s} {'accel ms':>10s} {'CuPy ms':>10s} {'CuPy/accel':>10s}  same answer"]
    for r in rows:
        ratio = f"{r.cupy_ms / r.accel_ms:10.2f}" if r.accel_ms > 0 else f"{'-':>10s}"
        lines.append(f"{r.name:48s} {r.accel_ms:10.4f} {r.cupy_ms:10.4f} {ratio}  {'yes' if r.agrees else 'NO'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="e.g. gpu_check.py --no-table -- -k 'reduce or nn' (to split a long run)")
    parser.add_argument("--no-tests", action="store_true", help="print the timing table only")
    parser.add_argument("--no-table", action="store_true", help="run the GPU tests only")
    parser.add_argument("pytest_args", nargs="*", help="more arguments for pytest, after --")
    args = parser.parse_args(argv)
    import accel
    if not accel.gpu_available():
        from accel.devices import _gpu_problem
        print(f"no usable GPU: {_gpu_problem()}")
        return 1
    from accel.gpu import cupy
    cp = cupy()
    props = cp.cuda.runtime.getDeviceProperties(0)
    print(f"GPU: {props['name'].decode()}, CuPy {cp.__version__}, CUDA runtime {cp.cuda.runtime.runtimeGetVersion()}")
    rows = [] if args.no_table else timing_table(cp)
    if rows:
        print(format_table(rows), flush=True)
    failed = [r.name for r in rows if not r.agrees]
    tests = 0
    if not args.no_tests:
        tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "gpu", "-p", "no:cacheprovider",
                                "--durations=5", *args.pytest_args, "tests"], check=False).returncode
    print(f"\ntiming rows that disagree with CuPy: {'not run' if args.no_table else ', '.join(failed) or 'none'}")
    print(f"GPU tests: {'not run' if args.no_tests else 'passed' if tests == 0 else f'FAILED (exit {tests})'}")
    return 1 if failed or tests else 0


if __name__ == "__main__":
    sys.exit(main())
