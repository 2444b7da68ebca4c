"""The MNIST loader: verification, the damaged-cache path and the error when no source works."""
from __future__ import annotations

import numpy as np
import pytest

from models import mnist


@pytest.fixture(scope="session")
def real_mnist():
    """The real data, from the user's cache (fetched once per machine if missing)."""
    (x, y), (xt, yt) = mnist.load_data()
    return {"x_train": x, "y_train": y, "x_test": xt, "y_test": yt}


def test_keras_shapes_and_facts(real_mnist):
    assert real_mnist["x_train"].shape == (60000, 28, 28) and real_mnist["x_test"].shape == (10000, 28, 28)
    assert real_mnist["y_train"].dtype == real_mnist["x_train"].dtype == np.uint8
    assert np.bincount(real_mnist["y_test"]).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert real_mnist["y_train"][:5].tolist() == [5, 0, 4, 1, 9]


def test_verify_rejects_a_changed_pixel_or_label(real_mnist):
    changed = dict(real_mnist, x_test=real_mnist["x_test"].copy())
    changed["x_test"][5000, 14, 14] ^= 1
    with pytest.raises(mnist.MnistError, match="SHA-256 mismatch"):
        mnist.verify(changed)
    swapped = dict(real_mnist, y_train=real_mnist["y_train"].copy())
    swapped["y_train"][0] = 3
    with pytest.raises(mnist.MnistError, match="label counts"):
        mnist.verify(swapped)


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_damaged_cache_is_reported_and_fetched_again(tmp_path, monkeypatch, capsys, real_mnist, damage):
    cache = tmp_path / mnist.CACHE_NAME
    mnist._write_npz(cache, real_mnist)
    raw = bytearray(cache.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    else:
        raw[len(raw) // 2] ^= 0xFF
    cache.write_bytes(bytes(raw))
    fetched = []
    monkeypatch.setattr(mnist, "SOURCES", [("a test source", lambda tmp: fetched.append(1) or dict(real_mnist))])
    (x, _), _ = mnist.load_data(tmp_path)
    assert fetched == [1] and x.shape == (60000, 28, 28)
    assert "damaged and will be fetched again" in capsys.readouterr().err
    mnist._read_npz(cache)  # the replacement verifies
    assert [p.name for p in tmp_path.iterdir()] == [mnist.CACHE_NAME]  # no temp file left behind


def test_no_source_says_what_was_tried_and_where_to_put_the_file(tmp_path, monkeypatch):
    def offline(tmp):
        raise OSError("network unreachable")
    monkeypatch.setattr(mnist, "SOURCES", [("source A", offline), ("source B", offline)])
    with pytest.raises(mnist.MnistError) as err:
        mnist.load_data(tmp_path)
    text = str(err.value)
    assert "source A: OSError: network unreachable" in text and "source B" in text
    assert str(tmp_path / mnist.CACHE_NAME) in text and mnist.KERAS_SHA256 in text


def test_data_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(mnist.ENV_DIR, str(tmp_path))
    assert mnist.data_dir() == tmp_path
    assert mnist.data_dir(tmp_path / "x") == tmp_path / "x"
