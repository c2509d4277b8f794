"""Checks of the arguments the course's functions take: each failure says what to do instead.

The one room for them: :func:`~mlpcourse.training.fit`, :func:`~mlpcourse.data.batches`,
:func:`~mlpcourse.tuning.lr_range_test` and the evaluation functions call these before any work,
so a learner's mistake (a NumPy array, labels 1..C, a batch size of ``True``) stops with a
sentence, not a traceback from deep inside PyTorch.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = [
    "check_optimizer",
    "check_scheduler",
    "check_task",
    "model_device",
    "require_batch_size",
    "require_positive_int",
    "require_tensor",
    "validate_labels",
    "validate_same_length",
]

# losses that take class indices (or, for CrossEntropyLoss, class probabilities)
CLASS_INDEX_LOSSES = (nn.CrossEntropyLoss, nn.NLLLoss)
FLOAT_TARGET_LOSSES = (nn.BCEWithLogitsLoss, nn.BCELoss, nn.MSELoss, nn.L1Loss)


def require_tensor(value: object, name: str) -> None:
    """Raise a ``TypeError`` that says how to convert, unless ``value`` is a tensor.

    Parameters
    ----------
    value : object
        What the caller passed.
    name : str
        Its name in the message ("training X").
    """
    if isinstance(value, torch.Tensor):
        return
    if type(value).__module__.split(".")[0] in ("numpy", "pandas"):
        raise TypeError(
            f"{name} is a {type(value).__name__}; the course's functions take torch tensors: "
            f"convert with torch.as_tensor({name}, dtype=torch.float32) for inputs, or "
            f"torch.as_tensor({name}).long() for class labels"
        )
    raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")


def _is_positive_int(value: object) -> bool:
    """Whether ``value`` is a whole number of at least 1 (``True`` is a bool, not a count)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def require_positive_int(value: object, name: str, example: int) -> None:
    """Raise a ``ValueError`` unless ``value`` is a whole number of at least 1 (``True`` is not).

    Parameters
    ----------
    value : object
        What the caller passed.
    name : str
        Its name in the message ("epochs").
    example : int
        A sensible value to suggest.
    """
    if not _is_positive_int(value):
        raise ValueError(
            f"{name} must be at least 1 (a whole number such as {example}), got {value!r}"
        )


def require_batch_size(batch_size: object) -> None:
    """Raise a ``ValueError`` unless ``batch_size`` is a positive integer.

    Parameters
    ----------
    batch_size : object
        What the caller passed.
    """
    if not _is_positive_int(batch_size):
        raise ValueError(
            f"batch_size must be a positive integer (at least 1) such as 64, got {batch_size!r}"
        )


def validate_same_length(X: torch.Tensor, y: torch.Tensor, what: str = "X and y") -> None:
    """Raise a ``ValueError`` unless X and y have one row per example each.

    Parameters
    ----------
    X, y : torch.Tensor
        Inputs and targets.
    what : str, default "X and y"
        The names used in the message.
    """
    if len(X) != len(y):
        raise ValueError(
            f"{what} differ in length ({len(X)} vs {len(y)}): they must describe the same "
            "examples, one label per row of X"
        )


def validate_labels(y: torch.Tensor, num_classes: int, what: str = "y") -> None:
    """Raise a ``ValueError`` that says what to do unless ``y`` holds class indices 0..C-1.

    :func:`fit`, :func:`accuracy` and :func:`confusion_matrix` call it; lesson 03 shows its message.

    Parameters
    ----------
    y : torch.Tensor
        Labels, expected 1-D of an integer dtype with values in ``0..num_classes-1``.
    num_classes : int
        The number of classes (the model's outputs).
    what : str, default "y"
        The name used in the message.

    Returns
    -------
    None
        It returns quietly when the labels are fine.
    """
    if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:
        raise ValueError(
            f"{what} has dtype {y.dtype}, but CrossEntropyLoss and accuracy need class indices "
            f"of dtype torch.long (0..{num_classes - 1}). Convert with {what}.long() if they "
            "are whole numbers, or encode them with sklearn.preprocessing.LabelEncoder."
        )
    if y.ndim != 1:
        raise ValueError(f"{what} must be 1-D class indices, got shape {tuple(y.shape)}")
    if y.numel() == 0:
        return
    low, high = int(y.min()), int(y.max())
    if low < 0 or high >= num_classes:
        raise ValueError(
            f"{what} holds labels {low}..{high}, but the model has {num_classes} outputs, so "
            f"labels must be 0..{num_classes - 1}. Map your labels to 0..C-1 with "
            "sklearn.preprocessing.LabelEncoder (y_enc = LabelEncoder().fit_transform(y)), "
            "or give the last layer as many outputs as there are classes."
        )


