"""Training: one explicit loop (forward, loss, zero_grad, backward, step) and its History.

Predictions, losses and metrics of a model are :mod:`mlpcourse.evaluation`'s.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from mlpcourse.checks import (
    check_optimizer,
    check_scheduler,
    check_task,
    model_device,
    require_batch_size,
    require_positive_int,
)
from mlpcourse.data.splits import batches
from mlpcourse.evaluation import MetricFn, _n_correct, accuracy, evaluate

__all__ = ["History", "fit"]


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

    def record(
        self,
        epoch: int,
        train_loss: float,
        train_metric: float,
        lr: float,
        seconds: float,
        val_loss: float | None = None,
        val_metric: float | None = None,
    ) -> None:
        """Append one epoch to every list at once (so the lists never differ in length)."""
        self.epoch.append(epoch)
        self.train_loss.append(train_loss)
        self.train_metric.append(train_metric)
        self.lr.append(lr)
        self.seconds.append(seconds)
        if val_loss is not None and val_metric is not None:
            self.val_loss.append(val_loss)
            self.val_metric.append(val_metric)

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
    scheduler_interval: str = "epoch",
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
        Stepped once per epoch (on the validation loss for ``ReduceLROnPlateau``), or once per
        batch with ``scheduler_interval="batch"``.
    scheduler_interval : str, default "epoch"
        "epoch", or "batch" for schedules defined in steps such as ``OneCycleLR`` (lesson 08).
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
    require_positive_int(epochs, "epochs", 10)
    require_batch_size(batch_size)
    check_scheduler(scheduler, scheduler_interval)
    check_optimizer(model, optimizer)
    if early_stopping_patience is not None and val_data is None:
        raise ValueError("early stopping watches the validation loss: pass val_data=(X_val, y_val)")
    device = torch.device(device) if device is not None else model_device(model)
    model.to(device)
    check_task(model, loss_fn, X, y, "training")
    if val_data is not None:
        check_task(model, loss_fn, *val_data, "validation")
        val_data = (val_data[0].to(device), val_data[1].to(device))  # moved once, not every epoch
    X, y = X.to(device), y.to(device)  # moved once: no per-batch copies
    per_batch = scheduler if scheduler_interval == "batch" else None

    history = History(metric_name=metric_name)
    best = _BestWeights(early_stopping_patience)
    epoch_iter, bar = _epoch_range(epochs, progress)
    try:
        for epoch in epoch_iter:
            start = time.perf_counter()
            batch_losses, train_loss, train_metric = _one_epoch(
                model, loss_fn, optimizer, X, y, batch_size, metric, generator, per_batch
            )
            _finite_or_raise(batch_losses, epoch, optimizer)
            val_loss = val_metric = None
            if val_data is not None:
                val_loss, val_metric = evaluate(model, loss_fn, *val_data, metric=metric)
                _finite_or_raise(torch.tensor([val_loss]), epoch, optimizer, "validation loss")
            lr = optimizer.param_groups[0]["lr"]  # the rate this epoch trained with
            monitored = train_loss if val_loss is None else val_loss
            if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                scheduler.step(monitored)
            elif scheduler is not None and per_batch is None:
                scheduler.step()
            seconds = time.perf_counter() - start
            history.record(epoch, train_loss, train_metric, lr, seconds, val_loss, val_metric)
            _show(bar, history)
            if val_loss is not None and best.update(model, val_loss):
                history.best_epoch = epoch
            if best.patience_ran_out():
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
    if early_stopping_patience is not None:
        best.restore(model)
    model.eval()
    return history


def _one_epoch(
    model: nn.Module,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    metric: MetricFn | None,
    generator: torch.Generator | None,
    per_batch: torch.optim.lr_scheduler.LRScheduler | None,
) -> tuple[torch.Tensor, float, float]:
    """One pass over (X, y) in shuffled minibatches: the loop lesson 01 writes by hand.

    Returns every batch's loss (kept on the device until the finiteness check, so there is no
    synchronisation per batch), the epoch's mean training loss and its metric (NaN without one).
    """
    model.train()
    batch_losses = torch.empty(-(-len(X) // batch_size), device=X.device)
    loss_sum = torch.zeros((), device=X.device)
    correct = torch.zeros((), device=X.device)
    for b, (xb, yb) in enumerate(batches(X, y, batch_size, generator=generator)):
        logits = model(xb)  # forward
        loss = loss_fn(logits, yb)  # loss
        optimizer.zero_grad()  # clear old gradients
        loss.backward()  # backward: compute new gradients
        optimizer.step()  # update the weights
        if per_batch is not None:
            per_batch.step()
        batch_losses[b] = loss.detach()
        loss_sum += loss.detach() * len(xb)
        if metric is accuracy:  # labels were checked before: count on the device, no sync
            correct += _n_correct(logits.detach(), yb)
        elif metric is not None:
            correct += metric(logits.detach(), yb) * len(xb)
    train_metric = correct.item() / len(X) if metric else float("nan")
    return batch_losses, loss_sum.item() / len(X), train_metric


class _BestWeights:
    """The weights of the epoch with the lowest validation loss, and the epochs since then."""

    def __init__(self, patience: int | None) -> None:
        self.patience = patience
        self.loss = float("inf")
        self.state: dict | None = None
        self.epochs_without_gain = 0

    def update(self, model: nn.Module, val_loss: float) -> bool:
        """Keep the weights if ``val_loss`` is the lowest so far; return whether it was."""
        if val_loss < self.loss:
            self.loss, self.epochs_without_gain = val_loss, 0
            self.state = copy.deepcopy(model.state_dict())
            return True
        self.epochs_without_gain += 1
        return False

    def patience_ran_out(self) -> bool:
        """Whether early stopping should end the run now."""
        return self.patience is not None and self.epochs_without_gain >= self.patience

    def restore(self, model: nn.Module) -> None:
        """Load the best weights back into ``model`` (nothing happens before the first epoch)."""
        if self.state is not None:
            model.load_state_dict(self.state)


def _epoch_range(epochs: int, progress: bool) -> tuple[Any, Any]:
    """Return the epochs 1..epochs to loop over (a progress bar when asked) and the bar or None."""
    epoch_iter = range(1, epochs + 1)
    if not progress:
        return epoch_iter, None
    from tqdm.auto import tqdm

    bar = tqdm(epoch_iter, desc="epochs", unit="epoch")
    return bar, bar


def _show(bar: Any, history: History) -> None:
    """Show the last epoch's losses beside the progress bar."""
    if bar is None:
        return
    shown = {"loss": f"{history.train_loss[-1]:.4f}"}
    if history.val_loss:
        shown["val_loss"] = f"{history.val_loss[-1]:.4f}"
    bar.set_postfix(shown)
