"""Plotting: training curves, decision boundaries, image grids, confusion matrices, parity plots.

Every function draws on a new figure (or the ``ax`` given) and returns the matplotlib Figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import nn

from mlpcourse.evaluation import predict
from mlpcourse.training import History

__all__ = [
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_histories",
    "plot_history",
    "plot_image_grid",
    "plot_parity",
    "plot_small_multiples",
]


def _new_ax(ax: Axes | None, figsize: tuple[float, float] = (5, 4)) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def _as_numpy(a: Any) -> np.ndarray:
    if isinstance(a, torch.Tensor):
        return a.detach().cpu().numpy()
    return np.asarray(a)


def plot_history(history: History, title: str | None = None) -> Figure:
    """Draw two panels, loss and metric per epoch, training and held-out; best epoch marked.

    Introduced in lesson 01.

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
    fig, (ax_loss, ax_metric) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax_loss.plot(history.epoch, history.train_loss, "o-", label="train", ms=3)
    ax_metric.plot(history.epoch, history.train_metric, "o-", label="train", ms=3)
    if history.val_loss:
        ax_loss.plot(history.epoch, history.val_loss, "s-", label=history.val_name, ms=3)
        ax_metric.plot(history.epoch, history.val_metric, "s-", label=history.val_name, ms=3)
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


def _grid_scores(
    model: Any, grid: np.ndarray, preprocess: Callable[[np.ndarray], np.ndarray] | None
) -> np.ndarray:
    """Probability of class 1 (binary) or predicted class (multi-class) at each grid point."""
    if preprocess is not None:
        grid = preprocess(grid)
    if isinstance(model, nn.Module):
        logits = predict(model, torch.as_tensor(grid, dtype=torch.float32))
        if logits.ndim == 1 or logits.shape[1] == 1:
            return torch.sigmoid(logits.reshape(-1)).numpy()
        probs = torch.softmax(logits, dim=1)
        return probs[:, 1].numpy() if probs.shape[1] == 2 else probs.argmax(1).numpy()
    if hasattr(model, "predict_proba"):
        probs = model.predict_proba(grid)
        return probs[:, 1] if probs.shape[1] == 2 else probs.argmax(1)
    if callable(model):
        return _as_numpy(model(grid))
    raise TypeError("model must be an nn.Module, a scikit-learn classifier or a function")


def plot_decision_boundary(
    model: Any,
    X: Any,
    y: Any,
    ax: Axes | None = None,
    title: str | None = None,
    preprocess: Callable[[np.ndarray], np.ndarray] | None = None,
    resolution: int = 200,
    feature_names: Sequence[str] = ("x1", "x2"),
) -> Figure:
    """Shade a 2-D classifier's predictions over the plane and scatter the points (X, y).

    Introduced in lesson 01.

    Parameters
    ----------
    model : nn.Module, scikit-learn classifier or callable
        Scored on a grid over the plane (probability of class 1, or the predicted class).
    X : array-like
        (N, 2) points.
    y : array-like
        (N,) class labels, to colour the points.
    ax : Axes, optional
        Draw into these axes instead of a new figure.
    title : str, optional
        The axes' title.
    preprocess : callable, optional
        Applied to grid points before the model (e.g. a fitted scaler's ``transform``).
    resolution : int, default 200
        Grid points per axis.
    feature_names : sequence of str, default ("x1", "x2")
        Axis labels.

    Returns
    -------
    Figure
        The matplotlib figure.
    """
    X, y = _as_numpy(X), _as_numpy(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision boundaries need 2 features, X has shape {X.shape}")
    fig, ax = _new_ax(ax)
    pad = 0.5
    x_min, x_max = X[:, 0].min() - pad, X[:, 0].max() + pad
    y_min, y_max = X[:, 1].min() - pad, X[:, 1].max() + pad
    xx, yy = np.meshgrid(
        np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution)
    )
    grid = np.c_[xx.ravel(), yy.ravel()].astype(np.float32)
    scores = _grid_scores(model, grid, preprocess).reshape(xx.shape)
    n_classes = len(np.unique(y))
    if n_classes <= 2:
        shade = ax.contourf(xx, yy, scores, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.contour(xx, yy, scores, levels=[0.5], colors="k", linewidths=1.5)
        fig.colorbar(shade, ax=ax, label="P(class 1)")
    else:
        ax.contourf(xx, yy, scores, levels=np.arange(n_classes + 1) - 0.5, cmap="tab10", alpha=0.35)
    cmap = "RdBu_r" if n_classes <= 2 else "tab10"
    ax.scatter(
        X[:, 0],
        X[:, 1],
        c=y,
        cmap=cmap,
        edgecolors="k",
        s=18,
        linewidths=0.5,
        vmin=0,
        vmax=max(1, n_classes - 1) if n_classes <= 2 else 9,
    )
    ax.set(xlabel=feature_names[0], ylabel=feature_names[1], title=title or "Decision boundary")
    fig.tight_layout()
    return fig


def plot_image_grid(
    images: Any,
    labels: Any,
    classes: Sequence[str],
    predictions: Any | None = None,
    ncols: int = 8,
    max_images: int = 32,
) -> Figure:
    """Show images with their class names; with ``predictions``, wrong ones are titled in red.

    Introduced in lesson 04.

    Parameters
    ----------
    images : array-like
        (N, H, W) or (N, H*W) square images.
    labels : array-like
        (N,) true class indices.
    classes : sequence of str
        Class names, indexed by label.
    predictions : array-like, optional
        (N,) predicted class indices.
    ncols : int, default 8
        Images per row.
    max_images : int, default 32
        At most this many are shown.

    Returns
    -------
    Figure
        The matplotlib figure.
    """
    images = _as_numpy(images)[:max_images]
    labels = _as_numpy(labels).reshape(-1)[:max_images]
    preds = None if predictions is None else _as_numpy(predictions).reshape(-1)[:max_images]
    n = len(images)
    if n == 0:
        raise ValueError("no images to show")
    side = int(round(np.sqrt(images[0].size)))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.5 * ncols, 1.75 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i].reshape(side, side), cmap="gray_r")
        if preds is None:
            ax.set_title(classes[labels[i]], fontsize=8)
        else:
            ok = preds[i] == labels[i]
            ax.set_title(
                f"{classes[preds[i]]}\n(true: {classes[labels[i]]})",
                fontsize=7,
                color="black" if ok else "red",
            )
    fig.tight_layout()
    return fig


