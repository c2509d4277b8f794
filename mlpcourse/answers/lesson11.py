"""Checks of lesson 11's exercises (debugging a training run)."""

from __future__ import annotations

import math
from typing import Any

from mlpcourse.answers.core import Wrong, exercise, number, numbers


@exercise("ex-11-initial-loss", "(loss expected for 3 classes, loss with the last layer ×10, ×100)")
def _initial_loss(answer: Any) -> str:
    expected, times10, times100 = numbers(answer, 3, "(expected, ×10 loss, ×100 loss)")
    if abs(expected - math.log(3)) > 1e-3:
        raise Wrong(
            f"{expected:.4f} for three classes", "each class gets probability 1/3 at the start"
        )
    if not times10 < times100:
        raise Wrong(
            "the ×100 network's loss is not above the ×10 one's",
            "multiply the weights of the last nn.Linear (model[-1]), inside torch.no_grad()",
        )
    if times100 < math.log(10) + 0.1:
        raise Wrong(f"×100 gives only {times100:.3f}", "measure on 1,000 training images")
    return "the larger the last layer, the more confidently wrong the start"


@exercise("ex-11-swapped-classes", "the list of the checks that fired, as run_checks names them")
def _swapped(answer: Any) -> str:
    if not isinstance(answer, (list, tuple)) or not all(isinstance(a, str) for a in answer):
        raise Wrong("answer should be a list of check names (strings), possibly empty")
    if "val − holdout (SE)" not in answer:
        raise Wrong(
            "one check that compares the pipeline with data from outside it should fire",
            "where do the holdout's labels come from: through prepare, or from the data set?",
        )
    return "now say whether it is a bug"


@exercise("ex-11-hidden-bugs", "the fixed pipeline's validation accuracy after its short run")
def _hidden_bugs(answer: Any) -> str:
    accuracy = number(answer, "the validation accuracy")
    if not 0.0 <= accuracy <= 1.0:
        raise Wrong(f"{accuracy} is not an accuracy")
    if accuracy < 0.5:
        raise Wrong(
            f"{accuracy:.3f}: the pipeline still does not learn",
            "run run_checks on your fixed pipeline: which checks still fire?",
        )
    return "the fixed pipeline learns"
