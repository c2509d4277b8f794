"""Quick checks a student calls on an exercise answer, e.g. ``check_softmax(my_softmax)``.

Each check builds fresh inputs, computes the expected answer with PyTorch's own implementation
(nothing is hard-coded), compares, and prints one line when the answer is right. A wrong answer
raises ``AssertionError`` with a hint. The checks never change the global random state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from mlpcourse.evaluation import predict
from mlpcourse.models import count_parameters

__all__ = [
    "check_accuracy",
    "check_cross_entropy",
    "check_mlp_shapes",
    "check_relu",
    "check_softmax",
]

_RTOL = 1e-4
_ATOL = 1e-5


def _generator(seed: int) -> torch.Generator:
    """Return a private random generator, so a check leaves the student's seeds alone."""
    return torch.Generator().manual_seed(seed)


def _as_tensor(value: Any, name: str) -> torch.Tensor:
    """Turn an answer into a float64 tensor, or fail with a hint naming the function."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(torch.float64)
    try:
        return torch.as_tensor(value, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError) as err:
        raise AssertionError(
            f"{name} returned {type(value).__name__}; return a torch.Tensor (or a number)."
        ) from err


def _compare(got: torch.Tensor, expected: torch.Tensor, name: str, case: str, hint: str) -> None:
    """Assert ``got`` matches ``expected`` in shape and values, with a hint on failure."""
    if got.shape != expected.shape:
        raise AssertionError(
            f"{name} on {case}: expected shape {tuple(expected.shape)}, got {tuple(got.shape)}. "
            f"{hint}"
        )
    if not torch.isfinite(got).all():
        raise AssertionError(f"{name} on {case}: the result holds NaN or inf. {hint}")
    if not torch.allclose(got, expected.to(torch.float64), rtol=_RTOL, atol=_ATOL):
        worst = (got - expected).abs().max().item()
        raise AssertionError(
            f"{name} on {case}: values differ from PyTorch's (largest difference {worst:.3g}). "
            f"{hint}"
        )


def _require_function(fn: Any, check: str, example: str) -> None:
    """Fail with advice unless ``fn`` is a function (not its result, not a class)."""
    if isinstance(fn, type) or not callable(fn):
        what = "a class" if isinstance(fn, type) else f"a {type(fn).__name__}"
        raise AssertionError(
            f"{check} takes your function itself and calls it on its own inputs, but got {what}. "
            f"Pass the function without calling it: {check}({example}), not {check}({example}(x))."
        )


def _passed(message: str) -> None:
    print(f"\u2713 {message}")


def check_softmax(fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
    """Check a student's ``softmax(logits)``: each row of a (batch, classes) tensor -> probabilities.

    Tried on ordinary, large ([1000, 0, -1000]) and negative logits, so an unstable softmax
    fails. Introduced in lesson 04.

    Parameters
    ----------
    fn : callable
        The student's ``softmax(logits) -> probs``.

    Returns
    -------
    None
        It prints a short "passed" line; a wrong answer raises ``AssertionError`` with a hint.
    """
    _require_function(fn, "check_softmax", "softmax")
    g = _generator(0)
    cases = {
        "random logits of shape (5, 10)": torch.randn(5, 10, generator=g),
        "one row, shape (1, 3)": torch.randn(1, 3, generator=g),
        "large logits (x 50)": 50 * torch.randn(4, 6, generator=g),
        "the row [1000, 0, -1000]": torch.tensor([[1000.0, 0.0, -1000.0]]),
        # a batch-wide maximum instead of each row's turns the second row into 0 / 0
        "rows of very different sizes": torch.tensor([[1000.0, 999.0, 998.0], [0.0, -1.0, -2.0]]),
    }
    for case, logits in cases.items():
        expected = torch.softmax(logits.to(torch.float64), dim=1)
        hint = "Divide exp(x) by its sum over each row (dim=1, keepdim=True)."
        if "1000" in case or "x 50" in case:
            hint = (
                "exp overflows for large inputs (float32 exp(x) is inf above 88.7): subtract "
                "each row's maximum before exp; the result does not change."
            )
        if "different sizes" in case:
            hint = (
                "Subtract each row's own maximum (x.max(dim=1, keepdim=True)), not the largest "
                "value of the whole batch: a row far below it underflows to 0 / 0."
            )
        got = _as_tensor(fn(logits.clone()), "your softmax")
        _compare(got, expected, "your softmax", case, hint)
    _passed(f"softmax matches torch.softmax on {len(cases)} inputs, [1000, 0, -1000] included.")


def check_relu(fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
    """Check a student's ``relu(x)``: max(x, 0) element-wise, leaving ``x`` unchanged.

    Introduced in lesson 04.

    Parameters
    ----------
    fn : callable
        The student's ``relu(x)``.

    Returns
    -------
    None
        It prints a short "passed" line; a wrong answer raises ``AssertionError`` with a hint.
    """
    _require_function(fn, "check_relu", "relu")
    g = _generator(1)
    cases = {
        "random values of shape (4, 7)": torch.randn(4, 7, generator=g),
        "a vector with zeros and negatives": torch.tensor([-2.0, -0.0, 0.0, 0.5, 3.0]),
    }
    for case, x in cases.items():
        original = x.clone()
        got = _as_tensor(fn(x), "your relu")
        if not torch.equal(x, original):
            raise AssertionError(
                f"your relu on {case} changed its input in place; return a new tensor "
                "(e.g. torch.clamp(x, min=0) or torch.maximum(x, torch.zeros_like(x)))."
            )
        _compare(got, torch.relu(original), "your relu", case, "ReLU keeps x where x > 0, else 0.")
    _passed(f"relu matches torch.relu on {len(cases)} inputs and leaves its input alone.")


def check_cross_entropy(
    fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], from_logits: bool = True
) -> None:
    """Check a student's cross-entropy ``fn(logits, y)`` (or ``fn(probs, y)``).

    The answer may return the mean over the batch (a scalar, like ``nn.CrossEntropyLoss``) or one
    loss per example (shape ``(batch,)``); both are accepted. Introduced in lesson 04.

    Parameters
    ----------
    fn : callable
        The student's ``cross_entropy(logits, y)``.
    from_logits : bool, default True
        Whether ``fn`` takes logits (else probabilities).

    Returns
    -------
    None
        It prints a short "passed" line; a wrong answer raises ``AssertionError`` with a hint.
    """
    _require_function(fn, "check_cross_entropy", "cross_entropy")
    g = _generator(2)
    logits_cases = {
        "random logits (8 examples, 10 classes)": torch.randn(8, 10, generator=g),
        "confident logits (x 20)": 20 * torch.randn(6, 4, generator=g),
    }
    if from_logits:
        logits_cases["the row [1000, 0, -1000] with label 1"] = torch.tensor(
            [[1000.0, 0.0, -1000.0]]
        )
    for case, logits in logits_cases.items():
        n, k = logits.shape
        y = torch.randint(0, k, (n,), generator=g) if n > 1 else torch.tensor([1])
        per_example = F.cross_entropy(logits.to(torch.float64), y, reduction="none")
        given = logits if from_logits else torch.softmax(logits, dim=1)
        got = _as_tensor(fn(given.clone(), y.clone()), "your cross-entropy")
        expected = per_example.mean() if got.numel() == 1 and n > 1 else per_example
        got = got.reshape(expected.shape) if got.numel() == expected.numel() else got
        if from_logits:
            hint = (
                "Cross-entropy from logits is logsumexp(logits) - logits[range(n), y]; "
                "torch.logsumexp (or subtracting the row maximum) keeps it finite."
            )
        else:
            hint = "Cross-entropy from probabilities is -log(probs[range(n), y])."
        if "1000" in case:
            hint = (
                "log(softmax(x)) underflows to log(0) = -inf for x = [1000, 0, -1000]; compute it "
                "as x - logsumexp(x) instead. " + hint
            )
        _compare(got, expected, "your cross-entropy", case, hint)
    source = "logits" if from_logits else "probabilities"
    _passed(f"cross-entropy from {source} matches F.cross_entropy on {len(logits_cases)} inputs.")


def check_accuracy(fn: Callable[[torch.Tensor, torch.Tensor], Any]) -> None:
    """Check a student's ``accuracy(logits, y)``: the share of rows whose argmax is the label.

    Introduced in lesson 04.

    Parameters
    ----------
    fn : callable
        The student's ``accuracy(logits, y)``.

    Returns
    -------
    None
        It prints a short "passed" line; a wrong answer raises ``AssertionError`` with a hint.
    """
    _require_function(fn, "check_accuracy", "accuracy")
    g = _generator(3)
    cases = {}
    for n, k in [(50, 10), (7, 3), (1, 4)]:
        logits = torch.randn(n, k, generator=g)
        y = torch.randint(0, k, (n,), generator=g)
        cases[f"{n} examples, {k} classes"] = (logits, y)
    logits = torch.randn(20, 5, generator=g)
    cases["20 examples, all correct"] = (logits, logits.argmax(dim=1))
    for case, (logits, y) in cases.items():
        expected = (logits.argmax(dim=1) == y).to(torch.float64).mean()
        got = _as_tensor(fn(logits.clone(), y.clone()), "your accuracy").reshape(())
        hint = "Compare logits.argmax(dim=1) with y and take the mean of the matches as floats."
        if abs(got.item() - expected.item() * len(y)) < 1e-6 and len(y) > 1:
            hint = "You returned the number of correct predictions; divide by len(y)."
        _compare(got, expected, "your accuracy", case, hint)
    _passed(f"accuracy agrees with (argmax == y).mean() on {len(cases)} inputs.")


def check_mlp_shapes(
    model: nn.Module, in_features: int = 784, out_features: int = 10, batch_size: int = 5
) -> None:
    """Check a student's model maps (batch, in_features) inputs to finite (batch, out_features) logits.

    Introduced in lesson 04.

    Parameters
    ----------
    model : nn.Module
        The student's model.
    in_features : int, default 784
        Inputs per example.
    out_features : int, default 10
        Classes.
    batch_size : int, default 5
        Rows in the test batch.

    Returns
    -------
    None
        It prints a short "passed" line; a wrong answer raises ``AssertionError`` with a hint.
    """
    if isinstance(model, type):
        raise AssertionError(
            f"check_mlp_shapes takes a model, but got the class {model.__name__}: build one "
            f"first, check_mlp_shapes({model.__name__}(...))."
        )
    if not isinstance(model, nn.Module):
        raise AssertionError(
            f"check_mlp_shapes takes an nn.Module, got a {type(model).__name__}. Pass your model "
            "itself (not its output, not a list of layers: wrap those in nn.Sequential)."
        )
    g = _generator(4)
    dtype = next((p.dtype for p in model.parameters() if p.is_floating_point()), torch.float32)
    x = torch.randn(batch_size, in_features, generator=g).to(dtype)  # float64 models too
    try:
        out = predict(model, x)  # eval mode, no gradients, on the model's device; mode restored
    except RuntimeError as err:
        raise AssertionError(
            f"the model fails on an input of shape {tuple(x.shape)}: {err}. Check that the first "
            f"layer takes {in_features} features and each layer takes the previous one's output."
        ) from err
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (batch_size, out_features):
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise AssertionError(
            f"expected logits of shape {(batch_size, out_features)}, got {shape}. The last layer "
            f"should have {out_features} outputs and no softmax."
        )
    if not torch.isfinite(out).all():
        raise AssertionError("the model's output holds NaN or inf; check the initial weights.")
    _passed(
        f"the model maps ({batch_size}, {in_features}) to ({batch_size}, {out_features}) "
        f"with {count_parameters(model):,} parameters."
    )
