"""Checkpoints: save a model atomically and load it back safely (``weights_only=True``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

__all__ = ["CheckpointError", "load_checkpoint", "save_checkpoint"]

_FORMAT = "mlpcourse-checkpoint-1"


class CheckpointError(ValueError):
    """Raised when a checkpoint is unreadable or does not fit the model it is loaded into."""


def save_checkpoint(
    path: str | os.PathLike[str],
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    metadata: dict[str, Any] | None = None,
) -> Path:
    """Write model (and optimizer) state to ``path`` atomically: a crash never leaves half a file.

    Introduced in lesson 01.

    Parameters
    ----------
    path : path
        The file to write (its folder is created).
    model : nn.Module
        Its ``state_dict`` is saved, on the CPU.
    optimizer : torch.optim.Optimizer, optional
        Its state is saved too, to resume training.
    metadata : dict, optional
        Plain data saved beside the weights (sizes, epoch, score).

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {
        "format": _FORMAT,
        "model_class": type(model).__name__,
        "model_state": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "metadata": dict(metadata or {}),
    }
    if optimizer is not None:
        payload["optimizer_state"] = optimizer.state_dict()
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def _mismatches(expected: dict[str, torch.Tensor], found: dict[str, torch.Tensor]) -> list[str]:
    problems = []
    for name in expected.keys() - found.keys():
        problems.append(f"'{name}' is missing from the checkpoint")
    for name in found.keys() - expected.keys():
        problems.append(f"'{name}' is in the checkpoint but not in the model")
    for name in expected.keys() & found.keys():
        if expected[name].shape != found[name].shape:
            problems.append(
                f"'{name}' has shape {tuple(found[name].shape)} in the checkpoint "
                f"but {tuple(expected[name].shape)} in the model"
            )
    return sorted(problems)


def load_checkpoint(
    path: str | os.PathLike[str],
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    map_location: str | torch.device = "cpu",
) -> dict[str, Any]:
    """Load a checkpoint into ``model`` (and ``optimizer``) with ``weights_only=True``.

    Introduced in lesson 01.

    Parameters
    ----------
    path : path
        A file written by :func:`save_checkpoint`.
    model : nn.Module
        A model of the architecture the checkpoint was saved from.
    optimizer : torch.optim.Optimizer, optional
        Receives the saved optimizer state.
    map_location : str or torch.device, default "cpu"
        Where the loaded tensors go.

    Returns
    -------
    dict
        The metadata saved with the checkpoint.

    Raises
    ------
    CheckpointError
        When the file is not a readable checkpoint or does not fit the model.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}: save one with save_checkpoint() first")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # noqa: BLE001 - any unpickling failure means the same to the user
        raise CheckpointError(f"{path} is not a readable checkpoint: {err}") from err
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
        raise CheckpointError(
            f"{path} was not written by mlpcourse.save_checkpoint (no '{_FORMAT}' marker); "
            "for a bare state_dict use model.load_state_dict(torch.load(path, weights_only=True))"
        )
    state = payload["model_state"]
    problems = _mismatches(model.state_dict(), state)
    if problems:
        saved = payload.get("metadata") or {}
        raise CheckpointError(
            f"{path} does not fit this {type(model).__name__}: "
            + "; ".join(problems[:6])
            + (f" (and {len(problems) - 6} more)" if len(problems) > 6 else "")
            + ". Build the model with the same architecture it was saved from"
            + (f" (saved metadata: {saved})" if saved else "")
            + "."
        )
    model.load_state_dict(state)
    if optimizer is not None:
        if "optimizer_state" not in payload:
            raise CheckpointError(f"{path} holds no optimizer state; load without optimizer=")
        optimizer.load_state_dict(payload["optimizer_state"])
    return payload["metadata"]
