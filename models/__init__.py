"""Models built on accel: the MNIST loader and a manual-backprop MLP."""
