"""The lesson tables of README.md, book/intro.md and book/instructors.md, from the lessons.

Each lesson's line lives in its own notebook's metadata (``mlpcourse.title`` for the README,
``mlpcourse.you_learn`` and ``mlpcourse.builds_on`` for the book's intro; the instructors' page
counts each lesson's exercises and reads the committed run's cell timings); the tables sit between
``<!-- lessons:begin -->`` and ``<!-- lessons:end -->``. ``python -m tools.lesson_tables`` rewrites
them; ``--check`` (and tests/test_layout.py) reports a table that is out of date.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tools.lessons import ROOT, lesson_meta, lesson_notebooks

BEGIN, END = "<!-- lessons:begin -->", "<!-- lessons:end -->"
BLOCK_RE = re.compile(re.escape(BEGIN) + r"\n.*?" + re.escape(END), re.S)
KEYS = ("title", "you_learn", "builds_on")


def _lessons(root: Path) -> list[tuple[Path, dict]]:
    found = []
    for notebook in lesson_notebooks(root / "notebooks"):
        meta = lesson_meta(json.loads(notebook.read_text(encoding="utf-8")))
        missing = [k for k in KEYS if not meta.get(k)]
        if missing:
            raise ValueError(f"{notebook.name}: metadata mlpcourse lacks {missing}")
        found.append((notebook, meta))
    return found


def readme_table(root: Path = ROOT) -> str:
    """The README's table: lesson number and title."""
    rows = ["| # | lesson |", "|---|---|"]
    rows += [f"| {nb.name[:2]} | {meta['title']} |" for nb, meta in _lessons(root)]
    return "\n".join(rows)


def intro_table(root: Path = ROOT) -> str:
    """The book intro's table: a link to each lesson, what it teaches and what it builds on."""
    rows = ["| lesson | you learn | builds on |", "|---|---|---|"]
    rows += [
        f"| {{doc}}`../notebooks/{nb.stem}` | {meta['you_learn']} | {meta['builds_on']} |"
        for nb, meta in _lessons(root)
    ]
    return "\n".join(rows)


def _seconds(cell: dict) -> float:
    """How long a code cell took in the committed run (from Jupyter's execution timestamps)."""
    from datetime import datetime

    stamps = cell.get("metadata", {}).get("execution", {})
    start, end = stamps.get("iopub.execute_input"), stamps.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    start, end = (datetime.fromisoformat(t.replace("Z", "+00:00")) for t in (start, end))
    return (end - start).total_seconds()


def grading_table(root: Path = ROOT) -> str:
    """The instructors' table: exercises per lesson, how many checked, and the committed run times."""
    from tools.assignments import exercises_of
    from tools.lessons import tags

    rows = [
        "| lesson | code exercises, each with a check | answered in words | lesson run (s) "
        "| worked solutions (s) |",
        "|---|---|---|---|---|",
    ]
    for notebook, _meta in _lessons(root):
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        kinds = exercises_of(nb)
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        solutions = sum(_seconds(c) for c in code if "solution" in tags(c))
        lesson = sum(_seconds(c) for c in code if "solution" not in tags(c))
        rows.append(
            f"| {notebook.name[:2]} | {len(kinds['code'])} | {len(kinds['text'])} "
            f"| {lesson:.0f} | {solutions:.0f} |"
        )
    return "\n".join(rows)


PAGES = {
    "README.md": readme_table,
    "book/intro.md": intro_table,
    "book/instructors.md": grading_table,
}


def rendered(page: str, root: Path = ROOT) -> tuple[str, str]:
    """(the page as it is, the page with its table rewritten)."""
    text = (root / page).read_text(encoding="utf-8")
    if len(BLOCK_RE.findall(text)) != 1:
        raise ValueError(f"{page}: expected one {BEGIN} ... {END} block")
    table = PAGES[page](root)
    return text, BLOCK_RE.sub(lambda _m: f"{BEGIN}\n{table}\n{END}", text)


def stale(root: Path = ROOT) -> list[str]:
    """The pages whose lesson table differs from the lessons' metadata."""
    return [page for page in PAGES if (pair := rendered(page, root))[0] != pair[1]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale tables")
    args = parser.parse_args(argv)
    if args.check:
        pages = stale()
        for page in pages:
            print(f"{page}: the lesson table is out of date: run python -m tools.lesson_tables")
        return 1 if pages else 0
    for page in PAGES:
        before, after = rendered(page)
        if before != after:
            (ROOT / page).write_text(after, encoding="utf-8")
            print(f"updated {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
