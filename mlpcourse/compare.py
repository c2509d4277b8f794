"""Comparing two settings the way a statistician would: paired, with the difference's error.

Two models scored on the *same* validation points are compared point by point: how many points
one gets right and the other wrong, and the standard error of the difference of their accuracies
(:func:`compare_paired`). Two settings trained under the *same* seeds are compared seed by seed:
the mean difference and its standard error, with the ddof stated (:func:`compare_seeds`).
:func:`mean_se` is the one mean ± standard error of a list of runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from mlpcourse.checks import require_tensor, validate_same_length

__all__ = [
    "MeanSE",
    "PairedComparison",
    "SeedComparison",
    "compare_paired",
    "compare_seeds",
    "mean_se",
]


@dataclass(frozen=True)
class MeanSE:
    """A mean over runs with its standard error: ``sd / sqrt(n)``, sd with ``ddof``."""

    mean: float
    se: float
    sd: float
    n: int
    ddof: int

    def __str__(self) -> str:
        return f"{self.mean:.4f} ± {self.se:.4f} (standard error, n = {self.n}, ddof = {self.ddof})"


@dataclass(frozen=True)
class PairedComparison:
    """Two models on the same points: accuracies, disagreements and the difference's error."""

    n: int
    accuracy_a: float
    accuracy_b: float
    only_a_right: int
    only_b_right: int
    difference: float  # accuracy_a - accuracy_b
    se_difference: float

    def __str__(self) -> str:
        return (
            f"A {self.accuracy_a:.4f}, B {self.accuracy_b:.4f} on {self.n} points: A - B = "
            f"{self.difference:+.4f} ± {self.se_difference:.4f} (paired standard error); only A "
            f"right on {self.only_a_right}, only B right on {self.only_b_right}"
        )


@dataclass(frozen=True)
class SeedComparison:
    """Two settings under the same seeds: the mean of the differences and its standard error."""

    differences: tuple[float, ...]
    mean_difference: float
    se: float
    ddof: int

    def __str__(self) -> str:
        return (
            f"A - B = {self.mean_difference:+.4f} ± {self.se:.4f} over {len(self.differences)} "
            f"seeds (standard error of the mean difference, ddof = {self.ddof})"
        )


def _finite_floats(values: Sequence[float], name: str) -> list[float]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(
            f"{name} must be a list of numbers, one per run, got {type(values).__name__}"
        )
    floats = [float(v) for v in values]
    if not all(math.isfinite(v) for v in floats):
        raise ValueError(f"{name} holds NaN or infinite values: {floats}")
    return floats


def mean_se(values: Sequence[float], ddof: int = 1) -> MeanSE:
    """Return the mean of ``values`` with its standard error ``sd / sqrt(n)``.

    Parameters
    ----------
    values : sequence of float
        One number per run (a seed, a fold).
    ddof : int, default 1
        Delta degrees of freedom of the sd: 1 for the sample standard deviation (the usual
        choice for a few runs), 0 for the population one.

    Introduced in lesson 01.

    Returns
    -------
    MeanSE
        ``mean``, ``se``, ``sd``, ``n`` and ``ddof``; printing it says which ddof.
    """
    floats = _finite_floats(values, "values")
    if ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 or 1, got {ddof!r}")
    if len(floats) < ddof + 1 or len(floats) < 2:
        raise ValueError(
            f"a standard error needs at least 2 runs, got {len(floats)}: run more seeds"
        )
    n = len(floats)
    mean = sum(floats) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in floats) / (n - ddof))
    return MeanSE(mean=mean, se=sd / math.sqrt(n), sd=sd, n=n, ddof=ddof)


def compare_paired(
    y_true: torch.Tensor, pred_a: torch.Tensor, pred_b: torch.Tensor
) -> PairedComparison:
    """Compare two models' predictions on the same points, paired.

    The standard error of the difference of two accuracies measured on the same ``n`` points is
    ``sqrt((b + c) - (b - c)**2 / n) / n``, where ``b`` points only A gets right and ``c`` only B:
    the points both get right or both get wrong say nothing about which model is better. It is
    usually far smaller than one accuracy's own standard error.

    Introduced in lesson 02.

    Parameters
    ----------
    y_true : torch.Tensor
        The labels, 1-D.
    pred_a, pred_b : torch.Tensor
        Each model's predicted labels (not logits), 1-D, the same length.

    Returns
    -------
    PairedComparison
        Accuracies, the two disagreement counts, ``difference`` (A - B) and ``se_difference``.
    """
    for name, t in (("y_true", y_true), ("pred_a", pred_a), ("pred_b", pred_b)):
        require_tensor(t, name)
        if t.ndim != 1:
            raise ValueError(
                f"{name} must be 1-D labels, got shape {tuple(t.shape)}: pass predicted labels, "
                "e.g. logits.argmax(dim=1), not logits"
            )
        if t.is_floating_point():
            raise ValueError(f"{name} holds floats: pass class labels (integers)")
    validate_same_length(y_true, pred_a, "y_true and pred_a")
    validate_same_length(y_true, pred_b, "y_true and pred_b")
    n = len(y_true)
    if n == 0:
        raise ValueError("no points to compare")
    right_a, right_b = pred_a.cpu() == y_true.cpu(), pred_b.cpu() == y_true.cpu()
    b = int((right_a & ~right_b).sum())
    c = int((right_b & ~right_a).sum())
    return PairedComparison(
        n=n,
        accuracy_a=right_a.double().mean().item(),
        accuracy_b=right_b.double().mean().item(),
        only_a_right=b,
        only_b_right=c,
        difference=(b - c) / n,
        se_difference=math.sqrt(max((b + c) - (b - c) ** 2 / n, 0.0)) / n,
    )


def compare_seeds(
    scores_a: Sequence[float], scores_b: Sequence[float], ddof: int = 1
) -> SeedComparison:
    """Compare two settings run under the same seeds: the mean difference and its error.

    ``scores_a[i]`` and ``scores_b[i]`` must come from the same seed (same split, same start),
    so the differences pair them; their mean's standard error is ``sd(differences) / sqrt(k)``.
    Introduced in lesson 03.

    Parameters
    ----------
    scores_a, scores_b : sequence of float
        One score per seed, in the same seed order.
    ddof : int, default 1
        Delta degrees of freedom of the sd of the differences.

    Returns
    -------
    SeedComparison
        The differences, their mean (A - B), its standard error and the ddof.
    """
    a = _finite_floats(scores_a, "scores_a")
    b = _finite_floats(scores_b, "scores_b")
    if len(a) != len(b):
        raise ValueError(
            f"scores_a has {len(a)} seeds and scores_b {len(b)}: pair each seed's two scores"
        )
    diffs = [x - y for x, y in zip(a, b, strict=True)]
    summary = mean_se(diffs, ddof=ddof)
    return SeedComparison(
        differences=tuple(diffs), mean_difference=summary.mean, se=summary.se, ddof=ddof
    )
