"""mlpcourse.debugging: the initial-loss check and overfitting one batch, with bad input."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from mlpcourse.debugging import initial_loss_check, overfit_one_batch


def batch(n: int = 32, classes: int = 10) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    return torch.randn(n, 20, generator=gen), torch.randint(0, classes, (n,), generator=gen)


def small_net(scale: float = 1.0) -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 10))
    with torch.no_grad():
        model[2].weight.mul_(scale)
        model[2].bias.zero_()
    return model


def test_an_untrained_net_starts_at_ln_c_and_a_large_last_layer_does_not() -> None:
    result = initial_loss_check(small_net(0.01), *batch())
    assert result.expected == pytest.approx(math.log(10))
    assert result.ok and "as chance predicts" in str(result)
    bad = initial_loss_check(small_net(100.0), *batch())
    assert not bad.ok and "last layer" in str(bad)


def test_the_initial_check_keeps_the_model_mode() -> None:
    model = nn.Sequential(nn.Linear(20, 10), nn.Dropout(0.5))
    model.train()
    initial_loss_check(model, *batch())
    assert model.training


def test_one_batch_can_be_overfitted_and_a_frozen_net_cannot() -> None:
    model = small_net()
    fit = overfit_one_batch(model, torch.optim.Adam(model.parameters(), lr=1e-2), *batch(), 300)
    assert len(fit.losses) == 300 and fit.final_loss < 0.01
    frozen = small_net()
    optimizer = torch.optim.SGD(frozen.parameters(), lr=0.0)
    stuck = overfit_one_batch(frozen, optimizer, *batch(), steps=20)
    assert stuck.final_loss == pytest.approx(stuck.losses[0])


def test_a_diverging_one_batch_fit_says_lower_the_learning_rate() -> None:
    model = small_net()
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        overfit_one_batch(model, torch.optim.SGD(model.parameters(), lr=1e6), *batch(), 100)


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        ([[0.0] * 20], torch.zeros(1, dtype=torch.long), "X"),
        (torch.randn(4, 20), torch.zeros(3, dtype=torch.long), "one label per example"),
        (torch.randn(0, 20), torch.zeros(0, dtype=torch.long), "empty"),
        (torch.randn(4, 20), torch.zeros(4), "integer class labels"),
    ],
)
def test_bad_batches_are_refused(X: object, y: object, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        initial_loss_check(small_net(), X, y)  # type: ignore[arg-type]
    model = small_net()
    with pytest.raises((TypeError, ValueError), match=message):
        overfit_one_batch(model, torch.optim.SGD(model.parameters(), lr=0.1), X, y)  # type: ignore[arg-type]


def test_other_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        initial_loss_check(small_net(), *batch(), tolerance=0)
    with pytest.raises(ValueError, match="two classes or more"):
        initial_loss_check(nn.Linear(20, 1), *batch())
    model = small_net()
    with pytest.raises(ValueError, match="steps"):
        overfit_one_batch(model, torch.optim.SGD(model.parameters(), lr=0.1), *batch(), steps=0)
    with pytest.raises(ValueError, match="optimizer"):
        overfit_one_batch(model, torch.optim.SGD(small_net().parameters(), lr=0.1), *batch())
