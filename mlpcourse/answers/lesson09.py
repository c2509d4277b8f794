"""Checks of lesson 09's exercises (tabular data: diamonds)."""

from __future__ import annotations

from typing import Any

from mlpcourse.answers.core import Wrong, between, exercise, number, numbers


def _r2(x: float, what: str) -> None:
    between(x, -10.0, 1.0, what, "an R² is at most 1; compute it on the price in dollars")


@exercise(
    "ex-09-raw-price", "(validation R² on the price of the raw-price model, of the log model)"
)
def _raw_price(answer: Any) -> str:
    raw, log = numbers(answer, 2, "(raw-price model R², log-price model R²)")
    _r2(raw, "the raw-price model's R²")
    _r2(log, "the log-price model's R²")
    return "both on the price itself; now where they differ (cheap diamonds?)"


@exercise("ex-09-leak", "(honest ridge validation R², ridge R² with preprocess fitted on all rows)")
def _leak(answer: Any) -> str:
    honest, leaky = numbers(answer, 2, "(honest R², leaky R²)")
    _r2(honest, "the honest R²")
    _r2(leaky, "the leaky R²")
    if abs(honest - leaky) > 0.05:
        raise Wrong(
            f"the two differ by {abs(honest - leaky):.3f}",
            "refit only the preprocessing on all rows; the ridge still trains on training rows",
        )
    return "a small difference here; now say why that does not make the leak harmless"


@exercise("ex-09-many-categories", "{variant name: mean validation R² over the lesson's seeds}")
def _many_categories(answer: Any) -> str:
    if not isinstance(answer, dict) or len(answer) != 2:
        raise Wrong("answer should be a dict of the two variants: one-hot and embedding")
    for name, value in answer.items():
        _r2(number(value, f"the R² of {name}"), f"the R² of {name}")
    return "both variants scored on validation"
