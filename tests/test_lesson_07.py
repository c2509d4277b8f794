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
    # prose: BatchNorm trains at least as far as plain Kaiming
    assert results["batchnorm_minus_kaiming"] > -results["batchnorm_minus_kaiming_se"]


def test_layernorm_fails_at_the_shared_lr_and_trains_at_the_small_one(results: dict) -> None:
    assert results["val_accuracy_layernorm_small_init"] < 0.2
    # issue 23: the same network at the smaller learning rate, ahead by at least 0.30
    assert (
        results["val_accuracy_layernorm_small_init_small_lr"]
        >= results["val_accuracy_layernorm_small_init"] + 0.30
    )
    assert results["layernorm_small_lr_gain"] > 3 * results["layernorm_small_lr_gain_se"]


def test_layernorm_collapses_the_examples_and_batchnorm_does_not(results: dict) -> None:
    # prose: trained at lr 0.05, on every seed the logits are identical across examples (1.0000)
    # and every layer from the second up is close to 1
    assert min(results["output_similarity_layernorm_small_init"]) > 0.99995
    assert min(results["lowest_similarity_from_layer2_layernorm_small_init"]) > 0.9
    # ... and the others keep their examples apart
    assert results["similarity_after_layernorm_small_init_small_lr"][-1] < 0.9
    assert max(results["similarity_after_batchnorm"][1:]) < 0.9
    # prose: its steps are several times Kaiming's + LayerNorm's; BatchNorm's are as large
    assert (
        results["update_ratio_step1_layernorm_small_init"]
        > 3 * results["update_ratio_step1_layernorm_kaiming"]
    )
    assert results["update_ratio_step1_layernorm_small_init_small_lr"] < 2e-3  # near 1e-3


def test_weight_gradients_and_updates_vanish_in_every_layer_at_small_init(results: dict) -> None:
    assert results["weight_grad_layer10_small_init"] < 1e-6 * results["weight_grad_layer10_kaiming"]
    assert results["update_ratio_step1_small_init"] < 1e-9
    # prose: even its fastest layer, the output layer, stays below 1e-3
    assert results["update_ratio_last_step_fastest_layer_small_init"] < 1e-3
    assert results["update_ratio_last_step_fastest_layer_index_small_init"] == 10
    assert 1e-4 < results["update_ratio_step1_kaiming"] < 1e-2  # near the rule of thumb
    # zero biases: a ReLU net's dead units do not depend on the weights' scale
    assert results["dead_fractions_identical_under_scaling"] is True


def test_wide_is_at_least_as_good_and_test_is_scored_once(results: dict) -> None:
    assert abs(results["params_deep"] - results["params_wide"]) / results["params_deep"] < 0.01
    assert results["val_accuracy_wide"] >= results["val_accuracy_kaiming"] - 0.01
    # prose: the wide layer beat every deep variant, by the printed margin
    assert results["wide_minus_best_deep"] > 0
    assert 0.75 < results["test_accuracy"] < 0.9
