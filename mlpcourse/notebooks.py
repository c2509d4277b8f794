"""Notebooks: run a lesson with papermill and read its ``results`` (for tests, benchmarks, marking).

A lesson keeps its headline numbers in a dict shown by the cell tagged ``results``; the only
errors it may show are in cells tagged ``raises-exception``.
"""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path
from typing import Any

__all__ = [
    "NOTEBOOKS",
    "cells_tagged",
    "notebook_path",
    "read_results",
    "run_notebook",
    "unexpected_errors",
]

# The course's notebooks/ folder, when the package is used from a checkout (pip install -e .).
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def notebook_path(number: str, folder: Path | None = None) -> Path:
    """Return the one notebook in ``folder`` whose name starts with ``number`` (e.g. '04')."""
    folder = folder or NOTEBOOKS
    found = sorted(folder.glob(f"{number}_*.ipynb"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one {folder}/{number}_*.ipynb, found {found}")
    return found[0]


def cells_tagged(nb: dict[str, Any], tag: str) -> list[dict[str, Any]]:
    """Return the cells of a notebook (as JSON) that carry ``tag``."""
    return [c for c in nb["cells"] if tag in c.get("metadata", {}).get("tags", [])]


def read_results(nb: dict[str, Any]) -> dict[str, Any]:
    """Parse the displayed ``results`` dict from the cell tagged ``results``."""
    cells = cells_tagged(nb, "results")
    if len(cells) != 1:
        raise ValueError(f"expected one cell tagged 'results', found {len(cells)}")
    for output in cells[0].get("outputs", []):
        text = output.get("data", {}).get("text/plain")
        if text:
            return ast.literal_eval("".join(text))
    raise ValueError("the 'results' cell has no text/plain output (was the notebook run?)")


def unexpected_errors(nb: dict[str, Any]) -> list[str]:
    """Describe the errors in cells *not* tagged ``raises-exception`` (the only allowed errors)."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
        if cell.get("metadata", {}).get("papermill", {}).get("exception") and not any(
            o.get("output_type") == "error" for o in cell.get("outputs", [])
        ):
            found.append(f"cell {index}: execution failed without an error output")
    return found


def run_notebook(
    notebook: str | Path,
    out_dir: Path,
    *,
    folder: Path | None = None,
    timeout: int | None = None,
    **parameters: Any,
) -> tuple[dict[str, Any], float]:
    """Execute a notebook (path, or number such as '04') with papermill; return (results, seconds)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    source = Path(notebook) if str(notebook).endswith(".ipynb") else notebook_path(notebook, folder)
    target = Path(out_dir) / source.name
    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(source),
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
    seconds = time.perf_counter() - start
    return read_results(json.loads(target.read_text())), seconds
