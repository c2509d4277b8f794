"""Draw saved ipywidgets (tqdm progress bars) as static HTML when the book is built.

myst-nb renders a widget output as an empty ``<script>`` that a widget manager loaded from a CDN
fills in the browser; offline nothing shows, and the output's text/plain fallback is the bar at 0%.
This extension reads the widget state saved in the notebook's metadata and replaces each widget
view with its final look: the label, an HTML ``<progress>`` bar and the counts, e.g.
``epochs: 100% [=====] 10/10 [00:05<00:00, 1.9it/s]``. Widgets it does not know are left out.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
PREFIX = f'<script type="{VIEW}">'


def _render(model_id: str, state: dict[str, Any], depth: int = 0) -> str:
    """HTML for one widget model and its children ('' for a kind this extension does not draw)."""
    model = state.get(model_id)
    if model is None or depth > 10:
        return ""
    name = model.get("model_name", "")
    values = model.get("state", {})
    description = html.escape(str(values.get("description", "") or ""))
    if name in ("HBoxModel", "VBoxModel", "BoxModel"):
        children = [
            _render(child.removeprefix("IPY_MODEL_"), state, depth + 1)
            for child in values.get("children", [])
        ]
        css = "vbox" if name == "VBoxModel" else "hbox"
        return f'<span class="static-widget-{css}">{"".join(children)}</span>'
    if name in ("HTMLModel", "LabelModel"):
        value = str(values.get("value", "") or "")
        value = value if name == "HTMLModel" else html.escape(value)
        return f'<span class="static-widget-text">{description}{value}</span>'
    if name in ("FloatProgressModel", "IntProgressModel"):
        value, high = values.get("value", 0) or 0, values.get("max", 100) or 100
        style = html.escape(str(values.get("bar_style", "") or ""))
        return (
            f'<progress class="static-widget-progress {style}" value="{value}" max="{high}">'
            f"{value}/{high}</progress>"
        )
    return ""


def _widget_state(app: Sphinx, docname: str) -> dict[str, Any]:
    """The saved widget state of a notebook page ({} for other pages)."""
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return {}
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return metadata.get("widgets", {}).get(STATE, {}).get("state", {}) or {}


def replace_widget_views(app: Sphinx, doctree: nodes.document) -> None:
    """Swap each widget-view script for static HTML drawn from the saved state."""
    raws = [n for n in doctree.findall(nodes.raw) if n.astext().startswith(PREFIX)]
    if not raws:
        return
    state = _widget_state(app, app.env.docname)
    for raw in raws:
        body = raw.astext()[len(PREFIX) : -len("</script>")]
        try:
            model_id = json.loads(body.replace("<\\/", "</")).get("model_id", "")
        except ValueError:
            model_id = ""
        drawn = _render(model_id, state)
        if drawn:
            raw.replace_self(
                nodes.raw(
                    "", f'<div class="static-widget" tabindex="0">{drawn}</div>', format="html"
                )
            )
        else:
            raw.parent.remove(raw)


def _add_static_path(app: Sphinx) -> None:
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", replace_widget_views)
    app.add_css_file("static_widgets.css")
    app.connect("builder-inited", _add_static_path)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
