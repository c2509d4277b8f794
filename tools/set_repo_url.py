"""Set the course's repository URL in its one home, _config.yml, and in the copies that need it.

The Colab set-up cells install a pinned release, ``git+<url>@v<version>``, where the version is
the package's, in pyproject.toml: the tag is immutable, so a notebook handed out in week 1 keeps
installing the same course package in week 6. The book's launch buttons (Binder, Colab,
JupyterHub: sphinx-book-theme builds all three from one ``repository.branch``) open the release
*branch* ``release-<version>`` instead: nbgitpuller, behind the JupyterHub button, clones a tag
once and then fails on every later pull (it diffs against ``origin/<ref>``, which a tag does not
have; jupyterhub/nbgitpuller#361). Cutting a release: bump the version in pyproject.toml, run
``make set-repo-url URL=<the same url>`` (it re-pins every cell, badge and button), commit, then
``make release`` (the tag and the branch, at that commit) and push both.

    python -m tools.set_repo_url https://github.com/<owner>/<repo>     (or: make set-repo-url URL=...)

The copies are each notebook's Colab set-up cell (``%pip install "mlpcourse @ git+<url>"``) and
"Open in Colab" badge (``colab.research.google.com/github/<owner>/<repo>/blob/v<version>/...``),
the prose pages in book/ that quote the URL, and _config.yml's ``repository.branch``, which the
book's launch buttons (Binder, Colab, JupyterHub) open: the release branch. ``check(root)`` lists every copy that disagrees with
_config.yml; the tests call it. Only the standard library is used, so this runs before `make env`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tools.lessons import ROOT, lesson_notebooks

URL_RE = re.compile(r"^https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")
CONFIG_URL_RE = re.compile(r"^(repository:\s*\n(?:[ \t]+.*\n|\s*\n)*?[ \t]+url:[ \t]*)(\S+)", re.M)
CONFIG_BRANCH_RE = re.compile(
    r"^(repository:\s*\n(?:[ \t]+.*\n|\s*\n)*?[ \t]+branch:[ \t]*)(\S+)", re.M
)
COLAB = "https://colab.research.google.com/github/"
# the package, with the extras a lesson needs: "mlpcourse[tuning] @ git+<url>@<ref>"
INSTALL_RE = re.compile(r'%pip install -q "mlpcourse(?:\[[\w,]+\])? @ git\+(\S+?)"')
VERSION_RE = re.compile(r'^version\s*=\s*"([^"]+)"', re.M)
BADGE_RE = re.compile(r"\(https://colab\.research\.google\.com/github/([^)\s]+)\)")
SETUP_GUARD = 'if "google.colab" in sys.modules:'


def normalise(url: str) -> str:
    """Return ``https://github.com/owner/repo`` or raise ValueError for anything else."""
    match = URL_RE.match(url.strip())
    if not match:
        raise ValueError(f"expected https://github.com/<owner>/<repo>, got {url!r}")
    return f"https://github.com/{match.group(1)}/{match.group(2)}"


def slug(url: str) -> str:
    """``owner/repo`` of a GitHub URL."""
    return url.removeprefix("https://github.com/")


def configured_url(root: Path = ROOT) -> str:
    """The repository URL in _config.yml (``repository.url``)."""
    match = CONFIG_URL_RE.search((root / "_config.yml").read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"no repository.url in {root / '_config.yml'}")
    return normalise(match.group(2))


def package_version(root: Path = ROOT) -> str:
    """The package version in pyproject.toml (``[project] version``)."""
    match = VERSION_RE.search((root / "pyproject.toml").read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"no version in {root / 'pyproject.toml'}")
    return match.group(1)


def release_tag(root: Path = ROOT) -> str:
    """The release tag of this version, ``v<version>``: what launch buttons and badges open."""
    return f"v{package_version(root)}"


def release_branch(root: Path = ROOT) -> str:
    """The release branch of this version, ``release-<version>``: what the book's buttons open."""
    return f"release-{package_version(root)}"


def pinned(url: str, root: Path = ROOT) -> str:
    """What a Colab cell installs: ``<url>@v<version>``, the release of this version."""
    return f"{url}@{release_tag(root)}"


def configured_branch(root: Path = ROOT) -> str:
    """The ref in _config.yml (``repository.branch``) that the book's launch buttons open."""
    match = CONFIG_BRANCH_RE.search((root / "_config.yml").read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"no repository.branch in {root / '_config.yml'}")
    return match.group(2)


def expected_badge(url: str, notebook: Path, ref: str) -> str:
    return f"{COLAB}{slug(url)}/blob/{ref}/notebooks/{notebook.name}"


