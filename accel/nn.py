"""Neural-network kernels, each one pass over memory, each with its backward.

These are the fused steps a manual-backprop MLP needs: bias-add + relu on a
matmul's output, the relu mask, a stable row-wise softmax, softmax fused with
sparse categorical crossentropy (loss and gradient in one kernel) and an
in-place SGD update with momentum.
"""
from __future__ import annotations

import itertools
import math

from . import dtypes as _dt
from .array import Array
from .devices import backend
from .dispatch import kernel, same_device


def _arrays(op: str, *xs: object) -> None:
    for x in xs:
        if not isinstance(x, Array):
            raise TypeError(f"{op} expects accel Arrays, not {type(x).__name__}")
    same_device(op, (x.device for x in xs))


def _float(op: str, *xs: Array) -> None:
    for x in xs:
        if x.dtype not in _dt.FLOATS:
            raise TypeError(f"{op} needs float32 or float64 arrays, got {x.dtype}")
    if len({x.dtype for x in xs}) > 1:
        raise TypeError(f"{op}: operands must share one dtype, got {', '.join(str(x.dtype) for x in xs)}")


def _grad_and_output(op: str, grad: Array, y: Array) -> None:
    """The checks every backward kernel needs: two float arrays of one dtype, device and shape."""
    _arrays(op, grad, y)
    _float(op, grad, y)
    if grad.shape != y.shape:
        raise ValueError(f"{op}: grad shape {grad.shape} differs from y shape {y.shape}")


def _real(op: str, name: str, value: object) -> float:
    """``value`` (a number or a one-element Array) as a finite float, or an error naming it."""
    if not isinstance(value, (str, bytes)):
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass
        else:
            if not math.isfinite(number):
                raise ValueError(f"{op}: {name} must be finite, got {number}")
            return number
    shape = f" of shape {value.shape}" if isinstance(value, Array) else ""
    raise TypeError(f"{op}: {name} must be a real number, not {type(value).__name__}{shape}")


def _matrix(op: str, x: Array) -> None:
    if x.ndim != 2:
        raise ValueError(f"{op} needs a 2-d (batch, features) array, got shape {x.shape}")


def bias_relu(x: Array, bias: Array) -> Array:
    """relu(x + bias) in one pass: x is (batch, features), bias is (features,)."""
    _arrays("bias_relu", x, bias)
    _float("bias_relu", x, bias)
    _matrix("bias_relu", x)
    if bias.shape != x.shape[1:]:
        raise ValueError(f"bias_relu: bias shape {bias.shape} does not match x of shape {x.shape}")
    return Array(kernel("bias_relu", x.device)(x._data, bias._data), x.device)


def bias_relu_backward(grad: Array, y: Array) -> tuple[Array, Array]:
    """Given dL/dy and y = bias_relu(x, b): (dL/dx, dL/db) in one pass."""
    _grad_and_output("bias_relu_backward", grad, y)
    _matrix("bias_relu_backward", y)
    dx, db = kernel("bias_relu_backward", y.device)(grad._data, y._data)
    return Array(dx, y.device), Array(db, y.device)


def relu_backward(grad: Array, y: Array) -> Array:
    """dL/dx of y = relu(x): grad where y > 0, else 0 (the relu mask)."""
    _grad_and_output("relu_backward", grad, y)
    return Array(kernel("relu_backward", y.device)(grad._data, y._data), y.device)


def softmax(x: Array) -> Array:
    """Softmax over the last axis, computed stably (the row maximum is subtracted)."""
    _arrays("softmax", x)
    _float("softmax", x)
    if x.ndim == 0:
        raise ValueError("softmax needs at least 1 dimension")
    rows = x.reshape(-1, x.shape[-1]) if x.size else x
    return Array(kernel("softmax", x.device)(rows._data).reshape(x.shape), x.device)


def softmax_backward(grad: Array, y: Array) -> Array:
    """dL/dx of y = softmax(x): y * (grad - sum(grad * y, last axis))."""
    _grad_and_output("softmax_backward", grad, y)
    if y.size == 0:  # nothing to compute, and an empty last axis cannot be reshaped into rows
        return Array(y._data.copy(), y.device)
    return Array(kernel("softmax_backward", y.device)(grad._data, y._data), y.device)


def softmax_cross_entropy(logits: Array, labels: Array) -> tuple[Array, Array]:
    """Mean sparse categorical crossentropy of softmax(logits) and its gradient, in one kernel.

    ``logits`` is (batch, classes), ``labels`` holds integer class indices (batch,).
    Returns (loss as a 0-d array, dL/dlogits = (softmax(logits) - onehot) / batch).
    """
    _arrays("softmax_cross_entropy", logits, labels)
    _float("softmax_cross_entropy", logits)
    _matrix("softmax_cross_entropy", logits)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"softmax_cross_entropy: labels must be integers, got {labels.dtype}")
    if labels.shape != logits.shape[:1]:
        raise ValueError(f"softmax_cross_entropy: labels shape {labels.shape} does not match "
                         f"logits shape {logits.shape}")
    classes = logits.shape[1]
    if labels.size and (int(labels._data.min()) < 0 or int(labels._data.max()) >= classes):
        raise ValueError(f"softmax_cross_entropy: labels must lie in [0, {classes}), got values from "
                         f"{int(labels._data.min())} to {int(labels._data.max())}")
    loss, grad = kernel("softmax_cross_entropy", logits.device)(logits._data, labels._data)
    return Array(loss, logits.device), Array(grad, logits.device)


def sgd_update(param: Array, grad: Array, lr: float, momentum: float = 0.0,
               velocity: Array | None = None) -> None:
    """In place: ``velocity = momentum * velocity - lr * grad; param += velocity``
    (Keras' SGD); without momentum ``param -= lr * grad``. ``lr`` and ``momentum`` are finite
    real numbers (Python's, NumPy's, or one-element Arrays)."""
    arrays = (param, grad) + ((velocity,) if velocity is not None else ())
    _arrays("sgd_update", *arrays)
    _float("sgd_update", *arrays)
    lr, momentum = _real("sgd_update", "lr", lr), _real("sgd_update", "momentum", momentum)
    for x in arrays[1:]:
        if x.shape != param.shape:
            raise ValueError(f"sgd_update: shape {x.shape} differs from the parameter's {param.shape}")
    for x in (param,) + arrays[2:]:
        if not x._data.flags.c_contiguous:
            raise ValueError("sgd_update updates in place and needs C-contiguous param and velocity")
        if not getattr(x._data.flags, "writeable", True):  # a NumPy buffer; CuPy's are always writable
            raise ValueError("sgd_update updates in place, and param or velocity is read-only")
    if momentum and velocity is None:
        raise ValueError("sgd_update: momentum needs a velocity array (zeros_like(param) to start)")
    xp = backend(param.device).xp
    if any(xp.may_share_memory(x._data, y._data) for x, y in itertools.combinations(arrays, 2)):
        # the in-place kernels would read what they had written
        raise ValueError("sgd_update: param, grad and velocity must be separate arrays; two share memory")
    kernel("sgd_update", param.device)(param._data, grad._data, lr, momentum,
                                       None if velocity is None else velocity._data)
