"""mlpcourse.compare: paired comparisons on the same points, differences over the same seeds."""

from __future__ import annotations

import math

import pytest
import torch

from mlpcourse import compare as mlp  # on the mlp. namespace once a lesson uses it


def test_paired_comparison_on_a_worked_example() -> None:
    y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    a = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 0, 1])  # 8 right
    b = torch.tensor([0, 1, 2, 0, 1, 0, 1, 1, 2, 2])  # 7 right
    result = mlp.compare_paired(y, a, b)
    assert (result.accuracy_a, result.accuracy_b) == (0.8, 0.7)
    assert (result.only_a_right, result.only_b_right) == (2, 1)  # points 5, 6 / point 8
    assert result.difference == pytest.approx(0.1)
    # per-point differences: +1, +1, -1 and seven zeros; their mean's standard error (ddof 0)
    d = torch.tensor([1.0, 1.0, -1.0] + [0.0] * 7)
    assert result.se_difference == pytest.approx(d.std(unbiased=False).item() / math.sqrt(10))
    assert "paired standard error" in str(result)


def test_the_paired_error_is_smaller_than_one_accuracys_when_models_agree() -> None:
    gen = torch.Generator().manual_seed(0)
    y = torch.randint(0, 10, (2000,), generator=gen)
    a = y.clone()
    a[:300] = (a[:300] + 1) % 10  # 85 % right
    b = a.clone()
    b[300:320] = (b[300:320] + 1) % 10  # the same mistakes and 20 more
    result = mlp.compare_paired(y, a, b)
    one_accuracy_se = math.sqrt(0.85 * 0.15 / 2000)
    assert result.only_a_right == 20 and result.only_b_right == 0
    assert result.se_difference < one_accuracy_se / 2


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (
            (torch.zeros(4, 3).long(), torch.zeros(4).long(), torch.zeros(4).long()),
            ValueError,
            "1-D labels",
        ),
        (
            (torch.zeros(4).long(), torch.zeros(4), torch.zeros(4).long()),
            ValueError,
            "holds floats",
        ),
        (
            (torch.zeros(4).long(), torch.zeros(3).long(), torch.zeros(4).long()),
            ValueError,
            "differ in length",
        ),
        ((torch.zeros(0).long(),) * 3, ValueError, "no points"),
        (
            ([0, 1], torch.zeros(2).long(), torch.zeros(2).long()),
            TypeError,
            "must be a torch.Tensor",
        ),
    ],
)
def test_paired_comparison_refuses_bad_input(args: tuple, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        mlp.compare_paired(*args)


def test_seed_comparison_pairs_by_seed_and_states_its_ddof() -> None:
    a = [0.86, 0.87, 0.85]
    b = [0.84, 0.86, 0.84]
    result = mlp.compare_seeds(a, b)
    assert result.differences == pytest.approx((0.02, 0.01, 0.01))
    assert result.mean_difference == pytest.approx(0.04 / 3)
    sd = math.sqrt(sum((d - 0.04 / 3) ** 2 for d in (0.02, 0.01, 0.01)) / 2)
    assert result.se == pytest.approx(sd / math.sqrt(3))
    assert result.ddof == 1 and "ddof = 1" in str(result)
    assert mlp.compare_seeds(a, b, ddof=0).se < result.se


@pytest.mark.parametrize(
    ("a", "b", "kwargs", "message"),
    [
        ([0.8, 0.9], [0.7], {}, "pair each seed"),
        ([0.8], [0.7], {}, "at least 2 runs"),
        ([0.8, float("nan")], [0.7, 0.7], {}, "NaN"),
        ([0.8, 0.9], [0.7, 0.8], {"ddof": 2}, "ddof must be 0 or 1"),
    ],
)
def test_seed_comparison_refuses_bad_input(a: list, b: list, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mlp.compare_seeds(a, b, **kwargs)


def test_mean_se_is_the_one_mean_and_standard_error() -> None:
    summary = mlp.mean_se([0.80, 0.82, 0.84])
    assert summary.mean == pytest.approx(0.82)
    assert summary.sd == pytest.approx(0.02)
    assert summary.se == pytest.approx(0.02 / math.sqrt(3))
    assert "ddof = 1" in str(summary)
    with pytest.raises(TypeError, match="one per run"):
        mlp.mean_se(0.8)
