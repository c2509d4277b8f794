"""tools.lessons: running a lesson, reading ``results``; only ``raises-exception`` cells may fail."""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tools.lessons import (
    lesson_notebooks,
    notebook_path,
    read_results,
    run_notebook,
    unexpected_errors,
)
from tools.prose import figures_without_images


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


# --- the claims runs make test hands to nbval ----------------------------------------------------


def test_claims_parameters_come_from_the_lesson_and_differ_from_the_book(tmp_path: Path) -> None:
    from tools.lessons import claims_parameters

    path = _lesson_with(tmp_path, "results = {'n': n}\nresults")
    nb = nbformat.read(path, as_version=4)
    with pytest.raises(ValueError, match="names no seed"):
        claims_parameters(path)
    nb.metadata["mlpcourse"] = {"claims": {"seed": 0}}
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="another seed"):
        claims_parameters(path)
    nb.metadata["mlpcourse"] = {"claims": {"seed": 1, "epochs": 2}}
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match=r"\['epochs'\] are not in its parameters cell"):
        claims_parameters(path)
    nb.metadata["mlpcourse"] = {"claims": {"seed": 1, "n": 5}}
    nbformat.write(nb, path)
    assert claims_parameters(path) == {"seed": 1, "n": 5}


@pytest.mark.parametrize("notebook", lesson_notebooks(), ids=lambda p: p.stem)
def test_every_lesson_has_a_claims_run_at_another_seed(notebook: Path) -> None:
    from tools.lessons import claims_parameters

    assert claims_parameters(notebook)["seed"] != 0


@pytest.mark.slow
def test_a_prepared_claims_run_keeps_the_outputs_and_writes_its_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.lessons import CLAIMS_DIR_ENV, claims_results, prepare_claims_runs, results_file

    source = tmp_path / "src"
    source.mkdir()
    path = _lesson_with(source, "results = {'n': n, 'seed': seed}\nresults")
    nb = nbformat.read(path, as_version=4)
    nb.metadata["mlpcourse"] = {"claims": {"seed": 1}}
    nb.cells[1].outputs = [new_output("stream", name="stdout", text="committed\n")]
    nbformat.write(nb, path)
    out = tmp_path / "claims"
    out.mkdir()
    (out / "99_check.results.json").write_text('{"results": {"stale": 1}}')
    (prepared,) = prepare_claims_runs(out, [path])
    assert not results_file(path, out).exists(), "a stale result must not survive"
    copy = nbformat.read(prepared, as_version=4)
    (body,) = [c for c in copy.cells if c.source == "x = 1"]
    assert "committed" in "".join(body.outputs[0]["text"]), "outputs kept for nbval"
    assert any("seed = 1" in c.source for c in copy.cells), "the claims seed is injected"
    monkeypatch.setenv(CLAIMS_DIR_ENV, str(out))
    with pytest.raises(RuntimeError, match="wrote no results"):
        claims_results(path, tmp_path)
    # what nbval's run of the copy does: execute it (here with papermill) in its folder
    import papermill as pm

    pm.execute_notebook(
        str(prepared),
        str(prepared),
        cwd=str(out),
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
    )
    assert claims_results(path, tmp_path) == {"n": 3, "seed": 1}
    monkeypatch.delenv(CLAIMS_DIR_ENV)
    assert claims_results(path, tmp_path / "scratch") == {"n": 3, "seed": 1}
