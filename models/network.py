"""A Keras-style MLP with backpropagation written out by hand on accel's kernels.

Each layer's forward pass keeps what its backward pass needs; ``backward``
takes dL/d(output) and returns dL/d(input), leaving the weight gradients in
``grads``. No autograd: the chain rule is the code below.
"""
from __future__ import annotations

import math
import time
from typing import Iterator, Sequence

import numpy as np

import accel
from accel import Array


class Dense:
    """y = activation(x @ W + b). ``activation`` is "relu" or None (logits; the
    softmax is fused into the loss, and applied by ``predict``)."""

    def __init__(self, inputs: int, units: int, activation: str | None = None,
                 device: str | None = None, seed: int | None = None):
        if activation not in ("relu", None):
            raise ValueError(f"Dense: unknown activation {activation!r} (use 'relu' or None)")
        limit = math.sqrt(6.0 / (inputs + units))  # Keras' default, Glorot uniform
        self.W = accel.uniform(-limit, limit, (inputs, units), device=device, seed=seed)
        self.b = accel.zeros(units, device=device)
        self.activation = activation
        self.grads: list[Array] = []
        self._x: Array | None = None
        self._y: Array | None = None

    @property
    def weights(self) -> list[Array]:
        return [self.W, self.b]

    def __call__(self, x: Array) -> Array:
        self._x = x
        z = x @ self.W
        self._y = accel.bias_relu(z, self.b) if self.activation == "relu" else z + self.b
        return self._y

    def backward(self, grad: Array, input_grad: bool = True) -> Array | None:
        """Set ``grads`` to (dL/dW, dL/db); return dL/dx unless ``input_grad`` is False
        (the first layer's: nothing consumes it, and it is the costliest matmul)."""
        if self._x is None:
            raise RuntimeError("Dense.backward called before a forward pass")
        if self.activation == "relu":
            dz, db = accel.bias_relu_backward(grad, self._y)
        else:
            dz, db = grad, accel.sum(grad, axis=0)
        self.grads = [self._x.T @ dz, db]
        return dz @ self.W.T if input_grad else None


class Sequential:
    """Layers called in order; ``backward`` runs them in reverse."""

    def __init__(self, layers: Sequence[Dense]):
        self.layers = list(layers)

    def __call__(self, x: Array) -> Array:
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, grad: Array) -> None:
        for i in range(len(self.layers) - 1, -1, -1):
            grad = self.layers[i].backward(grad, input_grad=i > 0)

    @property
    def weights(self) -> list[Array]:
        return [w for layer in self.layers for w in layer.weights]

    @property
    def grads(self) -> list[Array]:
        return [g for layer in self.layers for g in layer.grads]


def mlp(inputs: int = 784, hidden: int = 512, classes: int = 10, device: str | None = None,
        seed: int = 0) -> Sequential:
    """The seed's network: Dense(hidden, relu) then Dense(classes) (softmax in the loss)."""
    return Sequential([Dense(inputs, hidden, "relu", device, seed), Dense(hidden, classes, None, device, seed + 1)])


class SGD:
    """Mini-batch SGD with optional momentum (Keras' rule: v = m v - lr g; w += v)."""

    def __init__(self, learning_rate: float = 0.1, momentum: float = 0.0):
        if learning_rate <= 0 or not 0 <= momentum < 1:
            raise ValueError(f"SGD needs learning_rate > 0 and 0 <= momentum < 1, got {learning_rate}, {momentum}")
        self.learning_rate, self.momentum = learning_rate, momentum
        self._velocity: dict[int, Array] = {}

    def step(self, weights: Sequence[Array], grads: Sequence[Array]) -> None:
        for w, g in zip(weights, grads):
            v = None
            if self.momentum:
                if id(w) not in self._velocity:
                    self._velocity[id(w)] = accel.zeros_like(w)
                v = self._velocity[id(w)]
            accel.sgd_update(w, g, self.learning_rate, self.momentum, v)


def sparse_categorical_crossentropy(logits: Array, labels: Array) -> tuple[Array, Array]:
    """Mean crossentropy of softmax(logits) against integer labels, and its gradient (one kernel)."""
    return accel.softmax_cross_entropy(logits, labels)


class BatchGenerator:
    """Mini-batches of (images, labels), sliced on the device; reshuffled each epoch when ``shuffle``."""

    def __init__(self, images: Array, labels: Array, batch_size: int = 128, shuffle: bool = True,
                 seed: int = 0):
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.images, self.labels = images, labels
        self.batch_size, self.shuffle = batch_size, shuffle
        self._rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return math.ceil(len(self.images) / self.batch_size)

    def __iter__(self) -> Iterator[tuple[Array, Array]]:
        n, size = len(self.images), self.batch_size
        images, labels = self.images, self.labels
        if self.shuffle:  # one gather per epoch; batches are then plain slices (views)
            order = accel.asarray(self._rng.permutation(n), device=images.device)
            images, labels = images[order], labels[order]
        for start in range(0, n, size):
            yield images[start:start + size], labels[start:start + size]


