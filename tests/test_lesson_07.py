"""Lesson 07 (deep MLPs): the claims its prose makes, under another seed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_gradients_vanish_stay_or_explode_with_the_init(results: dict) -> None:
    assert results["grad_ratio_small_init"] < 1e-6  # prose: of order 1e-9, far below 0.01
    assert 0.1 <= results["grad_ratio_kaiming"] <= 10  # prose: within an order of magnitude
    assert results["grad_ratio_large_init"] > 10  # prose: explodes
    assert results["grad_ratio_xavier"] < results["grad_ratio_kaiming"]
    assert results["act_std_layer9_small_init"] < 1e-6
    assert 0.1 < results["act_std_layer9_kaiming"] < 1
    assert results["act_std_layer9_large_init"] > 100


def test_small_init_stays_at_chance_and_kaiming_trains(results: dict) -> None:
    assert results["val_accuracy_plain_small_init"] < 0.15  # prose: chance, 10 %
    assert results["val_accuracy_kaiming"] > 0.7
    assert results["val_accuracy_xavier"] < results["val_accuracy_kaiming"]


def test_batchnorm_and_residual_rescue_the_small_init(results: dict) -> None:
    assert results["val_accuracy_batchnorm"] >= results["val_accuracy_plain_small_init"] + 0.10
    assert (
        results["val_accuracy_residual_small_init"]
        >= results["val_accuracy_plain_small_init"] + 0.10
    )
    assert results["grad_ratio_residual_small_init"] > 1e4 * results["grad_ratio_small_init"]
    assert results["val_accuracy_layernorm_kaiming"] > 0.6


def test_layernorm_does_not_rescue_the_small_init_in_this_budget(results: dict) -> None:
    assert results["val_accuracy_layernorm_small_init"] < 0.2


def test_wide_is_at_least_as_good_and_test_is_scored_once(results: dict) -> None:
    assert abs(results["params_deep"] - results["params_wide"]) / results["params_deep"] < 0.01
    assert results["val_accuracy_wide"] >= results["val_accuracy_kaiming"] - 0.01
    assert 0.75 < results["test_accuracy"] < 0.9