def model_device(model: nn.Module) -> torch.device:
    """Return the device of the model's first parameter (the CPU for a model without any).

    Parameters
    ----------
    model : nn.Module
        Any model.

    Returns
    -------
    torch.device
        Where its parameters live.
    """
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


def check_task(
    model: nn.Module, loss_fn: nn.Module, X: torch.Tensor, y: torch.Tensor, what: str
) -> None:
    """Check that ``model`` can take ``X`` and ``loss_fn`` can take ``y``; say how to fix it if not.

    Parameters
    ----------
    model : nn.Module
        The model (one example is passed through it in eval mode, without gradients).
    loss_fn : nn.Module
        The loss the targets are for.
    X, y : torch.Tensor
        Inputs and targets.
    what : str
        "training" or "validation", for the messages.
    """
    require_tensor(X, f"{what} X")
    require_tensor(y, f"{what} y")
    validate_same_length(X, y, f"{what} X and y")
    if len(X) == 0:
        raise ValueError(f"{what} data is empty")
    class_indices = isinstance(loss_fn, CLASS_INDEX_LOSSES)
    if class_indices and not y.is_floating_point() and y.dtype not in (torch.long, torch.uint8):
        raise ValueError(
            f"{what} y has dtype {y.dtype}, but {type(loss_fn).__name__} takes class indices "
            f"of dtype torch.long: convert with y.long()"
        )
    if isinstance(loss_fn, FLOAT_TARGET_LOSSES) and not y.is_floating_point():
        raise ValueError(
            f"{what} y has dtype {y.dtype}, but {type(loss_fn).__name__} compares it with "
            "floating-point outputs: convert with y.float()"
        )
    if not X.is_floating_point():
        raise ValueError(
            f"{what} X has dtype {X.dtype}; models need floating-point inputs. "
            "Convert with X.float() (and scale images to [0, 1], e.g. flatten_images(X))."
        )
    for name, values in ((f"{what} X", X), (f"{what} y", y)):
        if values.is_floating_point() and not bool(torch.isfinite(values).all()):
            rows = (~torch.isfinite(values.reshape(len(values), -1))).any(dim=1).nonzero()
            raise ValueError(
                f"{name} holds NaN or infinite values in {len(rows)} row(s), the first at row "
                f"{int(rows[0])}: no learning rate can train on them. Drop those rows or fill "
                "them (e.g. sklearn.impute.SimpleImputer) before training"
            )
    if class_indices and not (y.is_floating_point() and y.ndim == 2):
        validate_labels(y, _output_size(model, X, what), f"{what} y")


def _output_size(model: nn.Module, X: torch.Tensor, what: str) -> int:
    """Return the number of outputs of ``model`` for one row of ``X``, leaving its mode alone."""
    with torch.no_grad():
        was_training = model.training
        model.eval()
        try:
            out = model(X[:1].to(model_device(model)))
        except RuntimeError as err:
            raise ValueError(
                f"the model cannot take {what} X of shape {tuple(X.shape)}: {err}"
            ) from err
        finally:
            model.train(was_training)
    return out.shape[-1]


def check_optimizer(model: nn.Module, optimizer: torch.optim.Optimizer) -> None:
    """Raise a ``ValueError`` when ``optimizer`` holds none of the model's trainable parameters.

    Parameters
    ----------
    model : nn.Module
        The model to train.
    optimizer : torch.optim.Optimizer
        The optimizer that should update it.
    """
    trainable = {id(p) for p in model.parameters() if p.requires_grad}
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if trainable and not trainable & held:
        raise ValueError(
            "the optimizer holds none of this model's parameters, so training would change "
            "nothing: create it from this model, e.g. torch.optim.Adam(model.parameters())"
        )


def check_scheduler(scheduler: object, interval: str) -> None:
    """Raise a ``ValueError`` for a scheduler interval that cannot work.

    Parameters
    ----------
    scheduler : LRScheduler or ReduceLROnPlateau or None
        The learning-rate schedule.
    interval : str
        "epoch" or "batch": when it is stepped.
    """
    if interval not in ("epoch", "batch"):
        raise ValueError(f"scheduler_interval must be 'epoch' or 'batch', got {interval!r}")
    if interval == "batch" and isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
        raise ValueError(
            "ReduceLROnPlateau watches an epoch's loss: use scheduler_interval='epoch'"
        )
