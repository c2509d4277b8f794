"""make assignments: Otter-Grader assignments generated from the lessons, and graded with otter."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools.assignments import OUT, code_exercises, exercises_of, master_notebook
from tools.lessons import ROOT, lesson_notebooks

pytestmark = pytest.mark.slow

OTTER = Path(sys.executable).with_name("otter")


@pytest.fixture(scope="module")
def assignments() -> Path:
    subprocess.run(["make", "-s", "assignments"], cwd=ROOT, check=True)
    return OUT


def _zip(folder: Path) -> Path:
    (found,) = (folder / "autograder").glob("*.zip")
    return found


def test_every_code_exercise_has_its_question_in_the_autograder(assignments: Path) -> None:
    expected = code_exercises()
    assert len(expected) >= 40  # every exercise but the five answered in words
    for stem in sorted(set(expected.values())):
        folder = assignments / stem
        assert (folder / "student" / f"{stem}.ipynb").is_file()
        assert (folder / "autograder" / f"{stem}.ipynb").is_file()
        with zipfile.ZipFile(_zip(folder)) as z:
            tests = {Path(n).stem for n in z.namelist() if n.startswith("tests/")}
            environment = z.read("environment.yml").decode()
        # the grading image: the tested Python, PyTorch's CPU build, the course at its release
        assert "python=3.11" in environment
        cpu = environment.index("--extra-index-url https://download.pytorch.org/whl/cpu")
        assert cpu < environment.index("mlpcourse[grading")
        mine = {label for label, s in expected.items() if s == stem}
        assert mine <= tests, (stem, mine - tests)


def test_the_student_notebook_holds_no_worked_solution(assignments: Path) -> None:
    nb = json.loads(
        (assignments / "01_student_pass_fail/student/01_student_pass_fail.ipynb").read_text()
    )
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    assert "train_without_zero_grad" not in text  # a function of ex-01-zero-grad's solution
    assert text.count("\nanswer = ...\n") == len(exercises_of(nb)["code"]) == 5
    assert 'mlp.check_answer("ex-01-unscaled", answer)' in text


def _grade(zip_path: Path, notebook: Path, out: Path) -> dict:
    out.mkdir()
    subprocess.run(
        [str(OTTER), "run", "-a", str(zip_path), "-o", str(out), str(notebook)],
        check=True,
        cwd=out,
        capture_output=True,
    )
    return json.loads((out / "results.json").read_text())


def _score(results: dict) -> tuple[float, float]:
    got = sum(t.get("score", 0) for t in results["tests"])
    possible = sum(t.get("max_score", 0) for t in results["tests"])
    return got, possible


def test_otter_gives_the_solution_full_marks_and_the_blank_copy_none(
    assignments: Path, tmp_path: Path
) -> None:
    folder = assignments / "01_student_pass_fail"
    solution = folder / "autograder" / "01_student_pass_fail.ipynb"
    got, possible = _score(_grade(_zip(folder), solution, tmp_path / "solution"))
    assert possible == 5 and got == possible
    blank = folder / "student" / "01_student_pass_fail.ipynb"
    got, possible = _score(_grade(_zip(folder), blank, tmp_path / "blank"))
    assert possible == 5 and got == 0


def test_text_exercises_are_prompts_and_lessons_without_code_exercises_have_none() -> None:
    for path in lesson_notebooks():
        nb = json.loads(path.read_text())
        kinds = exercises_of(nb)
        master = master_notebook(path)
        if not kinds["code"]:
            assert master is None
            continue
        questions = ["".join(c["source"]) for c in master["cells"] if c["cell_type"] == "raw"]
        names = [q.split("name: ")[1].split("\n")[0] for q in questions if "BEGIN QUESTION" in q]
        assert names == kinds["code"], path.name