def check_notebook(notebook: Path, url: str, root: Path = ROOT) -> list[str]:
    """Problems with one notebook's badge and Colab set-up cell, given the configured URL."""
    release = pinned(url, root)
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    problems = []
    source = ["".join(c.get("source", "")) for c in cells]
    badge = cells[0] if cells else {}
    badge_links = BADGE_RE.findall(source[0]) if cells else []
    if badge.get("cell_type") != "markdown" or "colab-badge.svg" not in source[0]:
        problems.append("the first cell is not the 'Open in Colab' badge")
    elif "remove-cell" not in badge.get("metadata", {}).get("tags", []):
        problems.append("the badge cell is not tagged remove-cell")
    elif [f"{COLAB}{link}" for link in badge_links] != [
        badge := expected_badge(url, notebook, release_tag(root))
    ]:
        problems.append(f"the badge links to {badge_links}, not {badge}")
    code = [s for c, s in zip(cells, source, strict=True) if c.get("cell_type") == "code"]
    if not code or SETUP_GUARD not in code[0]:
        problems.append(f"the first code cell does not start with `{SETUP_GUARD}`")
    elif INSTALL_RE.findall(code[0]) != [release]:
        problems.append(
            f"the set-up cell installs from {INSTALL_RE.findall(code[0])}, not {release}"
        )
    for i, text in enumerate(source):
        for other in INSTALL_RE.findall(text):
            if other != release:
                problems.append(f"cell {i} installs mlpcourse from {other}, not {release}")
        for link in re.findall(r"colab\.research\.google\.com/github/([^/\s)]+/[^/\s)]+)", text):
            if link != slug(url):
                problems.append(f"cell {i} opens {link} in Colab, not {slug(url)}")
    return [f"{notebook.name}: {p}" for p in dict.fromkeys(problems)]


def check(root: Path = ROOT) -> list[str]:
    """Every copy of the repository URL that disagrees with _config.yml."""
    url = configured_url(root)
    problems = []
    if configured_branch(root) != release_branch(root):
        problems.append(
            f"_config.yml: repository.branch is {configured_branch(root)}, not "
            f"{release_branch(root)} (the book's Binder, Colab and JupyterHub buttons open the "
            "release branch: nbgitpuller cannot pull a tag a second time)"
        )
    for notebook in lesson_notebooks(root / "notebooks"):
        problems += check_notebook(notebook, url, root)
    release = pinned(url, root)
    for page in sorted((root / "book").rglob("*.md")):
        text = page.read_text()
        for other in re.findall(r"git clone (https://github\.com/\S+?)(?=[\s\"`]|$)", text):
            if other != url:
                problems.append(f"{page.relative_to(root)}: quotes {other}, not {url}")
        for other in re.findall(r"git\+(https://github\.com/\S+?)(?=[\s\"`]|$)", text):
            if other != release:
                problems.append(f"{page.relative_to(root)}: installs {other}, not {release}")
    return problems


def set_repo_url(new: str, root: Path = ROOT) -> list[Path]:
    """Write ``new`` into _config.yml and replace the old URL in every copy; return changed files."""
    new = normalise(new)
    old = configured_url(root)
    changed = []
    config = root / "_config.yml"
    text = config.read_text(encoding="utf-8")
    updated = CONFIG_URL_RE.sub(lambda m: m.group(1) + new, text, count=1)
    updated = CONFIG_BRANCH_RE.sub(lambda m: m.group(1) + release_branch(root), updated, count=1)
    if updated != text:
        config.write_text(updated, encoding="utf-8")
        changed.append(config)
    replacements = [
        (f"git clone {old}", f"git clone {new}"),
        (f"{COLAB}{slug(old)}/", f"{COLAB}{slug(new)}/"),
    ]
    badge = re.compile(rf"({re.escape(COLAB + slug(new))}/blob/)[\w.\-]+(?=/notebooks/)")
    # a notebook's JSON escapes the closing quote (\"): the backslash ends the address too
    install = re.compile(rf"git\+{re.escape(old)}(?:@[\w.\-]+)?(?=[\s\\\"`]|$)")
    release = pinned(new, root)
    for path in [*lesson_notebooks(root / "notebooks"), *sorted((root / "book").rglob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        updated = install.sub(lambda _m: f"git+{release}", text)
        for before, after in replacements:
            updated = updated.replace(before, after)
        updated = badge.sub(lambda m: m.group(1) + release_tag(root), updated)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", nargs="?", help="https://github.com/<owner>/<repo>")
    parser.add_argument("--check", action="store_true", help="only report disagreeing copies")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.check:
        if not args.url:
            parser.error("give the new URL, e.g. https://github.com/<owner>/<repo>")
        try:
            changed = set_repo_url(args.url, args.root)
        except ValueError as err:
            parser.error(str(err))
        for path in changed:
            print(f"updated {path.relative_to(args.root)}")
    problems = check(args.root)
    for problem in problems:
        print(f"disagrees with _config.yml: {problem}", file=sys.stderr)
    if not problems:
        print(f"repository URL: {configured_url(args.root)} (config, notebooks and book agree)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
