"""The lessons: the one list of them, their cell tags and metadata, and the papermill runner.

Used by the tests, the benchmarks, the student-copy and repository-URL tools, and for marking;
not part of the student-facing ``mlpcourse`` package. Only the standard library is imported at
module level (papermill is imported when a notebook is run).

- The lessons are ``notebooks/NN_name.ipynb``: :func:`lesson_notebooks` is the one list.
- A lesson keeps its headline numbers in a dict shown by the cell tagged ``results``; the only
  errors it may show are in cells tagged ``raises-exception``.
- What else the tooling needs to know about a lesson lives in the notebook's own metadata, under
  ``"mlpcourse"`` (see :func:`lesson_meta`): its speed claims for ``make bench``, the small
  parameter values of its smoke run, and the parameters of its claims run (another seed).
- ``make test`` runs each lesson in full once: :func:`prepare_claims_runs` writes copies of the
  lessons with the claims parameters injected (papermill, not executed; the committed outputs
  kept), nbval executes them and compares the cells tagged ``nbval-check-output`` with the
  committed outputs, and each copy writes its ``results`` to a JSON file that the claims tests
  (``tests/test_lesson_NN.py``) read with :func:`claims_results`.

The prose checks (what a lesson's text may say) are in :mod:`tools.prose`.
"""

from __future__ import annotations

import ast
import json
import os
import time
from pathlib import Path
from typing import Any

__all__ = [
    "CLAIMS_DIR_ENV",
    "NOTEBOOKS",
    "ROOT",
    "cells_tagged",
    "claims_parameters",
    "claims_results",
    "lesson_meta",
    "lesson_notebooks",
    "notebook_path",
    "parameters_of",
    "prepare_claims_runs",
    "read_results",
    "run_notebook",
    "smoke_parameters",
    "source",
    "tags",
    "unexpected_errors",
]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSON_GLOB = "[0-9][0-9]_*.ipynb"


def lesson_notebooks(folder: Path | None = None) -> list[Path]:
    """Return the lesson notebooks ``NN_name.ipynb`` in ``folder`` (default: notebooks/), in order."""
    return sorted((folder or NOTEBOOKS).glob(LESSON_GLOB))


def tags(cell: dict[str, Any]) -> list[str]:
    """Return a notebook cell's tags (an empty list when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def source(cell: dict[str, Any]) -> str:
    """Return a cell's source as one string (nbformat stores it as a string or a list of lines)."""
    text = cell.get("source", "")
    return text if isinstance(text, str) else "".join(text)


def lesson_meta(nb: dict[str, Any]) -> dict[str, Any]:
    """Return the tooling's metadata of a lesson: ``nb.metadata["mlpcourse"]``.

    Keys (all optional): ``speed_claims``, a list of ``{"what": ..., "max_seconds": ...}`` that
    ``make bench`` checks (``what`` is ``"notebook"`` for the whole run or a key of ``results``;
    ``{"faster": a, "slower": b}`` claims that results[a] < results[b]); ``smoke``, parameter
    values for a quick run beyond the generic ones (epochs 1, progress off); ``claims``, the
    parameters of the run whose conclusions the claims tests check (another seed than the book's).
    """
    return dict(nb.get("metadata", {}).get("mlpcourse", {}))


