"""Cold start, each in a fresh interpreter: ``import accel``, and the first call of an op
(Numba loading its cached machine code, or compiling it when the cache is empty)."""
from __future__ import annotations


class Startup:
    def timeraw_import_accel(self):
        return "import accel"

    def timeraw_first_add(self):
        return "x = accel.ones((20, 100)); x + x", "import accel"

    def timeraw_first_train_step(self):
        return ("train_step(model, SGD(0.05, 0.9), x, y)",
                "import accel\n"
                "from models.network import SGD, mlp, train_step\n"
                "model = mlp()\n"
                "x, y = accel.zeros((128, 784)), accel.zeros(128, dtype='int64')")
