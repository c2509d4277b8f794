"""tools.lessons: running a lesson, reading ``results``; only ``raises-exception`` cells may fail."""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tools.lessons import (
    figures_without_images,
    notebook_path,
    read_results,
    run_notebook,
    unexpected_errors,
)


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


def _lesson_with(tmp_path: Path, results_source: str) -> Path:
    params = new_code_cell("seed = 0\nn = 3", metadata={"tags": ["parameters"]})
    body = new_code_cell("x = 1")
    results = new_code_cell(results_source, metadata={"tags": ["results"]})
    _write_notebook(tmp_path, [params, body, results])
    return tmp_path / "99_check.ipynb"


@pytest.mark.slow
def test_results_come_back_exactly_whatever_their_values(tmp_path: Path) -> None:
    source = (
        "import math\nimport numpy as np\n"
        "results = {'nan': float('nan'), 'inf': -math.inf, 'np': np.float32(0.25),\n"
        "           'i': np.int64(7), 'long': list(range(5000)), 'pair': (1, 'a'),\n"
        "           'third': 1 / 3, 'n': n}\nresults"
    )
    lesson = _lesson_with(tmp_path, source)
    out = tmp_path / "out"
    out.mkdir()
    results, _ = run_notebook(lesson, out, n=4)
    assert math.isnan(results.pop("nan"))
    assert results == {
        "inf": -math.inf,
        "np": 0.25,
        "i": 7,
        "long": list(range(5000)),
        "pair": (1, "a"),
        "third": 1 / 3,
        "n": 4,
    }
    assert type(results["i"]) is int


def test_unknown_parameters_and_overwriting_the_lesson_are_refused(tmp_path: Path) -> None:
    lesson = _lesson_with(tmp_path, "results = {}\nresults")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError, match=r"no parameter\(s\) \['epochz'\].*'n', 'seed'"):
        run_notebook(lesson, out, epochz=1)
    with pytest.raises(ValueError, match="overwrite the lesson"):
        run_notebook(lesson, tmp_path)
    assert lesson.is_file()


def test_errors_name_the_lessons_own_cells() -> None:
    injected = new_code_cell("seed = 1", metadata={"tags": ["injected-parameters"]})
    nb = new_notebook(cells=[new_code_cell("x = 1"), injected, _error_cell([])])
    assert unexpected_errors(nb) == ["cell 1: ValueError: bad labels"]


def test_a_plotting_cell_without_an_image_is_found() -> None:
    shown = new_code_cell("plt.plot([1, 2])\nplt.show()")
    shown.outputs = [
        new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    ]
    lost = new_code_cell("plt.plot([1, 2])\nplt.show()")  # executed under MPLBACKEND=Agg
    lost.outputs = [new_output("stream", name="stdout", text="done\n")]
    nb = new_notebook(cells=[new_code_cell("x = 1"), shown, lost])
    assert figures_without_images(nb) == ["cell 2"]
