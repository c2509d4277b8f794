"""mlpcourse.debugging: the initial-loss check, overfitting one batch and the gradient check."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from mlpcourse.debugging import gradient_check, initial_loss_check, overfit_one_batch


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


def test_the_one_batch_fit_runs_your_own_step() -> None:
    calls = []

    def step(model, optimizer, loss_fn, X, y):  # type: ignore[no-untyped-def]
        calls.append(len(X))
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss  # a tensor is accepted too

    model = small_net()
    fit = overfit_one_batch(
        model, torch.optim.Adam(model.parameters(), lr=0.01), *batch(), steps=100, step=step
    )
    assert calls == [32] * 100 and len(fit.losses) == 100
    assert fit.final_loss < 0.05


def test_a_step_without_zero_grad_fails_the_one_batch_fit_under_sgd() -> None:
    def no_zero_grad(model, optimizer, loss_fn, X, y):  # type: ignore[no-untyped-def]
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    model = small_net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    try:
        final = overfit_one_batch(
            model, optimizer, *batch(), steps=200, step=no_zero_grad
        ).final_loss
    except FloatingPointError:
        final = math.inf
    assert final > 0.1
    model = small_net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    assert overfit_one_batch(model, optimizer, *batch(), steps=200).final_loss < 0.01


def test_a_step_that_returns_no_loss_is_refused() -> None:
    model = small_net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="return the loss"):
        overfit_one_batch(model, optimizer, *batch(), step=lambda *args: None)
    with pytest.raises(TypeError, match="step must be a function"):
        overfit_one_batch(model, optimizer, *batch(), step="sgd")  # type: ignore[arg-type]


class _ForgetfulReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        return grad  # the mask (x > 0) is forgotten


class _Forgetful(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _ForgetfulReLU.apply(x)


def test_the_gradient_check_agrees_with_autograd_and_leaves_the_model_alone() -> None:
    model = small_net()
    before = [p.detach().clone() for p in model.parameters()]
    result = gradient_check(model, *batch(4), generator=torch.Generator().manual_seed(0))
    assert result.ok and result.max_relative_error < 1e-6
    assert result.entries == 8 * 4  # 8 entries of each of the four parameter tensors
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert all(p.dtype == torch.float32 and p.grad is None for p in model.parameters())
    assert "agree" in str(result)


def test_the_gradient_check_catches_a_wrong_backward_pass() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 32), _Forgetful(), nn.Linear(32, 10))
    result = gradient_check(model, *batch(4), entries=50)
    assert not result.ok and result.max_relative_error > 0.1
    assert result.worst.startswith("0.")  # the first layer, whose gradient passes the ReLU
    assert "backward" in str(result)


def test_the_gradient_check_is_not_fooled_by_large_inputs() -> None:
    # inputs of size 255 make the loss large; tiny gradients are then below what finite
    # differences resolve, and must not be called wrong
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
    )
    pixels = torch.randint(0, 256, (4, 784), generator=torch.Generator().manual_seed(0)).float()
    y = torch.tensor([0, 1, 2, 3])
    result = gradient_check(model, pixels, y, generator=torch.Generator().manual_seed(0))
    assert result.ok, str(result)


def test_the_gradient_check_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="one target per example"):
        gradient_check(small_net(), torch.randn(4, 20), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="entries"):
        gradient_check(small_net(), *batch(4), entries=0)
    with pytest.raises(ValueError, match="eps"):
        gradient_check(small_net(), *batch(4), eps=0)
    with pytest.raises((TypeError, ValueError), match="X"):
        gradient_check(small_net(), [[0.0] * 20], torch.zeros(1, dtype=torch.long))  # type: ignore[arg-type]
