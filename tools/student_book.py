"""The student edition of the book, without solutions: ``make student-book``.

sphinx-exercise's ``hide_solutions`` removes ``{solution}`` directives but not the gated ones
(``solution-start`` / ``solution-end``) that most exercises use, so this edition is built from
the lessons' student versions instead (:func:`tools.student_copies.student_copy`, outputs kept):
every cell tagged ``solution`` and the ``results`` cells are gone before Sphinx sees the
notebooks. The launch and repository buttons are left out too, since they open the repository's
full notebooks. The sources are assembled in ``_build/student-src`` and the pages written to
``_build/student-html``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from tools.lessons import ROOT, lesson_notebooks
from tools.student_copies import student_copy

SRC = ROOT / "_build" / "student-src"
HTML = ROOT / "_build" / "student-html"


def student_config(text: str) -> str:
    """The book's _config.yml for the student edition: a marked title and no launch buttons."""
    text = re.sub(r'^title: "(.*)"$', r'title: "\1 (student edition)"', text, count=1, flags=re.M)
    text = re.sub(r"^launch_buttons:\n(?:  .*\n|\s*\n)*", "", text, flags=re.M)
    text = text.replace("use_repository_button: true", "use_repository_button: false")
    text = text.replace("use_issues_button: true", "use_issues_button: false")
    return text


def assemble(src: Path = SRC) -> Path:
    """Write the student edition's sources into ``src`` (emptied first)."""
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    shutil.copytree(ROOT / "book", src / "book")
    shutil.copy(ROOT / "_toc.yml", src / "_toc.yml")
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    (src / "_config.yml").write_text(student_config(config), encoding="utf-8")
    (src / "notebooks").mkdir()
    for path in lesson_notebooks():
        nb = nbformat.read(path, as_version=4)
        nbformat.write(student_copy(nb, keep_outputs=True), src / "notebooks" / path.name)
    return src


def build(src: Path = SRC, html: Path = HTML) -> Path:
    """Assemble the sources and build the pages (strict, as ``make book``) into ``html``."""
    assemble(src)
    book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(book), "build", str(src), "-W", "-n", "--keep-going"])
    if result.returncode != 0:
        raise SystemExit(
            f"the student edition did not build (jupyter-book exit {result.returncode})"
        )
    if html.exists():
        shutil.rmtree(html)
    shutil.copytree(src / "_build" / "html", html)
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.student_book", description=__doc__)
    parser.parse_args(argv)
    html = build()
    print(f"Student edition built. Open: file://{html}/index.html")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
