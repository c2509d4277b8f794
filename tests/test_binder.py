"""binder/ (repo2docker: Binder and a class JupyterHub): a pinned Python, runtime packages only,
PyTorch's CPU build, and every package a lesson imports (checked statically: CI cannot reach
PyTorch's index)."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import tomllib

from tools.lessons import ROOT, lesson_notebooks, source

BINDER = ROOT / "binder"
# Import names whose distribution is named differently.
DISTRIBUTION = {"sklearn": "scikit-learn", "PIL": "pillow", "yaml": "pyyaml"}
# Provided by the Jupyter environment repo2docker sets up, or by the course package itself.
PROVIDED = {"IPython", "ipykernel", "mlpcourse"}
DEV_TOOLS = {
    "jupyter-book",
    "pytest",
    "ruff",
    "nbval",
    "papermill",
    "playwright",
    "pre-commit",
    "nbconvert",
}


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            found[name.strip().lower()] = version.strip()
    return found


def notebook_imports() -> set[str]:
    names: set[str] = set()
    for notebook in lesson_notebooks():
        for cell in json.loads(notebook.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            lines = source(cell).splitlines()  # a magic (%pip, !cmd) becomes `pass`, indent kept
            text = "\n".join(
                line[: len(line) - len(line.lstrip())] + "pass"
                if line.lstrip().startswith(("%", "!"))
                else line
                for line in lines
            )
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names)


def test_python_is_pinned_to_the_tested_version() -> None:
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}" == "python-3.11"


def test_torch_is_the_cpu_build_from_pytorchs_index() -> None:
    text = (BINDER / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert pins(BINDER / "requirements.txt")["torch"] == "2.13.0+cpu"


def test_runtime_only_and_the_same_versions_as_the_tested_environment() -> None:
    binder, tested = pins(BINDER / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert not DEV_TOOLS & set(binder), f"development tools in binder/: {DEV_TOOLS & set(binder)}"
    for name, version in binder.items():
        expected = tested[name] + ("+cpu" if name == "torch" else "")
        assert version == expected, (
            f"{name}: binder pins {version}, requirements.txt {tested[name]}"
        )


def test_every_package_a_lesson_imports_is_installed() -> None:
    binder = set(pins(BINDER / "requirements.txt"))
    needed = {DISTRIBUTION.get(name, name).lower() for name in notebook_imports() - PROVIDED}
    assert needed, "no imports found: the check would pass vacuously"
    assert needed <= binder, (
        f"lessons import {sorted(needed - binder)}, missing from binder/requirements.txt"
    )
    # and what the package itself needs, including the extras the lessons use
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [
        d for extra in project["optional-dependencies"].values() for d in extra
    ]
    for requirement in requirements:
        name = re.split(r"[<>=!~ \[]", requirement)[0].lower()
        assert name in binder, f"mlpcourse needs {name}, missing from binder/requirements.txt"


def test_the_image_serves_nbgitpuller_links_and_renders_exercises() -> None:
    # book/instructors.md: a class JupyterHub built from binder/ opens make handout-links' links
    assert "nbgitpuller" in pins(BINDER / "requirements.txt")
    # the lessons' {exercise} and {solution} directives render in JupyterLab, not as raw fences
    assert "jupyterlab-myst" in pins(BINDER / "requirements.txt")


def test_post_build_installs_the_course_package() -> None:
    post_build = BINDER / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    commands = [
        line for line in post_build.read_text().splitlines() if line.startswith("pip install")
    ]
    # a regular install into the image: an editable one points into the home folder, which a
    # hub with persistent home folders mounts over
    assert commands == ["pip install --no-deps --no-cache-dir ."]
    assert not (ROOT / "postBuild").exists(), (
        "one postBuild: repo2docker reads binder/ when it exists"
    )
