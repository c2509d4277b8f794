"""Figures of what happens inside a network, layer by layer (from ``diagnostics``).

Per-layer activation and gradient statistics, the update-to-weight ratio per training step, and
any other number measured once per layer. Every function draws on a new figure (or the ``ax``
given) and returns the matplotlib Figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mlpcourse.plotting import _new_ax

__all__ = ["plot_layer_statistics", "plot_per_layer", "plot_update_ratios"]

# Karpathy's rule of thumb for a healthy update-to-weight ratio per step
HEALTHY_UPDATE_RATIO = 1e-3


def plot_layer_statistics(
    runs: Mapping[str, Sequence[Mapping[str, Any]]],
    keys: Sequence[str] = ("act_std", "grad_rms"),
    log: bool = True,
) -> Figure:
    """Draw per-layer statistics (from :func:`mlpcourse.layer_statistics`), one line per run.

    Introduced in lesson 07.

    Parameters
    ----------
    runs : mapping of str to list of dict
        Run name -> its per-layer statistics.
    keys : sequence of str, default ("act_std", "grad_rms")
        The statistics to draw, one panel each.
    log : bool, default True
        A logarithmic y axis for the statistics that span orders of magnitude in deep networks
        (standard deviations and gradient sizes; means and fractions stay linear).

    Returns
    -------
    Figure
        The matplotlib figure.
    """
    labels = {
        "act_mean": "activation mean",
        "act_std": "activation std",
        "dead_fraction": "fraction of dead units",
        "grad_rms": "gradient RMS at the layer's output",
        "weight_grad_rms": "weight-gradient RMS",
    }
    if not keys:
        raise ValueError(f"keys is empty: name at least one of {sorted(labels)}")
    if not runs:
        raise ValueError("runs is empty: pass a dict of name -> what layer_statistics returned")
    unknown = [k for k in keys if k not in labels]
    if unknown:
        raise ValueError(f"unknown keys {unknown}: layer_statistics records {sorted(labels)}")
    ncols = min(len(keys), 2)
    nrows = -(-len(keys) // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(5.6 * ncols, 3.6 * nrows), squeeze=False)
    axes = [list(grid.flat)]
    for ax in axes[0][len(keys) :]:
        ax.set_visible(False)
    for ax, key in zip(axes[0], keys, strict=False):
        for name, stats in runs.items():
            layers = [row["layer"] for row in stats if not np.isnan(row[key])]
            values = [row[key] for row in stats if not np.isnan(row[key])]
            ax.plot(layers, values, marker="o", ms=3, label=name)
        ax.set(xlabel="layer", ylabel=labels.get(key, key), title=labels.get(key, key))
        if log and key in ("act_std", "grad_rms", "weight_grad_rms"):
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize="small")
    fig.tight_layout()
    return fig


def plot_per_layer(
    values: Mapping[str, Sequence[float]],
    ylabel: str,
    title: str | None = None,
    log: bool = False,
    ax: Axes | None = None,
) -> Figure:
    """Draw one number per layer, one line per run (for example :func:`example_similarity`).

    Introduced in lesson 07.

    Parameters
    ----------
    values : mapping of str to sequence of float
        Run name -> its values, layer 1 first.
    ylabel : str
        What the values are.
    title : str, optional
        The panel's title.
    log : bool, default False
        A logarithmic y axis.
    ax : Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    Figure
        The matplotlib figure.
    """
    if not values:
        raise ValueError("values is empty: pass a dict of run name -> one number per layer")
    fig, ax = _new_ax(ax, figsize=(6, 3.8))
    for name, row in values.items():
        row = [float(v) for v in row]
        if not row:
            raise ValueError(f"run {name!r} has no values: pass one number per layer")
        ax.plot(range(1, len(row) + 1), row, marker="o", ms=3, label=name)
    ax.set(xlabel="layer", ylabel=ylabel, title=title)
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def plot_update_ratios(
    runs: Mapping[str, torch.Tensor],
    ax: Axes | None = None,
) -> Figure:
    """Draw the update-to-weight ratio per step (from :func:`mlpcourse.update_ratios`).

    Each run is a line, the median over its layers, in a band from its smallest to its largest
    layer; a dotted line marks the rule of thumb's 1e-3. Introduced in lesson 07.

    Parameters
    ----------
    runs : mapping of str to torch.Tensor
        Run name -> its ratios, shape (steps, layers).
    ax : Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    Figure
        The matplotlib figure.
    """
    if not runs:
        raise ValueError("runs is empty: pass a dict of run name -> what update_ratios returned")
    fig, ax = _new_ax(ax, figsize=(7, 4))
    for i, (name, ratios) in enumerate(runs.items()):
        if not isinstance(ratios, torch.Tensor) or ratios.ndim != 2 or ratios.numel() == 0:
            raise ValueError(
                f"run {name!r} must be a (steps, layers) tensor from mlp.update_ratios, got "
                f"{getattr(ratios, 'shape', type(ratios).__name__)}"
            )
        r = ratios.detach().double().cpu().numpy()
        steps = np.arange(1, len(r) + 1)
        ax.plot(steps, np.median(r, axis=1), color=f"C{i}", label=name)
        ax.fill_between(steps, r.min(axis=1), r.max(axis=1), color=f"C{i}", alpha=0.15, lw=0)
    ax.axhline(HEALTHY_UPDATE_RATIO, color="grey", ls=":", label="rule of thumb, 1e-3")
    ax.set(
        xlabel="training step",
        ylabel="RMS(update) / RMS(weights)",
        title="Update-to-weight ratio (median layer; band: all layers)",
        yscale="log",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    return fig
