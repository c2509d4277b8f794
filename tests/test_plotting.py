"""Tests of mlpcourse.plotting: every function returns a labelled Figure and rejects bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression

import mlpcourse as mlp
from mlpcourse import MLP, History
from mlpcourse.curves import (
    MAX_EPOCHS_WITH_MARKERS,
    plot_histories,
    plot_history,
    plot_small_multiples,
    plot_sweep,
)
from mlpcourse.plotting import (
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_image_grid,
    plot_parity,
    plot_residuals,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _history(with_val: bool = True) -> History:
    h = History(epoch=[1, 2, 3], train_loss=[1.0, 0.6, 0.4], train_metric=[0.5, 0.7, 0.8])
    h.lr, h.seconds = [0.1] * 3, [0.5] * 3
    if with_val:
        h.val_loss, h.val_metric, h.best_epoch = [0.9, 0.7, 0.75], [0.55, 0.72, 0.7], 2
    return h


def test_plot_history_has_two_labelled_panels_and_marks_the_best_epoch() -> None:
    fig = plot_history(_history(), title="run")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    loss_ax, metric_ax = fig.axes
    assert loss_ax.get_xlabel() == "epoch" and loss_ax.get_ylabel() == "loss"
    assert metric_ax.get_ylabel() == "accuracy"
    labels = [t.get_text() for t in loss_ax.get_legend().get_texts()]
    assert labels == ["train", "validation", "best epoch"]
    assert len(plot_history(_history(with_val=False)).axes[0].lines) == 1
    test_run = _history()
    test_run.val_name = "test"
    labels = [t.get_text() for t in plot_history(test_run).axes[0].get_legend().get_texts()]
    assert labels == ["train", "test", "best epoch"]


def _long_history(epochs: int) -> History:
    h = History(epoch=list(range(1, epochs + 1)))
    h.train_loss = h.val_loss = [1.0 / e for e in h.epoch]
    h.train_metric = h.val_metric = [1.0 - 1.0 / e for e in h.epoch]
    return h


def test_plot_history_marks_each_epoch_only_on_short_curves() -> None:
    short = plot_history(_long_history(MAX_EPOCHS_WITH_MARKERS))
    assert {line.get_marker() for line in short.axes[0].lines} == {"o", "s"}
    long = plot_history(_long_history(MAX_EPOCHS_WITH_MARKERS + 1))
    for ax in long.axes:
        assert {line.get_marker() for line in ax.lines} == {"None"}
    with pytest.raises(ValueError, match="no epochs"):
        plot_history(History())


def test_plot_histories_compares_runs_and_needs_the_key() -> None:
    fig = plot_histories({"a": _history(), "b": _history()}, key="val_loss")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b"]
    with pytest.raises(ValueError, match="no 'val_loss' recorded"):
        plot_histories({"a": _history(with_val=False)})


def test_decision_boundary_for_torch_sklearn_and_multiclass() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    fig = plot_decision_boundary(MLP(2, [4], 2), X, y, title="torch")
    assert fig.axes[0].get_title() == "torch" and fig.axes[0].get_xlabel() == "x1"
    plot_decision_boundary(MLP(2, [4], 1), X, y)  # one logit: sigmoid
    plot_decision_boundary(LogisticRegression().fit(X, y), X, y, preprocess=lambda g: g * 1.0)
    y3 = np.arange(60) % 3
    plot_decision_boundary(MLP(2, [4], 3), X, y3)
    with pytest.raises(ValueError, match="need 2 features"):
        plot_decision_boundary(MLP(3, [4], 2), np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(TypeError, match="nn.Module"):
        plot_decision_boundary(object(), X, y)


def test_decision_boundary_names_the_classes() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    fig = plot_decision_boundary(MLP(2, [4], 1), X, y, class_names=("fail", "pass"))
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["fail", "pass"]
    assert fig.axes[1].get_ylabel() == "P(pass)"  # the colorbar
    y3 = np.arange(60) % 3
    fig = plot_decision_boundary(MLP(2, [4], 3), X, y3, class_names=("a", "b", "c"))
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="one name per class"):
        plot_decision_boundary(MLP(2, [4], 3), X, y3, class_names=("a", "b"))


def test_image_grid_titles_and_wrong_predictions_in_red() -> None:
    images = torch.zeros(3, 28, 28, dtype=torch.uint8)
    fig = plot_image_grid(images, torch.tensor([0, 1, 2]), ["a", "b", "c"], ncols=2)
    assert [ax.get_title() for ax in fig.axes[:3]] == ["a", "b", "c"]
    fig = plot_image_grid(images, [0, 1, 2], ["a", "b", "c"], predictions=[0, 2, 2])
    titles = fig.axes[1].title
    assert titles.get_text() == "c\n(true: b)" and titles.get_color() == "red"
    with pytest.raises(ValueError, match="no images"):
        plot_image_grid(images[:0], [], ["a"])


def test_confusion_matrix_plot_normalises_rows() -> None:
    fig = plot_confusion_matrix(torch.tensor([[3, 1], [0, 4]]), ["x", "y"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["0.75", "0.25", "0.00", "1.00"]
    assert fig.axes[0].get_ylabel() == "true class"
    with pytest.raises(ValueError, match="does not match 3 classes"):
        plot_confusion_matrix(np.eye(2), ["a", "b", "c"])


def test_parity_plot_reports_r2() -> None:
    fig = plot_parity([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0], label="price")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "R² = 0.800" in legend[1] and fig.axes[0].get_xlabel() == "true price"
    with pytest.raises(ValueError, match="y_pred has 2"):
        plot_parity([1, 2, 3], [1, 2])


def test_small_multiples_one_panel_per_run_against_the_baseline() -> None:
    short = _history()
    short.epoch, short.train_loss, short.train_metric = [1, 2], [1.0, 0.5], [0.5, 0.75]
    short.val_loss, short.val_metric = [0.8, 0.6], [0.6, 0.7]
    short.lr, short.seconds = [0.1] * 2, [0.5] * 2
    runs = {"base": [_history(), _history()], "a": [_history(), short], "b": _history()}
    fig = plot_small_multiples(runs, baseline="base", ncols=3)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["a", "b"]
    for ax in panels:  # baseline and run, training and validation: four curves each
        assert len(ax.lines) == 4 and ax.get_xlabel() == "epoch"
    assert panels[0].get_ylabel() == "loss"
    # seeds of different lengths: epoch 3 averages the one seed that reached it
    run_val = panels[0].lines[3]
    assert list(run_val.get_xdata()) == [1, 2, 3]
    assert np.allclose(run_val.get_ydata(), [0.85, 0.65, 0.75])
    legend = fig.axes[2].get_legend()  # the spare third panel holds the legend
    assert [t.get_text() for t in legend.get_texts()] == [
        "base, training",
        "base, validation",
        "this run, training",
        "this run, validation",
    ]
    fig = plot_small_multiples(runs, baseline="base", key="metric", ncols=2, log=True)
    assert fig.axes[0].get_ylabel() == "accuracy (log scale)"
    assert fig.axes[0].get_yscale() == "log"


def test_small_multiples_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="baseline 'x' is not among"):
        plot_small_multiples({"a": _history()}, baseline="x")
    with pytest.raises(ValueError, match="at least one run besides"):
        plot_small_multiples({"a": _history()}, baseline="a")
    with pytest.raises(ValueError, match="key must be 'loss' or 'metric'"):
        plot_small_multiples({"a": _history(), "b": _history()}, baseline="a", key="lr")
    with pytest.raises(ValueError, match="ncols must be"):
        plot_small_multiples({"a": _history(), "b": _history()}, baseline="a", ncols=0)
    with pytest.raises(ValueError, match="no validation curve"):
        plot_small_multiples({"a": _history(), "b": _history(with_val=False)}, baseline="a")
    with pytest.raises(TypeError, match="non-empty list"):
        plot_small_multiples({"a": _history(), "b": []}, baseline="a")


def test_multiclass_regions_have_their_class_colour() -> None:
    # Region k of the shading and the points of class k share tab10's k-th colour (shaded
    # lighter): a point on the right side of the boundary sits on its own colour.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2)).astype(np.float32)
    y3 = np.digitize(X[:, 0], [-0.5, 0.5])  # classes 0, 1, 2 from left to right
    fig = plot_decision_boundary(lambda g: np.digitize(g[:, 0], [-0.5, 0.5]), X, y3)
    regions, points = fig.axes[0].collections
    tab10 = plt.get_cmap("tab10")
    for k in range(3):
        assert np.allclose(regions.get_facecolor()[k][:3], tab10(k)[:3]), k
        assert np.allclose(points.cmap(points.norm(k))[:3], tab10(k)[:3]), k


def test_sweep_draws_mean_and_sd_over_seeds_and_skips_failed_runs() -> None:
    lrs = [0.01, 0.1, 1.0]
    scores = {
        "a": [[0.8, 0.9, np.nan], [0.6, 0.9, np.nan], [0.7, 0.9, 0.5]],
        "b": [[0.5, 0.6, np.nan], [0.5, 0.8, np.nan], [0.5, 0.7, np.nan]],
    }
    fig = plot_sweep(lrs, scores, title="sweep")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_title() == "sweep"
    assert ax.get_xlabel() == "learning rate (log scale)"
    assert ax.get_ylabel() == "validation accuracy"
    assert [c.get_label() for c in ax.containers] == ["a", "b"]
    a_line, b_line = (container.lines[0] for container in ax.containers)
    assert np.allclose(a_line.get_xdata(), lrs)  # the failed runs at 1.0 are left out of "a"
    assert np.allclose(a_line.get_ydata(), [0.7, 0.9, 0.5])
    assert np.allclose(b_line.get_xdata(), lrs[:2])  # every "b" run failed at 1.0: no point
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b"]
    assert legend.get_title().get_text() == "mean ± sd over 3 seeds"
    # the error bar of "a" at 0.01 spans mean ± sample sd = 0.7 ± 0.1
    segments = ax.containers[0].lines[2][0].get_segments()
    assert np.allclose(segments[0][:, 1], [0.6, 0.8])
    one_seed = plot_sweep([1, 2], {"a": [0.1, 0.2]}, log_x=False, xlabel="width", ylabel="loss")
    assert one_seed.axes[0].get_xscale() == "linear"
    assert one_seed.axes[0].get_xlabel() == "width"


def test_sweep_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="non-empty list of numbers"):
        plot_sweep([], {"a": [[]]})
    with pytest.raises(ValueError, match="log x axis needs positive values"):
        plot_sweep([0.0, 0.1], {"a": [[0.5, 0.6]]})
    with pytest.raises(ValueError, match="scores is empty"):
        plot_sweep([0.1], {})
    with pytest.raises(ValueError, match=r"expected \(n_seeds, 2\)"):
        plot_sweep([0.1, 1.0], {"a": [[0.5, 0.6, 0.7]]})


def test_plot_weight_images_shows_one_image_per_unit() -> None:
    from mlpcourse import plot_weight_images

    fig = plot_weight_images(torch.randn(784, 32), num_images=10, title="W1")
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 10
    assert shown[0].images[0].get_array().shape == (28, 28)
    plt.close(fig)


def test_plot_weight_images_rejects_wrong_shapes() -> None:
    from mlpcourse import plot_weight_images

    with pytest.raises(ValueError, match="shape"):
        plot_weight_images(torch.randn(100, 8))
    with pytest.raises(ValueError, match="num_images"):
        plot_weight_images(torch.randn(784, 8), num_images=9)


def test_residual_plot_shows_true_minus_predicted_against_prediction() -> None:
    fig = plot_residuals(torch.tensor([1.0, 2.0, 4.0]), np.array([1.5, 2.0, 3.0]), label="price")
    ax = fig.axes[0]
    offsets = ax.collections[0].get_offsets()
    np.testing.assert_allclose(offsets[:, 0], [1.5, 2.0, 3.0])
    np.testing.assert_allclose(offsets[:, 1], [-0.5, 0.0, 1.0])
    assert ax.get_xlabel() == "predicted price" and "residual" in ax.get_ylabel()
    with pytest.raises(ValueError, match="y_pred has 2"):
        plot_residuals([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="empty"):
        plot_residuals([], [])


# --- figures of nothing are refused with what to pass ------------------------------------------


def test_plot_histories_of_no_runs_is_an_error() -> None:
    import mlpcourse as mlp

    with pytest.raises(ValueError, match="got no runs"):
        mlp.plot_histories({})


@pytest.mark.parametrize(
    ("keys", "message"), [((), "keys is empty"), (("act_sdt",), r"unknown keys \['act_sdt'\]")]
)
def test_plot_layer_statistics_refuses_empty_or_unknown_keys(keys: tuple, message: str) -> None:
    import mlpcourse as mlp

    stats = mlp.layer_statistics(mlp.MLP(4, [8], 3), torch.randn(16, 4), torch.randint(0, 3, (16,)))
    with pytest.raises(ValueError, match=message):
        mlp.plot_layer_statistics({"run": stats}, keys=keys)


def test_plot_update_ratios_and_per_layer_draw_and_refuse_bad_input() -> None:
    fig = mlp.plot_update_ratios({"a": torch.rand(5, 3), "b": torch.rand(5, 3) * 1e-4})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "training step"
    assert any("1e-3" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close(fig)
    with pytest.raises(ValueError, match="empty"):
        mlp.plot_update_ratios({})
    with pytest.raises(ValueError, match="steps, layers"):
        mlp.plot_update_ratios({"a": torch.rand(5)})
    fig = mlp.plot_per_layer({"a": [0.1, 0.5, 0.9]}, ylabel="similarity", title="t")
    assert len(fig.axes[0].lines[0].get_xdata()) == 3
    plt.close(fig)
    with pytest.raises(ValueError, match="empty"):
        mlp.plot_per_layer({}, ylabel="y")
    with pytest.raises(ValueError, match="no values"):
        mlp.plot_per_layer({"a": []}, ylabel="y")
