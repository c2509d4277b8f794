"""Plotting what a model does with data.

Decision boundaries, image grids, confusion matrices, parity plots. Curves of training (losses,
schedules, per-layer statistics) are in :mod:`mlpcourse.curves`. Every function draws on a new figure (or the ``ax`` given) and returns the matplotlib Figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import nn

from mlpcourse.evaluation import predict

__all__ = [
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_image_grid",
    "plot_parity",
    "plot_residuals",
    "plot_weight_images",
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


def _paired_values(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return true and predicted values as flat arrays of equal, non-zero length, or raise."""
    t, p = _as_numpy(y_true).reshape(-1), _as_numpy(y_pred).reshape(-1)
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} values but y_pred has {len(p)}")
    if len(t) == 0:
        raise ValueError("y_true and y_pred are empty: nothing to plot")
    return t, p


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
    class_names: Sequence[str] | None = None,
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
    class_names : sequence of str, optional
        A name per class (class 0 first): the points get a legend with these names, and a binary
        classifier's colorbar reads "P(<name of class 1>)", for example ``("fail", "pass")``.

    Returns
    -------
    Figure
        The matplotlib figure.
    """
    X, y = _as_numpy(X), _as_numpy(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision boundaries need 2 features, X has shape {X.shape}")
    if class_names is not None and len(class_names) < int(y.max()) + 1:
        raise ValueError(
            f"class_names has {len(class_names)} names but y has labels up to {int(y.max())}: "
            "give one name per class, class 0 first"
        )
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
        positive = class_names[1] if class_names is not None else "class 1"
        fig.colorbar(shade, ax=ax, label=f"P({positive})")
    else:
        # vmin/vmax as for the points below, so region k has class k's colour (tab10's k-th)
        levels = np.arange(n_classes + 1) - 0.5
        ax.contourf(xx, yy, scores, levels=levels, cmap="tab10", vmin=0, vmax=9, alpha=0.35)
    cmap = "RdBu_r" if n_classes <= 2 else "tab10"
    scatter = ax.scatter(
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
    if class_names is not None:
        handles, _ = scatter.legend_elements()
        present = [int(v) for v in np.unique(y)]
        ax.legend(handles, [class_names[v] for v in present], title="class", loc="best")
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
    t, p = _paired_values(y_true, y_pred)
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


def plot_weight_images(
    weights: Any,
    num_images: int = 16,
    image_shape: tuple[int, int] = (28, 28),
    title: str | None = None,
) -> Figure:
    """Show the first ``num_images`` columns of a first-layer weight matrix as images.

    Introduced in lesson 04. Column ``j`` of ``weights`` (shape ``(pixels, units)``, as ``W1`` in
    ``X @ W1``) holds the weights hidden unit ``j`` gives each pixel; reshaped to
    ``image_shape`` it shows which pixels push the unit up (red) or down (blue). Each image has
    its own symmetric colour scale, so white is 0.

    Parameters
    ----------
    weights : array-like
        Weight matrix of shape ``(prod(image_shape), units)``.
    num_images : int, default 16
        How many hidden units (columns) to show, at most ``units``.
    image_shape : (int, int), default (28, 28)
        The shape of one input image.
    title : str, optional
        The figure's title.

    Returns
    -------
    Figure
        The matplotlib figure.
    """
    W = _as_numpy(weights)
    pixels = image_shape[0] * image_shape[1]
    if W.ndim != 2 or W.shape[0] != pixels:
        raise ValueError(
            f"weights must have shape ({pixels}, units) for images of {image_shape}, got {W.shape}"
        )
    if not 1 <= num_images <= W.shape[1]:
        raise ValueError(f"num_images must be between 1 and {W.shape[1]}, got {num_images}")
    cols = min(8, num_images)
    rows = -(-num_images // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.3 * cols, 1.4 * rows + 0.4), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < num_images:
            image = W[:, k].reshape(image_shape)
            scale = float(np.abs(image).max()) or 1.0
            ax.imshow(image, cmap="RdBu_r", vmin=-scale, vmax=scale)
            ax.set_title(f"unit {k}", fontsize="small")
    fig.suptitle(title or "First-layer weights of the hidden units")
    fig.tight_layout()
    return fig


def plot_residuals(
    y_true: Any, y_pred: Any, ax: Axes | None = None, title: str | None = None, label: str = "y"
) -> Figure:
    """Scatter residuals (true − predicted) against predictions, with the zero line.

    Introduced in lesson 05. A pattern (a trend, a funnel) shows what the model misses; pure
    noise scattered evenly around zero is what a good fit leaves.

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
    t, p = _paired_values(y_true, y_pred)
    residuals = t - p
    fig, ax = _new_ax(ax, (5.5, 4))
    ax.axhline(0.0, color="k", ls="--", lw=1, label="zero residual")
    ax.scatter(p, residuals, s=14, alpha=0.7, label="examples")
    ax.set(
        xlabel=f"predicted {label}",
        ylabel=f"residual (true − predicted {label})",
        title=title or "Residuals against predictions",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig
