"""Checks of the lessons' exercises, one per code exercise, by its label.

Each lesson's answer cell ends with ``mlp.check_answer("ex-04-zero-init", answer)``, which says
what is wrong and hints at why, never raising. The machinery is in :mod:`core`; the checks of
lesson NN are in ``lessonNN.py``. Importing this package registers them all.
"""

from mlpcourse.answers import (  # noqa: F401  (importing registers each lesson's checks)
    lesson01,
    lesson02,
    lesson03,
    lesson04,
    lesson05,
    lesson06,
    lesson07,
    lesson08,
    lesson09,
    lesson10,
    lesson11,
)
from mlpcourse.answers.core import EXERCISES, Verdict, Wrong, check_answer, grade_answer

__all__ = ["EXERCISES", "Verdict", "Wrong", "check_answer", "grade_answer"]
