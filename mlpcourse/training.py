"""Training: one explicit loop (forward, loss, zero_grad, backward, step), evaluation, metrics."""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from mlpcourse.data.splits import batches, validate_same_length

__all__ = [
    "History",
    "accuracy",
    "validate_labels",
    "confusion_matrix",
    "evaluate",
    "fit",
    "predict",
]

_CLASS_INDEX_LOSSES = (nn.CrossEntropyLoss, nn.NLLLoss)


@dataclass
class History:
    """Per-epoch record of a :func:`fit` run: losses, metric, learning rate and the best epoch.

    ``val_name`` says what the held-out data is ("validation"; "test" only in a demonstration).
    Introduced in lesson 04.

    Attributes
    ----------
    epoch, train_loss, train_metric, val_loss, val_metric, lr, seconds : list
        One entry per epoch (the validation lists stay empty without ``val_data``).
    metric_name : str
        The metric's name, for tables and plots.
    val_name : str
        What the held-out data is called.
    best_epoch : int or None
        The epoch with the lowest validation loss.
    stopped_early : bool
        Whether early stopping ended the run.
    interrupted : bool
        Whether Ctrl-C (a KeyboardInterrupt) ended the run.
    """

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_metric: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    metric_name: str = "accuracy"
    val_name: str = "validation"  # what the held-out data is: "validation", or "test" in a demo
    best_epoch: int | None = None
    stopped_early: bool = False
    interrupted: bool = False

    def __len__(self) -> int:
        return len(self.epoch)

    def table(self) -> str:
        """Return the history as a plain-text table, one row per epoch."""
        has_val = bool(self.val_loss)
        has_metric = not all(math.isnan(m) for m in self.train_metric)  # fit(metric=None)
        head = f"{'epoch':>5}  {'train loss':>10}"
        if has_metric:
            head += f"  {'train ' + self.metric_name[:8]:>14}"
        held_out = "val" if self.val_name == "validation" else self.val_name[:5]
        if has_val:
            head += f"  {held_out + ' loss':>10}"
            if has_metric:
                head += f"  {held_out + ' ' + self.metric_name[:8]:>14}"
        head += f"  {'lr':>8}  {'time':>6}"
        rows = [head]
        for i, ep in enumerate(self.epoch):
            row = f"{ep:>5}  {self.train_loss[i]:>10.4f}"
            if has_metric:
                row += f"  {self.train_metric[i]:>14.4f}"
            if has_val:
                row += f"  {self.val_loss[i]:>10.4f}"
                if has_metric:
                    row += f"  {self.val_metric[i]:>14.4f}"
            row += f"  {self.lr[i]:>8.2g}  {self.seconds[i]:>5.1f}s"
            if ep == self.best_epoch and has_val:
                row += "  <- best"
            rows.append(row)
        return "\n".join(rows)


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


def _n_correct(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Count correct predictions as a tensor on the logits' device (no checks, no sync)."""
    if logits.ndim == 2 and logits.shape[1] > 1:
        if y.ndim == 2 and y.shape == logits.shape:  # soft or one-hot targets: their argmax
            return (logits.argmax(dim=1) == y.argmax(dim=1)).sum()
        return (logits.argmax(dim=1) == y).sum()
    return ((logits.reshape(-1) > 0).to(y.dtype) == y.reshape(-1)).sum()


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Return the fraction of correct predictions: argmax over classes, or logit > 0 for one output.

    Introduced in lesson 01.

    Parameters
    ----------
    logits : torch.Tensor
        Model outputs, (N, C) for C classes or (N, 1) / (N,) for a binary classifier.
    y : torch.Tensor
        True labels: class indices (N,), or 0/1 for one output; soft or one-hot targets
        (N, C) count as their argmax.

    Returns
    -------
    float
        Correct predictions divided by N.
    """
    validate_same_length(logits, y, "logits and y")
    if logits.ndim == 2 and logits.shape[1] > 1 and not (y.ndim == 2 and y.shape == logits.shape):
        validate_labels(y, logits.shape[1])
    return _n_correct(logits, y).item() / max(len(y), 1)


def confusion_matrix(y_true: torch.Tensor, y_pred: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Return the (C, C) count matrix: rows are true classes, columns predicted classes.

    Introduced in lesson 04.

    Parameters
    ----------
    y_true, y_pred : torch.Tensor
        Class indices 0..C-1, one per example.
    num_classes : int
        C.

    Returns
    -------
    torch.Tensor
        int64 counts; entry (i, j) counts examples of class i predicted as j.
    """
    validate_same_length(y_true, y_pred, "y_true and y_pred")
    validate_labels(y_true, num_classes, "y_true")
    validate_labels(y_pred, num_classes, "y_pred")
    flat = y_true.cpu() * num_classes + y_pred.cpu()
    return torch.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)


