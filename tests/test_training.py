"""Tests of mlpcourse.training: fit and its History, schedules, and every bad-input message."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from mlpcourse import (
    MLP,
    History,
    accuracy,
    evaluate,
    fit,
    predict,
    set_seed,
    validate_labels,
)


def _blobs(n: int = 300, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Three well-separated Gaussian blobs in 2-D, labels 0..2."""
    gen = torch.Generator().manual_seed(seed)
    centers = torch.tensor([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    y = torch.arange(n) % 3
    X = centers[y] + 0.6 * torch.randn(n, 2, generator=gen)
    return X, y


def _train(seed: int, epochs: int = 5, **kwargs) -> tuple[nn.Module, History]:
    set_seed(seed)
    X, y = _blobs()
    model = MLP(2, [16], 3)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    history = fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=epochs, batch_size=32, **kwargs)
    return model, history


def test_fit_learns_and_records_one_row_per_epoch() -> None:
    model, history = _train(0, epochs=8)
    assert len(history) == 8 and history.epoch == list(range(1, 9))
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.train_metric[-1] > 0.95
    assert history.val_loss == [] and history.best_epoch is None
    X, y = _blobs(seed=1)
    assert accuracy(predict(model, X), y) > 0.95
    assert "epoch" in history.table() and len(history.table().splitlines()) == 9
    history.val_loss, history.val_metric = [0.5] * 8, [0.9] * 8
    assert "val loss" in history.table().splitlines()[0]
    history.val_name = "test"
    assert "test loss" in history.table().splitlines()[0] and "val" not in history.table()


def test_same_seed_gives_identical_weights_and_history_on_cpu() -> None:
    model_a, hist_a = _train(7)
    model_b, hist_b = _train(7)
    for (name, a), (_, b) in zip(
        model_a.state_dict().items(), model_b.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    assert hist_a.train_loss == hist_b.train_loss
    assert hist_a.train_metric == hist_b.train_metric
    _, hist_c = _train(8)
    assert hist_c.train_loss != hist_a.train_loss  # the seed matters


def test_validation_curve_and_early_stopping_restore_the_best_weights() -> None:
    # Random labels: the model can only memorise, so validation loss soon rises.
    set_seed(0)
    X, X_val = torch.randn(64, 10), torch.randn(64, 10)
    y, y_val = torch.randint(0, 2, (64,)), torch.randint(0, 2, (64,))
    model = MLP(10, [128, 128], 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    history = fit(
        model, loss_fn, opt, X, y, epochs=100, val_data=(X_val, y_val), early_stopping_patience=3
    )
    assert history.stopped_early and len(history) < 100
    assert history.best_epoch == len(history) - 3
    best = history.val_loss[history.best_epoch - 1]
    assert best == min(history.val_loss)
    assert evaluate(model, loss_fn, X_val, y_val)[0] == pytest.approx(best, abs=1e-6)


def test_schedulers_step_each_epoch_and_plateau_watches_validation_loss() -> None:
    X, y = _blobs()
    model = MLP(2, [8], 3)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    step = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    history = fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=3, scheduler=step)
    assert history.lr == pytest.approx([0.1, 0.05, 0.025])

    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    # threshold=10 (relative): no epoch counts as an improvement, so the LR drops every epoch.
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.1, patience=0, threshold=10)
    history = fit(
        model, nn.CrossEntropyLoss(), opt, X, y, epochs=3, scheduler=plateau, val_data=(X, y)
    )
    assert history.lr == pytest.approx([0.1, 0.01, 0.001])


def test_binary_task_with_one_logit_and_bce() -> None:
    set_seed(0)
    X = torch.randn(200, 2)
    y = (X[:, 0] + X[:, 1] > 0).float().unsqueeze(1)
    model = MLP(2, [8], 1)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    history = fit(model, nn.BCEWithLogitsLoss(), opt, X, y, epochs=20, val_data=(X, y))
    assert history.val_metric[-1] > 0.95
    assert accuracy(predict(model, X), y) == pytest.approx(history.val_metric[-1])


def test_regression_without_a_metric() -> None:
    X = torch.linspace(-1, 1, 64).unsqueeze(1)
    model = MLP(1, [8], 1)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    history = fit(model, nn.MSELoss(), opt, X, 2 * X, epochs=2, metric=None, metric_name="none")
    assert all(math.isnan(m) for m in history.train_metric)
    assert "nan" not in history.table() and "accuracy" not in history.table()


def test_progress_bar_runs(capsys: pytest.CaptureFixture[str]) -> None:
    _train(0, epochs=2, progress=True)
    assert "epochs" in capsys.readouterr().err


# --- bad input: each one a clear ValueError that says what to do ------------------------------


def _fit_blobs(X: torch.Tensor, y: torch.Tensor, **kwargs) -> History:
    model = MLP(2, [8], 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    return fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=1, **kwargs)


def test_labels_outside_0_to_c_minus_1_suggest_label_encoder() -> None:
    X = torch.randn(10, 2)
    y = torch.tensor([1, 2] * 5)  # labels 1 and 2 for a 2-output model
    with pytest.raises(ValueError, match="LabelEncoder") as err:
        _fit_blobs(X, y)
    assert "1..2" in str(err.value) and "0..1" in str(err.value)
    with pytest.raises(ValueError, match="LabelEncoder"):
        accuracy(torch.randn(10, 2), y)
    with pytest.raises(ValueError, match="-1..1"):
        _fit_blobs(X, torch.tensor([-1, 0, 1, 0, 1, 0, 1, 0, 1, 0]))


def test_float_labels_for_cross_entropy_say_to_use_long() -> None:
    with pytest.raises(ValueError, match=r"y.long\(\)"):
        _fit_blobs(torch.randn(10, 2), torch.tensor([0.0, 1.0] * 5))
    with pytest.raises(ValueError, match="torch.long"):
        accuracy(torch.randn(4, 3), torch.tensor([0.0, 1.0, 2.0, 1.0]))


def test_validation_labels_are_checked_too() -> None:
    X, y = torch.randn(10, 2), torch.tensor([0, 1] * 5)
    with pytest.raises(ValueError, match="validation y"):
        _fit_blobs(X, y, val_data=(X, y + 5))


def test_mismatched_lengths_of_X_and_y() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        _fit_blobs(torch.randn(10, 2), torch.tensor([0, 1] * 4))
    with pytest.raises(ValueError, match="differ in length"):
        accuracy(torch.randn(10, 2), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="differ in length"):
        evaluate(MLP(2, [4], 2), nn.CrossEntropyLoss(), torch.randn(3, 2), torch.tensor([0]))


def test_wrong_feature_count_and_integer_inputs() -> None:
    with pytest.raises(ValueError, match="cannot take training X of shape"):
        _fit_blobs(torch.randn(10, 3), torch.tensor([0, 1] * 5))
    with pytest.raises(ValueError, match=r"X.float\(\)"):
        _fit_blobs(torch.randint(0, 255, (10, 2), dtype=torch.uint8), torch.tensor([0, 1] * 5))


def test_other_argument_errors() -> None:
    X, y = torch.randn(10, 2), torch.tensor([0, 1] * 5)
    model = MLP(2, [4], 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=0)
    with pytest.raises(ValueError, match="pass val_data"):
        _fit_blobs(X, y, early_stopping_patience=2)
    with pytest.raises(ValueError, match="1-D class indices"):
        validate_labels(torch.zeros(4, 2, dtype=torch.long), 3)


def test_nan_loss_stops_with_epoch_batch_and_advice() -> None:
    set_seed(0)
    X = torch.randn(256, 4) * 100
    y = X.sum(dim=1, keepdim=True)
    model = MLP(4, [32], 1)
    opt = torch.optim.SGD(model.parameters(), lr=10.0)  # far too high: the loss explodes
    with pytest.raises(FloatingPointError) as err:
        fit(model, nn.MSELoss(), opt, X, y, epochs=50, batch_size=32, metric=None)
    message = str(err.value)
    assert "epoch 1, batch" in message and "lower learning rate" in message and "lr=10" in message


def test_one_cycle_steps_every_batch() -> None:
    X, y = _blobs(600)
    torch.manual_seed(0)
    model = MLP(2, [16], 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    steps_per_epoch = math.ceil(len(X) / 100)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=0.5, total_steps=3 * steps_per_epoch
    )
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        X,
        y,
        epochs=3,
        batch_size=100,
        scheduler=schedule,
        scheduler_interval="batch",
    )
    assert history.lr[-1] < 0.05 * 0.5  # stepped every batch: near the end of its cycle, near zero
    with pytest.raises(ValueError, match="'epoch' or 'batch'"):
        fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=1, scheduler_interval="step")
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer)
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        fit(
            model,
            nn.CrossEntropyLoss(),
            optimizer,
            X,
            y,
            epochs=1,
            scheduler=plateau,
            scheduler_interval="batch",
        )
