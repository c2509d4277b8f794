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
