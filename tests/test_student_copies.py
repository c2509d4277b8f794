"""Student copies (`make student`): no solution survives, outputs are cleared, and each copy still
runs from top to bottom (with small parameters, so the whole run takes a couple of minutes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import student_copies
from tools.lessons import ROOT, lesson_notebooks, smoke_parameters, source, tags

NOTEBOOKS = lesson_notebooks()

# --- the tool, on a small notebook made here -----------------------------------------------------


def lesson_like() -> nbformat.NotebookNode:
    def tagged(cell: Any, *names: str) -> Any:
        cell.metadata["tags"] = list(names)
        return cell

    nb = new_notebook()
    nb.cells = [
        new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text="1")]),
        new_markdown_cell(":::{exercise}\n:label: ex-00-a\nDo it.\n:::"),
        tagged(new_code_cell("# your answer\n..."), "remove-cell"),
        tagged(new_markdown_cell(":::{solution-start} ex-00-a\n:class: dropdown\n:::"), "solution"),
        tagged(new_code_cell("answer = 42"), "solution"),
        tagged(new_markdown_cell(":::{solution-end}\n:::"), "solution"),
        tagged(
            new_markdown_cell(":::{solution} ex-00-a\n:class: dropdown\nWords.\n:::"), "solution"
        ),
        new_code_cell("print(x)"),
    ]
    nb.cells[0].execution_count = 1
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_tool_removes_solutions_and_outputs() -> None:
    nb = lesson_like()
    copy = student_copies.student_copy(nb)
    assert [c.source for c in copy.cells] == [
        "x = 1",
        nb.cells[1].source,
        "# your answer\n...",
        "print(x)",
    ]
    assert copy.cells[0].outputs == [] and copy.cells[0].execution_count is None
    assert "widgets" not in copy.metadata
    assert len(nb.cells) == 8, "the original is left alone"


@pytest.mark.parametrize("untag", [3, 4, 6])
def test_tool_refuses_an_untagged_solution_cell(untag: int) -> None:
    nb = lesson_like()
    nb.cells[untag].metadata["tags"] = []
    with pytest.raises(student_copies.SolutionNotTagged, match=str(untag)):
        student_copies.student_copy(nb)


def test_make_student_command_line(tmp_path: Path) -> None:
    source = tmp_path / "00_demo.ipynb"
    nbformat.write(lesson_like(), source)
    out = tmp_path / "student"
    done = subprocess.run(
        [sys.executable, "-m", "tools.student_copies", "--out", str(out), str(source)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "solution" not in (out / "00_demo.ipynb").read_text()


# --- the lessons ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("student")
    student_copies.write_student_copies(NOTEBOOKS, out)
    return out


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_copy_has_no_solutions(student_dir: Path, notebook: Path) -> None:
    original = json.loads(notebook.read_text())
    copy = json.loads((student_dir / notebook.name).read_text())
    assert not [c for c in copy["cells"] if "solution" in tags(c)]
    assert not [c for c in copy["cells"] if student_copies.ANY_SOLUTION.search(source(c))]
    for cell in copy["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert "widgets" not in copy["metadata"]
    exercises = [c for c in original["cells"] if "{exercise}" in source(c)]
    assert len(exercises) >= 1, f"{notebook.name} has no exercises"
    assert len([c for c in copy["cells"] if "{exercise}" in source(c)]) == len(exercises)
    removed = len(original["cells"]) - len(copy["cells"])
    left_out = student_copies.REMOVED_TAGS
    assert removed == len([c for c in original["cells"] if left_out & set(tags(c))])
    assert not [c for c in copy["cells"] if "results" in tags(c)], "the results cell stays out"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_copy_runs_top_to_bottom(student_dir: Path, notebook: Path, tmp_path: Path) -> None:
    """What a student's "Run All" does: every cell in order, with a plain kernel, no tag honoured.

    Papermill stops at the first error whatever the cell's tags say, as Jupyter and Colab do; it
    only injects the smoke-size parameters after the ``parameters`` cell.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    target = tmp_path / notebook.name
    try:
        pm.execute_notebook(
            str(student_dir / notebook.name),
            str(target),
            parameters=smoke_parameters(notebook),
            cwd=str(tmp_path),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            execution_timeout=600,
        )
    except PapermillExecutionError as err:
        pytest.fail(f"Run All stops in {notebook.name}: {err.ename}: {err.evalue}")
    ran = json.loads(target.read_text())
    code = [c for c in ran["cells"] if c["cell_type"] == "code"]
    assert code[-1]["execution_count"] is not None, "the last cell was not reached"
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    # every code exercise's check ran and said, without raising, that it is not answered yet
    from tools.assignments import exercises_of

    printed = "".join("".join(o.get("text", "")) for c in code for o in c["outputs"])
    for label in exercises_of(ran)["code"]:
        assert f"✗ {label}: not answered yet" in printed, label