@torch.no_grad()
def predict(
    model: nn.Module,
    X: torch.Tensor,
    batch_size: int = 4096,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Return the model's outputs (logits) for ``X`` in eval mode, without gradients, on the CPU.

    Introduced in lesson 01.

    Parameters
    ----------
    model : nn.Module
        The trained model (its train/eval mode is restored afterwards).
    X : torch.Tensor
        Inputs, one row per example.
    batch_size : int, default 4096
        Rows per forward pass (bounds memory).
    device : torch.device or str, optional
        Where to run; default: where the model's parameters are.

    Returns
    -------
    torch.Tensor
        The outputs, one row per example, on the CPU.

    Raises
    ------
    TypeError
        When ``X`` is not a tensor (a NumPy array, say): the message says how to convert.
    ValueError
        When ``X`` is empty or ``batch_size`` is not a positive integer.
    """
    _require_tensor(X, "X")
    if len(X) == 0:
        raise ValueError("X is empty: there is nothing to predict (check the split or the filter)")
    _require_batch_size(batch_size)
    device = torch.device(device) if device is not None else _model_device(model)
    was_training = model.training
    model.eval()
    try:
        out = [model(X[i : i + batch_size].to(device)).cpu() for i in range(0, len(X), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(out)


def _require_tensor(value: object, name: str) -> None:
    """Raise a TypeError that says how to convert, unless ``value`` is a tensor."""
    if isinstance(value, torch.Tensor):
        return
    if type(value).__module__.split(".")[0] in ("numpy", "pandas"):
        raise TypeError(
            f"{name} is a {type(value).__name__}; the course's functions take torch tensors: "
            f"convert with torch.as_tensor({name}, dtype=torch.float32) for inputs, or "
            f"torch.as_tensor({name}).long() for class labels"
        )
    raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")


def _require_batch_size(batch_size: object) -> None:
    """Raise a ValueError unless ``batch_size`` is a positive integer."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer such as 64, got {batch_size!r}")


def _model_device(model: nn.Module) -> torch.device:
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


MetricFn = Callable[[torch.Tensor, torch.Tensor], float]


def evaluate(
    model: nn.Module,
    loss_fn: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    metric: MetricFn | None = accuracy,
    batch_size: int = 4096,
) -> tuple[float, float]:
    """Return (mean loss, metric) of ``model`` on (X, y), in eval mode without gradients.

    Introduced in lesson 04.

    Parameters
    ----------
    model : nn.Module
        The model.
    loss_fn : nn.Module
        The loss, e.g. ``nn.CrossEntropyLoss()``.
    X, y : torch.Tensor
        Inputs and targets.
    metric : callable or None, default accuracy
        ``metric(logits, y) -> float``; None gives NaN.
    batch_size : int, default 4096
        Rows per forward pass.

    Returns
    -------
    tuple[float, float]
        The mean loss and the metric.

    Raises
    ------
    TypeError
        When ``X`` or ``y`` is not a tensor.
    ValueError
        When they are empty or differ in length.
    """
    _require_tensor(X, "X")
    _require_tensor(y, "y")
    validate_same_length(X, y)
    if len(X) == 0:
        raise ValueError("X and y are empty: there is nothing to evaluate")
    logits = predict(model, X, batch_size=batch_size)
    y = y.cpu()
    loss = loss_fn(logits, y).item()
    return loss, (metric(logits, y) if metric is not None else float("nan"))


