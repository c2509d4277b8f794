"""Generated toy data: students who pass or fail (lesson 01) and two moons (lessons 02-03)."""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["make_moons_split", "make_students", "student_pass_probability"]


def make_students(n: int = 400, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate ``n`` students: X = [hours studied, hours slept] (float32), y = passed (n, 1).

    Introduced in lesson 01. Hours studied are uniform on 0-10 and hours slept uniform on 4-10.
    A student passes when

        studied - 1.5 - 1.5 * (slept - 7.5)**2 + noise > 0,   noise ~ N(0, 1):

    studying helps, and sleep helps up to 7.5 hours, after which more sleep hurts as much as
    less: too little *and* too much sleep both raise the hours of study needed to pass. The
    boundary is a parabola, so no straight line separates the classes well (a model without a
    hidden layer is measurably worse). About 45% of students pass.

    Parameters
    ----------
    n : int, default 400
        How many students.
    seed : int, default 0
        The same seed gives the same students.

    Returns
    -------
    tuple of torch.Tensor
        ``X`` (n, 2) and ``y`` (n, 1) of 0.0/1.0, shaped for ``BCEWithLogitsLoss``.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    gen = torch.Generator().manual_seed(seed)
    studied = torch.rand(n, generator=gen) * 10.0  # 0-10 hours of study
    slept = 4.0 + torch.rand(n, generator=gen) * 6.0  # 4-10 hours of sleep
    # Study helps; sleep helps up to 7.5 hours, then hurts; luck (noise) blurs the boundary.
    score = studied - _study_needed(slept) + torch.randn(n, generator=gen) * 1.0
    X = torch.stack([studied, slept], dim=1)
    y = (score > 0).float().unsqueeze(1)
    return X, y


def make_moons_split(
    n_samples: int = 1000, noise: float = 0.2, test_size: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Two-moons data split into ``(X_train, X_test, y_train, y_test)``, stratified.

    Introduced in lesson 02.

    Parameters
    ----------
    n_samples : int, default 1000
        Points in all.
    noise : float, default 0.2
        Standard deviation of the Gaussian noise added to the moons.
    test_size : float, default 0.25
        Fraction held out.
    seed : int, default 0
        Seeds the data and the split.

    Returns
    -------
    tuple of numpy.ndarray
        ``(X_train, X_test, y_train, y_test)``, scikit-learn's order.
    """
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)


def _study_needed(slept: torch.Tensor) -> torch.Tensor:
    """Hours of study at which a student who slept ``slept`` hours passes half the time."""
    return 1.5 + 1.5 * (slept - 7.5) ** 2


def student_pass_probability(X: torch.Tensor) -> torch.Tensor:
    """Return the probability that :func:`make_students`'s rule passes each student of ``X``.

    Introduced in lesson 01. The rule passes a student when
    ``studied - 1.5 - 1.5 * (slept - 7.5)**2 + noise > 0`` with ``noise ~ N(0, 1)``, so the
    probability is the standard normal CDF of ``studied - 1.5 - 1.5 * (slept - 7.5)**2``. It is
    the best any model can predict; a model learns it only from the students, never from here.

    Parameters
    ----------
    X : torch.Tensor
        (n, 2) rows of [hours studied, hours slept], in hours (not standardized).

    Returns
    -------
    torch.Tensor
        (n,) probabilities of passing, float32.
    """
    X = torch.as_tensor(X, dtype=torch.float32)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"X must have shape (n, 2): [hours studied, hours slept] per row, got {tuple(X.shape)}"
        )
    studied, slept = X[:, 0], X[:, 1]
    return torch.special.ndtr(studied - _study_needed(slept))
