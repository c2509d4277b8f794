"""Lesson 11 (debugging recipe): the claims its prose makes, under another seed."""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.slow

CHEAP = ["1 initial loss", "2 one batch", "3 input std", "4 update ratio", "5 gradient error"]


def test_the_correct_pipeline_passes_the_cheap_checks(results: dict) -> None:
    assert abs(results["initial_loss"] - math.log(10)) <= 0.1
    assert results["overfit_one_batch_final_loss"] < 0.01
    # no check fires on the correct pipeline: a check that cries wolf is ignored
    assert results["false_alarms"] == []
    assert results["correct_val_accuracy"] > 0.8


def test_every_planted_bug_is_caught(results: dict) -> None:
    assert results["bugs_planted"] >= 5
    assert results["bugs_caught"] == results["bugs_planted"]
    assert len(results["caught_by"]) == results["bugs_planted"] + 1  # the bugs and "correct"


def test_which_check_catches_which_bug(results: dict) -> None:
    by = results["caught_by"]
    # prose: three bugs pass every cheap check, each caught by the check made for it
    for bug in ["labels shuffled apart", "eval() forgotten", "validation in training"]:
        assert not set(by[bug]) & set(CHEAP), bug
    assert "zero-input gain" in by["labels shuffled apart"]
    assert by["eval() forgotten"] == ["mode agreement"]
    assert "rows in common" in by["validation in training"]
    # prose: the hand-written backward pass is caught by the gradient check alone
    assert by["hand-written backward"] == ["5 gradient error"]
    # prose: no zero_grad and softmax before the loss fail the one-batch fit, under both optimizers
    for bug in ["zero_grad missing", "softmax before the loss"]:
        assert {"2 one batch", "SGD one batch"} <= set(by[bug]), bug
    # prose: unscaled inputs fail checks 1 and 3 and the second optimizer
    assert {"1 initial loss", "3 input std", "SGD one batch"} <= set(by["inputs not scaled"])
    # prose: the tenfold learning rate is caught by the update ratio (check 2 only by luck)
    assert "4 update ratio" in by["learning rate ×10"]


def test_the_measured_values_behind_the_prose(results: dict) -> None:
    values = results["values"]
    # softmax before the loss starts at the right loss but cannot fit one batch
    assert abs(values["softmax before the loss"]["1 initial loss"] - math.log(10)) <= 0.1
    assert values["softmax before the loss"]["2 one batch"] > 1.0
    # the missing zero_grad explodes under SGD
    assert values["zero_grad missing"]["SGD one batch"] > 10
    # leakage: every validation row is in the training rows
    assert values["validation in training"]["rows in common"] == 5000
    # the forgotten eval() changes some predictions, not most
    assert 0.8 < values["eval() forgotten"]["mode agreement"] < 1.0
    # the hand-written backward: a relative error of about 1
    assert values["hand-written backward"]["5 gradient error"] > 0.5
    # the tenfold learning rate moves the layers several times more in the first steps
    assert values["learning rate ×10"]["4 update ratio"] > 4 * values["correct"]["4 update ratio"]


def test_the_symptoms_in_the_short_runs(results: dict) -> None:
    acc = results["val_accuracy"]
    loss = results["val_loss"]
    correct = acc["correct"]
    # shuffled labels: the validation loss stays at ln 10
    assert abs(loss["labels shuffled apart"] - math.log(10)) < 0.1
    # missing zero_grad: the training loss stays far above the correct run's
    assert results["train_loss"]["zero_grad missing"] > 2 * results["train_loss"]["correct"]
    # softmax before the loss: far above chance
    assert acc["softmax before the loss"] > 0.5
    # four bugs end within five points of the correct run; leakage ends above it
    quiet = [
        "inputs not scaled",
        "eval() forgotten",
        "learning rate ×10",
        "hand-written backward",
    ]
    for bug in quiet:
        assert correct - 0.05 <= acc[bug] <= correct + 0.01, bug
    assert acc["validation in training"] > correct
