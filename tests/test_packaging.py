"""The package as a learner gets it: a plain (non-editable) install, used from outside the repository.

Colab's first cell runs ``pip install "mlpcourse @ git+<url>@<ref>"``, which builds a wheel and
installs it. The editable install the rest of the tests use sees the whole source tree, so it
cannot notice a subpackage or a data file the wheel leaves out. These tests build the wheel from
a copy of the working tree (no network, no build isolation), install it into a fresh virtual
environment that reuses the project's dependencies but not its editable install, and import from
it everything the lessons use.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tools.lessons import ROOT, lesson_notebooks, source

pytestmark = pytest.mark.slow

SKIP = {".git", ".venv", "_build", "student", ".pytest_cache", ".ruff_cache", "build", "dist"}


def tree_copy(dest: Path) -> Path:
    """Copy the working tree (what git tracks or would track) to ``dest``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        relative = Path(os.fsdecode(name))
        if relative.parts[0] in SKIP or not (ROOT / relative).is_file():
            continue
        (dest / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, dest / relative)
    return dest


def build_wheel(src: Path, out: Path) -> Path:
    """Build the wheel of the source tree ``src`` into ``out`` offline; return its path."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index"]
        + ["--disable-pip-version-check", "-q", "-w", str(out), str(src)],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = out.glob("mlpcourse-*.whl")
    return wheel


def venv_with(wheel: Path, where: Path) -> Path:
    """A virtual environment holding ``wheel`` and seeing the project's dependencies; its python.

    The project's site-packages is added by a ``.pth`` line, as a plain folder: the ``.pth`` files
    in it (the editable install's finder among them) are not run, so only the wheel provides
    ``mlpcourse``.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "_mlpcourse_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q"]
        + ["--disable-pip-version-check", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    return python


def run_outside(python: Path, code: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(
        [str(python), *(["-c", code] if code else []), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tree_copy(tmp_path_factory.mktemp("src"))
    return build_wheel(src, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return venv_with(wheel, tmp_path_factory.mktemp("venv") / "env")


def what_lessons_use() -> tuple[set[str], set[str]]:
    """Names the lessons take from ``mlp.`` and the ``mlpcourse`` modules they import or run."""
    names: set[str] = set()
    modules: set[str] = {"mlpcourse"}
    for notebook in lesson_notebooks():
        for cell in json.loads(notebook.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            text = source(cell)
            names |= set(re.findall(r"\bmlp\.([A-Za-z_]\w*)", text))
            modules |= set(re.findall(r"\b(?:from|import)\s+(mlpcourse(?:\.\w+)*)", text))
            modules |= set(re.findall(r"-m\W+(mlpcourse(?:\.\w+)*)", text))
            modules |= set(re.findall(r"\"(mlpcourse\.\w+)\"", text))
    return names, modules


def test_the_wheel_holds_every_module_and_data_file(wheel: Path) -> None:
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    in_tree = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "mlpcourse").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    missing = sorted(in_tree - in_wheel)
    assert not missing, f"a plain install would lack {missing}"
    assert any(name.endswith("licenses/LICENSE") for name in in_wheel)


def test_everything_the_lessons_use_imports_from_the_installed_wheel(
    installed: Path, tmp_path: Path
) -> None:
    names, modules = what_lessons_use()
    assert {"fit", "load_fashion_mnist", "load_diamonds"} <= names  # the scan found the lessons
    assert "mlpcourse.ddp" in modules
    code = f"""
import importlib, sys
import mlpcourse as mlp
assert mlp.__file__.startswith({str(installed.parents[1])!r}), mlp.__file__
for module in {sorted(modules)!r}:
    importlib.import_module(module)
missing = [n for n in {sorted(names)!r} if not hasattr(mlp, n)]
assert not missing, missing
print("version", mlp.__version__)
X, y = mlp.make_students(10, seed=0)
parts = mlp.make_moons_split(n_samples=40, noise=0.2, seed=0)
table = mlp.load_diamonds()
assert table.shape == (53940, 10), table.shape
data = mlp.load_fashion_mnist(download=False)
assert tuple(data.X_train.shape) == (60000, 28, 28)
print("ok")
"""
    done = run_outside(installed, code, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    from tools.set_repo_url import package_version

    assert f"version {package_version()}" in done.stdout
    assert done.stdout.strip().endswith("ok")


def test_the_ddp_script_runs_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    done = run_outside(installed, "", tmp_path, "-m", "mlpcourse.ddp", "--help")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "torchrun" in done.stdout


# --- a release, as the README cuts it, and a class hub pulling it ------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    assert done.returncode == 0, f"git {args}: {done.stderr}"
    return done.stdout.strip()


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository holding the working tree, released with `make release` as the README says."""
    repo = tree_copy(tmp_path_factory.mktemp("course"))
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "the course", cwd=repo)
    done = subprocess.run(
        ["make", "-s", "release"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return repo


def test_make_release_refuses_uncommitted_work(released: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    git("clone", "-q", str(released), str(work), cwd=tmp_path)
    (work / "README.md").write_text("changed\n")
    done = subprocess.run(["make", "-s", "release"], cwd=work, capture_output=True, text=True)
    assert done.returncode != 0 and "commit your changes first" in done.stdout


def test_the_release_cell_badge_and_buttons_work_from_a_clone(
    released: Path, tmp_path: Path
) -> None:
    from tools.set_repo_url import (
        BADGE_RE,
        INSTALL_RE,
        configured_branch,
        configured_url,
        package_version,
    )

    version = package_version(released)
    url = configured_url(released)
    assert git("tag", "--list", cwd=released) == f"v{version}"
    assert configured_branch(released) in git("branch", "--list", cwd=released)
    for notebook in lesson_notebooks(released / "notebooks"):
        cells = json.loads(notebook.read_text())["cells"]
        # the badge opens this lesson at a ref the release made
        (badge,) = BADGE_RE.findall(source(cells[0]))
        owner_repo, ref, path = re.fullmatch(r"([^/]+/[^/]+)/blob/([^/]+)/(.+)", badge).groups()
        assert f"https://github.com/{owner_repo}" == url
        git("cat-file", "-e", f"{ref}:{path}", cwd=released)
    # the Colab cell of lesson 08 (with an extra), pointed at the clone instead of GitHub
    setup = next(
        c
        for c in json.loads((released / "notebooks/08_optimizers_and_tuning.ipynb").read_text())[
            "cells"
        ]
        if c["cell_type"] == "code"
    )
    line = next(s for s in source(setup).splitlines() if INSTALL_RE.search(s))
    requirement = re.search(r'"(mlpcourse.*)"', line).group(1)
    assert requirement.startswith("mlpcourse[tuning] @ git+") and requirement.endswith(
        f"@v{version}"
    )
    # (a host in the file URL: the pip that ships with Python 3.11 refuses git+file:/// URLs)
    local = requirement.replace(url, f"file://localhost{released}")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q"]
        + ["--disable-pip-version-check", "--no-index", "--target", str(target), local],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (dist,) = target.glob("mlpcourse-*.dist-info")
    assert dist.name == f"mlpcourse-{version}.dist-info"
    assert (target / "mlpcourse/data/diamonds.csv.gz").is_file()


def hub_pull(repo_url: str, ref: str, home: Path) -> None:
    """What a hub's nbgitpuller link does: clone ``ref`` into the student's home, or pull it."""
    from nbgitpuller.pull import GitPuller

    for _ in GitPuller(repo_url, str(home / "course"), branch=ref, depth=1).pull():
        pass


def test_a_class_hub_pulls_the_release_branch_again_after_an_update(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.set_repo_url import configured_branch

    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    origin = tmp_path / "origin"
    git("clone", "-q", "--bare", str(released), str(origin), cwd=tmp_path)
    branch = configured_branch(released)
    url = f"file://{origin}"
    home = tmp_path / "home"
    hub_pull(url, branch, home)  # week 1: the link clones the release
    lesson = home / "course/notebooks/01_student_pass_fail.ipynb"
    assert lesson.is_file()
    (home / "course/my_notes.txt").write_text("mine\n")  # the student's own work
    # the instructor fixes a typo on the release branch
    work = tmp_path / "work"
    git("clone", "-q", "-b", branch, url, str(work), cwd=tmp_path)
    (work / "ERRATA.md").write_text("lesson 01: a typo fixed\n")
    git("add", "ERRATA.md", cwd=work)
    git("commit", "-q", "-m", "errata", cwd=work)
    git("push", "-q", "origin", branch, cwd=work)
    hub_pull(url, branch, home)  # week 2: the same link pulls again
    assert (home / "course/ERRATA.md").read_text() == "lesson 01: a typo fixed\n"
    assert (home / "course/my_notes.txt").read_text() == "mine\n"
    hub_pull(url, branch, home)  # and again, with nothing new


def test_a_tag_cannot_be_pulled_twice_which_is_why_the_buttons_open_a_branch(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.set_repo_url import release_tag

    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    url = f"file://{released}"
    hub_pull(url, release_tag(released), tmp_path)
    with pytest.raises(Exception, match=r"origin/v"):
        hub_pull(url, release_tag(released), tmp_path)
