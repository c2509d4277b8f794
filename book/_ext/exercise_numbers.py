"""Exercises numbered per lesson: "Exercise 4.2", the same in the book, the notebooks and the copies.

sphinx-exercise numbers exercises through numfig, across the whole book ("Exercise 16" in lesson
04), which a student holding a notebook cannot find. The lessons therefore write each exercise as
``:::{exercise} 4.2`` with ``:nonumber:``: the number is in the notebook's own text, where the
notebooks and the student copies show it too. sphinx-exercise renders such a title as
"Exercise (4.2)"; this transform drops the parentheses (in titles, solution titles and references).
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

NUMBERED = re.compile(r"Exercise \((\d+\.\d+)\)")


class ExerciseNumbers(SphinxPostTransform):
    """Turn "Exercise (4.2)" into "Exercise 4.2" wherever sphinx-exercise wrote it."""

    default_priority = 999  # after sphinx-exercise's title and reference transforms

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            if "Exercise (" in text and NUMBERED.search(text):
                text.parent.replace(text, nodes.Text(NUMBERED.sub(r"Exercise \1", str(text))))
        # a title or link split into "Exercise", " (", "4.2", ")" text nodes: join the pieces
        for element in list(self.document.findall(nodes.TextElement)):
            joined = element.astext()
            if not element.children or not all(isinstance(c, nodes.Text) for c in element.children):
                continue
            if NUMBERED.search(joined):
                element.children = []
                element += nodes.Text(NUMBERED.sub(r"Exercise \1", joined))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(ExerciseNumbers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
