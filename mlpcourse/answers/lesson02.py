"""Checks of lesson 02's exercises (scikit-learn's MLPClassifier on the moons)."""

from __future__ import annotations

import warnings
from typing import Any

from mlpcourse.answers.core import (
    Wrong,
    between,
    exercise,
    number,
    numbers,
    smallest_within_one_sd,
)


def _accuracy(x: float, what: str) -> None:
    between(x, 0.0, 1.0, what, "an accuracy is a fraction of the points, from .score(X, y)")


@exercise("ex-02-no-scaler", "(validation accuracy without the scaler, with it)")
def _no_scaler(answer: Any) -> str:
    without, with_scaler = numbers(answer, 2, "(accuracy without the scaler, with it)")
    _accuracy(without, "the accuracy without the scaler")
    _accuracy(with_scaler, "the accuracy with it")
    return "both accuracies measured: now the question about features in different units"


def _checked_scores(scores: dict[Any, Any], folds: int | None) -> dict[Any, Any]:
    """``scores`` after checking each list: ``folds`` scores (or at least two), each a fraction."""
    for key, values in scores.items():
        values = list(values)
        if folds is not None and len(values) != folds:
            raise Wrong(f"{key} has {len(values)} scores, not {folds}", "one score per fold")
        if len(values) < 2:
            raise Wrong(f"{key} has fewer than two scores", "one score per seed")
        for v in values:
            _accuracy(number(v, f"a score of {key}"), f"a score of {key}")
    return scores


SIZES = [(2,), (10,), (10, 10), (50, 50)]


def _sizes_dict(scores: Any) -> dict[Any, Any]:
    if not isinstance(scores, dict) or [tuple(k) for k in scores] != SIZES:
        raise Wrong(
            "the dict should be keyed by the four sizes, in order: (2,), (10,), (10, 10), (50, 50)",
            "use the hidden_layer_sizes tuples as keys",
        )
    return scores


@exercise("ex-02-sizes", "(smallest size chosen, {hidden sizes: [validation accuracy per seed]})")
def _sizes(answer: Any) -> str:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong("answer should be (smallest size, dict of accuracies)")
    chosen, scores = answer
    smallest = smallest_within_one_sd(_checked_scores(_sizes_dict(scores), None))
    if tuple(chosen) != tuple(smallest):
        raise Wrong(
            f"from your own accuracies the rule picks another size than {chosen}",
            "the smallest network (in the order given) whose mean is within one standard "
            "deviation (ddof 1) of the best mean",
        )
    return f"{smallest} follows from your accuracies; now say why not the test points"


@exercise("ex-02-warm-start", "a function train_epochs(X, y, epochs) returning the fitted model")
def _warm_start(answer: Any) -> str:
    from sklearn.exceptions import ConvergenceWarning

    from mlpcourse.data import make_moons_split

    if not callable(answer):
        raise Wrong("answer should be your function itself: answer = train_epochs")
    X, _, y, _ = make_moons_split(n_samples=200, noise=0.2, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            model = answer(X, y, 5)
        except ConvergenceWarning as warning:
            raise Wrong(
                f"your loop still warns: {warning}",
                "max_iter=1 with warm_start makes every fit stop early, which is what the "
                "warning says; a method exists that trains exactly one epoch per call",
            ) from warning
    if not hasattr(model, "predict"):
        raise Wrong("train_epochs should return the trained model", "return it at the end")
    if getattr(model, "t_", 5 * len(X)) != 5 * len(X):
        raise Wrong(
            f"the model saw {model.t_} examples in 5 epochs, not {5 * len(X)}",
            "one call per epoch, each over the whole training set",
        )
    return "five epochs, no warning"


@exercise("ex-02-noise", "(MLP accuracy, logistic regression accuracy) at noise 0.35")
def _noise(answer: Any) -> str:
    mlp_acc, logreg = numbers(answer, 2, "(MLP accuracy, logistic regression accuracy)")
    _accuracy(mlp_acc, "the MLP's accuracy")
    _accuracy(logreg, "logistic regression's")
    if mlp_acc < logreg - 0.02:
        raise Wrong(
            "logistic regression beats the MLP on the noisy moons",
            "did the MLP get mlp__max_iter=1000, and both the same noisy split?",
        )
    return "measured: compare the gap with the one at noise 0.2"


@exercise("ex-02-cv", "{hidden sizes: the 5 fold accuracies from cross_val_score}")
def _cv(answer: Any) -> str:
    best = smallest_within_one_sd(_checked_scores(_sizes_dict(answer), 5))
    return f"five folds per size; the one-sd rule would pick {best}"
