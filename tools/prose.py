"""How a lesson argues, checked on its committed notebook without running it.

- :func:`unbacked_numbers`: every decimal number the prose quotes is printed by an output, set in
  the code, or cited with its source (the lesson's metadata ``mlpcourse.cited``);
- :func:`harness_talk`: the prose never talks to learners about tests, tolerances or the harness;
- :func:`figures_without_images`: every cell that shows a figure has one in its outputs.

Used by ``tests/test_lesson_prose.py``; the lesson list and the runner are in :mod:`tools.lessons`.
"""

from __future__ import annotations

import re
from typing import Any

from tools.lessons import lesson_meta, source

__all__ = ["figures_without_images", "harness_talk", "output_text", "unbacked_numbers"]

# A decimal number as prose or output writes it: 0.973, 1.4612, -0.02, 88.72 (not 1.2.3).
NUMBER_RE = re.compile(r"(?<![\w.])[-−]?\d+\.\d+(?![\w]|\.\d)")
# Words about how the course is checked, which a lesson's prose must not say to learners.
TEST_TALK_RE = re.compile(
    r"\b(?:the|our|a|these|those|unit|claim|lesson's|course's) tests?\b"
    r"(?!\s*(?:set|accuracy|loss|data|split|score|points?|images?|examples?|error|labels?|rows?"
    r"|predictions?|sets|metric|R²|MAE|RMSE|students?|patients?|fold|part|log-loss|log loss|once))"
    r"|\btolerances?\b|\bpytest\b|\bnbval\b|\bpapermill\b|\bharness\b|\bCI\b",
    re.IGNORECASE,
)


# Exercise numbers ("4.2") in an exercise's title and in references to it are names, not measurements.
_EXERCISE_NUMBER_RE = re.compile(r"^:::+\{exercise\}.*$|\{ref\}`[^`]*`", re.M)


def _without_exercise_numbers(text: str) -> str:
    return _EXERCISE_NUMBER_RE.sub("", text)


def _numbers(text: str) -> set[str]:
    return {m.group(0).replace("−", "-").lstrip("-") for m in NUMBER_RE.finditer(text)}


def output_text(cell: dict[str, Any]) -> str:
    """All the text a code cell's committed outputs show (streams, plain text, HTML, markdown)."""
    parts = []
    for output in cell.get("outputs", []):
        text = output.get("text", "")
        parts.append(text if isinstance(text, str) else "".join(text))
        for mime in ("text/plain", "text/html", "text/markdown"):
            value = output.get("data", {}).get(mime, "")
            parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def unbacked_numbers(nb: dict[str, Any]) -> list[str]:
    """Decimal numbers in the prose that neither an output, nor the code, nor a citation shows.

    A number a lesson's prose quotes must be exactly what a committed output prints (a measured
    result), or appear in the code (a setting such as ``lr = 0.1``), or be listed with its source
    in the lesson's metadata ``mlpcourse.cited`` (``{"0.871": "Zalando benchmark, MLP (100,)"}``).
    """
    backed = set(lesson_meta(nb).get("cited", {}))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            backed |= _numbers(source(cell)) | _numbers(output_text(cell))
    problems = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for number in sorted(_numbers(_without_exercise_numbers(source(cell))) - backed):
            problems.append(f"cell {index}: {number}")
    return problems


def harness_talk(nb: dict[str, Any]) -> list[str]:
    """Places where a lesson's prose talks about tests, tolerances or the harness."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            for match in TEST_TALK_RE.finditer(source(cell)):
                found.append(f"cell {index}: {match.group(0)!r}")
    return found


def figures_without_images(nb: dict[str, Any]) -> list[str]:
    """Code cells that show a figure (``plt.show()``) but whose committed outputs hold no image.

    A notebook executed with ``MPLBACKEND=Agg`` in the environment runs every plotting cell
    without error and keeps no figure: the book would then show none. ``make notebooks`` sets the
    inline backend for the kernel; this finds notebooks executed some other way.
    """
    missing = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or "plt.show()" not in source(cell):
            continue
        if not any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            missing.append(f"cell {index}")
    return missing
