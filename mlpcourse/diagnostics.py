"""Diagnostics: what happens inside a network, layer by layer (activations and gradients).

Used to see vanishing and exploding signals in deep networks: forward hooks record each hidden
activation and each Linear layer's output, one backward pass fills in the gradients.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from mlpcourse.models import ACTIVATIONS

__all__ = ["layer_statistics"]

_ACTIVATION_TYPES = tuple(ACTIVATIONS.values())


def _rms(t: torch.Tensor) -> float:
    return t.detach().float().pow(2).mean().sqrt().item()


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
    gradients are cleared afterwards; its weights and mode are not changed.
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
    loss_fn = loss_fn if loss_fn is not None else nn.CrossEntropyLoss()
    outputs: list[torch.Tensor] = []
    activations: list[torch.Tensor] = []

    def keep_output(_module: nn.Module, _inputs: Any, out: torch.Tensor) -> None:
        out.retain_grad()
        outputs.append(out)

    def keep_activation(_module: nn.Module, _inputs: Any, out: torch.Tensor) -> None:
        activations.append(out.detach())

    handles = [m.register_forward_hook(keep_output) for m in linears]
    handles += [
        m.register_forward_hook(keep_activation)
        for m in model.modules()
        if isinstance(m, _ACTIVATION_TYPES)
    ]
    device = next(model.parameters()).device
    try:
        model.zero_grad()
        loss = loss_fn(model(X.to(device)), y.to(device))
        loss.backward()
    finally:
        for handle in handles:
            handle.remove()
    stats = []
    for i, (linear, out) in enumerate(zip(linears, outputs, strict=True)):
        act = activations[i] if i < len(activations) else None
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
                "weight_grad_rms": _rms(linear.weight.grad),
            }
        )
    model.zero_grad()
    return stats
