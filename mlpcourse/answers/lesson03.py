"""Checks of lesson 03's exercises (an nn.Module classifier)."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from mlpcourse.answers.core import Wrong, between, exercise, number, numbers


@exercise("ex-03-decode", "the list of predicted names, e.g. ['cat', 'cat', 'cat']")
def _decode(answer: Any) -> str:
    if not isinstance(answer, (list, tuple)) or len(answer) != 3:
        raise Wrong("answer should be a list of three names, one per row of logits")
    names = [str(a) for a in answer]
    if not set(names) <= {"cat", "dog", "fish"}:
        raise Wrong(f"{names} holds names outside cat, dog, fish", "use inverse_transform")
    logits = torch.tensor([[0.2, 2.5, -1.0], [3.0, 0.1, 0.4], [-0.5, 0.0, 1.7]])
    expected = [["cat", "dog", "fish"][i] for i in logits.argmax(dim=1).tolist()]
    if names != expected:
        raise Wrong(
            "not the names these logits predict",
            "argmax over dim=1 (one prediction per row); LabelEncoder sorts the names",
        )
    return "one name per example"


@exercise("ex-03-wrong-dim", "(argmax over dim=0 as a list, softmax over dim=0 of logits[:1])")
def _wrong_dim(answer: Any) -> str:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong("answer should be (argmax list, softmax of the first point alone)")
    worked = torch.tensor([[2.1, 0.3], [-1.2, 3.4], [0.8, -0.5]])
    if [int(i) for i in answer[0]] != torch.argmax(worked, dim=0).tolist():
        raise Wrong("that is not what argmax over dim=0 returns", "dim=0 runs down the columns")
    alone = [float(v) for v in answer[1]]
    if not torch.allclose(torch.tensor(alone), torch.softmax(worked[:1], dim=0)[0]):
        raise Wrong(
            "not the dim=0 softmax of the first point on its own",
            "with one row, dim=0 normalises each column over a single number",
        )
    return "argmax and softmax over dim=0 compare points, not classes"


@exercise("ex-03-floor-k3", "(final training loss, the floor ln(1 + 2/e))")
def _floor_k3(answer: Any) -> str:
    loss, floor = numbers(answer, 2, "(final loss, floor)")
    if abs(floor - math.log(1 + 2 / math.e)) > 1e-4:
        raise Wrong(f"the floor is {floor:.4f}", "one correct class at probability e/(e + 2)")
    if loss < floor - 1e-3:
        raise Wrong(
            "your loss is below the floor",
            "did you train the model that applies softmax before CrossEntropyLoss?",
        )
    return "the loss sits above the floor"


@exercise("ex-03-by-hand", "the validation accuracy after 20 epochs")
def _by_hand(answer: Any) -> str:
    accuracy = number(answer, "the validation accuracy")
    between(accuracy, 0.0, 1.0, "the accuracy", "score on the validation points")
    if accuracy < 0.8:
        raise Wrong(
            f"{accuracy:.3f} after 20 epochs is far below what fit reaches",
            "five steps per batch: forward, loss, zero_grad, backward, step",
        )
    return "your loop trains as fit does"


@exercise("ex-03-momentum", "your class MySGDMomentum itself")
def _momentum(answer: Any) -> str:
    if not isinstance(answer, type):
        raise Wrong("answer should be the class itself: answer = MySGDMomentum")
    gen = torch.Generator().manual_seed(0)
    X, y = torch.randn(64, 4, generator=gen), torch.randint(0, 3, (64,), generator=gen)
    torch.manual_seed(0)
    mine = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    theirs = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    theirs.load_state_dict(mine.state_dict())
    optimizers = [answer(mine.parameters(), lr=0.1, momentum=0.9)]
    optimizers.append(torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9))
    for _ in range(5):
        for net, opt in zip([mine, theirs], optimizers, strict=True):
            loss = nn.functional.cross_entropy(net(X), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    gap = max(
        (a - b).abs().max().item()
        for a, b in zip(mine.parameters(), theirs.parameters(), strict=True)
    )
    if gap > 1e-6:
        raise Wrong(
            f"after 5 steps your weights differ from torch.optim.SGD's by {gap:.1e}",
            "the first step sets v = g; later ones v = momentum * v + g; then w -= lr * v",
        )
    return "the same weights as torch.optim.SGD after 5 steps"
