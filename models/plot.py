"""The --plot figure: test digits with predicted and true labels beside the training curves."""
from __future__ import annotations

import numpy as np


def plot_results(path: str, images: np.ndarray, labels: np.ndarray, predicted: np.ndarray,
                 history: list[dict[str, float]]) -> None:
    """Save a PNG: a 4x4 grid of digits (mistakes in red) and loss/accuracy per epoch."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(12, 5), layout="constrained")
    digits, curves = fig.subfigures(1, 2, width_ratios=[1, 1.3])
    for i, ax in enumerate(digits.subplots(4, 4).ravel()):
        ax.axis("off")
        if i >= len(images):
            continue
        ax.imshow(images[i], cmap="gray_r")
        wrong = predicted[i] != labels[i]
        ax.set_title(f"pred {predicted[i]} / true {labels[i]}" + (" ✗" if wrong else ""),
                     color="red" if wrong else "black", fontsize=9)
    digits.suptitle("test digits")
    loss_ax, acc_ax = curves.subplots(1, 2)
    epochs = [h["epoch"] for h in history]
    for key, ax in (("loss", loss_ax), ("accuracy", acc_ax)):
        ax.plot(epochs, [h[key] for h in history], "o-", label="train")
        if history and f"val_{key}" in history[0]:
            ax.plot(epochs, [h[f"val_{key}"] for h in history], "s-", label="test")
        ax.set_xlabel("epoch")
        ax.set_title(key)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.savefig(path, dpi=100)
    plt.close(fig)
