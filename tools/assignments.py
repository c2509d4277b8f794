"""Otter-Grader assignments generated from the lessons: ``make assignments``.

The lessons stay the single source. For every lesson with code exercises this writes an Otter
Assign *master notebook* (``_build/assignments/<lesson>/<lesson>.ipynb``), in Otter's notebook
format, version 1: the lesson's cells up to its exercises (the ``results`` cell and the solutions'
prose left out), then one Otter question per code exercise, named by the exercise's label
(``ex-04-zero-init``), whose solution is the lesson's worked solution and whose one public test
re-checks the learner's answer with the same check the lesson's answer cell runs
(``mlp.grade_answer``). Exercises answered in words stay in as prompts with a text cell, graded by
hand. ``otter assign --no-run-tests`` then writes Otter's own layout next to it:
``student/`` (the notebook to hand out) and ``autograder/`` (the solution notebook and the
autograder zip, for ``otter run`` or Gradescope). Nothing is executed: Otter would otherwise run
every lesson's solutions to test its tests.

Usage: ``python -m tools.assignments [--out DIR] [LESSON ...]`` (lessons by number, e.g. 01 11).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tools.lessons import ROOT, lesson_notebooks, source, tags

OUT = ROOT / "_build" / "assignments"
LABEL = re.compile(r":label:\s*(ex-[\w-]+)")
SOLUTION_MARK = re.compile(r"^\s*\{?solution")
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
CHECK_CALL = re.compile(r'^mlp\.check_answer\("(ex-[\w-]+)", answer\)$')


def _cell(kind: str, text: str, **meta: Any) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "metadata": dict(meta), "source": text}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _raw(text: str) -> dict[str, Any]:
    return _cell("raw", text)


def code_exercises() -> dict[str, str]:
    """Every code exercise of every lesson: label -> lesson stem (those with a check)."""
    found = {}
    for path in lesson_notebooks():
        for label in exercises_of(json.loads(path.read_text(encoding="utf-8")))["code"]:
            found[label] = path.stem
    return found


def exercises_of(nb: dict[str, Any]) -> dict[str, list[str]]:
    """The labels of a lesson's exercises: "code" (their answer cell runs a check) and "text"."""
    out: dict[str, list[str]] = {"code": [], "text": []}
    for block in _exercise_blocks(nb["cells"]):
        out["code" if block["check"] else "text"].append(block["label"])
    return out


