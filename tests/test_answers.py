"""mlpcourse.answers: the check of every code exercise; it reports, hints, and never raises."""

from __future__ import annotations

import math
import warnings

import pytest
import torch
from torch import nn

import mlpcourse as mlp
from mlpcourse.answers import EXERCISES, check_answer, grade_answer

JUNK = [None, "seven", object(), float("nan"), [1, 2, 3, 4, 5], {"a": 1}, -1, 10**9]


@pytest.mark.parametrize("label", sorted(EXERCISES))
def test_no_answer_raises_and_none_of_these_passes(label: str) -> None:
    for junk in JUNK:
        verdict = check_answer(label, junk, quiet=True)
        assert not verdict, (label, junk, verdict)
        assert verdict.message
    unanswered = check_answer(label, ..., quiet=True)
    assert not unanswered and EXERCISES[label].expects in unanswered.message


def test_the_verdict_prints_a_mark_the_message_and_the_hint(capsys: pytest.CaptureFixture) -> None:
    verdict = mlp.check_answer("ex-03-decode", ["cat", "dog", "fish"])
    printed = capsys.readouterr().out
    assert printed.startswith("✗ ex-03-decode: ") and "\n  hint: " in printed
    assert str(verdict) == printed.rstrip("\n")
    assert mlp.check_answer("ex-03-decode", ["dog", "cat", "fish"])
    assert capsys.readouterr().out.startswith("✓ ex-03-decode: ")


def test_an_unknown_label_says_what_labels_look_like() -> None:
    verdict = check_answer("ex-99-nothing", 1, quiet=True)
    assert not verdict and "ex-01-" in verdict.message


def test_a_grader_checks_the_last_answer_again() -> None:
    label = "ex-10-allreduce"
    check_answer(label, 1.0, quiet=True)
    assert not grade_answer(label)
    check_answer(label, 0.0, quiet=True)
    assert grade_answer(label)


def test_a_grader_with_no_answer_says_which_cell_to_run() -> None:
    from mlpcourse.answers import core

    core._ANSWERS.pop("ex-09-leak", None)
    verdict = grade_answer("ex-09-leak")
    assert not verdict and 'mlp.check_answer("ex-09-leak", answer)' in verdict.hint


class RightMomentum:
    def __init__(self, params, lr, momentum):  # type: ignore[no-untyped-def]
        self.params, self.lr, self.momentum = list(params), lr, momentum
        self.v = [None] * len(self.params)

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for i, p in enumerate(self.params):
            self.v[i] = p.grad.clone() if self.v[i] is None else self.momentum * self.v[i] + p.grad
            p -= self.lr * self.v[i]


class WrongMomentum(RightMomentum):
    @torch.no_grad()
    def step(self) -> None:  # starts the velocity at zero: the first step is lr * g * 1, then off
        for i, p in enumerate(self.params):
            v = torch.zeros_like(p) if self.v[i] is None else self.v[i]
            self.v[i] = self.momentum * v + (1 - self.momentum) * p.grad
            p -= self.lr * self.v[i]


def test_functions_and_classes_are_checked_by_running_them() -> None:
    assert check_answer("ex-03-momentum", RightMomentum, quiet=True)
    wrong = check_answer("ex-03-momentum", WrongMomentum, quiet=True)
    assert not wrong and "differ" in wrong.message and "v = g" in wrong.hint

    def batchnorm(Z, gamma, beta, eps=1e-5):  # type: ignore[no-untyped-def]
        return gamma * (Z - Z.mean(0)) / torch.sqrt(Z.var(0, unbiased=False) + eps) + beta

    def batchnorm_unbiased(Z, gamma, beta, eps=1e-5):  # type: ignore[no-untyped-def]
        return gamma * (Z - Z.mean(0)) / torch.sqrt(Z.var(0) + eps) + beta

    assert check_answer("ex-07-batchnorm", batchnorm, quiet=True)
    assert "unbiased" in check_answer("ex-07-batchnorm", batchnorm_unbiased, quiet=True).message

    class Dropout(nn.Module):
        def __init__(self, p: float, scale: bool = True) -> None:
            super().__init__()
            self.p, self.scale = p, scale

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if not self.training:
                return x
            keep = torch.empty_like(x).bernoulli_(1 - self.p)
            return x * keep / (1 - self.p) if self.scale else x * keep

    class Unscaled(Dropout):
        def __init__(self, p: float) -> None:
            super().__init__(p, scale=False)

    assert check_answer("ex-06-dropout-scratch", Dropout, quiet=True)
    assert "divide" in check_answer("ex-06-dropout-scratch", Unscaled, quiet=True).hint


def test_the_warm_start_loop_is_run_with_warnings_as_errors() -> None:
    from sklearn.neural_network import MLPClassifier

    def warm_start(X, y, epochs):  # type: ignore[no-untyped-def]
        model = MLPClassifier(hidden_layer_sizes=(10,), max_iter=1, warm_start=True, random_state=0)
        for _ in range(epochs):
            model.fit(X, y)
        return model

    def partial(X, y, epochs):  # type: ignore[no-untyped-def]
        model = MLPClassifier(hidden_layer_sizes=(10,), random_state=0)
        for _ in range(epochs):
            model.partial_fit(X, y, classes=[0, 1])
        return model

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the check must not leak its warnings
        assert "warns" in check_answer("ex-02-warm-start", warm_start, quiet=True).message
        assert check_answer("ex-02-warm-start", partial, quiet=True)


def test_numbers_are_checked_against_what_the_lesson_shows() -> None:
    assert check_answer("ex-04-underflow", (math.inf, 200.0, 200.0), quiet=True)
    assert not check_answer("ex-04-underflow", (200.0, 200.0, 200.0), quiet=True)
    params = 784 * 1024 + 1024 + 1024 * 1024 + 1024 + 10250
    assert check_answer("ex-10-bytes", (4 * params, 10.4, 11.1), quiet=True)
    assert not check_answer("ex-10-bytes", (params, 10.4, 11.1), quiet=True)
    assert check_answer("ex-11-initial-loss", (math.log(3), 2.37, 6.6), quiet=True)
    assert not check_answer("ex-11-initial-loss", (math.log(10), 2.37, 6.6), quiet=True)
    assert check_answer("ex-01-no-relu", (1, 0.72), quiet=True)
    assert (
        "linear function of a linear" in check_answer("ex-01-no-relu", (2, 0.72), quiet=True).hint
    )


def test_a_choice_is_checked_against_the_learners_own_numbers() -> None:
    scores = {
        1: [0.6, 0.7, 0.8],
        2: [0.6, 0.9, 0.8],
        3: [0.91, 0.91, 0.9],
        4: [0.93, 0.91, 0.91],
        8: [0.92, 0.91, 0.91],
    }
    assert check_answer("ex-01-hidden-units", (3, scores), quiet=True)
    assert not check_answer("ex-01-hidden-units", (4, scores), quiet=True)


def test_the_instructors_page_shows_a_hint_as_students_see_it() -> None:
    from tools.lessons import ROOT

    page = (ROOT / "book" / "instructors.md").read_text(encoding="utf-8")
    shown = str(check_answer("ex-01-no-relu", (2, 0.72), quiet=True))
    assert shown in page
