"""Checks of lesson 06's exercises (regularization)."""

from __future__ import annotations

from typing import Any

import torch

from mlpcourse.answers.core import Wrong, between, exercise, number


@exercise("ex-06-eval-mode", "([3 accuracies in training mode], accuracy in evaluation mode)")
def _eval_mode(answer: Any) -> str:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong("answer should be ([three accuracies], one accuracy)")
    train_mode = [number(a, "a training-mode accuracy") for a in answer[0]]
    eval_mode = number(answer[1], "the evaluation-mode accuracy")
    if len(train_mode) != 3:
        raise Wrong("give the three training-mode accuracies in a list")
    for a in [*train_mode, eval_mode]:
        between(a, 0.0, 1.0, "an accuracy", "the fraction of validation images right")
    if len(set(train_mode)) == 1:
        raise Wrong(
            "the three training-mode passes agree exactly",
            "call final_model.train() before the passes: dropout draws a new mask each time",
        )
    return "dropout makes every training-mode pass different"


@exercise("ex-06-checkpoint", "(the CheckpointError's message, hidden_sizes of the model loaded)")
def _checkpoint(answer: Any) -> str:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong("answer should be (error message, hidden sizes)")
    message, sizes = answer
    if "does not fit" not in str(message):
        raise Wrong(
            "that is not the message of loading into the wrong network",
            "catch mlp.CheckpointError and keep str(err)",
        )
    if tuple(sizes) == (256,):
        raise Wrong(
            "(256,) is the network that failed",
            "read the hidden sizes from the checkpoint's metadata",
        )
    return "the metadata rebuilt the network the checkpoint came from"


@exercise("ex-06-dropout-scratch", "your class MyDropout itself")
def _dropout(answer: Any) -> str:
    if not isinstance(answer, type) or not issubclass(answer, torch.nn.Module):
        raise Wrong("answer should be the class itself, an nn.Module: answer = MyDropout")
    layer = answer(0.3)
    ones = torch.ones(200_000)
    torch.manual_seed(0)
    out = layer.train()(ones)
    zeros = (out == 0).float().mean().item()
    if abs(zeros - 0.3) > 0.01:
        raise Wrong(
            f"in training mode {zeros:.3f} of the outputs are zero, not about 0.3",
            "keep each value with probability 1 - p",
        )
    if abs(out.mean().item() - 1.0) > 0.01:
        raise Wrong(
            f"in training mode the mean is {out.mean().item():.3f}, not about 1",
            "divide the kept values by 1 - p",
        )
    if not torch.equal(layer.eval()(ones), ones):
        raise Wrong("in evaluation mode the output differs from the input", "check self.training")
    return "zeros about a fraction p, mean kept at 1, identity in evaluation mode"
