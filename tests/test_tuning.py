"""mlpcourse.lr_range_test (lesson 08): a suggestion inside the range, bad settings refused."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

import mlpcourse as mlp


def blobs(n: int = 600) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    y = torch.arange(n) % 3
    X = torch.randn(n, 4, generator=gen) + 2.0 * nn.functional.one_hot(y, 4)[:, :4].float()[:, :4]
    return X, y


def test_range_test_finds_a_rate_inside_the_range_and_leaves_the_model_alone() -> None:
    X, y = blobs()
    torch.manual_seed(0)
    model = mlp.MLP(4, [16], 3)
    before = [p.clone() for p in model.parameters()]
    result = mlp.lr_range_test(model, nn.CrossEntropyLoss(), torch.optim.SGD, X, y, steps=150)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert len(result.lrs) == len(result.losses) <= 150
    assert all(b > a for a, b in zip(result.lrs, result.lrs[1:], strict=False))  # growing
    assert 1e-5 < result.suggestion < 10
    assert result.stopped_early  # SGD up to lr 10 diverges on this problem
    lowest = min(range(len(result.losses)), key=result.losses.__getitem__)
    assert result.suggestion == pytest.approx(result.lrs[lowest] / 10)
    # the loss fell before it rose: the curve has a useful part
    assert result.losses[lowest] < 0.8 * result.losses[0]
    fig = mlp.plot_lr_range_test(result)
    assert fig.axes[0].get_xscale() == "log"
    plt.close(fig)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_lr": 1.0, "max_lr": 0.1}, "min_lr < max_lr"),
        ({"steps": 5}, "at least 10"),
        ({"smoothing": 1.0}, "smoothing"),
    ],
)
def test_range_test_rejects_bad_settings(kwargs: dict, message: str) -> None:
    X, y = blobs(60)
    with pytest.raises(ValueError, match=message):
        mlp.lr_range_test(
            mlp.MLP(4, [8], 3), nn.CrossEntropyLoss(), torch.optim.SGD, X, y, **kwargs
        )


def test_a_non_finite_start_is_an_error() -> None:
    X, y = blobs(60)
    X[0, 0] = math.nan
    with pytest.raises(FloatingPointError, match="lower min_lr"):
        mlp.lr_range_test(
            mlp.MLP(4, [8], 3),
            nn.CrossEntropyLoss(),
            torch.optim.SGD,
            X,
            y,
            batch_size=60,
            steps=10,
        )
