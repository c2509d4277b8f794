"""Links that open the student copies (``make student``) for a class: on a JupyterHub through
nbgitpuller, and in Colab.

The book's launch buttons open the course repository, solutions included. For graded work an
instructor runs ``make student``, pushes ``student/`` to a repository of their own (the class
repository), and hands out the links this prints, one per lesson:

    python -m tools.handout_links --repo https://github.com/<you>/<class-repo> [--hub https://hub.example.edu]
    make handout-links REPO=https://github.com/<you>/<class-repo> HUB=https://hub.example.edu

The nbgitpuller link has the form the book's own JupyterHub button uses (sphinx-book-theme):
``<hub>/hub/user-redirect/git-pull?repo=<repo>&urlpath=lab/tree/<repo name>/<path>&branch=<ref>``;
nbgitpuller clones the repository into a folder named after it, and later clicks merge the
instructor's updates without overwriting the student's work. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from tools.lessons import lesson_notebooks
from tools.set_repo_url import normalise, slug


def _hub(hub: str) -> str:
    parts = urlsplit(hub.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ValueError(f"expected the hub's address, like https://hub.example.edu, got {hub!r}")
    return hub.strip().rstrip("/")


def nbgitpuller_link(hub: str, repo: str, path: str, branch: str = "main") -> str:
    """The link that clones ``repo`` at ``branch`` into a student's home on ``hub`` and opens
    ``path`` (relative to the repository's root) in JupyterLab."""
    repo = normalise(repo)
    name = slug(repo).split("/")[1]
    query = urlencode(
        {"repo": repo, "urlpath": f"lab/tree/{name}/{path}", "branch": branch}, safe="/"
    )
    return f"{_hub(hub)}/hub/user-redirect/git-pull?{query}"


def colab_link(repo: str, path: str, branch: str = "main") -> str:
    """The link that opens ``path`` of the GitHub repository ``repo`` at ``branch`` in Colab."""
    return f"https://colab.research.google.com/github/{slug(normalise(repo))}/blob/{branch}/{path}"


def handout(repo: str, hub: str | None = None, branch: str = "main", folder: str = "") -> str:
    """A Markdown list, one line per lesson, of the links to the student copies in ``repo``
    (the notebooks of ``make student``, at ``folder`` inside it)."""
    lines = []
    for notebook in lesson_notebooks():
        path = f"{folder.strip('/')}/{notebook.name}" if folder.strip("/") else notebook.name
        links = [f"[Colab]({colab_link(repo, path, branch)})"]
        if hub:
            links.insert(0, f"[JupyterHub]({nbgitpuller_link(hub, repo, path, branch)})")
        lines.append(f"- {Path(notebook).stem}: " + " · ".join(links))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", required=True, help="https://github.com/<you>/<class-repo>")
    parser.add_argument("--hub", help="your JupyterHub, e.g. https://hub.example.edu")
    parser.add_argument(
        "--branch",
        default="main",
        help="a branch (default: main); not a tag: nbgitpuller pulls a tag once, then fails",
    )
    parser.add_argument(
        "--folder", default="", help="folder of the copies in the repo (default: top)"
    )
    args = parser.parse_args(argv)
    try:
        print(handout(args.repo, args.hub, args.branch, args.folder))
    except ValueError as err:
        parser.error(str(err))
    return 0


if __name__ == "__main__":
    sys.exit(main())
