"""Checks of lesson 08's exercises (optimizers and tuning)."""

from __future__ import annotations

from typing import Any

from mlpcourse.answers.core import Wrong, between, exercise, numbers


@exercise("ex-08-adam-wd", "(first-layer weight norm with Adam, with AdamW)")
def _adam_wd(answer: Any) -> str:
    adam, adamw = numbers(answer, 2, "(norm with Adam, norm with AdamW)")
    if adam <= 0 or adamw <= 0:
        raise Wrong("a norm is positive", "model[1].weight.norm()")
    if adam >= adamw:
        raise Wrong(
            "Adam's weights ended no smaller than AdamW's",
            "Adam adds 0.1 w to the gradient, then rescales it: for a weight with a small "
            "gradient that decay becomes a step of about the learning rate",
        )
    return "the L2 term through Adam shrinks the weights far more at the same weight_decay"


@exercise("ex-08-range-adam", "(the range test's suggestion for Adam, the rate the sweep chose)")
def _range_adam(answer: Any) -> str:
    suggestion, chosen = numbers(answer, 2, "(suggestion, chosen rate)")
    for rate in (suggestion, chosen):
        between(rate, 1e-6, 10.0, "a learning rate", "read .suggestion and the sweep's best")
    return "compare them as factors, not differences"


@exercise("ex-08-seeds", '{"random": [3 best accuracies], "TPE": [3 best accuracies]}')
def _seeds(answer: Any) -> str:
    if not isinstance(answer, dict) or sorted(answer) != ["TPE", "random"]:
        raise Wrong('answer should be a dict with the keys "random" and "TPE"')
    for name, values in answer.items():
        values = numbers(list(values), 3, f"the best accuracies of {name}, one per sampler seed")
        for v in values:
            between(v, 0.0, 1.0, "a best validation accuracy", "study.best_value")
    return "paired by sampler seed: now the standard error of the differences"
