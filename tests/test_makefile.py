"""The Makefile's set-up commands, checked as generated (CI cannot reach PyTorch's own index)."""

from __future__ import annotations

import subprocess

from tools.lessons import ROOT

CPU_INDEX = "--index-url https://download.pytorch.org/whl/cpu"


def dry_run(*args: str) -> str:
    done = subprocess.run(
        ["make", "-n", "-B", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


def torch_pin() -> str:
    (pin,) = [
        line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.startswith("torch==")
    ]
    return pin


def test_make_env_takes_pypis_torch_by_default() -> None:
    commands = dry_run("env")
    assert "-r requirements.txt" in commands
    assert CPU_INDEX not in commands


def test_make_env_torch_cpu_installs_the_pinned_cpu_build_first() -> None:
    commands = dry_run("env", "TORCH=cpu").splitlines()
    cpu = [i for i, c in enumerate(commands) if CPU_INDEX in c]
    requirements = [i for i, c in enumerate(commands) if "-r requirements.txt" in c]
    assert len(cpu) == 1 and requirements and cpu[0] < requirements[0], commands
    # the same version the requirements pin, so the second install keeps it
    assert f'"{torch_pin()}"' in commands[cpu[0]]


def test_an_unknown_torch_build_is_refused_before_anything_is_installed() -> None:
    done = subprocess.run(
        ["make", "-B", "env", "TORCH=cuda12"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "use TORCH=pypi (default) or TORCH=cpu" in done.stdout + done.stderr


def test_the_readme_and_set_up_page_say_which_build_make_env_takes() -> None:
    for page in ("README.md", "book/setup.md"):
        text = (ROOT / page).read_text()
        assert "make env TORCH=cpu" in text, page
        assert "CUDA build" in text, page
