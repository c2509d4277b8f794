"""make student-book: the book without solutions, built from the lessons' student versions."""

from __future__ import annotations

import json
import re
import subprocess
from html import unescape
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
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def _phrases(text: str) -> list[str]:
    """The first 40 characters of each line of prose that renders as written on a page.

    Lines with markup, math or quotes (which the book turns into typographic ones) are skipped.
    """
    return [
        re.sub(r"\s+", " ", ln.strip())[:40]
        for ln in text.splitlines()
        if len(ln.strip()) > 40 and ln.strip()[0].isalpha() and not set("`*$[]_<>'\"") & set(ln)
    ]


def _solution_sentences(nb: dict) -> list[str]:
    """A phrase from every solution cell that has one of its own (not also in the lesson)."""
    elsewhere = " ".join(
        re.sub(r"\s+", " ", source(c)) for c in nb["cells"] if "solution" not in tags(c)
    )
    found = []
    for cell in nb["cells"]:
        phrases = _phrases(source(cell)) if "solution" in tags(cell) else []
        own = [p for p in phrases if not p.startswith(":") and p not in elsewhere]
        if own:
            found.append(own[0])
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


def test_the_search_would_find_text_that_is_there(pages: Path) -> None:
    # the same search finds the exercises' own statements on the same pages: an absent solution
    # phrase means the solution is gone, not that the search cannot match
    found = 0
    for path in lesson_notebooks():
        text = _text((pages / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8"))
        nb = json.loads(path.read_text(encoding="utf-8"))
        prompts = [source(c) for c in nb["cells"] if "{exercise}" in source(c)]
        sentences = [phrase for prompt in prompts for phrase in _phrases(prompt)]
        assert all(s in text for s in sentences), path.stem
        found += len(sentences)
    assert found > 20


def test_the_student_edition_has_no_launch_buttons_and_says_what_it_is() -> None:
    config = student_config((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "launch_buttons" not in config and "colab_url" not in config
    assert "(student edition)" in config and "use_repository_button: false" in config
