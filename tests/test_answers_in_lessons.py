"""Every code exercise's answer cell runs its check, and the check passes on the worked solution."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mlpcourse.answers import EXERCISES
from tools.assignments import code_exercises, exercises_of
from tools.lessons import lesson_notebooks, run_notebook, smoke_parameters, source, tags

NOTEBOOKS = lesson_notebooks()


def _printed_by_solutions(nb: dict) -> str:
    """Everything the worked solutions' cells printed."""
    return "".join(
        "".join(o.get("text", ""))
        for c in nb["cells"]
        if "solution" in tags(c)
        for o in c.get("outputs", [])
    )


def test_every_check_belongs_to_an_exercise_and_every_code_exercise_has_one() -> None:
    in_lessons = code_exercises()
    assert set(in_lessons) == set(EXERCISES)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_answer_cells_say_what_answer_holds(notebook: Path) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        found = re.search(r'^mlp\.check_answer\("(ex-[\w-]+)", answer\)$', source(cell), re.M)
        if found is None or "solution" in tags(cell):
            continue
        label = found[1]
        assert source(cell).startswith(f"# your answer: answer = {EXERCISES[label].expects}\n")
        assert "answer = ...\n" in source(cell), label


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_committed_worked_solutions_pass_their_checks(notebook: Path) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    printed = _printed_by_solutions(nb)
    for label in exercises_of(nb)["code"]:
        assert f"✓ {label}: " in printed, label
    assert "✗ ex-" not in printed


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_worked_solutions_pass_their_checks_at_smoke_size(
    notebook: Path, tmp_path: Path
) -> None:
    run_notebook(notebook, tmp_path, **smoke_parameters(notebook))
    target = tmp_path / notebook.name
    ran = json.loads(target.read_text(encoding="utf-8"))
    printed = _printed_by_solutions(ran)
    failed = re.findall(r"✗ (ex-[\w-]+: .*)", printed)
    assert not failed, failed
    for label in exercises_of(ran)["code"]:
        assert f"✓ {label}: " in printed, label