def notebook_path(number: str, folder: Path | None = None) -> Path:
    """Return the one notebook in ``folder`` whose name starts with ``number`` (e.g. '04')."""
    folder = folder or NOTEBOOKS
    found = sorted(folder.glob(f"{number}_*.ipynb"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one {folder}/{number}_*.ipynb, found {found}")
    return found[0]


def cells_tagged(nb: dict[str, Any], tag: str) -> list[dict[str, Any]]:
    """Return the cells of a notebook (as JSON) that carry ``tag``."""
    return [c for c in nb["cells"] if tag in tags(c)]


RESULTS_JSON_TAG = "results-json"
INJECTED_TAGS = ("injected-parameters", RESULTS_JSON_TAG)  # cells the runner adds to a lesson
CLAIMS_DIR_ENV = "MLPCOURSE_CLAIMS_DIR"  # where make test's nbval run leaves each lesson's results

# Run after the lesson's ``results`` cell: shows ``results`` as JSON, losing nothing that
# literal text would (NaN, infinities, NumPy scalars, long lists).
_RESULTS_JSON_SOURCE = """\
def _mlpcourse_plain(value):
    import math
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # NumPy / torch scalars and arrays
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}
    if isinstance(value, dict):
        return {"__dict__": [[_mlpcourse_plain(k), _mlpcourse_plain(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_mlpcourse_plain(v) for v in value]}
    if isinstance(value, list):
        return [_mlpcourse_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"results holds a {type(value).__name__}, which is not plain data")


"""
_SHOW_RESULTS = """
from IPython.display import display as _mlpcourse_display

_mlpcourse_display({"application/json": {"results": _mlpcourse_plain(results)}}, raw=True)
"""
_WRITE_RESULTS = """
import json as _mlpcourse_json

with open({path!r}, "w", encoding="utf-8") as _mlpcourse_file:
    _mlpcourse_json.dump({{"results": _mlpcourse_plain(results)}}, _mlpcourse_file)
"""


def _from_json(value: Any) -> Any:
    """Undo ``_mlpcourse_plain``'s encoding."""
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if isinstance(value, dict):
        if "__float__" in value:
            return float(value["__float__"])
        if "__tuple__" in value:
            return tuple(_from_json(v) for v in value["__tuple__"])
        if "__dict__" in value:
            return {_from_json(k): _from_json(v) for k, v in value["__dict__"]}
    return value


def read_results(nb: dict[str, Any]) -> dict[str, Any]:
    """Return the lesson's ``results`` dict from an executed notebook.

    From the JSON that :func:`run_notebook` has the kernel display (exact: NaN, infinities,
    NumPy scalars and long lists survive), else by parsing the ``results`` cell's text output
    (a committed notebook).
    """
    for cell in cells_tagged(nb, RESULTS_JSON_TAG):
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("application/json")
            if isinstance(data, dict) and "results" in data:
                return _from_json(data["results"])
    cells = cells_tagged(nb, "results")
    if len(cells) != 1:
        raise ValueError(f"expected one cell tagged 'results', found {len(cells)}")
    for output in cells[0].get("outputs", []):
        text = output.get("data", {}).get("text/plain")
        if text:
            return ast.literal_eval("".join(text))
    raise ValueError("the 'results' cell has no text/plain output (was the notebook run?)")


def unexpected_errors(nb: dict[str, Any]) -> list[str]:
    """Describe the errors in cells *not* tagged ``raises-exception`` (the only allowed errors).

    Cells are numbered as in the lesson itself (from 0), not counting the cells the runner adds.
    """
    found = []
    number = -1
    for cell in nb["cells"]:
        if any(tag in INJECTED_TAGS for tag in tags(cell)):
            continue
        number += 1
        if "raises-exception" in tags(cell):
            continue
        where = f"cell {number}"
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"{where}: {output.get('ename')}: {output.get('evalue')}")
        if cell.get("metadata", {}).get("papermill", {}).get("exception") and not any(
            o.get("output_type") == "error" for o in cell.get("outputs", [])
        ):
            found.append(f"{where}: execution failed without an error output")
    return found


def _with_results_json(nb: dict[str, Any], write_to: Path | None = None) -> dict[str, Any]:
    """Return a copy of ``nb`` with a cell after the ``results`` cell that shows it as JSON.

    With ``write_to`` the cell writes the JSON to that file instead (for a run by nbval, which
    keeps no executed copy).
    """
    body = _SHOW_RESULTS if write_to is None else _WRITE_RESULTS.format(path=str(write_to))
    copy = json.loads(json.dumps(nb))
    for index, cell in enumerate(copy["cells"]):
        if "results" in tags(cell):
            copy["cells"].insert(
                index + 1,
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": "mlpcourse-results-json",
                    "metadata": {"tags": [RESULTS_JSON_TAG]},
                    "outputs": [],
                    "source": _RESULTS_JSON_SOURCE + body,
                },
            )
            break
    return copy


def run_notebook(
    notebook: str | Path,
    out_dir: Path,
    *,
    folder: Path | None = None,
    timeout: int | None = None,
    **parameters: Any,
) -> tuple[dict[str, Any], float]:
    """Execute a lesson with papermill in ``out_dir``; return (its ``results``, seconds).

    ``notebook`` is a path or a lesson number such as "04". ``parameters`` must be names of the
    lesson's ``parameters`` cell (anything else is a ValueError). The executed copy is written
    to ``out_dir``, which may not be the lesson's own folder (the lesson is never overwritten).
    ``results`` comes back exactly as the kernel held it (see :func:`read_results`). Errors in
    cells not tagged ``raises-exception`` raise a RuntimeError naming the lesson's own cells.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    source = Path(notebook) if str(notebook).endswith(".ipynb") else notebook_path(notebook, folder)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / source.name
    if target.resolve() == source.resolve():
        raise ValueError(
            f"running {source.name} into its own folder would overwrite the lesson: "
            "pass another out_dir (e.g. a temporary folder)"
        )
    nb = json.loads(source.read_text(encoding="utf-8"))
    known = parameters_of(nb) if parameters or cells_tagged(nb, "parameters") else {}
    unknown = sorted(set(parameters) - set(known))
    if unknown:
        raise ValueError(
            f"{source.name} has no parameter(s) {unknown}; its parameters cell sets {sorted(known)}"
        )
    staged = out_dir / f"{source.stem}.input.ipynb"
    staged.write_text(json.dumps(_with_results_json(nb)), encoding="utf-8")
    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(staged),
            str(target),
            parameters=parameters,
            cwd=str(out_dir),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
        )
    except PapermillExecutionError as err:
        # papermill raises for every error output, even in a cell tagged ``raises-exception``
        # (which the kernel client runs past, as nbval and the book accept): re-raise otherwise.
        problems = unexpected_errors(json.loads(target.read_text()))
        if problems:
            raise RuntimeError(f"{source.name} failed: " + "; ".join(problems)) from err
    finally:
        staged.unlink(missing_ok=True)
    seconds = time.perf_counter() - start
    return read_results(json.loads(target.read_text())), seconds


def parameters_of(nb: dict[str, Any]) -> dict[str, Any]:
    """Names and literal values assigned in the cell tagged ``parameters`` (None if not literal)."""
    cells = cells_tagged(nb, "parameters")
    if len(cells) != 1:
        raise ValueError(f"expected one cell tagged 'parameters', found {len(cells)}")
    found: dict[str, Any] = {}
    for node in ast.parse(source(cells[0])).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                found[node.targets[0].id] = None
    return found


def smoke_parameters(notebook: Path) -> dict[str, Any]:
    """Parameters for a quick run: every ``*epochs*`` at 1, no progress bars, plus the lesson's
    own ``smoke`` metadata; only names the lesson's parameters cell has."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    params = parameters_of(nb)
    smoke: dict[str, Any] = {}
    for name, value in params.items():
        if "epochs" in name and isinstance(value, int) and not isinstance(value, bool):
            smoke[name] = 1
        elif name == "progress":
            smoke[name] = False
    extra = lesson_meta(nb).get("smoke", {})
    unknown = sorted(set(extra) - set(params))
    if unknown:
        raise ValueError(
            f"{Path(notebook).name}: smoke parameters {unknown} are not in its parameters cell"
        )
    smoke.update(extra)
    return smoke