def _validate_task(
    model: nn.Module, loss_fn: nn.Module, X: torch.Tensor, y: torch.Tensor, what: str
) -> None:
    _require_tensor(X, f"{what} X")
    _require_tensor(y, f"{what} y")
    validate_same_length(X, y, f"{what} X and y")
    if len(X) == 0:
        raise ValueError(f"{what} data is empty")
    if (
        isinstance(loss_fn, _CLASS_INDEX_LOSSES)
        and not y.is_floating_point()
        and y.dtype
        not in (
            torch.long,
            torch.uint8,
        )
    ):
        raise ValueError(
            f"{what} y has dtype {y.dtype}, but {type(loss_fn).__name__} takes class indices "
            f"of dtype torch.long: convert with y.long()"
        )
    if isinstance(loss_fn, (nn.BCEWithLogitsLoss, nn.BCELoss, nn.MSELoss, nn.L1Loss)) and not (
        y.is_floating_point()
    ):
        raise ValueError(
            f"{what} y has dtype {y.dtype}, but {type(loss_fn).__name__} compares it with "
            "floating-point outputs: convert with y.float()"
        )
    if not X.is_floating_point():
        raise ValueError(
            f"{what} X has dtype {X.dtype}; models need floating-point inputs. "
            "Convert with X.float() (and scale images to [0, 1], e.g. flatten_images(X))."
        )
    if isinstance(loss_fn, _CLASS_INDEX_LOSSES) and not (y.is_floating_point() and y.ndim == 2):
        with torch.no_grad():
            was_training = model.training
            model.eval()
            try:
                out = model(X[:1].to(_model_device(model)))
            except RuntimeError as err:
                raise ValueError(
                    f"the model cannot take {what} X of shape {tuple(X.shape)}: {err}"
                ) from err
            finally:
                model.train(was_training)
        validate_labels(y, out.shape[-1], f"{what} y")


def _finite_or_raise(batch_losses: torch.Tensor, epoch: int, optimizer, what: str = "loss") -> None:
    finite = torch.isfinite(batch_losses)
    if bool(finite.all()):
        return
    first_bad = int((~finite).nonzero()[0])
    lr = optimizer.param_groups[0]["lr"]
    where = f"batch {first_bad + 1}" if what == "loss" else "the end of the epoch"
    raise FloatingPointError(
        f"the {what} became {batch_losses[first_bad].item()} at epoch {epoch}, {where}; "
        f"training stopped. Try a lower learning rate (now lr={lr:g}), "
        "check that the inputs are scaled (e.g. divided by 255 or standardized), and that the "
        "loss function matches the outputs (logits into CrossEntropyLoss / BCEWithLogitsLoss)."
    )


