"""mlpcourse.env: seeds, the device choice, the environment line, silencing native stderr."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import torch

from mlpcourse import (
    environment_summary,
    get_device,
    set_seed,
)

# --- env --------------------------------------------------------------------------------------


def test_set_seed_makes_python_numpy_and_torch_repeat() -> None:
    set_seed(123)
    first = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002
    set_seed(123)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first  # noqa: NPY002


def test_get_device_default_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLPCOURSE_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if expected == "cpu" and torch.backends.mps.is_available():
        expected = "mps"
    assert get_device().type == expected
    monkeypatch.setenv("MLPCOURSE_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")
    assert get_device("cpu") == torch.device("cpu")


def test_get_device_explains_a_missing_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="Change runtime type > GPU"):
        get_device("cuda")
    monkeypatch.setenv("MLPCOURSE_DEVICE", "cuda")
    with pytest.raises(ValueError, match="MLPCOURSE_DEVICE='cuda'"):
        get_device()


def test_get_device_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="not a device name"):
        get_device("tpu")
    with pytest.raises(ValueError, match="runs on one of"):
        get_device("meta")


def test_environment_summary_names_torch_and_device() -> None:
    line = environment_summary(torch.device("cpu"))
    assert f"torch {torch.__version__}" in line and "device: cpu" in line


def test_native_stderr_is_silenced_only_inside_the_block(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import os, mlpcourse as mlp\n"
        "os.write(2, b'before\\n')\n"
        "with mlp.native_stderr_silenced():\n"
        "    os.write(2, b'hidden\\n')\n"
        "os.write(2, b'after\\n')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr == "before\nafter\n"
