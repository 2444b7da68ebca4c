"""The CPU speed targets, each measured as a ratio side by side: accel and its NumPy
baseline alternate round by round in one process, so a noisy shared machine slows both alike.

    PYTHONPATH=. python scripts/cpu_targets.py [--rounds 15]

Prints, per case, the median time of each and the median and interquartile range of
the per-round ratio baseline/accel (above 1: accel is faster).
"""
from __future__ import annotations

import argparse
import time
from typing import Callable

import numpy as np

import accel
from benchmarks.numpy_mlp import NumpyMLP
from models.network import SGD, BatchGenerator, mlp, train_step


def per_call(fn: Callable[[], object], seconds: float = 0.05) -> float:
    """Seconds per call of ``fn``, from enough calls to fill about ``seconds``."""
    fn()
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / n


def cases() -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    rng = np.random.default_rng(0)
    f32 = lambda *s: rng.uniform(-1, 1, s).astype(np.float32)
    a, b = f32(2 ** 24), f32(2 ** 24)
    A, B, O, o = accel.asarray(a), accel.asarray(b), accel.empty(2 ** 24), np.empty(2 ** 24, np.float32)
    m, v = f32(64, 3, 32, 10), f32(32, 10)
    M, V = accel.asarray(m), accel.asarray(v)
    z, bias = f32(128, 512), f32(512)
    Z, BIAS = accel.asarray(z), accel.asarray(bias)
    s1, s2 = f32(20, 100), f32(20, 100)
    S1, S2 = accel.asarray(s1), accel.asarray(s2)
    out = {
        "add+relu 2**24 (allocating)": (lambda: accel.add_relu(A, B), lambda: np.maximum(a + b, 0)),
        "add+relu 2**24 (accel out=)": (lambda: accel.add_relu(A, B, out=O), lambda: np.maximum(a + b, 0)),
        "add+relu 2**24 out= vs copy": (lambda: accel.add_relu(A, B, out=O), lambda: np.copyto(o, a)),
        "maximum (64,3,32,10),(32,10)": (lambda: accel.maximum(M, V), lambda: np.maximum(m, v)),
        "bias+relu (128,512)": (lambda: accel.bias_relu(Z, BIAS), lambda: np.maximum(z + bias, 0)),
        "add (20,100)": (lambda: S1 + S2, lambda: s1 + s2),
    }
    for name, (sa, sb, ta, tb) in {"(128,784)@(784,512)": ((128, 784), (784, 512), 0, 0),
                                   "(128,512)@(512,10)": ((128, 512), (512, 10), 0, 0),
                                   "x.T@dz (784,128)@(128,512)": ((128, 784), (128, 512), 1, 0),
                                   "h.T@g (512,128)@(128,10)": ((128, 512), (128, 10), 1, 0),
                                   "g@W2.T (128,10)@(10,512)": ((128, 10), (512, 10), 0, 1)}.items():
        p, q = f32(*sa), f32(*sb)
        p, q = (p.T if ta else p), (q.T if tb else q)
        P, Q = accel.asarray(np.ascontiguousarray(p.T)).T if ta else accel.asarray(p), \
            accel.asarray(np.ascontiguousarray(q.T)).T if tb else accel.asarray(q)
        out[f"matmul {name}"] = ((lambda P=P, Q=Q: P @ Q), (lambda p=p, q=q: p @ q))
    images, labels = rng.random((60000, 784), dtype=np.float32), rng.integers(0, 10, 60000)
    model, opt = mlp(), SGD(0.05, 0.9)
    X, Y = accel.asarray(images[:128]), accel.asarray(labels[:128])
    net = NumpyMLP()
    out["MLP train step (batch 128)"] = (lambda: train_step(model, opt, X, Y), lambda: net.step(images[:128], labels[:128]))
    batches = BatchGenerator(accel.asarray(images), accel.asarray(labels), 128)
    order_rng = np.random.default_rng(1)

    def numpy_epoch():
        order = order_rng.permutation(60000)
        xs, ys = images[order], labels[order]
        for i in range(0, 60000, 128):
            net.step(xs[i:i + 128], ys[i:i + 128])
    out["MLP epoch (60000 images)"] = (lambda: [train_step(model, opt, p, q) for p, q in batches], numpy_epoch)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="alternating rounds per case (default 15)")
    parser.add_argument("--only", default="", help="run only cases whose name contains this text")
    args = parser.parse_args()
    print(f"{'case':34s} {'accel':>10s} {'baseline':>10s} {'baseline/accel':>15s} {'IQR':>12s}")
    for name, (ours, theirs) in cases().items():
        if args.only not in name:
            continue
        rounds = args.rounds if "epoch" not in name else max(3, args.rounds // 5)
        budget = 0.05 if "epoch" not in name else 0.0
        t_ours, t_theirs = [], []
        for _ in range(rounds):
            t_ours.append(per_call(ours, budget))
            t_theirs.append(per_call(theirs, budget))
        ratio = np.array(t_theirs) / np.array(t_ours)
        fmt = lambda t: f"{np.median(t) * 1e3:8.3f}ms" if np.median(t) >= 1e-3 else f"{np.median(t) * 1e6:8.2f}us"
        print(f"{name:34s} {fmt(t_ours):>10s} {fmt(t_theirs):>10s} {np.median(ratio):15.2f} "
              f"{np.percentile(ratio, 25):5.2f}-{np.percentile(ratio, 75):5.2f}", flush=True)


if __name__ == "__main__":
    main()
