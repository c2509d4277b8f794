"""Curves of training: what happens while a network learns.

Losses and metrics per epoch, runs against a baseline over seeds, the learning-rate range test
(what happens inside the network, layer by layer, is drawn by ``layer_plots``). Every function draws on a new figure (or the ``ax`` given) and returns the matplotlib Figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mlpcourse.plotting import _new_ax
from mlpcourse.training import History

__all__ = [
    "plot_histories",
    "plot_history",
    "plot_lr_range_test",
    "plot_small_multiples",
    "plot_sweep",
]


# Curves of at most this many epochs get a marker per epoch; longer ones are plain lines, where
# markers would merge into a thick smear.
MAX_EPOCHS_WITH_MARKERS = 50


def plot_history(history: History, title: str | None = None) -> Figure:
    """Draw two panels, loss and metric per epoch, training and held-out; best epoch marked.

    Introduced in lesson 01. Each epoch gets a marker only when the history has at most
    ``MAX_EPOCHS_WITH_MARKERS`` epochs.

    Parameters
    ----------
    history : History
        What :func:`mlpcourse.fit` returned.
    title : str, optional
        The figure's title.

    Returns
    -------
    Figure
        The matplotlib figure (show it with ``plt.show()``).
    """
    if not history.epoch:
        raise ValueError("the history has no epochs to draw (did fit run for 0 epochs?)")
    fig, (ax_loss, ax_metric) = plt.subplots(1, 2, figsize=(10, 3.8))
    markers = len(history.epoch) <= MAX_EPOCHS_WITH_MARKERS
    train_style, val_style = ("o-", "s-") if markers else ("-", "-")
    ax_loss.plot(history.epoch, history.train_loss, train_style, label="train", ms=3)
    ax_metric.plot(history.epoch, history.train_metric, train_style, label="train", ms=3)
    if history.val_loss:
        ax_loss.plot(history.epoch, history.val_loss, val_style, label=history.val_name, ms=3)
        ax_metric.plot(history.epoch, history.val_metric, val_style, label=history.val_name, ms=3)
        if history.best_epoch is not None:
            for ax in (ax_loss, ax_metric):
                ax.axvline(history.best_epoch, color="grey", ls=":", label="best epoch")
    ax_loss.set(xlabel="epoch", ylabel="loss", title="Loss")
    ax_metric.set(xlabel="epoch", ylabel=history.metric_name, title=history.metric_name.title())
    for ax in (ax_loss, ax_metric):
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_histories(
    histories: Mapping[str, History], key: str = "val_loss", ax: Axes | None = None
) -> Figure:
    """Draw one curve per named run for the :class:`History` field ``key``.

    Introduced in lesson 03.

    Parameters
    ----------
    histories : mapping of str to History
        Run name -> its history.
    key : str, default "val_loss"
        A History list field: "train_loss", "val_loss", "train_metric", "val_metric", "lr".
    ax : Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    Figure
        The matplotlib figure.
    """
    if not histories:
        raise ValueError(
            "plot_histories got no runs: pass a dict such as {'lr 0.1': history_a, 'lr 0.3': "
            "history_b}"
        )
    fig, ax = _new_ax(ax, (7, 4.2))
    for name, history in histories.items():
        values = getattr(history, key)
        if not values:
            raise ValueError(f"run {name!r} has no {key!r} recorded (was val_data given to fit?)")
        ax.plot(history.epoch[: len(values)], values, label=name)
    ax.set(xlabel="epoch", ylabel=key.replace("_", " "))
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def _seed_band(
    histories: Sequence[History], field: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Epochs, mean and standard deviation of a History field over runs of different lengths."""
    longest = max(len(getattr(h, field)) for h in histories)
    values = np.full((len(histories), longest), np.nan)
    for i, history in enumerate(histories):
        row = getattr(history, field)
        values[i, : len(row)] = row
    counts = np.sum(~np.isnan(values), axis=0)
    mean = np.nanmean(values, axis=0)
    centred = np.where(np.isnan(values), 0.0, values - mean)
    sd = np.sqrt(np.sum(centred**2, axis=0) / np.maximum(counts - 1, 1))
    return np.arange(1, longest + 1), mean, np.where(counts > 1, sd, 0.0)


