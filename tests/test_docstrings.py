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
NOT_INTRODUCED = {"validate_labels", "CheckpointError", "DataNotFoundError", "grade_answer"}


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


# Public names a lesson meets without writing them: the lesson that introduces them is the one
# that first uses what returns or builds them.
MET_THROUGH = {
    "Residual": "residual=True",
    "FashionMNIST": "load_fashion_mnist",
    "LRRangeTest": "lr_range_test",
    "Sweep": "mlp.sweep(",
    "OneBatchFit": "mlp.overfit_one_batch(",
}


def first_lesson_using(pattern: str) -> int | None:
    import json

    from tools.lessons import lesson_notebooks, source

    for notebook in lesson_notebooks():
        code = "".join(
            source(c) for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"
        )
        if re.search(pattern, code):
            return int(notebook.name[:2])
    return None


@pytest.mark.parametrize("name", mlp.__all__)
def test_introduced_in_names_the_first_lesson_that_uses_it(name: str) -> None:
    doc = inspect.getdoc(getattr(mlp, name)) or ""
    said = re.search(r"Introduced in lesson (\d+)", doc)
    if said is None:
        return
    pattern = re.escape(MET_THROUGH[name]) if name in MET_THROUGH else rf"\bmlp\.{name}\b"
    first = first_lesson_using(pattern)
    assert first is not None, f"{name}: no lesson uses it, yet its docstring says lesson {said[1]}"
    assert int(said.group(1)) == first, (
        f"{name}: the docstring says lesson {said.group(1)}, but lesson {first:02d} uses it first"
    )
