"""Checkpoints: save a model atomically and load it back safely (``weights_only=True``)."""

from __future__ import annotations

import copy
import io
import numbers
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from mlpcourse.files import write_atomically

__all__ = ["CheckpointError", "load_checkpoint", "save_checkpoint"]

_FORMAT = "mlpcourse-checkpoint-1"


class CheckpointError(ValueError):
    """Raised when a checkpoint is unreadable or does not fit the model it is loaded into.

    Introduced in lesson 06.
    """


def _plain(value: Any, where: str) -> Any:
    """Return ``value`` as data the weights-only loader accepts, or raise CheckpointError."""
    if value is None or isinstance(value, (bool, int, float, str, torch.Tensor)):
        return value
    if isinstance(value, np.generic) and isinstance(value.item(), (bool, int, float, str)):
        return value.item()  # numpy scalars become Python numbers
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        return float(value)
    if isinstance(value, (list, tuple)):
        items = [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, (str, int)):
                raise CheckpointError(f"metadata key {key!r} at {where} must be a str or int")
        return {k: _plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    hint = " (convert it with .tolist())" if isinstance(value, np.ndarray) else ""
    raise CheckpointError(
        f"metadata {where} is a {type(value).__name__}{hint}: checkpoints load with "
        "weights_only=True, which accepts only numbers, strings, booleans, None, tensors and "
        "lists, tuples and dicts of them"
    )


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

    Raises
    ------
    CheckpointError
        When ``metadata`` holds something the weights-only loader would refuse (NumPy scalars
        are turned into Python numbers first), so what is saved can always be loaded.
    """
    path = Path(path)
    payload: dict[str, Any] = {
        "format": _FORMAT,
        "model_class": type(model).__name__,
        "model_state": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "metadata": _plain(dict(metadata or {}), "metadata"),
    }
    if optimizer is not None:
        payload["optimizer_class"] = type(optimizer).__name__
        payload["optimizer_state"] = optimizer.state_dict()
    buffer = io.BytesIO()  # what is written must load: try the weights-only loader first
    torch.save(payload, buffer)
    buffer.seek(0)
    try:
        torch.load(buffer, weights_only=True)
    except Exception as err:  # noqa: BLE001 - whatever it refuses, refuse it here
        raise CheckpointError(f"this checkpoint could not be loaded back safely: {err}") from err
    return write_atomically(path, buffer.getvalue())


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
        When the file is not a readable checkpoint, holds another model class or optimizer
        type, or does not fit the model. A load is all or nothing: on any error the model and
        the optimizer are left as they were.
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
    saved_class = payload.get("model_class")
    if saved_class is not None and saved_class != type(model).__name__:
        raise CheckpointError(
            f"{path} holds a {saved_class}, not a {type(model).__name__}: build a {saved_class} "
            "with the same sizes and load into that"
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
    if optimizer is not None:
        if "optimizer_state" not in payload:
            raise CheckpointError(f"{path} holds no optimizer state; load without optimizer=")
        saved_opt = payload.get("optimizer_class")
        if saved_opt is not None and saved_opt != type(optimizer).__name__:
            raise CheckpointError(
                f"{path} holds the state of a {saved_opt} optimizer, not of a "
                f"{type(optimizer).__name__}: create a torch.optim.{saved_opt} to resume"
            )
    # All or nothing: keep copies, and put them back if any part of the load fails.
    model_before = copy.deepcopy(model.state_dict())
    optimizer_before = copy.deepcopy(optimizer.state_dict()) if optimizer is not None else None
    try:
        model.load_state_dict(state)
        if optimizer is not None:
            optimizer.load_state_dict(payload["optimizer_state"])
    except Exception as err:
        model.load_state_dict(model_before)
        if optimizer is not None and optimizer_before is not None:
            optimizer.load_state_dict(optimizer_before)
        raise CheckpointError(
            f"{path} could not be loaded into this model and optimizer ({err}); both are unchanged"
        ) from err
    return payload["metadata"]
