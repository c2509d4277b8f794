"""Two accessibility repairs on the built pages, found by axe-core (tests/test_book.py).

- The theme's sidebar uses ``<summary>`` elements holding only a chevron icon to show or hide a
  part's pages, so a screen reader announces nothing: each gets an ``aria-label``.
- Long code and output blocks (``<pre>``) scroll sideways, but a keyboard cannot reach a
  scrolling region that is not focusable: each gets ``tabindex="0"``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

TOGGLE = '<summary><span class="toctree-toggle" role="presentation">'
LABELLED = (
    '<summary aria-label="Show or hide the pages of this part">'
    '<span class="toctree-toggle" role="presentation">'
)
PRE = re.compile(r"<pre(?![^>]*\btabindex=)(?=[\s>])")


def repair(html: str) -> str:
    """Return ``html`` with labelled sidebar toggles and focusable ``<pre>`` blocks."""
    return PRE.sub('<pre tabindex="0"', html.replace(TOGGLE, LABELLED))


def repair_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = repair(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", repair_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
