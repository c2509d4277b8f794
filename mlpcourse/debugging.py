"""Debugging a training run: the cheap checks to make before a long one (for lesson 11).

Two of Karpathy's "recipe" checks, measured rather than eyeballed: the loss at initialization
against what chance predicts (:func:`initial_loss_check`: ``ln C`` for ``C`` balanced classes),
and whether the model can drive the loss on one small batch to near zero
(:func:`overfit_one_batch`). The update-to-weight ratio lives in ``diagnostics``
(:func:`mlpcourse.update_ratios`); :func:`gradient_check` compares autograd with finite
differences. Introduced in lesson 11.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from mlpcourse.checks import check_optimizer, require_positive_int, require_tensor

__all__ = [
    "GradientCheck",
    "InitialLoss",
    "OneBatchFit",
    "gradient_check",
    "initial_loss_check",
    "overfit_one_batch",
]


@dataclass(frozen=True)
class InitialLoss:
    """The loss of an untrained classifier against chance's ``ln C``.

    Introduced in lesson 11.

    Attributes
    ----------
    loss : float
        The measured cross-entropy.
    expected : float
        ``ln C`` for ``C`` classes.
    tolerance : float
        How far from ``expected`` still counts as chance.
    """

    loss: float
    expected: float
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
    """The losses of training on one fixed batch, step by step.

    Introduced in lesson 11.

    Attributes
    ----------
    losses : tuple of float
        The loss of every step, before its update.
    """

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
    evaluation mode for the measurement and back in the mode it was in. Introduced in lesson 11.

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
    step: Callable[[nn.Module, torch.optim.Optimizer, nn.Module, torch.Tensor, torch.Tensor], float]
    | None = None,
) -> OneBatchFit:
    """Train on one fixed batch for ``steps`` steps and return the loss of every step.

    A network that cannot drive the loss on a few dozen examples to near zero has a bug (a
    missing ``zero_grad`` under plain SGD, a detached tensor, a learning rate far off) or no
    capacity; this takes seconds and rules both out before a long run. The model is trained.
    Introduced in lesson 11.

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
    step : callable, optional
        Your own training step, ``step(model, optimizer, loss_fn, X, y) -> loss`` (the loss
        before the update, a float): pass the step your training loop uses, so that the check
        runs *your* code. Default: forward, loss, ``zero_grad``, ``backward``, ``step``.

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
    step = step if step is not None else _plain_step
    if not callable(step):
        raise TypeError(
            f"step must be a function step(model, optimizer, loss_fn, X, y), got {step!r}"
        )
    model.train()
    losses = []
    for _ in range(steps):
        loss = step(model, optimizer, loss_fn, X, y)
        loss = loss.item() if isinstance(loss, torch.Tensor) else loss
        if not isinstance(loss, (int, float)):
            raise TypeError(f"step must return the loss as a float, got {loss!r}")
        if not math.isfinite(loss):
            raise FloatingPointError(
                f"the loss became {loss} after {len(losses)} steps on one batch: lower the "
                "learning rate, or look for a bug that makes the updates grow"
            )
        losses.append(float(loss))
    return OneBatchFit(losses=tuple(losses))


