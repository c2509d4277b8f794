"""Evaluation: predictions, the loss and metrics of a trained model, and checks of their inputs."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from mlpcourse.checks import (
    model_device,
    require_batch_size,
    require_tensor,
    validate_labels,
    validate_same_length,
)

MetricFn = Callable[[torch.Tensor, torch.Tensor], float]

__all__ = [
    "MetricFn",
    "accuracy",
    "accuracy_se",
    "confusion_matrix",
    "evaluate",
    "predict",
]


def _n_correct(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Count correct predictions as a tensor on the logits' device (no checks, no sync)."""
    if logits.ndim == 2 and logits.shape[1] > 1:
        if y.ndim == 2 and y.shape == logits.shape:  # soft or one-hot targets: their argmax
            return (logits.argmax(dim=1) == y.argmax(dim=1)).sum()
        return (logits.argmax(dim=1) == y).sum()
    return ((logits.reshape(-1) > 0).to(y.dtype) == y.reshape(-1)).sum()


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Return the fraction of correct predictions: argmax over classes, or logit > 0 for one output.

    Introduced in lesson 01.

    Parameters
    ----------
    logits : torch.Tensor
        Model outputs, (N, C) for C classes or (N, 1) / (N,) for a binary classifier.
    y : torch.Tensor
        True labels: class indices (N,), or 0/1 for one output; soft or one-hot targets
        (N, C) count as their argmax.

    Returns
    -------
    float
        Correct predictions divided by N.
    """
    validate_same_length(logits, y, "logits and y")
    if logits.ndim == 2 and logits.shape[1] > 1 and not (y.ndim == 2 and y.shape == logits.shape):
        validate_labels(y, logits.shape[1])
    return _n_correct(logits, y).item() / max(len(y), 1)


def accuracy_se(p: float, n: int) -> float:
    """Return the standard error of an accuracy ``p`` measured on ``n`` examples.

    Introduced in lesson 02. The count of correct answers is binomial, so the standard error is
    ``sqrt(p (1 - p) / n)``: an accuracy measured on a few hundred points moves by about this much
    by chance alone.

    Parameters
    ----------
    p : float
        The measured accuracy, between 0 and 1.
    n : int
        How many examples it was measured on, at least 1.

    Returns
    -------
    float
        The binomial standard error.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p is an accuracy and must be between 0 and 1, got {p}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n is a number of examples and must be an int of at least 1, got {n!r}")
    return math.sqrt(p * (1 - p) / n)


def confusion_matrix(y_true: torch.Tensor, y_pred: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Return the (C, C) count matrix: rows are true classes, columns predicted classes.

    Introduced in lesson 04.

    Parameters
    ----------
    y_true, y_pred : torch.Tensor
        Class indices 0..C-1, one per example.
    num_classes : int
        C.

    Returns
    -------
    torch.Tensor
        int64 counts; entry (i, j) counts examples of class i predicted as j.
    """
    validate_same_length(y_true, y_pred, "y_true and y_pred")
    validate_labels(y_true, num_classes, "y_true")
    validate_labels(y_pred, num_classes, "y_pred")
    flat = y_true.cpu() * num_classes + y_pred.cpu()
    return torch.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)


@torch.no_grad()
def predict(
    model: nn.Module,
    X: torch.Tensor,
    batch_size: int = 4096,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Return the model's outputs (logits) for ``X`` in eval mode, without gradients, on the CPU.

    Introduced in lesson 01.

    Parameters
    ----------
    model : nn.Module
        The trained model (its train/eval mode is restored afterwards).
    X : torch.Tensor
        Inputs, one row per example.
    batch_size : int, default 4096
        Rows per forward pass (bounds memory).
    device : torch.device or str, optional
        Where to run; default: where the model's parameters are.

    Returns
    -------
    torch.Tensor
        The outputs, one row per example, on the CPU.

    Raises
    ------
    TypeError
        When ``X`` is not a tensor (a NumPy array, say): the message says how to convert.
    ValueError
        When ``X`` is empty or ``batch_size`` is not a positive integer.
    """
    require_tensor(X, "X")
    if len(X) == 0:
        raise ValueError("X is empty: there is nothing to predict (check the split or the filter)")
    require_batch_size(batch_size)
    device = torch.device(device) if device is not None else model_device(model)
    was_training = model.training
    model.eval()
    try:
        out = [model(X[i : i + batch_size].to(device)).cpu() for i in range(0, len(X), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(out)


def evaluate(
    model: nn.Module,
    loss_fn: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    metric: MetricFn | None = accuracy,
    batch_size: int = 4096,
) -> tuple[float, float]:
    """Return (mean loss, metric) of ``model`` on (X, y), in eval mode without gradients.

    Introduced in lesson 04.

    Parameters
    ----------
    model : nn.Module
        The model.
    loss_fn : nn.Module
        The loss, e.g. ``nn.CrossEntropyLoss()``.
    X, y : torch.Tensor
        Inputs and targets.
    metric : callable or None, default accuracy
        ``metric(logits, y) -> float``; None gives NaN.
    batch_size : int, default 4096
        Rows per forward pass.

    Returns
    -------
    tuple[float, float]
        The mean loss and the metric.

    Raises
    ------
    TypeError
        When ``X`` or ``y`` is not a tensor.
    ValueError
        When they are empty or differ in length.
    """
    require_tensor(X, "X")
    require_tensor(y, "y")
    validate_same_length(X, y)
    if len(X) == 0:
        raise ValueError("X and y are empty: there is nothing to evaluate")
    logits = predict(model, X, batch_size=batch_size)
    y = y.cpu()
    loss = loss_fn(logits, y).item()
    return loss, (metric(logits, y) if metric is not None else float("nan"))
