"""The manual-backprop MLP: a finite-difference check of the whole backward pass, training, the CLI."""
from __future__ import annotations

import numpy as np
import pytest

import accel
from conftest import host
from models import mlp as cli
from models.network import SGD, BatchGenerator, Sequential, evaluate, fit, mlp


def test_whole_network_gradient_matches_finite_differences(device):
    rng = np.random.default_rng(0)
    model = mlp(inputs=6, hidden=5, classes=3, device=device, seed=1)
    for layer in model.layers:
        layer.W, layer.b = layer.W.astype("float64"), accel.asarray(rng.normal(size=layer.b.shape), device=device)
    x = accel.asarray(rng.normal(size=(4, 6)), device=device)
    y = accel.asarray(np.array([0, 2, 1, 2]), device=device)

    def loss_value() -> float:
        return float(accel.softmax_cross_entropy(model(x), y)[0])

    _, grad = accel.softmax_cross_entropy(model(x), y)
    model.backward(grad)
    for w, g in zip(model.weights, model.grads):
        data, numeric, eps = w._data, np.zeros(w.shape), 1e-6
        for i in np.ndindex(w.shape):
            old = float(data[i])
            data[i] = old + eps
            up = loss_value()
            data[i] = old - eps
            down = loss_value()
            data[i] = old
            numeric[i] = (up - down) / (2 * eps)
        np.testing.assert_allclose(host(g), numeric, atol=1e-7, rtol=1e-5)


@pytest.fixture(scope="module")
def small_mnist():
    from models.mnist import load_data
    (x, y), (xt, yt) = load_data()
    return x[:2000], y[:2000], xt[:500], yt[:500]


def _device_data(images, labels, device):
    return (accel.asarray(images.reshape(len(images), -1).astype(np.float32) / 255, device=device),
            accel.asarray(labels.astype(np.int64), device=device))


def test_short_training_lowers_the_loss_and_is_reproducible(device, small_mnist):
    x, y, xt, yt = small_mnist
    train, test = _device_data(x, y, device), _device_data(xt, yt, device)
    results = []
    for _ in range(2):
        model = mlp(hidden=64, device=device, seed=3)
        before = evaluate(model, *test)[0]
        history = fit(model, SGD(0.1, 0.9), BatchGenerator(*train, 64, seed=3), 2, progress=False)
        after = evaluate(model, *test)
        assert after[0] < before * 0.5 and after[1] > 0.8
        assert history[1]["loss"] < history[0]["loss"]
        results.append(host(model.weights[0]))
    np.testing.assert_array_equal(results[0], results[1])


def test_save_load_round_trip_and_shape_mismatch(tmp_path, device):
    model = mlp(hidden=8, device=device, seed=0)
    path = tmp_path / "w.npz"
    cli.save_weights(model, str(path))
    other = mlp(hidden=8, device=device, seed=5)
    cli.load_weights(other, str(path))
    for a, b in zip(model.weights, other.weights):
        np.testing.assert_array_equal(host(a), host(b))
    with pytest.raises(ValueError, match=r"holds weights of shapes .* but this model \(--hidden 16\)"):
        cli.load_weights(mlp(hidden=16, device=device), str(path))
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]


def test_cli_end_to_end_on_a_slice(tmp_path, capsys, small_mnist):
    weights, png = tmp_path / "w.npz", tmp_path / "plot.png"
    rc = cli.main(["--limit", "1000", "--epochs", "2", "--hidden", "32", "--save", str(weights),
                   "--plot", str(png)])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "epoch 2/2: loss" in out and "test accuracy" in out
    assert weights.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rc = cli.main(["--epochs", "0", "--hidden", "32", "--load", str(weights), "--quiet"])
    assert rc == 0 and "test accuracy" in capsys.readouterr().out


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # diverging is the point
def test_cli_reports_divergence_with_epoch_and_step(capsys, small_mnist):
    rc = cli.main(["--limit", "1000", "--epochs", "1", "--lr", "1e6", "--quiet"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "diverged: the loss became" in err and "at epoch 1, step" in err


@pytest.mark.parametrize("argv", [["--lr", "-1"], ["--momentum", "1.5"], ["--epochs", "x"], ["--batch-size", "0"]])
def test_cli_rejects_bad_flags(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2 and "error: argument" in capsys.readouterr().err


def test_cli_bad_device_and_bad_load(tmp_path, capsys, small_mnist):
    assert cli.main(["--device", "tpu"]) == 2
    assert "unknown device 'tpu'" in capsys.readouterr().err
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    assert cli.main(["--epochs", "0", "--load", str(bad)]) == 1
    assert "cannot load" in capsys.readouterr().err


def test_ctrl_c_stops_cleanly(small_mnist):
    """SIGINT mid-training: exit status 130, a one-line message, no traceback."""
    import os
    import signal
    import subprocess
    import sys
    import time
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    proc = subprocess.Popen([sys.executable, "-m", "models.mlp", "--epochs", "50", "--hidden", "16"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 60
    line = ""
    while "step" not in line and time.time() < deadline:  # wait until training has begun
        line = proc.stdout.readline()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted: stopped; nothing was saved" in err and "Traceback" not in err