def fit(
    model: nn.Module,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int,
    batch_size: int = 256,
    val_data: tuple[torch.Tensor, torch.Tensor] | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler
    | torch.optim.lr_scheduler.ReduceLROnPlateau
    | None = None,
    early_stopping_patience: int | None = None,
    metric: MetricFn | None = accuracy,
    metric_name: str = "accuracy",
    device: torch.device | str | None = None,
    generator: torch.Generator | None = None,
    progress: bool = False,
) -> History:
    """Train ``model`` for ``epochs`` with minibatches; return a per-epoch :class:`History`.

    One explicit loop: forward, loss, ``zero_grad``, ``backward``, ``step``. With ``val_data``
    the validation loss is recorded each epoch; ``ReduceLROnPlateau`` steps on it; with
    ``early_stopping_patience`` training stops after that many epochs without a better
    validation loss and the best weights are restored. A non-finite training or validation loss
    stops training with a ``FloatingPointError`` that says what to try. Ctrl-C keeps what was
    learned: ``fit`` returns the history of the complete epochs (``history.interrupted`` is True)
    and, with early stopping, restores the best weights. The model is left in eval mode.
    Introduced in lesson 01 (lesson 01 writes the loop by hand first).

    Parameters
    ----------
    model : nn.Module
        The model to train (moved to ``device``).
    loss_fn : nn.Module
        The loss, fed the model's outputs (logits) and ``y``.
    optimizer : torch.optim.Optimizer
        Holding the model's parameters.
    X, y : torch.Tensor
        Training inputs (floating point) and targets.
    epochs : int
        Passes over the training data (at least 1).
    batch_size : int, default 256
        Examples per step.
    val_data : tuple of torch.Tensor, optional
        ``(X_val, y_val)``, evaluated after each epoch.
    scheduler : LRScheduler or ReduceLROnPlateau, optional
        Stepped once per epoch (on the validation loss for ``ReduceLROnPlateau``).
    early_stopping_patience : int, optional
        Epochs without a better validation loss before stopping (needs ``val_data``).
    metric : callable or None, default accuracy
        ``metric(logits, y) -> float`` recorded per epoch; None records NaN.
    metric_name : str, default "accuracy"
        The metric's name in tables and plots.
    device : torch.device or str, optional
        Where to train; default: where the model's parameters are.
    generator : torch.Generator, optional
        Seeds the shuffling of minibatches.
    progress : bool, default False
        Show a progress bar over epochs.

    Returns
    -------
    History
        Losses, metric, learning rate and seconds per epoch, and the best epoch.

    Raises
    ------
    ValueError
        For arguments that cannot work, each with what to do: ``epochs`` or ``batch_size`` not
        a positive integer, an optimizer holding none of the model's parameters, labels of a
        dtype the loss cannot take, integer inputs, lengths that differ.
    TypeError
        When ``X`` or ``y`` is not a tensor (a NumPy array or a data frame, say).
    FloatingPointError
        When the training or validation loss stops being finite.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be at least 1 (a whole number), got {epochs!r}")
    _require_batch_size(batch_size)
    trainable = {id(p) for p in model.parameters() if p.requires_grad}
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if trainable and not trainable & held:
        raise ValueError(
            "the optimizer holds none of this model's parameters, so training would change "
            "nothing: create it from this model, e.g. torch.optim.Adam(model.parameters())"
        )
    if early_stopping_patience is not None and val_data is None:
        raise ValueError("early stopping watches the validation loss: pass val_data=(X_val, y_val)")
    device = torch.device(device) if device is not None else _model_device(model)
    model.to(device)
    _validate_task(model, loss_fn, X, y, "training")
    if val_data is not None:
        _validate_task(model, loss_fn, *val_data, "validation")
    X, y = X.to(device), y.to(device)  # move once: no per-batch copies
    if val_data is not None:
        val_data = (val_data[0].to(device), val_data[1].to(device))  # once, not every epoch

    history = History(metric_name=metric_name)
    best_loss, best_state, bad_epochs = float("inf"), None, 0
    n_batches = -(-len(X) // batch_size)
    epoch_iter = range(1, epochs + 1)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(epoch_iter, desc="epochs", unit="epoch")
        epoch_iter = bar

    try:
        for epoch in epoch_iter:
            start = time.perf_counter()
            model.train()
            batch_losses = torch.empty(n_batches, device=device)  # kept on the device: no sync
            loss_sum = torch.zeros((), device=device)
            correct = torch.zeros((), device=device)
            for b, (xb, yb) in enumerate(batches(X, y, batch_size, generator=generator)):
                logits = model(xb)  # forward
                loss = loss_fn(logits, yb)  # loss
                optimizer.zero_grad()  # clear old gradients
                loss.backward()  # backward: compute new gradients
                optimizer.step()  # update the weights
                batch_losses[b] = loss.detach()
                loss_sum += loss.detach() * len(xb)
                if metric is accuracy:  # labels were checked above: count on the device, no sync
                    correct += _n_correct(logits.detach(), yb)
                elif metric is not None:
                    correct += metric(logits.detach(), yb) * len(xb)
            _finite_or_raise(batch_losses, epoch, optimizer)

            history.epoch.append(epoch)
            history.train_loss.append(loss_sum.item() / len(X))
            history.train_metric.append(correct.item() / len(X) if metric else float("nan"))
            history.lr.append(optimizer.param_groups[0]["lr"])
            monitored = history.train_loss[-1]
            if val_data is not None:
                val_loss, val_metric = evaluate(model, loss_fn, *val_data, metric=metric)
                _finite_or_raise(torch.tensor([val_loss]), epoch, optimizer, "validation loss")
                history.val_loss.append(val_loss)
                history.val_metric.append(val_metric)
                monitored = val_loss
            if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                scheduler.step(monitored)
            elif scheduler is not None:
                scheduler.step()
            history.seconds.append(time.perf_counter() - start)
            if bar is not None:
                shown = {"loss": f"{history.train_loss[-1]:.4f}"}
                if val_data is not None:
                    shown["val_loss"] = f"{history.val_loss[-1]:.4f}"
                bar.set_postfix(shown)

            if val_data is not None:
                if monitored < best_loss:
                    best_loss, bad_epochs, history.best_epoch = monitored, 0, epoch
                    best_state = copy.deepcopy(model.state_dict())
                else:
                    bad_epochs += 1
                    if (
                        early_stopping_patience is not None
                        and bad_epochs >= early_stopping_patience
                    ):
                        history.stopped_early = True
                        break
    except KeyboardInterrupt:  # Ctrl-C (or Jupyter's stop button): keep what was learned
        history.interrupted = True
        print(
            f"Training interrupted after {len(history)} complete epoch(s): the history so far "
            "is returned"
            + (" and the best weights restored." if early_stopping_patience is not None else ".")
        )
    finally:
        if bar is not None:
            bar.close()
    if early_stopping_patience is not None and best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history