def claims_parameters(notebook: Path) -> dict[str, Any]:
    """Parameters of a lesson's claims run: its metadata's ``claims``, progress bars off."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    params = parameters_of(nb)
    claims = dict(lesson_meta(nb).get("claims", {}))
    if "seed" not in claims:
        raise ValueError(f"{Path(notebook).name}: metadata mlpcourse.claims names no seed")
    unknown = sorted(set(claims) - set(params))
    if unknown:
        raise ValueError(
            f"{Path(notebook).name}: claims parameters {unknown} are not in its parameters cell"
        )
    if claims["seed"] == params.get("seed"):
        raise ValueError(
            f"{Path(notebook).name}: the claims run must use another seed than the book"
        )
    if "progress" in params:
        claims["progress"] = False
    return claims


def results_file(notebook: Path, folder: Path) -> Path:
    """Where a prepared claims run of ``notebook`` in ``folder`` writes its ``results``."""
    return Path(folder) / f"{Path(notebook).stem}.results.json"


def prepare_claims_runs(out_dir: Path, notebooks: list[Path] | None = None) -> list[Path]:
    """Write each lesson, its claims parameters injected, to ``out_dir`` for nbval to run.

    Papermill injects the parameters without executing anything, so the committed outputs stay
    in the copy and nbval compares the cells tagged ``nbval-check-output`` against them. A cell
    after the ``results`` cell writes ``results`` to :func:`results_file`. Old copies and results
    in ``out_dir`` are removed first, so a stale result can never stand in for a failed run.
    """
    import papermill as pm

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in [*out_dir.glob("*.ipynb"), *out_dir.glob("*.results.json")]:
        old.unlink()
    written = []
    for notebook in notebooks or lesson_notebooks():
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        staged = out_dir / f"{notebook.stem}.staged.json"
        staged.write_text(
            json.dumps(_with_results_json(nb, results_file(notebook, out_dir))), encoding="utf-8"
        )
        target = out_dir / notebook.name
        try:
            pm.execute_notebook(
                str(staged),
                str(target),
                parameters=claims_parameters(notebook),
                prepare_only=True,
                kernel_name="python3",
                log_output=False,
                progress_bar=False,
            )
        finally:
            staged.unlink(missing_ok=True)
        written.append(target)
    return written


def claims_results(notebook: str | Path, scratch: Path) -> dict[str, Any]:
    """The ``results`` of a lesson's claims run (``notebook``: a path or a number such as "04").

    Under ``make test`` (``$MLPCOURSE_CLAIMS_DIR`` set) nbval has already run the lesson: read what
    it wrote, and fail clearly if the run never reached its results cell. Otherwise (one claims
    test run on its own) run the lesson with papermill in ``scratch``.
    """
    path = Path(notebook) if str(notebook).endswith(".ipynb") else notebook_path(str(notebook))
    folder = os.environ.get(CLAIMS_DIR_ENV)
    if folder:
        written = results_file(path, Path(folder))
        if not written.is_file():
            raise RuntimeError(
                f"{path.name}: its nbval run in {folder} wrote no results (it failed before its "
                "results cell: see that notebook's nbval failures)"
            )
        return _from_json(json.loads(written.read_text(encoding="utf-8"))["results"])
    found, _seconds = run_notebook(path, scratch, **claims_parameters(path))
    return found


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.lessons prepare-claims DIR``: the copies ``make test`` hands to nbval."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tools.lessons")
    parser.add_argument("command", choices=["prepare-claims"])
    parser.add_argument("out", type=Path, help="folder for the prepared copies (emptied first)")
    args = parser.parse_args(argv)
    for path in prepare_claims_runs(args.out):
        print(f"prepared {path} with {claims_parameters(ROOT / 'notebooks' / path.name)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