def plot_confusion_matrix(
    matrix: Any, classes: Sequence[str], normalize: bool = True, ax: Axes | None = None
) -> Figure:
    """Draw a confusion matrix (rows: true class, columns: predicted) with counts or row shares.

    Introduced in lesson 04.

    Parameters
    ----------
    matrix : array-like
        (C, C) counts, e.g. from :func:`mlpcourse.confusion_matrix`.
    classes : sequence of str
        The C class names.
    normalize : bool, default True
        Show each row's shares instead of counts.
    ax : Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    Figure
        The matplotlib figure.
    """
    m = _as_numpy(matrix).astype(float)
    if m.shape != (len(classes), len(classes)):
        raise ValueError(f"matrix shape {m.shape} does not match {len(classes)} classes")
    shown = m / m.sum(axis=1, keepdims=True).clip(min=1) if normalize else m
    fig, ax = _new_ax(ax, (7.5, 6.5))
    im = ax.imshow(shown, cmap="Blues")
    fig.colorbar(im, ax=ax, label="share of true class" if normalize else "count")
    ticks = np.arange(len(classes))
    ax.set_xticks(ticks, classes, rotation=45, ha="right")
    ax.set_yticks(ticks, classes)
    ax.set(xlabel="predicted class", ylabel="true class", title="Confusion matrix")
    for i in range(len(classes)):
        for j in range(len(classes)):
            text = f"{shown[i, j]:.2f}" if normalize else f"{int(m[i, j])}"
            dark = shown[i, j] > 0.5 * shown.max()
            ax.text(
                j, i, text, ha="center", va="center", fontsize=7, color="white" if dark else "black"
            )
    fig.tight_layout()
    return fig


def plot_parity(
    y_true: Any, y_pred: Any, ax: Axes | None = None, title: str | None = None, label: str = "y"
) -> Figure:
    """Scatter predicted against true values with the y = x line; R² in the legend.

    Introduced in lesson 05.

    Parameters
    ----------
    y_true, y_pred : array-like
        True and predicted values, one per example.
    ax : Axes, optional
        Draw into these axes instead of a new figure.
    title : str, optional
        The axes' title.
    label : str, default "y"
        What is predicted, for the axis labels.

    Returns
    -------
    Figure
        The matplotlib figure.
    """
    t, p = _as_numpy(y_true).reshape(-1), _as_numpy(y_pred).reshape(-1)
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} values but y_pred has {len(p)}")
    r2 = 1.0 - np.sum((t - p) ** 2) / np.sum((t - t.mean()) ** 2)
    fig, ax = _new_ax(ax, (4.8, 4.6))
    lo, hi = min(t.min(), p.min()), max(t.max(), p.max())
    ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="perfect prediction")
    ax.scatter(t, p, s=14, alpha=0.7, label=f"predictions (R² = {r2:.3f})")
    ax.set(xlabel=f"true {label}", ylabel=f"predicted {label}", title=title or "Parity plot")
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


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
