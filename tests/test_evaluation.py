"""mlpcourse.evaluation: predict, evaluate and the metrics, on worked examples and bad input."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from mlpcourse import MLP, accuracy, accuracy_se, confusion_matrix, evaluate, predict


def _blobs(n: int = 30, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Three well-separated Gaussian blobs in 2-D, labels 0..2."""
    gen = torch.Generator().manual_seed(seed)
    centers = torch.tensor([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    y = torch.arange(n) % 3
    X = centers[y] + 0.6 * torch.randn(n, 2, generator=gen)
    return X, y


def test_evaluate_and_predict_leave_the_model_mode_alone() -> None:
    model = MLP(2, [4], 3, dropout=0.5)
    model.train()
    X, y = _blobs(30)
    loss, acc = evaluate(model, nn.CrossEntropyLoss(), X, y)
    assert model.training and loss > 0 and 0 <= acc <= 1
    assert torch.equal(predict(model, X), predict(model, X))  # eval mode: dropout is off


def test_accuracy_and_confusion_matrix_on_a_worked_example() -> None:
    logits = torch.tensor([[2.0, 0.1, 0.0], [0.0, 3.0, 1.0], [0.0, 0.2, 0.1], [1.0, 0.0, 5.0]])
    y = torch.tensor([0, 1, 2, 2])
    assert accuracy(logits, y) == 0.75
    matrix = confusion_matrix(y, logits.argmax(1), num_classes=3)
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    assert accuracy(torch.tensor([[1.5], [-0.2]]), torch.tensor([[1.0], [1.0]])) == 0.5


def test_accuracy_standard_error_is_binomial_and_checks_its_inputs() -> None:
    assert accuracy_se(0.9, 100) == pytest.approx(0.03)  # sqrt(0.9 * 0.1 / 100)
    assert accuracy_se(1.0, 50) == 0.0
    with pytest.raises(ValueError, match="between 0 and 1"):
        accuracy_se(97.6, 250)  # a percentage, not a fraction
    with pytest.raises(ValueError, match="at least 1"):
        accuracy_se(0.5, 0)
    with pytest.raises(ValueError, match="int"):
        accuracy_se(0.5, 2.5)


def test_validate_labels_names_the_range_and_the_fix() -> None:
    from mlpcourse import validate_labels

    validate_labels(torch.tensor([0, 1, 2]), 3)
    with pytest.raises(ValueError, match="LabelEncoder"):
        validate_labels(torch.tensor([1, 2, 3]), 3)


def test_empty_inputs_to_predict_and_evaluate_are_clear_errors() -> None:
    model = MLP(2, [8], 3)
    with pytest.raises(ValueError, match="nothing to predict"):
        predict(model, torch.zeros(0, 2))
    with pytest.raises(ValueError, match="nothing to evaluate"):
        evaluate(model, nn.CrossEntropyLoss(), torch.zeros(0, 2), torch.zeros(0, dtype=torch.long))
