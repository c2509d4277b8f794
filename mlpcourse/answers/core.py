"""The machinery of the exercise checks: a registry of checks by exercise label, and verdicts.

A lesson's answer cell ends with ``mlp.check_answer("ex-04-zero-init", answer)``: the check says
what is wrong and hints at why, never the answer, and never raises, so "Run All" on an
unanswered notebook still reaches its end. Each check is a function registered with
:func:`exercise`; it returns a short message when the answer passes and raises :class:`Wrong`
(what is wrong, and a hint) when it does not. The last answer checked under each label is kept,
so that a grader (Otter-Grader's tests, :func:`grade_answer`) can check it again after a run.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "EXERCISES",
    "Exercise",
    "Verdict",
    "Wrong",
    "check_answer",
    "exercise",
    "grade_answer",
]


class Wrong(Exception):
    """Raised by a check: ``message`` says what is wrong, ``hint`` why (never the answer)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Exercise:
    """A checked exercise: its label, what ``answer`` must hold, and the check."""

    label: str
    expects: str
    check: Callable[[Any], str]


@dataclass(frozen=True)
class Verdict:
    """The result of checking an answer: passed or not, what was found, and a hint."""

    label: str
    passed: bool
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def _ipython_display_(self) -> None:
        """Show nothing as a cell's value: check_answer has printed the verdict already."""

    def __str__(self) -> str:
        mark = "✓" if self.passed else "✗"
        text = f"{mark} {self.label}: {self.message}"
        return text + (f"\n  hint: {self.hint}" if self.hint else "")


EXERCISES: dict[str, Exercise] = {}
_ANSWERS: dict[str, Any] = {}


def exercise(label: str, expects: str) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    """Register the decorated function as the check of exercise ``label``.

    ``expects`` says what ``answer`` must hold, in the words the answer cell uses.
    """

    def register(check: Callable[[Any], str]) -> Callable[[Any], str]:
        if label in EXERCISES:
            raise ValueError(f"exercise {label!r} has two checks")
        EXERCISES[label] = Exercise(label, expects, check)
        return check

    return register


def check_answer(label: str, answer: Any, quiet: bool = False) -> Verdict:
    """Check the answer to exercise ``label``, print the verdict, and return it.

    Never raises: an unknown label, an unanswered exercise (``answer = ...``) or an answer the
    check cannot read each give a failed verdict that says what to do. Introduced in lesson 01.

    Parameters
    ----------
    label : str
        The exercise's label, as in the lesson: ``"ex-04-zero-init"``.
    answer : object
        Your answer, in the form the answer cell's comment describes.
    quiet : bool, default False
        Return the verdict without printing it.

    Returns
    -------
    Verdict
        True when the answer passes; printing it gives the message and a hint.
    """
    if label not in EXERCISES:
        known = ", ".join(sorted(EXERCISES)[:3])
        verdict = Verdict(
            str(label), False, f"no exercise has this label (labels look like {known}, ...)"
        )
    else:
        _ANSWERS[label] = answer
        verdict = _judge(EXERCISES[label], answer)
    if not quiet:
        print(verdict)
    return verdict


def grade_answer(label: str) -> Verdict:
    """Check again the last answer given to ``label`` in this session (for graders).

    Otter-Grader's test of each question (``make assignments``) calls this after running the
    whole notebook; no lesson calls it.

    Parameters
    ----------
    label : str
        The exercise's label.

    Returns
    -------
    Verdict
        As :func:`check_answer` gives it, without printing.
    """
    if label not in _ANSWERS:
        return Verdict(
            label,
            False,
            "no answer was checked in this notebook run",
            f'run the exercise\'s answer cell, which ends with mlp.check_answer("{label}", answer)',
        )
    return _judge(EXERCISES[label], _ANSWERS[label])


def _judge(ex: Exercise, answer: Any) -> Verdict:
    if answer is Ellipsis:
        return Verdict(ex.label, False, f"not answered yet: set answer = {ex.expects}")
    try:
        return Verdict(ex.label, True, ex.check(answer))
    except Wrong as wrong:
        return Verdict(ex.label, False, wrong.message, wrong.hint)
    except Exception as err:  # a check must report, never raise
        return Verdict(
            ex.label,
            False,
            f"the check could not read your answer ({type(err).__name__}: {err})",
            f"answer should be {ex.expects}",
        )


# ----- small tools the checks share -----


def number(value: Any, what: str) -> float:
    """``value`` as a finite float, or :class:`Wrong` naming ``what``."""
    if isinstance(value, bool):
        raise Wrong(f"{what} is {value!r}, not a number")
    try:
        x = float(value.item() if hasattr(value, "item") else value)
    except (TypeError, ValueError) as err:
        raise Wrong(f"{what} is {type(value).__name__}, not a number") from err
    if not math.isfinite(x):
        raise Wrong(f"{what} is {x}", "a measurement that came out inf or nan: rerun the cell")
    return x


def numbers(value: Any, count: int, what: str) -> list[float]:
    """``value`` as ``count`` finite floats (a tuple or list), or :class:`Wrong`."""
    if not isinstance(value, (tuple, list)) or len(value) != count:
        raise Wrong(f"answer should be {what}: {count} numbers in a tuple, got {value!r:.80}")
    return [number(v, f"item {i + 1} of {what}") for i, v in enumerate(value)]


def between(x: float, low: float, high: float, what: str, hint: str) -> None:
    """:class:`Wrong` unless ``low <= x <= high``."""
    if not low <= x <= high:
        raise Wrong(f"{what} is {x:.4g}, outside what this exercise can give", hint)


def text(value: Any, what: str, min_words: int = 3) -> str:
    """``value`` as a non-empty string of a few words, or :class:`Wrong`."""
    if not isinstance(value, str) or len(value.split()) < min_words:
        raise Wrong(f"{what} should be a sentence or more, in a string", "write it in words")
    return value


def smallest_within_one_sd(scores: dict[Any, Any]) -> Any:
    """Return the first key, in the dict's order, whose mean is within one sd of the best mean.

    The lessons' rule for choosing the smallest network as good as the best, within the
    seed-to-seed (or fold-to-fold) spread (sd with ddof 1); ``scores`` maps each candidate to its
    list of scores.
    """
    from mlpcourse.compare import mean_se

    stats = {key: mean_se([float(v) for v in values]) for key, values in scores.items()}
    best = max(stats, key=lambda key: stats[key].mean)
    return next(key for key in scores if stats[key].mean >= stats[best].mean - stats[best].sd)
