"""The quick checks accept right answers and reject wrong ones with a hint."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import mlpcourse
from mlpcourse.exercises import (
    check_accuracy,
    check_cross_entropy,
    check_mlp_shapes,
    check_relu,
    check_softmax,
)


def stable_softmax(x: torch.Tensor) -> torch.Tensor:
    z = x - x.max(dim=1, keepdim=True).values
    e = z.exp()
    return e / e.sum(dim=1, keepdim=True)


def naive_softmax(x: torch.Tensor) -> torch.Tensor:
    e = x.exp()
    return e / e.sum(dim=1, keepdim=True)


def test_exported_from_package() -> None:
    for name in ["check_softmax", "check_relu", "check_cross_entropy", "check_accuracy"]:
        assert name in mlpcourse.__all__
        assert getattr(mlpcourse, name) is not None


def test_softmax_right(capsys: pytest.CaptureFixture[str]) -> None:
    check_softmax(stable_softmax)
    assert "softmax matches" in capsys.readouterr().out


def test_softmax_naive_overflows_with_hint() -> None:
    with pytest.raises(AssertionError, match="maximum"):
        check_softmax(naive_softmax)


def test_softmax_wrong_axis() -> None:
    with pytest.raises(AssertionError, match="your softmax"):
        check_softmax(lambda x: torch.softmax(x, dim=0))


def test_softmax_leaves_global_rng_alone() -> None:
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    check_softmax(stable_softmax)
    assert torch.equal(torch.rand(3), expected)


def test_relu_right_and_wrong() -> None:
    check_relu(lambda x: torch.clamp(x, min=0))
    with pytest.raises(AssertionError, match="ReLU"):
        check_relu(torch.abs)


def test_relu_in_place_is_rejected() -> None:
    with pytest.raises(AssertionError, match="in place"):
        check_relu(lambda x: x.clamp_(min=0))


def logsumexp_ce(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (torch.logsumexp(logits, dim=1) - logits[torch.arange(len(y)), y]).mean()


def test_cross_entropy_right_mean_and_per_example() -> None:
    check_cross_entropy(logsumexp_ce)
    check_cross_entropy(lambda z, y: torch.logsumexp(z, 1) - z[torch.arange(len(y)), y])
    check_cross_entropy(nn.CrossEntropyLoss())


def test_cross_entropy_from_probabilities() -> None:
    check_cross_entropy(lambda p, y: -torch.log(p[torch.arange(len(y)), y]), from_logits=False)
    with pytest.raises(AssertionError):
        check_cross_entropy(lambda p, y: -p[torch.arange(len(y)), y], from_logits=False)


def test_cross_entropy_naive_log_softmax_fails_on_extreme_row() -> None:
    def naive(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return -torch.log(naive_softmax(z)[torch.arange(len(y)), y]).mean()

    with pytest.raises(AssertionError, match="logsumexp"):
        check_cross_entropy(naive)


def test_cross_entropy_softmax_before_loss_is_wrong() -> None:
    with pytest.raises(AssertionError):
        check_cross_entropy(lambda z, y: nn.functional.cross_entropy(torch.softmax(z, 1), y))


def test_accuracy_right_and_count_hint() -> None:
    check_accuracy(lambda z, y: (z.argmax(1) == y).float().mean())
    check_accuracy(mlpcourse.accuracy)
    with pytest.raises(AssertionError, match="divide by len"):
        check_accuracy(lambda z, y: (z.argmax(1) == y).sum())


def test_mlp_shapes() -> None:
    model = nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))
    check_mlp_shapes(model)
    assert model.training  # restored
    with pytest.raises(AssertionError, match="shape"):
        check_mlp_shapes(nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 5)))
    with pytest.raises(AssertionError, match="first"):
        check_mlp_shapes(nn.Sequential(nn.Linear(100, 10)))


# --- answers that used to pass wrongly, or fail with Python's error instead of advice ----------


def batch_max_softmax(x: torch.Tensor) -> torch.Tensor:
    z = torch.exp(x - x.max())  # the batch's maximum, not each row's
    return z / z.sum(dim=1, keepdim=True)


def test_a_softmax_shifted_by_the_batch_maximum_fails_with_its_own_hint() -> None:
    with pytest.raises(AssertionError, match="each row's own maximum"):
        check_softmax(batch_max_softmax)


@pytest.mark.parametrize(
    ("check", "name"),
    [
        (check_softmax, "softmax"),
        (check_relu, "relu"),
        (check_cross_entropy, "cross_entropy"),
        (check_accuracy, "accuracy"),
    ],
)
def test_passing_a_result_instead_of_the_function_gets_advice(check, name: str) -> None:
    with pytest.raises(
        AssertionError, match=rf"Pass the function without calling it: check_{name}\({name}\)"
    ):
        check(torch.zeros(2, 3))  # e.g. check_softmax(softmax(x))


def test_passing_the_class_instead_of_a_model_gets_advice() -> None:
    class MyMLP(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.net(x)

    with pytest.raises(AssertionError, match=r"build one first, check_mlp_shapes\(MyMLP\(...\)\)"):
        check_mlp_shapes(MyMLP)
    with pytest.raises(AssertionError, match="takes an nn.Module"):
        check_mlp_shapes([nn.Linear(784, 10)])


def test_a_correct_float64_model_passes(capsys: pytest.CaptureFixture[str]) -> None:
    model = nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)).double()
    check_mlp_shapes(model)
    assert "\u2713" in capsys.readouterr().out
