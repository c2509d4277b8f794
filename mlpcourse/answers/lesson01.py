"""Checks of lesson 01's exercises (the student pass/fail network)."""

from __future__ import annotations

from typing import Any

from mlpcourse.answers.core import (
    Wrong,
    between,
    exercise,
    number,
    numbers,
    smallest_within_one_sd,
)


@exercise("ex-01-unscaled", "(probability with the raw input, probability standardized)")
def _unscaled(answer: Any) -> str:
    raw, scaled = numbers(answer, 2, "(probability with the raw input, probability standardized)")
    for p, what in [(raw, "the raw input's probability"), (scaled, "the standardized one")]:
        between(p, 0.0, 1.0, what, "apply torch.sigmoid to the model's logit to get a probability")
    if abs(raw - scaled) < 1e-3:
        raise Wrong(
            "the two probabilities are the same",
            "give the model torch.tensor([[7.0, 5.5]]) once as it is and once through standardize",
        )
    return "two different probabilities: now say why the first is an extrapolation"


@exercise("ex-01-zero-grad", "(epochs, final loss with zero_grad, final loss without)")
def _zero_grad(answer: Any) -> str:
    epochs, with_zero, without = numbers(answer, 3, "(epochs, loss with, loss without)")
    if epochs < 1 or epochs != int(epochs):
        raise Wrong(f"epochs is {epochs:g}", "give the number of epochs both loops ran")
    for loss in (with_zero, without):
        between(loss, 0.0, 10.0, "a training loss", "a binary cross-entropy is positive")
    if epochs >= 1000 and without <= with_zero:
        raise Wrong(
            "after 1,000 epochs the loop without zero_grad ends lower than the correct one",
            "check that only one copy lost optimizer.zero_grad(), and that both start from "
            "make_model() under the same seed",
        )
    return "both losses recorded"


@exercise("ex-01-no-relu", "(number of distinct linear functions, test accuracy without ReLU)")
def _no_relu(answer: Any) -> str:
    count, accuracy = numbers(answer, 2, "(distinct linear functions, accuracy)")
    if count != 1:
        raise Wrong(
            f"{count:g} distinct linear functions",
            "write W2 (W1 x + b1) + b2 out: what is a linear function of a linear function?",
        )
    between(accuracy, 0.0, 1.0, "the accuracy", "an accuracy is a fraction of the students")
    return "one linear function: the boundary is a straight line"


@exercise("ex-01-threshold", "(model at 6 h of sleep, model at 9 h, rule at 6 h, rule at 9 h)")
def _threshold(answer: Any) -> str:
    if not isinstance(answer, (tuple, list)) or len(answer) != 4:
        raise Wrong("answer should be four study hours: (model 6 h, model 9 h, rule 6 h, rule 9 h)")
    # the model may never reach 0.5 below 10 hours (say None); the rule always does
    hours = [number(h, "a threshold") for h in answer if h is not None]
    if answer[2] is None or answer[3] is None:
        raise Wrong("the rule's thresholds are missing", "use mlp.student_pass_probability")
    for h in hours:
        between(h, 0.0, 10.0, "a number of study hours", "scan study hours from 0 to 10")
        if abs(round(h, 1) - h) > 1e-6:
            raise Wrong(f"{h} is not to the nearest 0.1 hour", "scan in steps of 0.1 hour")
    if abs(number(answer[2], "rule 6 h") - number(answer[3], "rule 9 h")) > 1e-6:
        raise Wrong(
            "the rule's two thresholds differ",
            "the rule penalises sleep by its distance from 7.5 hours: 6 and 9 are equally far",
        )
    return "four thresholds found"


@exercise("ex-01-hidden-units", "(smallest size chosen, {hidden units: [3 validation accuracies]})")
def _hidden_units(answer: Any) -> str:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong("answer should be (smallest size, dict of accuracies)")
    chosen, scores = answer
    if not isinstance(scores, dict) or sorted(scores) != [1, 2, 3, 4, 8]:
        raise Wrong(
            "the dict should have one entry per size: 1, 2, 3, 4 and 8 hidden units",
            "key the dict by the number of hidden units",
        )
    for h, values in scores.items():
        accs = numbers(list(values), 3, f"the accuracies of {h} units (one per seed)")
        for a in accs:
            between(a, 0.0, 1.0, "a validation accuracy", "score on the validation students")
    smallest = smallest_within_one_sd(dict(sorted(scores.items())))
    if number(chosen, "the size chosen") != smallest:
        raise Wrong(
            f"from your own accuracies the rule picks another size than {chosen}",
            "the smallest size whose mean is within one standard deviation (ddof 1) of the "
            "best mean",
        )
    return f"{smallest} hidden units follows from your accuracies"
