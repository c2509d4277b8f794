"""Minibatches and splits of in-memory tensors.

The course's data pipeline for data that fits in memory; lesson 09 shows torch's ``Dataset``
and ``DataLoader`` for the general case.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

from mlpcourse.checks import require_batch_size, validate_same_length

__all__ = ["batches", "train_val_split"]


def batches(
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    shuffle: bool = True,
    generator: torch.Generator | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield minibatches ``(X[idx], y[idx])`` of in-memory tensors; no per-sample Python work.

    Introduced in lesson 03.

    Parameters
    ----------
    X, y : torch.Tensor
        Inputs and targets, one row per example.
    batch_size : int
        Examples per batch (at least 1).
    shuffle : bool, default True
        A new random order each call.
    generator : torch.Generator, optional
        Seeds the order.
    drop_last : bool, default False
        Drop a last batch smaller than ``batch_size``.

    Yields
    ------
    tuple of torch.Tensor
        ``(X_batch, y_batch)``.
    """
    validate_same_length(X, y)
    require_batch_size(batch_size)
    n = len(X)
    order = torch.randperm(n, generator=generator).to(X.device) if shuffle else None
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        if order is None:
            yield X[start : start + batch_size], y[start : start + batch_size]
        else:
            idx = order[start : start + batch_size]
            yield X[idx], y[idx.to(y.device)]


def train_val_split(
    X: torch.Tensor, y: torch.Tensor, val_fraction: float = 0.1, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Randomly split (X, y) into ``(X_train, X_val, y_train, y_val)``, scikit-learn's order.

    The held-out part serves as a validation set while choices are made, or as a test set: name
    the results accordingly. Introduced in lesson 01.

    Parameters
    ----------
    X, y : torch.Tensor
        Inputs and targets, one row per example.
    val_fraction : float, default 0.1
        Fraction of the examples held out, strictly between 0 and 1.
    seed : int, default 0
        Seed of the random permutation (the same seed gives the same split).

    Returns
    -------
    tuple of torch.Tensor
        ``(X_train, X_val, y_train, y_val)``.
    """
    validate_same_length(X, y)
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction}")
    n_val = int(round(len(X) * val_fraction))
    if n_val == 0 or n_val == len(X):
        raise ValueError(f"val_fraction={val_fraction} of {len(X)} examples leaves an empty split")
    perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    return X[train_idx], X[val_idx], y[train_idx], y[val_idx]
