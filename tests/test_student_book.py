"""make student-book: the book without solutions, built from the lessons' student versions."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tools.lessons import ROOT, lesson_notebooks, source, tags
from tools.student_book import HTML, student_config

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pages() -> Path:
    subprocess.run(["make", "-s", "student-book"], cwd=ROOT, check=True)
    return HTML


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _solution_sentences(nb: dict) -> list[str]:
    """A phrase from every solution cell that holds prose or code (markers skipped)."""
    found = []
    for cell in nb["cells"]:
        if "solution" not in tags(cell):
            continue
        lines = [
            ln.strip()
            for ln in source(cell).splitlines()
            if ln.strip() and not ln.strip().startswith((":::", ":class:", "#", "$"))
        ]
        words = [ln for ln in lines if len(ln) > 40 and "`" not in ln and "*" not in ln]
        if words:
            found.append(words[0][:40])
    return found


def test_no_solution_reaches_a_page(pages: Path) -> None:
    checked = 0
    for path in lesson_notebooks():
        html = (pages / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        assert 'class="solution' not in html, path.stem
        assert "colab.research.google.com" not in html, "a launch button opens the full notebook"
        assert "exercise" in html  # the exercises themselves are there
        text = _text(html)
        for phrase in _solution_sentences(json.loads(path.read_text(encoding="utf-8"))):
            assert phrase not in text, (path.stem, phrase)
            checked += 1
    assert checked > 40
    for page in pages.rglob("*.html"):
        assert 'class="solution' not in page.read_text(encoding="utf-8"), page


def test_the_full_book_would_show_those_solutions() -> None:
    # the phrases above come from solution cells, which the full book renders: the search is real
    nb = json.loads(lesson_notebooks()[0].read_text(encoding="utf-8"))
    assert _solution_sentences(nb)


def test_the_student_edition_has_no_launch_buttons_and_says_what_it_is() -> None:
    config = student_config((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "launch_buttons" not in config and "colab_url" not in config
    assert "(student edition)" in config and "use_repository_button: false" in config
