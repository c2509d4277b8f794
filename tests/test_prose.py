"""The prose checks of tools.lessons (tests/test_lesson_prose.py applies them to every lesson)."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools.lessons import lesson_notebooks
from tools.prose import harness_talk, unbacked_numbers

NOTEBOOKS = lesson_notebooks()


def _lesson(prose: str, printed: str, code: str = "x = 1") -> dict:
    cell = new_code_cell(code)
    cell.outputs = [new_output("stream", name="stdout", text=printed)]
    return new_notebook(cells=[cell, new_markdown_cell(prose)])


def test_number_checks_can_fail() -> None:
    assert unbacked_numbers(_lesson("reaches 0.973", "accuracy 0.973")) == []
    assert unbacked_numbers(_lesson("reaches 0.97", "accuracy 0.973")) == ["cell 1: 0.97"]
    assert unbacked_numbers(_lesson("above 0.85", "accuracy 0.973")) == ["cell 1: 0.85"]
    assert unbacked_numbers(_lesson("with lr 0.1", "", code="lr = 0.1")) == []
    cited = _lesson("the benchmark's 0.871", "")
    assert unbacked_numbers(cited) == ["cell 1: 0.871"]
    cited["metadata"]["mlpcourse"] = {"cited": {"0.871": "Zalando benchmark"}}
    assert unbacked_numbers(cited) == []


def test_test_talk_is_found() -> None:
    assert harness_talk(_lesson("The test accuracy is 0.9 on the test set.", "0.9")) == []
    assert harness_talk(_lesson("The test patients are scored once.", "")) == []
    assert harness_talk(_lesson("The test checks the patients.", "")) != []
    assert harness_talk(_lesson("The tests check this within a tolerance.", "")) != []
    assert harness_talk(_lesson("nbval compares the outputs", "")) != []


def test_exercise_numbers_are_names_not_measurements() -> None:
    exercise = ":::{exercise} 4.2\n:label: ex-04-deeper\n:nonumber:\nReach 0.88 here.\n:::"
    assert unbacked_numbers(_lesson(exercise, "")) == ["cell 1: 0.88"]
    assert unbacked_numbers(_lesson("see {ref}`exercise 4.2 <ex-04-deeper>`", "")) == []
    assert unbacked_numbers(_lesson("see exercise 4.2", "")) == ["cell 1: 4.2"]
