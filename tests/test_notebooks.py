"""tools.lessons: running a lesson, reading ``results``; only ``raises-exception`` cells may fail."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tools.lessons import notebook_path, read_results, run_notebook, unexpected_errors


def _error_cell(tags: list[str]) -> nbformat.NotebookNode:
    cell = new_code_cell("raise ValueError('bad labels')", metadata={"tags": tags})
    cell.outputs = [new_output("error", ename="ValueError", evalue="bad labels", traceback=[])]
    return cell


def test_errors_in_raises_exception_cells_are_expected() -> None:
    nb = new_notebook(cells=[_error_cell(["raises-exception"]), new_code_cell("1 + 1")])
    assert unexpected_errors(nb) == []


def test_errors_elsewhere_are_reported() -> None:
    nb = new_notebook(cells=[new_code_cell("x = 1"), _error_cell([])])
    assert unexpected_errors(nb) == ["cell 1: ValueError: bad labels"]


def _write_notebook(folder: Path, cells: list[nbformat.NotebookNode]) -> None:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / "99_check.ipynb")


@pytest.mark.slow
def test_run_notebook_passes_a_raises_exception_cell(tmp_path: Path) -> None:
    results_cell = new_code_cell(
        "results = {'answer': 42}\nresults", metadata={"tags": ["results"]}
    )
    bad = new_code_cell("raise ValueError('labels 1..2')", metadata={"tags": ["raises-exception"]})
    _write_notebook(tmp_path, [bad, results_cell])
    out = tmp_path / "out"
    out.mkdir()
    results, seconds = run_notebook("99", out, folder=tmp_path)
    assert seconds > 0
    assert results == {"answer": 42}

    _write_notebook(tmp_path, [new_code_cell("raise ValueError('real bug')"), results_cell])
    with pytest.raises(RuntimeError, match="real bug"):
        run_notebook(tmp_path / "99_check.ipynb", out)


def test_notebook_path_and_results_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="expected one"):
        notebook_path("42", tmp_path)
    with pytest.raises(ValueError, match="found 0"):
        read_results(new_notebook(cells=[new_code_cell("1")]))
    unrun = new_notebook(cells=[new_code_cell("results = {}", metadata={"tags": ["results"]})])
    with pytest.raises(ValueError, match="was the notebook run"):
        read_results(unrun)
