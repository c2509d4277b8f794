"""mlpcourse.diagnostics and lesson 07's model options: per-layer statistics, norms, residual
blocks and the 'normal' init (vanishing and exploding signals seen in numbers)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

import mlpcourse as mlp


def deep(scheme: str, std: float | None = None, **kwargs) -> nn.Module:
    return mlp.init_weights(mlp.MLP(784, [256] * 9, 10, **kwargs), scheme, seed=0, std=std)


@pytest.fixture(scope="module")
def batch() -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    return torch.rand(256, 784, generator=gen), torch.randint(0, 10, (256,), generator=gen)


def ratio(stats: list[dict]) -> float:
    return stats[0]["grad_rms"] / stats[-1]["grad_rms"]


def test_statistics_cover_every_linear_layer(batch) -> None:
    stats = mlp.layer_statistics(deep("kaiming"), *batch)
    assert [row["layer"] for row in stats] == list(range(1, 11))
    assert stats[0]["shape"] == "784->256" and stats[-1]["shape"] == "256->10"
    assert math.isnan(stats[-1]["act_std"])  # the output layer has no activation
    assert all(0 <= row["dead_fraction"] <= 1 for row in stats[:-1])
    assert all(row["grad_rms"] > 0 and row["weight_grad_rms"] > 0 for row in stats)


def test_small_init_vanishes_kaiming_keeps_large_explodes(batch) -> None:
    small = mlp.layer_statistics(deep("normal", std=0.01), *batch)
    kaiming = mlp.layer_statistics(deep("kaiming"), *batch)
    large = mlp.layer_statistics(deep("normal", std=0.2), *batch)
    assert ratio(small) < 1e-6
    assert 0.1 < ratio(kaiming) < 10
    assert ratio(large) > 10
    assert small[-2]["act_std"] < 1e-6 < 0.1 < kaiming[-2]["act_std"] < 10 < large[-2]["act_std"]


def test_a_residual_path_carries_the_gradient_back(batch) -> None:
    plain = mlp.layer_statistics(deep("normal", std=0.01), *batch)
    residual = mlp.layer_statistics(deep("normal", std=0.01, residual=True), *batch)
    assert ratio(residual) > 1e4 * ratio(plain)


def test_statistics_leave_the_model_as_it_was(batch) -> None:
    model = deep("kaiming", norm="batch")
    model.eval()
    before = [p.clone() for p in model.parameters()]
    mlp.layer_statistics(model, *batch)
    assert not model.training
    assert all(p.grad is None or not p.grad.any() for p in model.parameters())
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


def test_bad_input_is_refused(batch) -> None:
    X, y = batch
    with pytest.raises(ValueError, match="no nn.Linear"):
        mlp.layer_statistics(nn.Sequential(nn.ReLU()), X, y)
    with pytest.raises(ValueError, match="one target per example"):
        mlp.layer_statistics(deep("kaiming"), X, y[:10])


def test_norms_residual_and_normal_init() -> None:
    model = mlp.MLP(8, [16, 16], 3, norm="layer", residual=True)
    assert isinstance(model[2], nn.LayerNorm) and isinstance(model[4], mlp.Residual)
    assert model(torch.randn(5, 8)).shape == (5, 3)
    assert "norm='layer'" in repr(model) and "residual=True" in repr(model)
    assert [type(m) for m in mlp.MLP(8, [16], 3, norm="batch")][2] is nn.BatchNorm1d
    plain = mlp.MLP(8, [16, 16], 3)
    assert list(plain.state_dict()) == list(mlp.MLP(8, [16, 16], 3).state_dict())
    with pytest.raises(ValueError, match="unknown norm"):
        mlp.MLP(8, [16], 3, norm="group")
    big = mlp.init_weights(mlp.MLP(1000, [500], 10), "normal", seed=0, std=0.05)
    assert big[1].weight.std().item() == pytest.approx(0.05, rel=0.05)
    with pytest.raises(ValueError, match="positive std"):
        mlp.init_weights(big, "normal")


def test_plot_layer_statistics(batch) -> None:
    runs = {"kaiming": mlp.layer_statistics(deep("kaiming"), *batch)}
    fig = mlp.plot_layer_statistics(runs, keys=("act_std", "dead_fraction", "grad_rms"))
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 3 and axes[0].get_yscale() == "log"
    assert axes[1].get_yscale() == "linear"  # a fraction stays on a linear axis
    assert axes[2].get_xlabel() == "layer" and "gradient" in axes[2].get_ylabel()
    plt.close(fig)


# --- layer_statistics under odd models and calls: the right numbers or a clear refusal ----------


def small_batch() -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    return torch.randn(32, 6, generator=gen), torch.randint(0, 3, (32,), generator=gen)


def test_batchnorm_running_statistics_are_left_as_they_were() -> None:
    model = mlp.MLP(6, [8, 8], 3, norm="batch")
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    mlp.layer_statistics(model, *small_batch())
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before), "the docstring promises this"
    assert model.training


def test_each_layer_gets_the_activation_that_follows_it() -> None:
    # an ELU after the first layer, a ReLU after the second: pairing by position swapped them
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8), nn.ELU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))
    with torch.no_grad():
        model[2].bias.fill_(-100.0)  # every ReLU unit of layer 2 dead
    stats = mlp.layer_statistics(model, *small_batch())
    assert stats[0]["dead_fraction"] == 0.0  # ELU is never exactly zero
    assert stats[1]["dead_fraction"] == 1.0
    assert stats[0]["act_mean"] < 0 or stats[0]["act_std"] > 0


def test_functional_activations_are_refused_with_what_to_write() -> None:
    class Functional(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a, self.b = nn.Linear(6, 8), nn.Linear(8, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.b(nn.functional.relu(self.a(x)))

    with pytest.raises(ValueError, match="rather than F.relu"):
        mlp.layer_statistics(Functional(), *small_batch())


def test_an_empty_batch_is_refused_not_reported_as_all_dead() -> None:
    with pytest.raises(ValueError, match="X is empty"):
        mlp.layer_statistics(mlp.MLP(6, [8], 3), torch.zeros(0, 6), torch.zeros(0).long())


def test_one_output_under_cross_entropy_is_refused_not_shown_as_vanished() -> None:
    X, _ = small_batch()
    with pytest.raises(ValueError, match="BCEWithLogitsLoss"):
        mlp.layer_statistics(mlp.MLP(6, [8], 1), X, torch.zeros(32).long())
    stats = mlp.layer_statistics(
        mlp.MLP(6, [8], 1), X, torch.ones(32, 1), loss_fn=nn.BCEWithLogitsLoss()
    )
    assert stats[-1]["weight_grad_rms"] > 0


def test_it_works_under_no_grad_and_with_a_frozen_first_layer() -> None:
    model = mlp.MLP(6, [8, 8], 3)
    with torch.no_grad():
        stats = mlp.layer_statistics(model, *small_batch())
    assert stats[0]["weight_grad_rms"] > 0
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    first.weight.requires_grad_(False)
    first.bias.requires_grad_(False)
    stats = mlp.layer_statistics(model, *small_batch())
    assert math.isnan(stats[0]["weight_grad_rms"]) and stats[-1]["weight_grad_rms"] > 0


def test_a_layer_used_twice_or_never_is_refused() -> None:
    shared = nn.Linear(8, 8)

    class Twice(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.first, self.shared, self.act, self.out = (
                nn.Linear(6, 8),
                shared,
                nn.ReLU(),
                nn.Linear(8, 3),
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = self.act(self.first(x))
            return self.out(self.act(self.shared(self.act(self.shared(h)))))

    with pytest.raises(ValueError, match="ran twice"):
        mlp.layer_statistics(Twice(), *small_batch())

    class Unused(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a, self.act, self.b = nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)
            self.spare = nn.Linear(3, 3)  # built, never called

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.b(self.act(self.a(x)))

    with pytest.raises(ValueError, match="never ran"):
        mlp.layer_statistics(Unused(), *small_batch())


# --- update_ratios and example_similarity ----------------------------------------------------


def small_net(seed: int = 0, **kwargs) -> nn.Module:
    torch.manual_seed(seed)
    return mlp.MLP(6, [8, 8], 3, **kwargs)


def test_update_ratio_is_the_relative_size_of_each_step() -> None:
    # plain SGD without momentum: the update is exactly lr * gradient, so the ratio is known
    gen = torch.Generator().manual_seed(0)
    X, y = torch.randn(32, 6, generator=gen), torch.randint(0, 3, (32,), generator=gen)
    model = small_net()
    expected_model = small_net()
    loss = nn.CrossEntropyLoss()(expected_model(X), y)
    loss.backward()
    linears = [m for m in expected_model.modules() if isinstance(m, nn.Linear)]
    expected = [
        (0.1 * m.weight.grad).pow(2).mean().sqrt() / m.weight.detach().pow(2).mean().sqrt()
        for m in linears
    ]
    ratios = mlp.update_ratios(
        model, torch.optim.SGD(model.parameters(), lr=0.1), X, y, steps=1, batch_size=32
    )
    assert ratios.shape == (1, 3)
    assert torch.allclose(ratios[0], torch.stack(expected).double(), rtol=1e-4)


def test_update_ratios_trains_the_model_and_scales_with_the_learning_rate() -> None:
    gen = torch.Generator().manual_seed(0)
    X, y = torch.randn(64, 6, generator=gen), torch.randint(0, 3, (64,), generator=gen)
    runs = {}
    for lr in (0.1, 0.001):
        model = small_net()
        before = [p.detach().clone() for p in model.parameters()]
        runs[lr] = mlp.update_ratios(
            model,
            torch.optim.SGD(model.parameters(), lr=lr),
            X,
            y,
            steps=5,
            batch_size=16,
            generator=torch.Generator().manual_seed(1),
        )
        assert any(not torch.equal(b, p) for b, p in zip(before, model.parameters(), strict=True))
        assert all(p.grad is None or not p.grad.any() for p in model.parameters())
    assert runs[0.1].shape == (5, 3)
    # the first step is exactly proportional to the learning rate
    assert torch.allclose(runs[0.1][0], 100 * runs[0.001][0], rtol=1e-3)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"steps": 0}, ValueError, "steps"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 100}, ValueError, "larger than X"),
        ({"X": [[0.0] * 6]}, TypeError, "X"),
        ({"y": torch.zeros(5, dtype=torch.long)}, ValueError, "one target per example"),
        ({"optimizer": "other"}, ValueError, "optimizer"),
    ],
)
def test_update_ratios_refuses_bad_input(kwargs: dict, error: type, message: str) -> None:
    model = small_net()
    args = {
        "model": model,
        "optimizer": torch.optim.SGD(model.parameters(), lr=0.1),
        "X": torch.randn(16, 6),
        "y": torch.zeros(16, dtype=torch.long),
        "steps": 2,
        "batch_size": 8,
    }
    if kwargs.get("optimizer") == "other":
        kwargs = {"optimizer": torch.optim.SGD(small_net().parameters(), lr=0.1)}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        mlp.update_ratios(**args)


def test_example_similarity_is_one_when_every_example_looks_the_same() -> None:
    model = small_net()
    same = torch.ones(10, 6)
    assert mlp.example_similarity(model, same) == pytest.approx([1.0] * 3)
    different = torch.randn(50, 6, generator=torch.Generator().manual_seed(0))
    sims = mlp.example_similarity(model, different)
    assert len(sims) == 3 and all(-1 <= s < 0.99 for s in sims)


def test_example_similarity_matches_a_hand_computed_cosine() -> None:
    model = nn.Sequential(nn.Linear(2, 2, bias=False))
    with torch.no_grad():
        model[0].weight.copy_(torch.eye(2))
    # two examples at right angles (cosine 0) and a third on the first's line (cosine 1, 0)
    X = torch.tensor([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]])
    assert mlp.example_similarity(model, X) == pytest.approx([(0 + 1 + 0) / 3])


def test_example_similarity_leaves_batchnorm_statistics_alone_and_refuses_bad_input() -> None:
    model = small_net(norm="batch")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    mlp.example_similarity(model, torch.randn(20, 6))
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    with pytest.raises(ValueError, match="2 or more"):
        mlp.example_similarity(model, torch.randn(1, 6))
    with pytest.raises(TypeError, match="X"):
        mlp.example_similarity(model, [[0.0] * 6, [1.0] * 6])
    with pytest.raises(ValueError, match="no nn.Linear"):
        mlp.example_similarity(nn.Sequential(nn.ReLU()), torch.randn(4, 6))
