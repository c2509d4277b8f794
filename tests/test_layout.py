"""One list of lessons: every notebook in notebooks/ is in the book, has its claims test, and is
in the README's and the intro page's tables; nothing points at a lesson that is not there."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tools.lessons import ROOT, cells_tagged, lesson_meta, lesson_notebooks, parameters_of

NOTEBOOKS = lesson_notebooks()


def toc_files(node: object) -> list[str]:
    """Every ``file:`` entry of _toc.yml, in order."""
    if isinstance(node, dict):
        found = [node["file"]] if "file" in node else []
        for value in node.values():
            found += toc_files(value)
        return found
    if isinstance(node, list):
        return [f for item in node for f in toc_files(item)]
    return []


TOC = toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))


def test_lessons_found() -> None:
    assert len(NOTEBOOKS) >= 6, "no lesson notebooks found in notebooks/"
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert numbers == [f"{i:02d}" for i in range(1, len(NOTEBOOKS) + 1)], (
        "lessons are numbered 01, 02, ..."
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_is_listed_everywhere(notebook: Path) -> None:
    entry = f"notebooks/{notebook.stem}"
    assert entry in TOC, f"{entry} is not in _toc.yml, so the book would drop it"
    number = notebook.name[:2]
    assert (ROOT / f"tests/test_lesson_{number}.py").is_file(), f"no tests/test_lesson_{number}.py"
    readme = (ROOT / "README.md").read_text()
    assert re.search(rf"^\| {number} \|", readme, re.M), (
        f"lesson {number} missing from README's table"
    )
    intro = (ROOT / "book/intro.md").read_text()
    assert f"{{doc}}`../{entry}`" in intro, f"lesson {number} missing from book/intro.md's table"
    part_pages = [(ROOT / f"{f}.md").read_text() for f in TOC if f.startswith("book/")]
    assert any(f"../{entry}`" in page for page in part_pages if page is not intro), (
        f"no part page in book/ introduces lesson {number}"
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_metadata(notebook: Path) -> None:
    nb = json.loads(notebook.read_text())
    meta = lesson_meta(nb)
    assert {"what": "notebook", "max_seconds": 90} in meta.get("speed_claims", []), (
        "every lesson claims to run in at most 90 s (checked by make bench)"
    )
    params = parameters_of(nb)
    assert set(meta.get("smoke", {})) <= set(params)
    assert len(cells_tagged(nb, "results")) == 1


def test_toc_points_only_at_files_that_exist() -> None:
    for entry in TOC:
        assert any((ROOT / f"{entry}{ext}").is_file() for ext in (".md", ".ipynb")), entry


EXERCISE_RE = re.compile(r"^:::+\{exercise\}(.*)\n((?::[\w-]+:.*\n)*)", re.M)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercises_are_numbered_per_lesson_in_the_notebook_itself(notebook: Path) -> None:
    # "Exercise 4.2" in the book, the notebook and the student copy alike: the number is the
    # directive's title (book/_ext/exercise_numbers.py renders it), not the book-wide numfig count
    lesson = int(notebook.name[:2])
    found = []
    for cell in json.loads(notebook.read_text())["cells"]:
        text = "".join(cell["source"])
        if "{exercise}" in text:
            match = EXERCISE_RE.search(text)
            assert match, f"an exercise without its options block: {text[:60]!r}"
            options = match.group(2)
            assert ":nonumber:" in options and re.search(rf":label: ex-{lesson:02d}-", options)
            found.append(match.group(1).strip())
    assert found == [f"{lesson}.{k}" for k in range(1, len(found) + 1)], found


def test_no_lesson_cell_is_meant_to_fail() -> None:
    # "Run All" in Jupyter or Colab stops at the first error, whatever the cell's tags say
    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text())["cells"]
        tagged = [
            i for i, c in enumerate(cells) if "raises-exception" in c["metadata"].get("tags", [])
        ]
        assert not tagged, f"{notebook.name}: cells {tagged} raise on purpose; catch and print"


# A measured rounding error or difference depends on the CPU's math kernels (lesson 04's float64
# finite-difference error printed 1.1e-07 on one CPU and 4.4e-07 on another): such an output is
# checked by the claims tests' tolerances, never compared exactly by nbval.
MEASURED_ROUNDING = re.compile(r"(?:error|difference|differ)[^\n]*\d(?:\.\d+)?e-\d+", re.I)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_exactly_checked_outputs_do_not_depend_on_the_cpu(notebook: Path) -> None:
    for index, cell in enumerate(json.loads(notebook.read_text())["cells"]):
        if "nbval-check-output" not in cell["metadata"].get("tags", []):
            continue
        shown = "".join(
            "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
            for o in cell.get("outputs", [])
        )
        assert not MEASURED_ROUNDING.search(shown), f"cell {index} checks a rounding error exactly"


def test_lesson_tables_are_written_from_the_lessons(tmp_path: Path) -> None:
    import shutil

    from tools import lesson_tables

    assert lesson_tables.stale() == [], "run python -m tools.lesson_tables"
    # a lesson whose title changes makes both tables stale until they are rewritten
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "book").mkdir()
    for page in lesson_tables.PAGES:
        shutil.copy(ROOT / page, tmp_path / page)
    first = NOTEBOOKS[0].name
    nb = json.loads((tmp_path / "notebooks" / first).read_text())
    nb["metadata"]["mlpcourse"]["title"] = "A new title"
    nb["metadata"]["mlpcourse"]["you_learn"] = "something new"
    (tmp_path / "notebooks" / first).write_text(json.dumps(nb))
    assert lesson_tables.stale(tmp_path) == ["README.md", "book/intro.md"]
    for page in lesson_tables.PAGES:
        (tmp_path / page).write_text(lesson_tables.rendered(page, tmp_path)[1])
    assert lesson_tables.stale(tmp_path) == []
    assert "| 01 | A new title |" in (tmp_path / "README.md").read_text()
