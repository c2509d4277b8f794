"""fit, predict and evaluate under odd inputs and interruptions: a clear error that says what to
do, or the right answer; nothing learned is lost to Ctrl-C; nothing fails silently."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from mlpcourse import MLP, accuracy, evaluate, fit, predict, set_seed


def blobs(n: int = 120) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    y = torch.arange(n) % 3
    X = torch.randn(n, 2, generator=gen) + 3.0 * nn.functional.one_hot(y, 3)[:, :2].float()
    return X, y


def model_and_optimizer() -> tuple[MLP, torch.optim.Optimizer]:
    set_seed(0)
    model = MLP(2, [8], 3)
    return model, torch.optim.Adam(model.parameters(), lr=0.05)


def test_non_finite_validation_inputs_are_refused_before_training() -> None:
    X, y = blobs()
    X_val = X.clone()
    X_val[0, 0] = float("inf")
    model, opt = model_and_optimizer()
    before = [p.clone() for p in model.parameters()]
    with pytest.raises(ValueError, match="validation X holds NaN or infinite values"):
        fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=3, val_data=(X_val, y))
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


def test_an_optimizer_of_another_model_is_refused() -> None:
    X, y = blobs()
    model, _ = model_and_optimizer()
    _, other_opt = model_and_optimizer()
    with pytest.raises(ValueError, match="holds none of this model's parameters"):
        fit(model, nn.CrossEntropyLoss(), other_opt, X, y, epochs=1)


class InterruptingLoss(nn.CrossEntropyLoss):
    """Acts as if the user pressed Ctrl-C after ``after`` batches."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after, self.calls = after, 0

    def forward(self, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if self.calls > self.after and torch.is_grad_enabled():
            raise KeyboardInterrupt
        return super().forward(logits, y)


def test_ctrl_c_returns_the_history_so_far(capsys: pytest.CaptureFixture[str]) -> None:
    X, y = blobs()
    model, opt = model_and_optimizer()
    history = fit(model, InterruptingLoss(after=10), opt, X, y, epochs=20, batch_size=40)
    assert history.interrupted and len(history) == 3  # 3 batches an epoch: 3 complete epochs
    assert len(history.train_loss) == len(history.seconds) == 3
    assert not model.training
    assert "interrupted after 3 complete epoch(s)" in capsys.readouterr().out


def test_ctrl_c_with_early_stopping_restores_the_best_weights() -> None:
    X, y = blobs()
    model, opt = model_and_optimizer()
    loss_fn = InterruptingLoss(after=3 * 6 + 1)
    history = fit(
        model,
        loss_fn,
        opt,
        X,
        y,
        epochs=50,
        batch_size=40,
        val_data=(X, y),
        early_stopping_patience=10,
    )
    assert history.interrupted and history.best_epoch is not None
    best = history.val_loss[history.best_epoch - 1]
    loss_now, _ = evaluate(model, nn.CrossEntropyLoss(), X, y)
    assert loss_now == pytest.approx(best, rel=1e-5)
    assert not model.training


@pytest.mark.parametrize("batch_size", [0, -4, 2.5, "64", True])
def test_batch_size_must_be_a_positive_integer(batch_size: object) -> None:
    X, y = blobs()
    model, opt = model_and_optimizer()
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=1, batch_size=batch_size)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        predict(model, X, batch_size=batch_size)  # type: ignore[arg-type]


def test_integer_labels_of_another_dtype_say_how_to_convert() -> None:
    X, y = blobs()
    model, opt = model_and_optimizer()
    with pytest.raises(ValueError, match=r"torch.int32.*y.long\(\)"):
        fit(model, nn.CrossEntropyLoss(), opt, X, y.int(), epochs=1)
    binary = MLP(2, [4], 1)
    binary_opt = torch.optim.SGD(binary.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"y.float\(\)"):
        fit(binary, nn.BCEWithLogitsLoss(), binary_opt, X, (y > 0).long().unsqueeze(1), epochs=1)


def test_numpy_inputs_say_how_to_convert() -> None:
    X, y = blobs()
    model, opt = model_and_optimizer()
    with pytest.raises(TypeError, match="torch.as_tensor"):
        fit(model, nn.CrossEntropyLoss(), opt, X.numpy(), y, epochs=1)
    with pytest.raises(TypeError, match="torch.as_tensor"):
        fit(model, nn.CrossEntropyLoss(), opt, X, y.numpy(), epochs=1)
    with pytest.raises(TypeError, match="torch.as_tensor"):
        predict(model, np.zeros((3, 2), dtype=np.float32))


def test_one_hot_and_soft_targets_are_scored_by_their_argmax() -> None:
    X, y = blobs()
    one_hot = nn.functional.one_hot(y, 3).float()
    soft = 0.8 * one_hot + 0.2 / 3
    logits = torch.randn(len(y), 3)
    expected = accuracy(logits, y)
    assert accuracy(logits, one_hot) == expected == accuracy(logits, soft)
    model, opt = model_and_optimizer()
    history = fit(model, nn.CrossEntropyLoss(), opt, X, soft, epochs=5, val_data=(X, soft))
    assert history.val_metric[-1] == pytest.approx(accuracy(predict(model, X), y))
    assert history.val_metric[-1] > 0.5  # a real accuracy, not a broadcast comparison


def test_nan_in_the_inputs_is_blamed_on_the_data_not_the_learning_rate() -> None:
    X, y = blobs()
    X[5, 1] = float("nan")
    model, opt = model_and_optimizer()
    with pytest.raises(
        ValueError,
        match=r"training X holds NaN or infinite values in 1 row\(s\), the first at row 5",
    ):
        fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=1)
    target = torch.ones(len(X), 1)
    target[3] = float("inf")
    regression = MLP(2, [8], 1)
    with pytest.raises(ValueError, match="training y holds NaN or infinite"):
        fit(
            regression,
            nn.MSELoss(),
            torch.optim.SGD(regression.parameters(), lr=0.1),
            X.nan_to_num(),
            target,
            epochs=1,
        )


def test_ctrl_c_during_validation_keeps_every_list_the_same_length(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import mlpcourse.training as training

    X, y = blobs()
    model, opt = model_and_optimizer()
    calls = {"n": 0}
    real_evaluate = training.evaluate

    def interrupted_evaluate(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second epoch is being validated
        return real_evaluate(*args, **kwargs)

    monkeypatch.setattr(training, "evaluate", interrupted_evaluate)
    history = fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=3, val_data=(X, y))
    assert history.interrupted and len(history) == 1
    lengths = {len(history.epoch), len(history.train_loss), len(history.val_loss), len(history.lr)}
    assert lengths == {1}
    assert history.table().count("\n") == 1  # the table and plots work on it