class Diverged(FloatingPointError):
    """Training produced a NaN or infinite loss."""


def train_step(model: Sequential, optimizer: SGD, x: Array, y: Array) -> tuple[Array, Array]:
    """One forward, backward and update; returns (mean loss, number of correct predictions) on the device."""
    logits = model(x)
    loss, grad = sparse_categorical_crossentropy(logits, y)
    model.backward(grad)
    optimizer.step(model.weights, model.grads)
    return loss, accel.sum(accel.argmax(logits, axis=1) == y)


def evaluate(model: Sequential, images: Array, labels: Array, batch_size: int = 1000) -> tuple[float, float]:
    """(mean loss, accuracy) over a dataset."""
    total_loss, correct = 0.0, 0
    for x, y in BatchGenerator(images, labels, batch_size, shuffle=False):
        logits = model(x)
        loss, _ = sparse_categorical_crossentropy(logits, y)
        total_loss += float(loss) * len(x)
        correct += int(accel.sum(accel.argmax(logits, axis=1) == y))
    return total_loss / len(images), correct / len(images)


def predict(model: Sequential, images: Array) -> Array:
    """Class probabilities (softmax of the logits) for ``images``."""
    return accel.softmax(model(images))


class Progress:
    """Per-epoch progress: a tqdm bar on a terminal, a few plain lines otherwise."""

    def __init__(self, epoch: int, epochs: int, steps: int, enabled: bool = True):
        import sys

        from tqdm import tqdm
        self.tty = sys.stderr.isatty()
        self.steps, self.label, self.start = steps, f"epoch {epoch}/{epochs}", time.perf_counter()
        self.bar = tqdm(total=steps, desc=self.label, unit="step", leave=True, dynamic_ncols=True,
                        disable=not (enabled and self.tty))
        self.enabled, self.next_line = enabled, max(1, steps // 4)

    def update(self, step: int, loss: float, acc: float) -> None:
        if self.bar.disable:
            if self.enabled and not self.tty and step % self.next_line == 0 and step < self.steps:
                rate = step / (time.perf_counter() - self.start)
                print(f"{self.label}: step {step}/{self.steps} ({rate:.0f} steps/s) loss {loss:.4f} acc {acc:.4f}",
                      flush=True)
            return
        self.bar.update(1)
        if step % 10 == 0 or step == self.steps:
            self.bar.set_postfix(loss=f"{loss:.4f}", acc=f"{acc:.4f}", refresh=False)

    def close(self) -> None:
        self.bar.close()


def fit(model: Sequential, optimizer: SGD, batches: BatchGenerator, epochs: int,
        validation: tuple[Array, Array] | None = None, progress: bool = True,
        lr_decay: float = 1.0) -> list[dict[str, float]]:
    """Train for ``epochs``; returns one dict per epoch (loss, accuracy, seconds, and val_* if given).

    After each epoch the learning rate is multiplied by ``lr_decay`` (an exponential
    schedule; 1 keeps it constant). Raises Diverged, naming the epoch and step, as soon
    as the loss is NaN or infinite.
    """
    history = []
    for epoch in range(1, epochs + 1):
        start, bar = time.perf_counter(), Progress(epoch, epochs, len(batches), progress)
        loss_sum, correct, seen = 0.0, 0, 0
        try:
            for step, (x, y) in enumerate(batches, 1):
                loss, hits = train_step(model, optimizer, x, y)
                value = float(loss)
                if not math.isfinite(value):
                    raise Diverged(f"the loss became {value} at epoch {epoch}, step {step}; "
                                   f"try a smaller learning rate (now {optimizer.learning_rate})")
                loss_sum += value * len(x)
                correct += int(hits)
                seen += len(x)
                bar.update(step, loss_sum / seen, correct / seen)
        finally:
            bar.close()
        record = {"epoch": epoch, "loss": loss_sum / seen, "accuracy": correct / seen,
                  "seconds": time.perf_counter() - start}
        if validation is not None:
            record["val_loss"], record["val_accuracy"] = evaluate(model, *validation)
        history.append(record)
        optimizer.learning_rate *= lr_decay
        if progress:
            extra = (f", test loss {record['val_loss']:.4f} accuracy {record['val_accuracy']:.4f}"
                     if validation is not None else "")
            print(f"epoch {epoch}/{epochs}: loss {record['loss']:.4f} accuracy {record['accuracy']:.4f} "
                  f"in {record['seconds']:.2f} s{extra}", flush=True)
    return history
