"""`make pdf`: the whole book as one PDF (Sphinx's LaTeX builder, xelatex from Debian's TeX Live).

The build runs as `make pdf` runs it (strict: any Sphinx warning fails), into a temporary folder,
and the PDF is checked for what a reader would look for: every lesson a chapter, every figure
included, and a real page count."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.lessons import ROOT, lesson_notebooks

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def latex_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = [tool for tool in ("xelatex", "latexmk") if shutil.which(tool) is None]
    if missing:
        packages = subprocess.run(
            ["make", "-s", "tex-packages"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        pytest.fail(
            f"no {', '.join(missing)}: sudo apt-get install --no-install-recommends {packages}"
        )
    out = tmp_path_factory.mktemp("pdf")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jupyter_book), "build", str(ROOT), "--builder", "pdflatex", "-W", "-n"]
    done = subprocess.run(cmd + ["--path-output", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out / "_build" / "latex"


def test_the_pdf_is_the_whole_book(latex_dir: Path) -> None:
    pdf = latex_dir / "mlpcourse.pdf"
    assert pdf.stat().st_size > 1_000_000
    assert pdf.read_bytes()[:5] == b"%PDF-"
    log = (latex_dir / "mlpcourse.log").read_text(errors="replace")
    pages = [int(n) for n in re.findall(r"Output written on mlpcourse\.pdf \((\d+) pages", log)]
    assert pages and pages[-1] >= 150, f"only {pages} pages"
    assert "Missing character" not in log, "a glyph the font lacks was dropped from the PDF"


def test_every_lesson_is_in_it_with_its_figures(latex_dir: Path) -> None:
    tex = (latex_dir / "mlpcourse.tex").read_text()
    for notebook in lesson_notebooks():
        number = notebook.name[:2]
        assert f"\\section{{{number} · " in tex, f"{notebook.name}: no section in the PDF"
    shown = sum(
        1
        for notebook in lesson_notebooks()
        for cell in json.loads(notebook.read_text())["cells"]
        if cell["cell_type"] == "code"
        and "remove-cell" not in cell["metadata"].get("tags", [])
        and "remove-output" not in cell["metadata"].get("tags", [])
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )
    included = len(re.findall(r"\\sphinxincludegraphics", tex))
    assert included >= shown > 20, f"{shown} figures in the lessons, {included} in the PDF"
