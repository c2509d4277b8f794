"""Checks of lesson 07's exercises (deep MLPs)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from mlpcourse.answers.core import Wrong, exercise, number


@exercise(
    "ex-07-tanh",
    '(Xavier activation stds per layer, Kaiming\'s, "xavier" or "kaiming": the flatter)',
)
def _tanh(answer: Any) -> str:
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Wrong("answer should be (list of stds, list of stds, name of the flatter)")
    xavier, kaiming = ([number(v, "an activation std") for v in stds] for stds in answer[:2])
    if len(xavier) < 2 or len(xavier) != len(kaiming):
        raise Wrong("give one std per hidden layer for both initialisations")

    def drift(stds: list[float]) -> float:
        return abs(stds[-1] / stds[0] - 1)

    flatter = "xavier" if drift(xavier) < drift(kaiming) else "kaiming"
    if str(answer[2]).lower() != flatter:
        raise Wrong(
            f"your own numbers say the other one is flatter than {answer[2]!r}",
            "compare how far the last layer's std is from the first's",
        )
    return f"{flatter} keeps it flatter in your numbers; now say why tanh differs from ReLU"


@exercise(
    "ex-07-layernorm-init",
    "(gradient ratio with norm='batch', with norm='layer', plain network's)",
)
def _layernorm_init(answer: Any) -> str:
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Wrong("answer should be three gradient ratios: batch, layer, plain")
    batch, layer, plain = (number(v, "a gradient ratio") for v in answer)
    if plain > 1e-3:
        raise Wrong(
            f"the plain σ = 0.01 network's ratio is {plain:.3g}",
            "layer 1's gradient over layer 10's, at initialization, on the lesson's batch",
        )
    for value, name in [(batch, "BatchNorm"), (layer, "LayerNorm")]:
        if value < 1e-3:
            raise Wrong(
                f"the {name} network's ratio is {value:.3g}, as small as the plain one's",
                "build the σ = 0.01 network with norm='batch' / norm='layer'",
            )
    return "both normalized networks pass the gradient down; the plain one does not"


@exercise("ex-07-batchnorm", "your function batchnorm_forward(Z, gamma, beta) itself")
def _batchnorm(answer: Any) -> str:
    if not callable(answer):
        raise Wrong("answer should be your function itself: answer = batchnorm_forward")
    gen = torch.Generator().manual_seed(1)
    Z = 2 * torch.randn(32, 6, generator=gen) - 1
    bn = nn.BatchNorm1d(6)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(6, generator=gen) + 0.5)
        bn.bias.copy_(torch.randn(6, generator=gen))
    bn.train()
    expected = bn(Z).detach()
    got = answer(Z, bn.weight.detach(), bn.bias.detach())
    if not isinstance(got, torch.Tensor) or got.shape != expected.shape:
        raise Wrong("your function should return a tensor shaped like Z")
    if not torch.allclose(got, expected, atol=1e-4):
        unbiased = bn.weight.detach() * (Z - Z.mean(0)) / torch.sqrt(Z.var(0) + 1e-5)
        if torch.allclose(got, unbiased + bn.bias.detach(), atol=1e-4):
            raise Wrong("you normalized with the unbiased variance", "BatchNorm divides by N")
        raise Wrong(
            "not what nn.BatchNorm1d computes in training mode",
            "normalize each column (dim=0) with the batch mean and variance, then gamma, beta",
        )
    return "the same as nn.BatchNorm1d in training mode"
