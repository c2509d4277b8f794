"""Tuning: the learning-rate range test (a quick way to find a learning rate worth trying).

Train for a few hundred steps while the learning rate grows exponentially from tiny to huge, and
record the loss at each step: it stays flat while the rate is too small, falls while it is
useful, and blows up once it is too large. A good rate lies well inside the falling part
(Smith, 2017, "Cyclical Learning Rates for Training Neural Networks").
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from mlpcourse.checks import check_task, require_batch_size
from mlpcourse.data.splits import batches

__all__ = ["LRRangeTest", "lr_range_test"]


@dataclass
class LRRangeTest:
    """The record of a learning-rate range test, and the rate it suggests.

    Introduced in lesson 08.

    Attributes
    ----------
    lrs : list of float
        The learning rate of each step.
    losses : list of float
        The training loss of each step, smoothed (exponential moving average, bias-corrected).
    suggestion : float
        The learning rate at the lowest smoothed loss, divided by 10.
    stopped_early : bool
        Whether the loss diverged before ``max_lr`` was reached.
    """

    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    suggestion: float = math.nan
    stopped_early: bool = False


def lr_range_test(
    model: nn.Module,
    loss_fn: nn.Module,
    make_optimizer: Callable[..., torch.optim.Optimizer],
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    min_lr: float = 1e-5,
    max_lr: float = 10.0,
    steps: int = 200,
    batch_size: int = 128,
    smoothing: float = 0.9,
    diverge_factor: float = 4.0,
    seed: int = 0,
) -> LRRangeTest:
    """Run a learning-rate range test on a copy of ``model``; the model itself is not changed.

    The learning rate grows exponentially from ``min_lr`` to ``max_lr`` over ``steps`` minibatch
    steps (cycling through the data as needed); the test stops early once the smoothed loss
    exceeds its lowest value by ``diverge_factor - 1`` times that value's size (for a positive
    loss: ``diverge_factor`` times the lowest value). The data, labels and settings are checked
    like :func:`~mlpcourse.training.fit`'s. Introduced in lesson 08.

    Parameters
    ----------
    model : nn.Module
        The network to test (copied: its weights stay as they are).
    loss_fn : nn.Module
        The loss.
    make_optimizer : callable
        ``make_optimizer(parameters, lr=...)``, e.g. ``torch.optim.SGD`` or a lambda.
    X, y : torch.Tensor
        Training data.
    min_lr, max_lr : float
        The range, with ``0 < min_lr < max_lr``.
    steps : int, default 200
        Minibatch steps (at least 10).
    batch_size : int, default 128
        Examples per step.
    smoothing : float, default 0.9
        Weight of the past in the loss's moving average, in [0, 1).
    diverge_factor : float, default 4.0
        Stop once the smoothed loss exceeds its minimum by ``diverge_factor - 1`` times the
        minimum's size (more than 1).
    seed : int, default 0
        Seeds the order of the batches.

    Returns
    -------
    LRRangeTest
        The learning rates, smoothed losses and the suggested rate.
    """
    if isinstance(make_optimizer, torch.optim.Optimizer) or not callable(make_optimizer):
        raise TypeError(
            "make_optimizer must make an optimizer for the copy the test trains, e.g. "
            "torch.optim.SGD or lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9); "
            f"got {type(make_optimizer).__name__}, which is not a factory"
        )
    check_task(model, loss_fn, X, y, "training")
    require_batch_size(batch_size)
    if not (0 < min_lr < max_lr and math.isfinite(max_lr)):
        raise ValueError(
            f"need 0 < min_lr < max_lr, both finite, got min_lr={min_lr}, max_lr={max_lr}"
        )
    if not diverge_factor > 1:
        raise ValueError(
            f"diverge_factor must be more than 1 (the loss may rise that much), got {diverge_factor}"
        )
    if steps < 10:
        raise ValueError(f"steps must be at least 10 to see a curve, got {steps}")
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
    probe = copy.deepcopy(model)
    probe.train()
    optimizer = make_optimizer(probe.parameters(), lr=min_lr)
    growth = (max_lr / min_lr) ** (1 / (steps - 1))
    generator = torch.Generator().manual_seed(seed)
    device = next(probe.parameters()).device
    result = LRRangeTest()
    average, best = 0.0, math.inf
    step = 0
    while step < steps:
        for xb, yb in batches(X, y, batch_size, generator=generator):
            if step == steps:
                break
            if len(xb) == 1 < len(X):  # a last batch of one row (BatchNorm cannot train on it)
                continue
            lr = min_lr * growth**step
            for group in optimizer.param_groups:
                group["lr"] = lr
            loss = loss_fn(probe(xb.to(device)), yb.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            value = loss.item()
            step += 1
            if not math.isfinite(value):
                result.stopped_early = True
                break
            average = smoothing * average + (1 - smoothing) * value
            smoothed = average / (1 - smoothing**step)
            result.lrs.append(lr)
            result.losses.append(smoothed)
            best = min(best, smoothed)
            if smoothed - best > (diverge_factor - 1) * abs(best):  # also for losses below 0
                result.stopped_early = True
                break
        if result.stopped_early:
            break
    if not result.losses:
        raise FloatingPointError("the loss was not finite even at min_lr: lower min_lr")
    lowest = min(range(len(result.losses)), key=result.losses.__getitem__)
    result.suggestion = result.lrs[lowest] / 10
    return result
