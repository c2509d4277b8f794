"""Debugging a training run: the cheap checks to make before a long one (for lesson 11).

Two of Karpathy's "recipe" checks, measured rather than eyeballed: the loss at initialization
against what chance predicts (:func:`initial_loss_check`: ``ln C`` for ``C`` balanced classes),
and whether the model can drive the loss on one small batch to near zero
(:func:`overfit_one_batch`). The update-to-weight ratio lives in ``diagnostics``
(:func:`mlpcourse.update_ratios`). Not yet on the ``mlp.`` namespace: lesson 11 will put them there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from mlpcourse.checks import check_optimizer, require_positive_int, require_tensor

__all__ = ["InitialLoss", "OneBatchFit", "initial_loss_check", "overfit_one_batch"]


@dataclass(frozen=True)
class InitialLoss:
    """The loss of an untrained classifier against chance's ``ln C``."""

    loss: float
    expected: float  # ln(number of classes)
    tolerance: float

    @property
    def ok(self) -> bool:
        """Whether the loss is within ``tolerance`` of ``expected``."""
        return abs(self.loss - self.expected) <= self.tolerance

    def __str__(self) -> str:
        verdict = (
            "as chance predicts"
            if self.ok
            else "far from chance: check the last layer's initialization, the labels and the loss"
        )
        return f"initial loss {self.loss:.4f} against ln C = {self.expected:.4f}: {verdict}"


@dataclass(frozen=True)
class OneBatchFit:
    """The losses of training on one fixed batch, step by step."""

    losses: tuple[float, ...]

    @property
    def final_loss(self) -> float:
        """The loss after the last step."""
        return self.losses[-1]


def _classification_batch(X: object, y: object) -> None:
    require_tensor(X, "X")
    require_tensor(y, "y")
    if len(X) != len(y):  # type: ignore[arg-type]
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}: one label per example")  # type: ignore[arg-type]
    if len(X) == 0:  # type: ignore[arg-type]
        raise ValueError("X is empty: pass a batch of examples")
    if y.is_floating_point() or y.ndim != 1:  # type: ignore[union-attr]
        raise ValueError("y must be 1-D integer class labels, as nn.CrossEntropyLoss takes them")


def initial_loss_check(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, tolerance: float = 0.1
) -> InitialLoss:
    """Compare an untrained classifier's cross-entropy on a batch with ``ln C``.

    With ``C`` balanced classes and small random weights, every class gets a probability near
    ``1/C``, so the loss is near ``ln C``; far above it, the network starts confidently wrong (a
    last layer initialized too large, labels that do not match the outputs). The model is put in
    evaluation mode for the measurement and back in the mode it was in.

    Parameters
    ----------
    model : nn.Module
        A classifier returning one logit per class.
    X : torch.Tensor
        A batch of inputs.
    y : torch.Tensor
        Their class labels, 1-D integers.
    tolerance : float, default 0.1
        How far from ``ln C`` still counts as chance.

    Returns
    -------
    InitialLoss
        ``loss``, ``expected`` (``ln C``), ``tolerance`` and ``ok``; printing it says what to check.
    """
    _classification_batch(X, y)
    if not (isinstance(tolerance, (int, float)) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive number such as 0.1, got {tolerance!r}")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(X.to(device))
    finally:
        model.train(was_training)
    if logits.ndim != 2 or logits.shape[1] < 2:
        raise ValueError(
            f"the model returned shape {tuple(logits.shape)}: a classifier returns "
            "(batch, classes) logits, two classes or more"
        )
    loss = nn.functional.cross_entropy(logits, y.to(device)).item()
    return InitialLoss(loss=loss, expected=math.log(logits.shape[1]), tolerance=float(tolerance))


def overfit_one_batch(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    X: torch.Tensor,
    y: torch.Tensor,
    steps: int = 200,
    loss_fn: nn.Module | None = None,
) -> OneBatchFit:
    """Train on one fixed batch for ``steps`` steps and return the loss of every step.

    A network that cannot drive the loss on a few dozen examples to near zero has a bug (a
    missing ``zero_grad`` under plain SGD, a detached tensor, a learning rate far off) or no
    capacity; this takes seconds and rules both out before a long run. The model is trained.

    Parameters
    ----------
    model : nn.Module
        The network to train.
    optimizer : torch.optim.Optimizer
        An optimizer over its parameters.
    X, y : torch.Tensor
        The batch (keep it small: 16 to 64 examples) and its integer class labels.
    steps : int, default 200
        Training steps on that batch.
    loss_fn : nn.Module, optional
        The loss (default: ``nn.CrossEntropyLoss()``).

    Returns
    -------
    OneBatchFit
        ``losses`` (one per step, before its update) and ``final_loss`` (the last).
    """
    _classification_batch(X, y)
    check_optimizer(model, optimizer)
    require_positive_int(steps, "steps", 200)
    loss_fn = loss_fn if loss_fn is not None else nn.CrossEntropyLoss()
    device = next(model.parameters()).device
    X, y = X.to(device), y.to(device)
    model.train()
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(X), y)
        if not torch.isfinite(loss):
            raise FloatingPointError(
                f"the loss became {loss.item()} after {len(losses)} steps on one batch: lower the "
                "learning rate"
            )
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return OneBatchFit(losses=tuple(losses))
