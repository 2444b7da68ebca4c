"""scripts/gpu_check.py, the GPU machine's one command: its table runs and checks accel against CuPy.

On the emulated GPU (or a real one) at small sizes, with a timer that calls each
op once, so a mistake in the script shows here rather than on a borrowed GPU.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import accel

spec = importlib.util.spec_from_file_location("gpu_check", Path(__file__).parents[1] / "scripts" / "gpu_check.py")
gpu_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gpu_check)


def once(fn) -> float:
    fn()
    return 1.0


def test_timing_table_agrees_with_cupy(device):
    if device == "cpu":
        pytest.skip("the table is of the GPU")
    from accel.gpu import cupy
    rows = gpu_check.timing_table(cupy(), timer=once, n=1000, square=48, batch=8)
    assert len(rows) == 8 and all(r.accel_ms == r.cupy_ms == 1.0 for r in rows)
    assert [r.name for r in rows if not r.agrees] == []
    table = gpu_check.format_table(rows)
    assert table.count("\n") == len(rows) and " NO" not in table


def test_a_different_answer_is_reported():
    x = accel.asarray(np.array([1.0, 2.0], np.float32))
    assert gpu_check._agree(x, np.array([1.0, 2.0], np.float32).view(_Host), 1e-5)
    assert not gpu_check._agree(x, np.array([1.0, 2.1], np.float32).view(_Host), 1e-5)
    assert not gpu_check._agree((x, x), np.array([1.0, 2.0], np.float32).view(_Host), 1e-5)
    assert not gpu_check._agree(x, np.array([[1.0, 2.0]], np.float32).view(_Host), 1e-5)
    row = gpu_check.Row("op", 2.0, 1.0, False)
    assert gpu_check.format_table([row]).splitlines()[1].split()[-2:] == ["0.50", "NO"]


class _Host(np.ndarray):
    """A CuPy-like result: its host copy is get()."""

    def get(self) -> np.ndarray:
        return np.asarray(self)


@pytest.mark.parametrize("agree", [True, False])
def test_main_prints_the_table_and_fails_on_a_different_answer(monkeypatch, capsys, agree):
    """The command's summary and exit status, with the table stubbed and pytest not run (--no-tests)."""
    from types import SimpleNamespace
    runtime = SimpleNamespace(getDeviceProperties=lambda i: {"name": b"Stub GPU"}, runtimeGetVersion=lambda: 12080)
    fake = SimpleNamespace(__version__="0", cuda=SimpleNamespace(runtime=runtime))
    monkeypatch.setattr(accel, "gpu_available", lambda: True)
    monkeypatch.setattr("accel.gpu.cupy", lambda: fake)
    monkeypatch.setattr(gpu_check, "timing_table", lambda cp: [gpu_check.Row("op", 1.0, 2.0, agree)])
    assert gpu_check.main(["--no-tests"]) == (0 if agree else 1)
    out = capsys.readouterr().out
    assert "GPU: Stub GPU" in out and "GPU tests: not run" in out
    assert f"disagree with CuPy: {'none' if agree else 'op'}" in out