def _exercise_blocks(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each exercise: its label, prompt cell, answer cell, solution cells, extra prompt cells."""
    blocks = []
    i = 0
    while i < len(cells):
        text = source(cells[i])
        if cells[i]["cell_type"] == "markdown" and "{exercise}" in text:
            label = LABEL.search(text)
            if label is None:
                raise ValueError(f"an exercise without a :label: at cell {i}")
            block: dict[str, Any] = {"label": label[1], "prompt": cells[i], "given": []}
            j = i + 1
            while not _is_answer_cell(cells[j]):  # cells the learner works with
                block["given"].append(cells[j])
                j += 1
                if j == len(cells) or "{exercise}" in source(cells[j]):
                    raise ValueError(f"exercise {label[1]} has no answer cell")
            block["answer"] = cells[j]
            block["check"] = any(CHECK_CALL.match(line) for line in source(cells[j]).splitlines())
            k = j + 1
            block["solution"] = []
            while k < len(cells) and "solution" in tags(cells[k]):
                block["solution"].append(cells[k])
                k += 1
            blocks.append(block)
            i = k
        else:
            i += 1
    return blocks


def _is_answer_cell(cell: dict[str, Any]) -> bool:
    """The answer cell under an exercise: hidden from the book (or Otter's answer cell)."""
    return bool({"remove-cell", "otter_answer_cell"} & set(tags(cell)))


def _question(block: dict[str, Any]) -> list[dict[str, Any]]:
    """One Otter question (format v1) for a code exercise."""
    label = block["label"]
    answer_lines = source(block["answer"]).splitlines()
    kept = [ln for ln in answer_lines if ln != "answer = ..." and not CHECK_CALL.match(ln)]
    solution_code = [source(c) for c in block["solution"] if c["cell_type"] == "code"]
    body = "\n\n".join(solution_code).splitlines()
    # the worked solution ends with `answer = ...` and the check: keep its answer, drop the check
    body = [ln for ln in body if not CHECK_CALL.match(ln)]
    solution = "\n".join(
        [
            *kept,
            "# BEGIN SOLUTION NO PROMPT",
            *body,
            "_worked_answer = answer",
            "# END SOLUTION",
            "answer = _worked_answer  # SOLUTION",
            f'mlp.check_answer("{label}", answer)',
        ]
    )
    test_name = "test_" + label.replace("-", "_")
    test = (
        f"def {test_name}():\n"
        "    import mlpcourse as mlp\n\n"
        f'    verdict = mlp.grade_answer("{label}")\n'
        "    assert verdict, str(verdict)\n"
    )
    return [
        _raw(f"# BEGIN QUESTION\nname: {label}\npoints: 1\ncheck_cell: false"),
        block["prompt"],
        *block["given"],
        _raw("# BEGIN SOLUTION"),
        _cell("code", solution),
        _raw("# END SOLUTION"),
        _raw("# BEGIN TESTS"),
        _cell("code", test),
        _raw("# END TESTS"),
        _raw("# END QUESTION"),
    ]


def _install_line(text: str) -> str:
    """The Colab install cell, asking for the grading extra too."""
    return re.sub(
        r'"mlpcourse(?:\[([\w,]+)\])? @',
        lambda m: '"mlpcourse[' + ",".join(filter(None, ["grading", m[1]])) + "] @",
        text,
    )


def master_notebook(path: Path) -> dict[str, Any] | None:
    """The Otter master notebook of one lesson, or None when it has no code exercise."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    blocks = _exercise_blocks(cells)
    if not any(b["check"] for b in blocks):
        return None
    first = cells.index(blocks[0]["prompt"])
    code = "\n".join(source(c) for c in cells if c["cell_type"] == "code")
    requirement = re.search(r'"(mlpcourse[^"]* @ git\+[^"]+)"', code)
    config = [
        "# ASSIGNMENT CONFIG",
        f"name: {path.stem}",
        *(
            [
                "requirements:",
                # the grading image needs no GPU: PyTorch's CPU build, not PyPI's CUDA one
                f"  - --extra-index-url {TORCH_CPU_INDEX}",
                f"  - {_install_line(chr(34) + requirement[1] + chr(34))}",
            ]
            if requirement
            else []
        ),
        "python_version: 3.11",  # the version the course is tested with
        "run_tests: false",
        "solutions_pdf: false",
        "init_cell: false",
        "check_all_cell: false",
        "export_cell: false",
        "tests:",
        "  files: false",
        "  ok_format: false",
        "generate: true",
    ]
    out = [_raw("\n".join(config))]
    for cell in cells[:first]:
        if "results" in tags(cell):
            continue
        if cell["cell_type"] == "code":
            cell = {**cell, "outputs": [], "execution_count": None}
            cell["source"] = _install_line(source(cell))
        out.append(cell)
    for block in blocks:
        if block["check"]:
            out += _question(block)
        else:
            text_cell = _cell("markdown", "**Your answer** (in words; graded by hand):\n\n...")
            out += [block["prompt"], *block["given"], text_cell]
    master = {**nb, "cells": out}
    return master


def build(lessons: list[str] | None = None, out: Path = OUT) -> list[Path]:
    """Write the master notebook and run ``otter assign`` for each lesson; return their folders."""
    otter = Path(sys.executable).with_name("otter")
    if not otter.exists():
        raise SystemExit("otter is not installed in this environment: run `make env` first")
    done = []
    for path in lesson_notebooks():
        if lessons and path.name[:2] not in lessons:
            continue
        master = master_notebook(path)
        if master is None:
            continue
        folder = out / path.stem
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        master_path = folder / f"{path.stem}.ipynb"
        master_path.write_text(json.dumps(master, indent=1, ensure_ascii=False) + "\n")
        result = subprocess.run(
            [str(otter), "assign", "--no-run-tests", "--no-pdfs", master_path.name, "."],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SystemExit(
                f"otter assign failed for {path.name}:\n{result.stdout}{result.stderr}"
            )
        done.append(folder)
        print(f"{folder}: student/ and autograder/")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.assignments", description=__doc__)
    parser.add_argument("lessons", nargs="*", help="lesson numbers (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    build(args.lessons or None, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
