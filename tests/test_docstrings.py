"""Every public name on ``mlp.`` helps a student who types ``mlp.fit?``: a docstring with a
summary line, Parameters and Returns sections where they apply, and the lesson that introduces it."""

from __future__ import annotations

import inspect
import re

import pytest

import mlpcourse as mlp

PUBLIC = [getattr(mlp, name) for name in mlp.__all__]
CALLABLES = [obj for obj in PUBLIC if inspect.isfunction(obj) or inspect.isclass(obj)]
# Input validators and errors are called by the package, not introduced by a lesson.
NOT_INTRODUCED = {"validate_labels", "CheckpointError", "DataNotFoundError"}


@pytest.mark.parametrize("obj", CALLABLES, ids=lambda o: o.__name__)
def test_public_names_are_documented(obj: object) -> None:
    doc = inspect.getdoc(obj) or ""
    name = obj.__name__  # type: ignore[attr-defined]
    assert doc.strip(), f"mlp.{name} has no docstring"
    if name not in NOT_INTRODUCED:
        assert re.search(r"Introduced in lesson \d\d", doc), f"mlp.{name}: name its lesson"
    if inspect.isclass(obj) and issubclass(obj, Exception):
        return
    target = obj.__init__ if inspect.isclass(obj) else obj  # type: ignore[misc]
    params = [
        p for p in inspect.signature(target).parameters if p not in ("self", "args", "kwargs")
    ]
    if params:
        assert "Parameters\n----------" in doc or "Attributes\n----------" in doc, (
            f"mlp.{name} takes {params} but its docstring has no Parameters section"
        )
        for param in params:
            assert re.search(rf"\b{param}\b", doc), f"mlp.{name}: parameter {param!r} undocumented"
    if inspect.isfunction(obj):
        returns = inspect.signature(obj).return_annotation
        if returns not in (None, "None", inspect.Signature.empty):
            assert "Returns\n-------" in doc or "Yields\n------" in doc, f"mlp.{name}: no Returns"


def test_the_check_catches_an_undocumented_function() -> None:
    def bare(x: int) -> int:
        """Do it."""
        return x

    bare.__name__ = "bare"
    with pytest.raises(AssertionError, match="lesson"):
        test_public_names_are_documented(bare)
