"""mlpcourse.models: the MLP, its bad arguments, and init_weights."""

from __future__ import annotations

import pytest
import torch

from mlpcourse import (
    MLP,
    count_parameters,
    init_weights,
)

# --- models -----------------------------------------------------------------------------------


def test_mlp_layers_shapes_and_parameter_count() -> None:
    model = MLP(784, [256], 10)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Flatten", "Linear", "ReLU", "Linear"]
    assert count_parameters(model) == 784 * 256 + 256 + 256 * 10 + 10
    assert model(torch.zeros(5, 28, 28)).shape == (5, 10)  # images are flattened
    assert "hidden_sizes=(256,)" in repr(model)


def test_mlp_dropout_and_activation() -> None:
    model = MLP(4, [8, 8], 2, activation="tanh", dropout=0.25)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Flatten", "Linear", "Tanh", "Dropout", "Linear", "Tanh", "Dropout", "Linear"]
    assert MLP(4, [], 3)(torch.zeros(2, 4)).shape == (2, 3)  # no hidden layer: a linear model


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"activation": "swish"}, "unknown activation 'swish'"),
        ({"dropout": 1.0}, "dropout is a probability"),
        ({"hidden_sizes": [0]}, "must be positive"),
    ],
)
def test_mlp_rejects_bad_arguments(kwargs: dict, message: str) -> None:
    args = {"in_features": 4, "hidden_sizes": [8], "out_features": 2} | kwargs
    with pytest.raises(ValueError, match=message):
        MLP(**args)


def test_init_weights_schemes() -> None:
    model = MLP(1000, [500], 10)
    init_weights(model, "kaiming", seed=0)
    first = model[1]
    assert first.weight.std().item() == pytest.approx((2 / 1000) ** 0.5, rel=0.05)
    assert torch.count_nonzero(first.bias) == 0
    init_weights(model, "xavier", seed=0)
    assert first.weight.std().item() == pytest.approx((2 / 1500) ** 0.5, rel=0.05)
    init_weights(model, "default", seed=0)
    assert torch.count_nonzero(first.bias) > 0  # PyTorch's default draws the biases too
    with pytest.raises(ValueError, match="unknown init scheme"):
        init_weights(model, "orthogonal")


def test_init_weights_seed_gives_the_same_weights_and_leaves_the_global_generator_alone() -> None:
    a = MLP(4, [8], 3)
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    init_weights(a, "kaiming", seed=5)
    assert torch.equal(torch.rand(3), expected_next), "init_weights(seed=) reseeded the global RNG"
    b = init_weights(MLP(4, [8], 3), "kaiming", seed=5)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)
