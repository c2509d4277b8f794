"""Tuning: finding a learning rate. A sweep that brackets its best value, and the range test.

:func:`sweep` scores a grid of values and, while the best sits at an edge of the grid, extends the
grid past that edge: a best value at the edge says only that the optimum may lie beyond it.

The range test (:func:`lr_range_test`) trains for a few hundred steps while the learning rate
grows exponentially from tiny to huge, and records the loss at each step: it stays flat while the rate is too small, falls while it is
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

__all__ = ["LRRangeTest", "Sweep", "lr_range_test", "sweep"]


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


@dataclass
class Sweep:
    """The scores of a sweep over one setting, and whether its best value is bracketed.

    Introduced in lesson 04.

    Attributes
    ----------
    scores : dict of float to float
        Value -> score, in increasing order of value.
    best : float
        The value with the best score.
    bracketed : bool
        Whether a worse value was tried on both sides of ``best`` (False: the grid was extended
        ``max_extensions`` times and the best still sits at an edge).
    minimize : bool
        Whether lower scores are better.
    """

    scores: dict[float, float]
    best: float
    bracketed: bool
    minimize: bool

    def __str__(self) -> str:
        listed = ", ".join(f"{v:g}: {s:.3f}" for v, s in self.scores.items())
        edge = "" if self.bracketed else " (at the edge of the grid: the best may lie beyond)"
        return f"{listed}  -> {self.best:g}{edge}"


def sweep(
    score: Callable[[float], float],
    values: list[float],
    factor: float = 3.0,
    max_extensions: int = 3,
    minimize: bool = True,
) -> Sweep:
    """Score each value; while the best sits at an edge of the grid, try one more beyond it.

    A learning rate (or any scale) chosen from a grid is only known to be the best nearby when a
    worse value was tried on each side of it. When the best is the smallest (largest) value
    tried, the next one below (above) it, ``factor`` times smaller (larger), is scored too, up to
    ``max_extensions`` extra values. A score that is NaN or infinite (a run that diverged) counts
    as the worst. Introduced in lesson 04.

    Parameters
    ----------
    score : callable
        Value -> score (for example a learning rate -> the final validation loss of a run).
    values : list of float
        The starting grid, at least 2 distinct positive values.
    factor : float, default 3.0
        How far beyond the edge the next value lies (a ratio, above 1).
    max_extensions : int, default 3
        The most extra values to try.
    minimize : bool, default True
        Whether lower scores are better (a loss) or higher (an accuracy).

    Returns
    -------
    Sweep
        The scores, the best value and whether it is bracketed.
    """
    grid = sorted({float(v) for v in values})
    if len(grid) < 2 or any(not math.isfinite(v) or v <= 0 for v in grid):
        raise ValueError(
            f"values must hold at least 2 distinct positive numbers, such as [0.01, 0.03, 0.1]; "
            f"got {values!r}"
        )
    if not (isinstance(factor, (int, float)) and factor > 1):
        raise ValueError(
            f"factor must be a number above 1 (3 steps by about half a decade), got {factor!r}"
        )
    if not isinstance(max_extensions, int) or max_extensions < 0:
        raise ValueError(
            f"max_extensions must be a whole number of at least 0, got {max_extensions!r}"
        )
    worst = math.inf if minimize else -math.inf

    def ranked(value: float) -> float:
        s = float(score(value))
        return s if math.isfinite(s) else worst

    scores = {v: ranked(v) for v in grid}
    for _ in range(max_extensions + 1):
        ordered = sorted(scores)
        best = (min if minimize else max)(ordered, key=lambda v: scores[v])
        if best not in (ordered[0], ordered[-1]):
            break
        if len(scores) - len(grid) == max_extensions:
            break
        beyond = ordered[0] / factor if best == ordered[0] else ordered[-1] * factor
        scores[beyond] = ranked(beyond)
    ordered = sorted(scores)
    best = (min if minimize else max)(ordered, key=lambda v: scores[v])
    return Sweep(
        scores={v: scores[v] for v in ordered},
        best=best,
        bracketed=best not in (ordered[0], ordered[-1]),
        minimize=minimize,
    )
