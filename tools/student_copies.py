"""Write student copies of the lesson notebooks: solutions removed, outputs cleared.

    python -m tools.student_copies [--out student] [notebooks/NN_*.ipynb ...]   (or: make student)

Every cell tagged ``solution`` goes (markdown and code; the ``solution-start``/``solution-end``
markers are tagged too), and so does the ``results`` cell (the lesson's key numbers, which the
book hides too), with nbconvert's TagRemovePreprocessor; outputs, execution counts and saved
widget state are cleared. A copy is refused if a solution would survive: a cell holding a
``{solution}`` directive, or a cell between ``solution-start`` and ``solution-end``, that is not
tagged ``solution``. Exercise statements and the empty answer cells under them stay.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import (
    ClearMetadataPreprocessor,
    ClearOutputPreprocessor,
    TagRemovePreprocessor,
)

from tools.lessons import ROOT, lesson_notebooks, tags

SOLUTION_TAG = "solution"
REMOVED_TAGS = {SOLUTION_TAG, "results"}  # cells a student copy leaves out
START = re.compile(r"^\s*:::+\s*\{solution-start\}", re.M)
END = re.compile(r"^\s*:::+\s*\{solution-end\}", re.M)
ANY_SOLUTION = re.compile(r"\{solution(?:-start|-end)?\}")


class SolutionNotTagged(ValueError):
    """A solution cell lacks the ``solution`` tag, so a student copy would show it."""


def untagged_solutions(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of cells that are part of a solution but not tagged ``solution``."""
    found = []
    inside = False
    for i, cell in enumerate(nb.cells):
        text = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        tagged = SOLUTION_TAG in tags(cell)
        is_marker = cell.cell_type == "markdown" and ANY_SOLUTION.search(text)
        if START.search(text) and cell.cell_type == "markdown":
            inside = True
        if (inside or is_marker) and not tagged:
            found.append(i)
        if END.search(text) and cell.cell_type == "markdown":
            inside = False
    return found


def student_copy(nb: nbformat.NotebookNode, keep_outputs: bool = False) -> nbformat.NotebookNode:
    """Return the student version of a notebook (the argument is not changed).

    ``keep_outputs`` keeps the committed outputs of the cells that stay (for the student edition
    of the book, ``make student-book``); by default they are cleared.
    """
    bad = untagged_solutions(nb)
    if bad:
        raise SolutionNotTagged(
            f"cells {bad} belong to a solution but are not tagged '{SOLUTION_TAG}'"
        )
    nb = nbformat.from_dict(nb)  # a deep copy
    resources: dict = {}
    remove = TagRemovePreprocessor(remove_cell_tags=REMOVED_TAGS, enabled=True)
    nb, resources = remove.preprocess(nb, resources)
    if keep_outputs:
        return nb
    nb, resources = ClearOutputPreprocessor(enabled=True).preprocess(nb, resources)
    nb, resources = ClearMetadataPreprocessor(
        enabled=True,
        preserve_cell_metadata_mask={"tags"},
        preserve_nb_metadata_mask={("kernelspec",), ("language_info",)},
    ).preprocess(nb, resources)
    return nb


def write_student_copies(notebooks: list[Path], out: Path) -> list[Path]:
    """Write one student copy per notebook into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in notebooks:
        nb = nbformat.read(source, as_version=4)
        try:
            copy = student_copy(nb)
        except SolutionNotTagged as err:
            raise SolutionNotTagged(f"{source}: {err}") from None
        target = out / source.name
        nbformat.write(copy, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/[0-9]*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "student", help="default: student/")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or lesson_notebooks()
    if not notebooks:
        parser.error("no notebooks found")
    try:
        written = write_student_copies(notebooks, args.out)
    except SolutionNotTagged as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