def plot_small_multiples(
    runs: Mapping[str, History | Sequence[History]],
    baseline: str,
    key: str = "loss",
    ncols: int = 4,
    log: bool = False,
) -> Figure:
    """Draw one panel per run against the baseline, training and validation curves in each.

    Introduced in lesson 06.

    Every panel shows the baseline in grey and one other run in colour, training dashed and
    validation solid, so each run is compared with the baseline and not with a tangle of the
    others. A run given as several histories (one per seed) is drawn as the mean per epoch with
    a band of plus or minus one standard deviation; where runs stopped early, each epoch
    averages the seeds that reached it.

    Parameters
    ----------
    runs : mapping of str to History or sequence of History
        Run name -> its history, or its histories over seeds. Must hold ``baseline``.
    baseline : str
        The name of the run every panel is compared with.
    key : str, default "loss"
        "loss" draws ``train_loss`` and ``val_loss``; "metric" draws ``train_metric`` and
        ``val_metric`` (labelled with the history's metric name).
    ncols : int, default 4
        Panels per row.
    log : bool, default False
        A logarithmic y axis (for losses that span orders of magnitude).

    Returns
    -------
    Figure
        The matplotlib figure, one panel per run other than the baseline.
    """
    if key not in ("loss", "metric"):
        raise ValueError(f"key must be 'loss' or 'metric', got {key!r}")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive whole number, got {ncols!r}")
    groups = {
        name: [value] if isinstance(value, History) else list(value) for name, value in runs.items()
    }
    if baseline not in groups:
        raise ValueError(f"baseline {baseline!r} is not among the runs {sorted(groups)}")
    others = [name for name in groups if name != baseline]
    if not others:
        raise ValueError("give at least one run besides the baseline to compare with it")
    for name, histories in groups.items():
        if not histories or not all(isinstance(h, History) for h in histories):
            raise TypeError(f"run {name!r} must be a History or a non-empty list of them")
        if not all(h.val_loss for h in histories):
            raise ValueError(f"run {name!r} has no validation curve (was val_data given to fit?)")
    nrows = -(-len(others) // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(3.3 * ncols, 2.9 * nrows),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    ylabel = "loss" if key == "loss" else groups[baseline][0].metric_name
    styles = (("train", "--", "training"), ("val", "-", "validation"))

    def draw(ax: Axes, histories: list[History], color: str, who: str) -> None:
        for prefix, ls, label in styles:
            epochs, mean, sd = _seed_band(histories, f"{prefix}_{key}")
            ax.plot(epochs, mean, color=color, ls=ls, lw=1.6, label=f"{who}, {label}")
            if len(histories) > 1:
                ax.fill_between(epochs, mean - sd, mean + sd, color=color, alpha=0.15, lw=0)

    for index, ax in enumerate(axes.flat):
        if index >= len(others):
            ax.axis("off")
            continue
        name = others[index]
        draw(ax, groups[baseline], "0.55", baseline)
        draw(ax, groups[name], "tab:blue", "this run")
        ax.set_title(name, fontsize="medium")
        ax.grid(alpha=0.3)
        if log:
            ax.set_yscale("log")
        if index % ncols == 0:
            ax.set_ylabel(ylabel + (" (log scale)" if log else ""))
        if index + ncols >= len(others):
            ax.set_xlabel("epoch")
            ax.xaxis.set_tick_params(labelbottom=True)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    n_seeds = sorted({len(h) for h in groups.values()})
    band = " (mean over seeds, band ±1 sd)" if n_seeds != [1] else ""
    if len(others) < nrows * ncols:
        spare = axes.flat[len(others)]
        spare.legend(handles, labels, loc="center", fontsize="small", title=f"curves{band}")
    else:
        axes.flat[0].legend(handles, labels, fontsize="x-small")
    fig.tight_layout()
    return fig


def plot_lr_range_test(result: Any, ax: Axes | None = None) -> Figure:
    """Draw a learning-rate range test: smoothed loss against learning rate, log x axis.

    Introduced in lesson 08.

    Parameters
    ----------
    result : LRRangeTest
        What :func:`mlpcourse.lr_range_test` returned.
    ax : Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    Figure
        The matplotlib figure, with the suggested rate marked.
    """
    fig, ax = _new_ax(ax, (6.5, 4))
    ax.plot(result.lrs, result.losses, color="tab:blue", label="training loss (smoothed)")
    ax.axvline(
        result.suggestion, color="tab:red", ls="--", label=f"suggested lr = {result.suggestion:.2g}"
    )
    ax.set_xscale("log")
    ax.set(xlabel="learning rate (log scale)", ylabel="loss", title="Learning-rate range test")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def plot_sweep(
    values: Sequence[float],
    scores: Mapping[str, Any],
    *,
    xlabel: str = "learning rate",
    ylabel: str = "validation accuracy",
    log_x: bool = True,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw a score against a swept setting, one line per method, mean ± sd over seeds.

    Introduced in lesson 03, where three optimizers are compared over a learning-rate sweep.
    Each point is the mean over the seeds with an error bar of plus or minus one (sample)
    standard deviation. A failed run (NaN, for example a loss that diverged) is left out of the
    mean at its value; a value where every run failed gets no point.

    Parameters
    ----------
    values : sequence of float
        The swept setting, e.g. learning rates ``[0.001, 0.01, 0.1, 1.0]``.
    scores : mapping of str to array-like
        Method name -> its scores, shape ``(n_seeds, len(values))``: one row per seed.
    xlabel, ylabel : str
        Axis labels (" (log scale)" is added to ``xlabel`` when ``log_x``).
    log_x : bool, default True
        A logarithmic x axis (values must then be positive).
    title : str, optional
        The axes' title.
    ax : Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    Figure
        The matplotlib figure.

    Raises
    ------
    ValueError
        When there are no values or no methods, a method's scores do not have one column per
        value, or ``log_x`` is asked for with a value that is not positive.
    """
    xs = np.asarray(values, dtype=float)
    if xs.ndim != 1 or len(xs) == 0:
        raise ValueError(f"values must be a non-empty list of numbers, got {values!r}")
    if log_x and not np.all(xs > 0):
        raise ValueError(f"a log x axis needs positive values, got {xs.tolist()}")
    if not scores:
        raise ValueError("scores is empty: give at least one method's scores")
    table = {}
    for name, rows in scores.items():
        array = np.asarray(rows, dtype=float)
        if array.ndim == 1:
            array = array[None, :]  # a single seed
        if array.ndim != 2 or array.shape[1] != len(xs) or array.shape[0] == 0:
            raise ValueError(
                f"scores[{name!r}] has shape {array.shape}: expected (n_seeds, {len(xs)}), "
                "one row per seed and one column per value"
            )
        table[name] = array
    fig, ax = _new_ax(ax, (6.5, 4.2))
    for name, array in table.items():
        ok = ~np.isnan(array)
        counts = ok.sum(axis=0)
        seen = counts > 0
        sums = np.where(ok, array, 0.0).sum(axis=0)
        mean = np.divide(sums, counts, out=np.full(len(xs), np.nan), where=seen)
        centred = np.where(ok, array - mean, 0.0)
        sd = np.sqrt((centred**2).sum(axis=0) / np.maximum(counts - 1, 1))
        ax.errorbar(xs[seen], mean[seen], yerr=sd[seen], marker="o", ms=4, capsize=3, label=name)
    if log_x:
        ax.set_xscale("log")
    n_seeds = sorted({array.shape[0] for array in table.values()})
    band = f"mean ± sd over {n_seeds[0]} seeds" if n_seeds != [1] and len(n_seeds) == 1 else ""
    ax.set(xlabel=xlabel + (" (log scale)" if log_x else ""), ylabel=ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small", title=band or None)
    fig.tight_layout()
    return fig
