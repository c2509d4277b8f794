"""Checks of lesson 04's exercises (an MLP from scratch on Fashion-MNIST)."""

from __future__ import annotations

import math
from typing import Any

from mlpcourse.answers.core import Wrong, between, exercise, number, numbers


def _accuracy(x: float, what: str) -> None:
    between(x, 0.0, 1.0, what, "an accuracy is a fraction of the validation images")


@exercise(
    "ex-04-zero-init",
    "(accuracy from zeros, accuracy from equal weights, largest difference between hidden units)",
)
def _zero_init(answer: Any) -> str:
    zeros, equal, spread = numbers(answer, 3, "(zeros accuracy, equal accuracy, spread)")
    _accuracy(zeros, "the accuracy from zeros")
    _accuracy(equal, "the accuracy from equal weights")
    if zeros > 0.2:
        raise Wrong(
            f"from zeros the network reaches {zeros:.3f}",
            "with every weight zero, W1 and W2 get zero gradients: did you really start at zero?",
        )
    if spread > 1e-4:
        raise Wrong(
            f"the hidden units of the equal start differ by {spread:.2g}",
            "units that start equal get equal gradients: compare the columns of W1 after training",
        )
    return "no learning from zeros, and equal units stay equal"


@exercise("ex-04-deeper", "{label: validation accuracy} for the three networks you trained")
def _deeper(answer: Any) -> str:
    if not isinstance(answer, dict) or len(answer) != 3:
        raise Wrong(
            "answer should be a dict of three runs: one hidden layer, two at std 0.01, two at 0.05",
            "key each run by a short label",
        )
    for name, acc in answer.items():
        _accuracy(number(acc, f"the accuracy of {name}"), f"the accuracy of {name}")
    return "three runs, one change at a time"


@exercise("ex-04-underflow", "(-log of the stable softmax, your cross_entropy, F.cross_entropy)")
def _underflow(answer: Any) -> str:
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Wrong("answer should be three losses, in the order asked")
    naive = float(answer[0])
    stable, torch_ce = (number(a, "a loss") for a in answer[1:])
    if not math.isinf(naive):
        raise Wrong(
            f"-log(softmax(...)) gave {naive:.4g}",
            "use the lesson's stable softmax on [[0.0, 200.0]] with label 0: what is e^-200 in "
            "float32?",
        )
    for value, what in [(stable, "your cross_entropy"), (torch_ce, "F.cross_entropy")]:
        if abs(value - 200.0) > 1e-3:
            raise Wrong(f"{what} gave {value:.4g}", "compute it from the logits, not from softmax")
    return "the log of an underflowed probability is inf; the log-sum-exp form is exact"


@exercise(
    "ex-04-no-autograd",
    "(accuracy with autograd, accuracy by hand, largest weight difference after one update)",
)
def _no_autograd(answer: Any) -> str:
    auto, hand, one_step = numbers(answer, 3, "(autograd accuracy, by-hand accuracy, difference)")
    _accuracy(auto, "the autograd accuracy")
    _accuracy(hand, "the by-hand accuracy")
    if one_step > 1e-5:
        raise Wrong(
            f"after one update the weights differ by {one_step:.1e}",
            "same start, same minibatch, same lr: compare backward_by_hand's gradients with .grad",
        )
    if abs(auto - hand) > 0.02:
        raise Wrong(
            f"the two accuracies differ by {abs(auto - hand):.3f}",
            "give both the same shuffling order (a generator seeded alike)",
        )
    return "equal after one update, close after training: say why not to the last bit"
