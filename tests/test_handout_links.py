"""Handing out lessons to a class: the links of tools/handout_links.py, and the JupyterHub button
that `launch_buttons.jupyterhub_url` in _config.yml adds to the book."""

from __future__ import annotations

import html as html_lib
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tools import handout_links
from tools.lessons import ROOT, lesson_notebooks
from tools.set_repo_url import configured_url, release_branch

CLASS_REPO = "https://github.com/teacher/mlp-class"
HUB = "https://hub.example.edu/"


def test_nbgitpuller_link_clones_the_class_repo_and_opens_the_lesson() -> None:
    link = handout_links.nbgitpuller_link(HUB, CLASS_REPO, "01_student_pass_fail.ipynb")
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://hub.example.edu/hub/user-redirect/git-pull"
    )
    assert parse_qs(parts.query) == {
        "repo": [CLASS_REPO],
        "urlpath": ["lab/tree/mlp-class/01_student_pass_fail.ipynb"],
        "branch": ["main"],
    }


def test_colab_link_opens_the_class_repo() -> None:
    assert handout_links.colab_link(CLASS_REPO, "lessons/05_regression.ipynb", "week5") == (
        "https://colab.research.google.com/github/teacher/mlp-class/blob/week5/lessons/05_regression.ipynb"
    )


def test_handout_lists_every_lesson_once() -> None:
    text = handout_links.handout(CLASS_REPO, HUB, folder="lessons/")
    lines = text.splitlines()
    assert len(lines) == len(lesson_notebooks())
    for line, notebook in zip(lines, lesson_notebooks(), strict=True):
        assert line.count(f"lessons/{notebook.name}") == 2  # JupyterHub and Colab
    assert "[JupyterHub]" not in handout_links.handout(CLASS_REPO)  # no hub: Colab only


@pytest.mark.parametrize(
    ("hub", "repo"),
    [
        ("hub.example.edu", CLASS_REPO),
        ("https://hub.example.edu/?x=1", CLASS_REPO),
        (HUB, "https://gitlab.com/a/b"),
    ],
)
def test_bad_addresses_are_refused_with_what_to_give(hub: str, repo: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        handout_links.nbgitpuller_link(hub, repo, "x.ipynb")


def test_command_line_explains_a_missing_repo() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tools.handout_links", "--hub", HUB],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2 and "--repo" in done.stderr


@pytest.mark.slow
def test_jupyterhub_url_in_the_config_adds_the_button(tmp_path: Path) -> None:
    """The book built with a hub configured: every lesson gets a JupyterHub button whose link is
    the one handout_links makes for the course repository at the release."""
    config = (ROOT / "_config.yml").read_text()
    assert re.search(r'^  jupyterhub_url: ""', config, re.M), "the setting instructors fill in"
    custom = tmp_path / "_config.yml"
    config = config.replace('  jupyterhub_url: ""', f"  jupyterhub_url: {HUB}")
    # local extensions are found relative to the config file: point them at the repository's
    custom.write_text(config.replace(": book/_ext", f": {ROOT / 'book' / '_ext'}"))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run(
        [
            str(jupyter_book),
            "build",
            str(ROOT),
            "--config",
            str(custom),
            "--path-output",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    html = tmp_path / "out" / "_build" / "html" / "notebooks"
    for notebook in lesson_notebooks():
        page = (html / f"{notebook.stem}.html").read_text()
        expected = handout_links.nbgitpuller_link(
            HUB, configured_url(), f"notebooks/{notebook.name}", branch=release_branch()
        )
        links = {
            html_lib.unescape(href) for href in re.findall(r'href="([^"]*git-pull[^"]*)"', page)
        }
        assert links == {expected}, f"{notebook.name}: JupyterHub button links to {links}"
