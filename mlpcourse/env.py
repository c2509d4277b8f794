"""Environment: seeds for reproducible runs, the compute device, and a short version summary."""

from __future__ import annotations

import contextlib
import os
import platform
import random
import sys
from collections.abc import Iterator

import numpy as np
import torch

__all__ = ["environment_summary", "get_device", "native_stderr_silenced", "set_seed"]

_DEVICES = ("cpu", "cuda", "mps")


def set_seed(seed: int) -> int:
    """Seed Python's, NumPy's and PyTorch's generators (CUDA included).

    Introduced in lesson 01.

    Parameters
    ----------
    seed : int
        The seed.

    Returns
    -------
    int
        ``seed``, so a notebook can write ``seed = set_seed(0)``.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 - students' np.random calls use it
    torch.manual_seed(seed)  # also seeds every CUDA device
    return seed


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def get_device(prefer: str | torch.device | None = None) -> torch.device:
    """Pick the compute device: ``prefer``, else ``$MLPCOURSE_DEVICE``, else cuda -> mps -> cpu.

    Introduced in lesson 01.

    Parameters
    ----------
    prefer : str or torch.device, optional
        "cpu", "cuda" or "mps"; a clear ``ValueError`` if it is not available here.

    Returns
    -------
    torch.device
        The device to put models and tensors on.
    """
    choice = prefer if prefer is not None else os.environ.get("MLPCOURSE_DEVICE") or None
    if choice is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    source = "prefer=" if prefer is not None else "MLPCOURSE_DEVICE="
    try:
        device = torch.device(choice)
    except RuntimeError as err:
        raise ValueError(f"{source}{choice!r} is not a device name; use one of {_DEVICES}") from err
    if device.type not in _DEVICES:
        raise ValueError(f"{source}{choice!r}: the course runs on one of {_DEVICES}")
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"{source}{choice!r} asks for a GPU, but PyTorch sees no CUDA device. "
            "In Colab: Runtime > Change runtime type > GPU. Elsewhere use 'cpu' "
            "(or unset MLPCOURSE_DEVICE to choose automatically)."
        )
    if device.type == "mps" and not _mps_available():
        raise ValueError(
            f"{source}{choice!r}: Apple's MPS backend is not available here; use 'cpu'"
        )
    return device


def environment_summary(device: torch.device | None = None) -> str:
    """Return one line naming Python, PyTorch, the device and the CPU threads in use.

    Introduced in lesson 01.

    Parameters
    ----------
    device : torch.device, optional
        The device to name (default: :func:`get_device`).

    Returns
    -------
    str
        e.g. "Python 3.11.7 | torch 2.13.0 | device: cpu | CPU threads: 2".
    """
    device = device or get_device()
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else device.type
    return (
        f"Python {platform.python_version()} | torch {torch.__version__} | "
        f"device: {where} | CPU threads: {torch.get_num_threads()}"
    )


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Silence what compiled (C/C++) code writes to stderr inside the ``with`` block.

    Python's own warnings and errors are not affected. Lesson 10 uses it around
    ``torch.profiler``, whose C++ side logs "profiler_start" lines that are not for the reader.
    Introduced in lesson 10.

    Returns
    -------
    contextlib.AbstractContextManager
        Use as ``with mlp.native_stderr_silenced(): ...``.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
