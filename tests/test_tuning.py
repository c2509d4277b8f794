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
    X[0, 0] = math.nan  # NaN in the inputs is the data's fault, not the learning rate's
    with pytest.raises(ValueError, match="NaN or infinite values in 1 row"):
        mlp.lr_range_test(
            mlp.MLP(4, [8], 3),
            nn.CrossEntropyLoss(),
            torch.optim.SGD,
            X,
            y,
            batch_size=60,
            steps=10,
        )

    class Infinite(nn.Module):  # a loss that is not finite from the first step on
        def forward(self, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            return nn.functional.cross_entropy(logits, y) * math.inf

    with pytest.raises(FloatingPointError, match="lower min_lr"):
        mlp.lr_range_test(
            mlp.MLP(4, [8], 3), Infinite(), torch.optim.SGD, X.nan_to_num(), y, steps=10
        )


# --- bad input: every case a clear error, never a hang or a silent early stop -------------------


def test_empty_data_is_an_error_not_a_hang() -> None:
    with pytest.raises(ValueError, match="empty"):
        mlp.lr_range_test(
            mlp.MLP(4, [8], 3),
            nn.CrossEntropyLoss(),
            torch.optim.SGD,
            torch.zeros(0, 4),
            torch.zeros(0, dtype=torch.long),
        )


def test_a_loss_below_zero_does_not_stop_the_test_at_once() -> None:
    class Shifted(nn.Module):  # cross entropy minus 10: the same curve, below zero
        def forward(self, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            return nn.functional.cross_entropy(logits, y) - 10.0

    X, y = blobs()
    torch.manual_seed(0)
    shifted = mlp.lr_range_test(mlp.MLP(4, [16], 3), Shifted(), torch.optim.SGD, X, y, max_lr=1.0)
    assert len(shifted.lrs) == 200 and not shifted.stopped_early


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"diverge_factor": 0.5}, "more than 1"),
        ({"max_lr": math.inf}, "both finite"),
        ({"batch_size": 0}, "positive integer"),
    ],
)
def test_settings_that_cannot_work_are_refused(kwargs: dict, message: str) -> None:
    X, y = blobs(60)
    with pytest.raises(ValueError, match=message):
        mlp.lr_range_test(
            mlp.MLP(4, [8], 3), nn.CrossEntropyLoss(), torch.optim.SGD, X, y, **kwargs
        )


def test_it_checks_its_data_like_fit() -> None:
    X, y = blobs(60)
    model = mlp.MLP(4, [8], 3)
    with pytest.raises(TypeError, match="torch.as_tensor"):
        mlp.lr_range_test(model, nn.CrossEntropyLoss(), torch.optim.SGD, X.numpy(), y)
    with pytest.raises(ValueError, match="LabelEncoder"):
        mlp.lr_range_test(model, nn.CrossEntropyLoss(), torch.optim.SGD, X, y + 1)
    with pytest.raises(TypeError, match="not a factory"):
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        mlp.lr_range_test(model, nn.CrossEntropyLoss(), optimizer, X, y)


def test_a_last_batch_of_one_row_does_not_break_batchnorm() -> None:
    X, y = blobs(61)  # batches of 30: 30, 30 and 1
    result = mlp.lr_range_test(
        mlp.MLP(4, [8], 3, norm="batch"),
        nn.CrossEntropyLoss(),
        torch.optim.SGD,
        X,
        y,
        batch_size=30,
        steps=12,
    )
    assert len(result.lrs) == 12


# --- sweep: a grid extended until its best value is bracketed ---------------------------------


def test_sweep_extends_the_grid_past_an_edge_until_the_best_is_bracketed() -> None:
    tried = []

    def loss(lr: float) -> float:  # a valley at lr = 0.3 (log scale)
        tried.append(lr)
        return (math.log10(lr) - math.log10(0.3)) ** 2

    result = mlp.sweep(loss, [0.01, 0.03, 0.1])
    assert tried[:3] == [0.01, 0.03, 0.1]
    assert tried[3:] == pytest.approx([0.3, 0.9])
    assert result.best == pytest.approx(0.3) and result.bracketed
    assert list(result.scores) == sorted(result.scores)
    assert "0.3" in str(result) and "edge" not in str(result)


def test_sweep_leaves_a_bracketed_grid_alone_and_extends_downwards_too() -> None:
    calls = []
    result = mlp.sweep(lambda lr: calls.append(lr) or abs(lr - 0.03), [0.01, 0.03, 0.1])
    assert calls == [0.01, 0.03, 0.1] and result.best == 0.03 and result.bracketed
    result = mlp.sweep(lambda lr: abs(math.log(lr / 0.001)), [0.01, 0.03, 0.1])
    assert result.best == pytest.approx(0.01 / 9) and result.bracketed


def test_sweep_says_when_it_gives_up_and_maximizes_when_asked() -> None:
    result = mlp.sweep(lambda lr: -lr, [0.1, 0.3], max_extensions=2)  # always better further up
    assert len(result.scores) == 4 and not result.bracketed
    assert "edge of the grid" in str(result)
    accuracy = mlp.sweep(lambda lr: 1 - abs(lr - 0.03), [0.01, 0.03, 0.1], minimize=False)
    assert accuracy.best == 0.03 and accuracy.bracketed


def test_sweep_counts_a_diverged_run_as_the_worst() -> None:
    result = mlp.sweep(lambda lr: math.nan if lr > 0.2 else 1 - lr, [0.01, 0.1, 0.3])
    assert result.best == 0.1 and result.bracketed
    assert result.scores[0.3] == math.inf


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [0.1]}, "at least 2 distinct"),
        ({"values": [0.1, 0.1]}, "at least 2 distinct"),
        ({"values": [0.0, 0.1]}, "positive"),
        ({"factor": 1.0}, "above 1"),
        ({"max_extensions": -1}, "at least 0"),
    ],
)
def test_sweep_refuses_bad_grids(kwargs: dict, message: str) -> None:
    args = {"score": lambda lr: lr, "values": [0.01, 0.1]} | kwargs
    with pytest.raises(ValueError, match=message):
        mlp.sweep(**args)
