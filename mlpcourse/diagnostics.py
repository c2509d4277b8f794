"""Diagnostics: what happens inside a network, layer by layer (activations and gradients).

Used to see vanishing and exploding signals in deep networks: forward hooks record each hidden
activation and each Linear layer's output, one backward pass fills in the gradients
(:func:`layer_statistics`). :func:`update_ratios` measures how far each training step moves each
layer's weights, relative to their size; :func:`example_similarity` how alike the representations
of different examples are, layer by layer (a network whose examples all look alike cannot tell
them apart).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch import nn

from mlpcourse.checks import (
    check_optimizer,
    require_batch_size,
    require_positive_int,
    require_tensor,
)
from mlpcourse.models import ACTIVATIONS

__all__ = ["example_similarity", "layer_statistics", "update_ratios"]

# the course's activations and the other element-wise ones torch.nn offers
_ACTIVATION_TYPES = tuple(ACTIVATIONS.values()) + (
    nn.ELU,
    nn.CELU,
    nn.SELU,
    nn.LeakyReLU,
    nn.PReLU,
    nn.ReLU6,
    nn.SiLU,
    nn.Mish,
    nn.Sigmoid,
    nn.Softplus,
    nn.Hardtanh,
)


def _rms(t: torch.Tensor) -> float:
    return t.detach().float().pow(2).mean().sqrt().item()


@contextlib.contextmanager
def _hooked(
    model: nn.Module, modules: list[nn.Module], hook: Callable[..., None]
) -> Iterator[None]:
    """Run the block with ``hook`` on the forward pass of ``modules``, then undo both.

    Afterwards the hooks are removed and the model's buffers (BatchNorm's running statistics) are
    put back as they were.
    """
    handles = [m.register_forward_hook(hook) for m in modules]
    buffers = {name: b.detach().clone() for name, b in model.named_buffers()}
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
        with torch.no_grad():
            for name, b in model.named_buffers():
                b.copy_(buffers[name])


def _forward_and_backward(
    model: nn.Module,
    loss_fn: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    linears: list[nn.Linear],
) -> dict[nn.Linear, tuple[torch.Tensor, torch.Tensor | None]]:
    """Run one forward and backward pass; return each Linear's output and the activation after it.

    The activation of a Linear layer is the first activation module that runs after it and
    before the next Linear layer (a normalization may come between). Buffers such as
    BatchNorm's running statistics are restored afterwards, so the model is left as it was.
    """
    events: list[tuple[nn.Module, torch.Tensor]] = []

    def record(module: nn.Module, _inputs: Any, out: torch.Tensor) -> None:
        if isinstance(module, nn.Linear) and out.requires_grad:
            out.retain_grad()
        events.append((module, out))

    watched = [m for m in model.modules() if isinstance(m, (nn.Linear, *_ACTIVATION_TYPES))]
    device = next(model.parameters()).device
    with _hooked(model, watched, record):
        model.zero_grad()
        with torch.enable_grad():  # also under a caller's torch.no_grad()
            logits = model(X.to(device))
            _check_loss_fits(loss_fn, logits)
            loss = loss_fn(logits, y.to(device))
            if loss.requires_grad:
                loss.backward()
    found: dict[nn.Linear, tuple[torch.Tensor, torch.Tensor | None]] = {}
    for index, (module, out) in enumerate(events):
        if not isinstance(module, nn.Linear):
            continue
        if module in found:
            raise ValueError(
                f"the layer {module} ran twice in one forward pass: layer_statistics needs each "
                "Linear layer to run once (give a shared layer's uses their own layers)"
            )
        act = None
        for later, later_out in events[index + 1 :]:
            if isinstance(later, nn.Linear):
                break
            if isinstance(later, _ACTIVATION_TYPES):
                act = later_out.detach()
                break
        found[module] = (out, act)
    never = [f"layer {i + 1} ({m})" for i, m in enumerate(linears) if m not in found]
    if never:
        raise ValueError(
            f"{', '.join(never)} never ran in the forward pass: remove it from the model, or "
            "inspect the model that uses it"
        )
    hidden_without_activation = [i + 1 for i, m in enumerate(linears[:-1]) if found[m][1] is None]
    if hidden_without_activation and len(hidden_without_activation) == len(linears) - 1:
        raise ValueError(
            "no activation module (nn.ReLU, nn.Tanh, ...) runs after the hidden Linear layers "
            f"{hidden_without_activation}: layer_statistics reads activations from modules, so "
            "write the activation as a module (self.act = nn.ReLU()) rather than F.relu"
        )
    return found


def _check_loss_fits(loss_fn: nn.Module, logits: torch.Tensor) -> None:
    """Refuse a loss that is identically zero for these outputs (its gradients would be zero)."""
    if isinstance(loss_fn, nn.CrossEntropyLoss) and logits.ndim == 2 and logits.shape[1] == 1:
        raise ValueError(
            "the model has one output, and CrossEntropyLoss over one class is always 0, so every "
            "gradient would look vanished: pass loss_fn=nn.BCEWithLogitsLoss() with float "
            "targets of shape (N, 1), or give the model one output per class"
        )


def layer_statistics(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    loss_fn: nn.Module | None = None,
) -> list[dict[str, Any]]:
    """Record per-layer activation and gradient statistics of one forward and backward pass.

    For each ``nn.Linear`` layer, in order: the statistics of the activation that follows it
    (mean, standard deviation, fraction of units that are zero for every example: dead ReLUs),
    the root mean square of the loss's gradient with respect to the layer's output (the signal
    backpropagation sends into the layer) and of the gradient of its weights. The model's
    gradients are cleared afterwards; its weights, buffers (BatchNorm's running statistics) and
    mode are not changed. Each Linear layer must run once per forward pass, and activations must
    be modules (``nn.ReLU()``, not ``F.relu``); anything else is refused with what to change.
    Introduced in lesson 07.

    Parameters
    ----------
    model : nn.Module
        The network (its ``nn.Linear`` layers are found in order).
    X : torch.Tensor
        A batch of inputs.
    y : torch.Tensor
        Their targets.
    loss_fn : nn.Module, optional
        The loss (default: ``nn.CrossEntropyLoss()``).

    Returns
    -------
    list of dict
        One dict per Linear layer: ``layer`` (1, 2, ...), ``shape`` ("784->256"), ``act_mean``,
        ``act_std``, ``dead_fraction`` (NaN for the output layer, which has no activation),
        ``grad_rms`` and ``weight_grad_rms``.
    """
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("the model has no nn.Linear layers to inspect")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}: one target per example")
    if len(X) == 0:
        raise ValueError("X is empty: pass a batch of examples (a few hundred show the spread)")
    loss_fn = loss_fn if loss_fn is not None else nn.CrossEntropyLoss()
    events = _forward_and_backward(model, loss_fn, X, y, linears)
    stats = []
    for i, linear in enumerate(linears):
        out, act = events[linear]
        stats.append(
            {
                "layer": i + 1,
                "shape": f"{linear.in_features}->{linear.out_features}",
                "act_mean": act.mean().item() if act is not None else math.nan,
                "act_std": act.std().item() if act is not None else math.nan,
                "dead_fraction": (act == 0).all(dim=0).float().mean().item()
                if act is not None
                else math.nan,
                "grad_rms": _rms(out.grad) if out.grad is not None else math.nan,
                "weight_grad_rms": _rms(linear.weight.grad)
                if linear.weight.grad is not None
                else math.nan,  # a frozen layer has no weight gradient
            }
        )
    model.zero_grad()
    return stats


def _linear_layers(model: nn.Module) -> list[nn.Linear]:
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("the model has no nn.Linear layers to inspect")
    return linears


def example_similarity(model: nn.Module, X: torch.Tensor) -> list[float]:
    """Return, per Linear layer, the mean cosine similarity between different examples' outputs.

    1.0 means every example reaches that layer as the same vector (up to scale): the layers
    above can no longer tell them apart, and at the output layer every example gets the same
    prediction. The model's weights, buffers and mode are left as they were. Introduced in lesson 07.

    Parameters
    ----------
    model : nn.Module
        The network (its ``nn.Linear`` layers are found in order).
    X : torch.Tensor
        A batch of at least 2 inputs (a few hundred give a stable mean).

    Returns
    -------
    list of float
        One number per Linear layer, from the first to the output layer, each in [-1, 1]; an
        output that is zero for an example counts as similarity 0 for its pairs.
    """
    linears = _linear_layers(model)
    require_tensor(X, "X")
    if len(X) < 2:
        raise ValueError(
            f"X has {len(X)} example(s): a similarity between examples needs 2 or more"
        )
    outputs: dict[nn.Linear, torch.Tensor] = {}

    def record(module: nn.Module, _inputs: Any, out: torch.Tensor) -> None:
        outputs[module] = out.detach()

    device = next(model.parameters()).device
    with _hooked(model, linears, record), torch.no_grad():
        model(X.to(device))
    n = len(X)
    similarity = []
    for linear in linears:
        unit = nn.functional.normalize(outputs[linear].flatten(1).double(), dim=1)
        gram = unit @ unit.T
        similarity.append(((gram.sum() - gram.diagonal().sum()) / (n * (n - 1))).item())
    return similarity


def update_ratios(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    X: torch.Tensor,
    y: torch.Tensor,
    steps: int,
    batch_size: int,
    loss_fn: nn.Module | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Train for ``steps`` steps and return each step's update-to-weight ratio per Linear layer.

    The ratio is RMS(change of the layer's weights in the step) / RMS(its weights before it):
    the fraction of itself a layer moves in one step. Karpathy's rule of thumb puts a healthy
    value near 1e-3; far above, each step rewrites the layer; far below, it barely learns. The
    model *is trained* by this call (its weights change), in the mode it is in. Introduced in lesson 07.

    Parameters
    ----------
    model : nn.Module
        The network to train.
    optimizer : torch.optim.Optimizer
        An optimizer over the model's parameters (its state carries on from step to step).
    X, y : torch.Tensor
        The training inputs and targets; each step draws a random batch of ``batch_size`` rows.
    steps : int
        How many steps to take (at least 1).
    batch_size : int
        Examples per step (at most ``len(X)``).
    loss_fn : nn.Module, optional
        The loss (default: ``nn.CrossEntropyLoss()``).
    generator : torch.Generator, optional
        Draws the batches, for a repeatable run.

    Returns
    -------
    torch.Tensor
        Shape (steps, number of Linear layers): row ``t`` holds step ``t + 1``'s ratios.
    """
    linears = _linear_layers(model)
    require_tensor(X, "X")
    require_tensor(y, "y")
    check_optimizer(model, optimizer)
    require_positive_int(steps, "steps", 20)
    require_batch_size(batch_size)
    if batch_size > len(X):
        raise ValueError(
            f"batch_size {batch_size} is larger than X ({len(X)} rows): pass a smaller one"
        )
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}: one target per example")
    loss_fn = loss_fn if loss_fn is not None else nn.CrossEntropyLoss()
    device = next(model.parameters()).device
    ratios = torch.empty(steps, len(linears), dtype=torch.float64)
    for step in range(steps):
        rows = torch.randperm(len(X), generator=generator)[:batch_size]
        before = [linear.weight.detach().clone() for linear in linears]
        optimizer.zero_grad()
        loss = loss_fn(model(X[rows].to(device)), y[rows].to(device))
        loss.backward()
        optimizer.step()
        for j, (linear, old) in enumerate(zip(linears, before, strict=True)):
            ratios[step, j] = _rms(linear.weight.detach() - old) / max(_rms(old), 1e-30)
    optimizer.zero_grad()
    return ratios
