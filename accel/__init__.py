"""accel: the array operations of neural networks, fast on a CPU (Numba) or an NVIDIA GPU (CuPy).

    import accel
    x = accel.asarray(data, device="gpu")   # everything computed from x stays on the GPU
"""
from .array import Array
from .creation import (arange, asarray, empty, empty_like, eye, full, full_like, normal, ones,
                       ones_like, seed, uniform, zeros, zeros_like)
from .devices import Device, DeviceError, default_device, get_default_device, gpu_available
from .dtypes import bool_, float32, float64, int32, int64, uint8
from .elementwise import (abs, add, add_relu, bitwise_and, bitwise_or, bitwise_xor, clip, divide, equal,
                          exp, floor_divide, greater, greater_equal, invert, less, less_equal, log, maximum,
                          minimum, multiply, negative, not_equal, pow, relu, remainder, sqrt, square,
                          subtract, tanh, where)
from .linalg import dot, matmul, tensordot
from .manipulation import (concatenate, expand_dims, flatten, moveaxis, permute_dims, ravel, reshape, squeeze,
                           stack, swapaxes, transpose)
from .nn import (bias_relu, bias_relu_backward, relu_backward, sgd_update, softmax,
                 softmax_backward, softmax_cross_entropy)
from .reduce import all, any, argmax, argmin, max, mean, min, std, sum, var


def synchronize(device: "str | Device | None" = None) -> None:
    """Wait until every kernel queued on ``device`` (default: the default device) has finished."""
    from .devices import backend, resolve
    backend(resolve(device)).synchronize()


__version__ = "0.1.0"