def _plain_step(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    loss_fn: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
) -> float:
    loss = loss_fn(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


@dataclass(frozen=True)
class GradientCheck:
    """Autograd's gradient against finite differences, on a few entries of every parameter.

    Introduced in lesson 11.

    Attributes
    ----------
    max_relative_error : float
        The largest ``|a - n| / (|a| + |n|)`` over the compared entries.
    entries : int
        How many parameter entries were compared.
    tolerance : float
        The largest error that still counts as agreement.
    worst : str
        The parameter and entry with the largest error, e.g. ``"0.weight[17]"``.
    """

    max_relative_error: float
    entries: int
    tolerance: float
    worst: str

    @property
    def ok(self) -> bool:
        """Whether every compared entry agrees within ``tolerance``."""
        return self.max_relative_error <= self.tolerance

    def __str__(self) -> str:
        verdict = (
            "autograd and finite differences agree"
            if self.ok
            else f"they disagree, worst at {self.worst}: look at hand-written backward passes "
            "and at anything that detaches a tensor"
        )
        return (
            f"gradient check on {self.entries} entries: largest relative error "
            f"{self.max_relative_error:.1e} (tolerance {self.tolerance:.0e}): {verdict}"
        )


def gradient_check(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    loss_fn: nn.Module | None = None,
    entries: int = 8,
    eps: float = 1e-6,
    tolerance: float = 1e-4,
    generator: torch.Generator | None = None,
) -> GradientCheck:
    """Compare autograd's gradient of the loss with central finite differences, in float64.

    A copy of the model in float64 and in evaluation mode (dropout off) computes the loss on a
    small batch; for ``entries`` randomly chosen entries of every parameter, the gradient
    ``backward()`` gives is compared with ``(L(w + eps) - L(w - eps)) / (2 eps)``. The relative
    error ``|a - n| / (|a| + |n|)`` is near 1e-8 when the two agree; above ``tolerance`` a
    hand-written backward pass is wrong or something cuts the graph. Entries a thousand times
    smaller than the largest gradient compared are measured against a thousandth of it instead,
    since finite differences cannot resolve them better than the loss's rounding allows. Keep the
    batch small (a few examples): every entry costs two forward passes. The model itself is not
    changed.
    Introduced in lesson 11.

    Parameters
    ----------
    model : nn.Module
        The network (any custom layers must accept float64).
    X, y : torch.Tensor
        A small batch and its targets.
    loss_fn : nn.Module, optional
        The loss (default: ``nn.CrossEntropyLoss()``).
    entries : int, default 8
        Entries compared per parameter tensor (all of them if it has fewer).
    eps : float, default 1e-6
        The finite-difference step.
    tolerance : float, default 1e-4
        The largest relative error that still counts as agreement (kinks such as ReLU's can
        give up to about 1e-4 where a step crosses them).
    generator : torch.Generator, optional
        Picks the entries, for a repeatable check.

    Returns
    -------
    GradientCheck
        ``max_relative_error``, ``entries``, ``tolerance``, ``worst`` and ``ok``; printing it says
        what to look at.
    """
    require_tensor(X, "X")
    require_tensor(y, "y")
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(
            f"X has {len(X)} rows and y has {len(y)}: pass a small non-empty batch, one target "
            "per example"
        )
    require_positive_int(entries, "entries", 8)
    for name, value in (("eps", eps), ("tolerance", tolerance)):
        if not (isinstance(value, (int, float)) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    loss_fn = loss_fn if loss_fn is not None else nn.CrossEntropyLoss()
    device = next(model.parameters()).device
    twin = copy.deepcopy(model).double().eval()
    X = X.to(device).double()
    y = y.to(device).double() if y.is_floating_point() else y.to(device)
    params = [(name, p) for name, p in twin.named_parameters() if p.requires_grad]
    twin.zero_grad()
    loss_fn(twin(X), y).backward()
    pairs: list[tuple[str, float, float]] = []  # (entry, autograd, finite differences)
    with torch.no_grad():
        for name, p in params:
            grad = p.grad if p.grad is not None else torch.zeros_like(p)
            flat, flat_grad = p.view(-1), grad.reshape(-1)
            picks = torch.randperm(flat.numel(), generator=generator)[:entries]
            for i in picks.tolist():
                original = flat[i].item()
                flat[i] = original + eps
                up = loss_fn(twin(X), y).item()
                flat[i] = original - eps
                down = loss_fn(twin(X), y).item()
                flat[i] = original
                pairs.append((f"{name}[{i}]", flat_grad[i].item(), (up - down) / (2 * eps)))
    # an entry far smaller than the largest is compared against a thousandth of the largest:
    # finite differences cannot resolve it better than the loss's rounding allows
    floor = max(1e-3 * max(abs(a) for _, a, _ in pairs), 1e-12)
    errors = [(abs(a - n) / max(abs(a) + abs(n), floor), entry) for entry, a, n in pairs]
    worst_error, worst = max(errors)
    return GradientCheck(
        max_relative_error=worst_error, entries=len(pairs), tolerance=float(tolerance), worst=worst
    )
