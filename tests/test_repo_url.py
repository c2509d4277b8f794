"""The repository URL lives in _config.yml; every notebook's Colab cell and badge agree with it,
and `make set-repo-url` (python -m tools.set_repo_url) moves them all at once."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import set_repo_url
from tools.lessons import ROOT, lesson_notebooks

NOTEBOOKS = lesson_notebooks()


def test_config_url_is_read_like_jupyter_book_reads_it() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert set_repo_url.configured_url(ROOT) == config["repository"]["url"]
    # the launch buttons open the release branch (nbgitpuller pulls it again and again); the
    # badges (blob/v<version>) and Colab cells open and install the immutable tag
    assert config["repository"]["branch"] == set_repo_url.release_branch(ROOT)
    assert set_repo_url.release_branch(ROOT) == f"release-{set_repo_url.package_version(ROOT)}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_badge_and_colab_cell_agree_with_config(notebook: Path) -> None:
    url = set_repo_url.configured_url(ROOT)
    assert set_repo_url.check_notebook(notebook, url) == []
    cells = json.loads(notebook.read_text())["cells"]
    setup = next(c for c in cells if c["cell_type"] == "code")
    text = "".join(setup["source"])
    release = f"{url}@v{set_repo_url.package_version(ROOT)}"
    assert set_repo_url.INSTALL_RE.findall(text) == [release], "Colab installs the pinned release"
    # the extras the lesson needs come with the package, from its own pyproject.toml
    extras = {"08": "[tuning]", "09": "[tabular]"}.get(notebook.name[:2], "")
    assert f'%pip install -q "mlpcourse{extras} @ git+{release}"' in text
    assert text.index("google.colab") < text.index("%pip"), "install only in Colab"


def test_book_pages_agree_with_config() -> None:
    assert set_repo_url.check(ROOT) == []


def make_copy(tmp_path: Path, notebooks: list[Path]) -> Path:
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "_config.yml", tmp_path)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(ROOT / "book", tmp_path / "book")
    for notebook in notebooks:
        shutil.copy(notebook, tmp_path / "notebooks")
    return tmp_path


def test_set_repo_url_rewrites_every_copy(tmp_path: Path) -> None:
    root = make_copy(tmp_path, NOTEBOOKS)
    old = set_repo_url.configured_url(root)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.set_repo_url",
            "--root",
            str(root),
            "https://github.com/acme/mlp-course.git",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    new = "https://github.com/acme/mlp-course"
    config = yaml.safe_load((root / "_config.yml").read_text())
    assert config["repository"]["url"] == new
    assert set_repo_url.check(root) == []
    for path in [*root.glob("notebooks/*.ipynb"), *root.glob("book/**/*.md")]:
        text = path.read_text()
        assert f"git+{old}" not in text and f"github/{set_repo_url.slug(old)}/" not in text
        if path.suffix == ".ipynb":
            assert json.loads(text)["cells"], f"{path.name} is no longer a notebook"
    # the only change to the config is the URL
    before = (ROOT / "_config.yml").read_text().splitlines()
    after = (root / "_config.yml").read_text().splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        (f"  url: {old}", f"  url: {new}")
    ]


def test_check_reports_a_disagreeing_notebook(tmp_path: Path) -> None:
    assert NOTEBOOKS, "no lesson notebooks found in notebooks/"
    root = make_copy(tmp_path, NOTEBOOKS[:1])
    notebook = next(root.glob("notebooks/*.ipynb"))
    notebook.write_text(
        notebook.read_text().replace("git+https://github.com/", "git+https://github.com/x")
    )
    assert any("installs" in p for p in set_repo_url.check(root))


@pytest.mark.parametrize(
    "bad", ["http://github.com/a/b", "https://gitlab.com/a/b", "github.com/a", ""]
)
def test_set_repo_url_refuses_other_urls(bad: str) -> None:
    with pytest.raises(ValueError):
        set_repo_url.normalise(bad)


def test_the_release_pin_follows_the_package_version(tmp_path: Path) -> None:
    import mlpcourse

    assert set_repo_url.package_version(ROOT) == mlpcourse.__version__, "one version, two places"
    root = make_copy(tmp_path, NOTEBOOKS)
    pyproject = root / "pyproject.toml"
    current = set_repo_url.package_version(root)
    pyproject.write_text(
        pyproject.read_text().replace(f'version = "{current}"', 'version = "9.9.9"')
    )
    assert any("@v9.9.9" in p for p in set_repo_url.check(root)), "a stale pin must be reported"
    url = set_repo_url.configured_url(root)
    set_repo_url.set_repo_url(url, root)  # the same URL: only re-pins
    assert set_repo_url.check(root) == []
    for notebook in root.glob("notebooks/*.ipynb"):
        assert f"git+{url}@v9.9.9" in notebook.read_text()
        assert f"/blob/v9.9.9/notebooks/{notebook.name}" in notebook.read_text()
    assert set_repo_url.configured_branch(root) == "release-9.9.9"


def test_check_reports_launch_buttons_off_the_release(tmp_path: Path) -> None:
    root = make_copy(tmp_path, NOTEBOOKS[:1])
    config = root / "_config.yml"
    branch = set_repo_url.release_branch(root)
    for wrong in ("main", set_repo_url.release_tag(root)):
        config.write_text(config.read_text().replace(f"branch: {branch}", f"branch: {wrong}"))
        assert any(f"repository.branch is {wrong}" in p for p in set_repo_url.check(root))
        config.write_text(config.read_text().replace(f"branch: {wrong}", f"branch: {branch}"))
