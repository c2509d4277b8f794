"""Lesson 08 (optimizers and tuning): the claims its prose makes, under another seed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_adam_family_beats_plain_sgd_each_at_its_best_rate(results: dict) -> None:
    assert results["adam_val_loss"] < results["momentum_val_loss"] < results["sgd_val_loss"] + 0.02
    assert results["adam_val_loss"] < results["sgd_val_loss"]
    # each optimizer's best rate sits where the prose says: SGD's far above Adam's
    assert results["best_lr"]["SGD"] >= 10 * results["best_lr"]["Adam"]


def test_range_test_suggests_a_rate_of_the_right_order(results: dict) -> None:
    assert 1e-4 <= results["lr_range_test_suggestion"] <= 1
    assert 0.1 <= results["lr_range_test_suggestion"] / results["best_lr"]["momentum"] <= 10


def test_the_largest_batch_wants_the_largest_rate(results: dict) -> None:
    rates = results["best_lr_by_batch"]
    assert rates[1024] >= rates[64]


def test_schedules_end_close_at_this_budget(results: dict) -> None:
    values = list(results["schedule_accuracy"].values())
    assert max(values) - min(values) < 0.03


def test_the_search_and_the_test(results: dict) -> None:
    assert results["n_trials"] >= 20
    assert (
        results["tuned_val_accuracy"] >= results["default_val_accuracy"]
    )  # the default is trial 0
    assert results["test_accuracy"] >= 0.885
