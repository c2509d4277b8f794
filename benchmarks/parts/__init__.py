"""The benchmark's parts, in the order they run and appear on the performance page.

Each part is a module with ``run(args, data, device) -> dict`` (its results, stored under
``results["parts"][key]``), ``summary(results) -> lines`` (printed by ``run.py``),
``section(results, figure) -> markdown lines`` and ``figure_rows(results) -> panels`` (drawn by
``report.py``; ``section`` places the figure when given it: this part draws its first panel),
and optionally ``add_arguments(parser)`` for its own command-line options (defaults for a
``--smoke`` run set in its ``run``). To add a part: write ``benchmarks/parts/<name>.py`` with
those functions and add one line to ``PARTS`` below; ``run.py`` and ``report.py`` stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from benchmarks.parts import course, pipeline, sklearn


@dataclass(frozen=True)
class Part:
    """One registry line: a name for ``--only``, its module, and how it runs."""

    name: str
    module: ModuleType | None  # None: measured by another part (``measured_by``)
    key: str  # where its results live in the JSON (``results["parts"][key]``)
    smoke: bool  # run by ``--smoke``
    needs_data: bool  # needs Fashion-MNIST loaded
    measured_by: str | None = None


PARTS: list[Part] = [
    Part("pipeline", pipeline, "pipeline", smoke=True, needs_data=True),
    Part("gemm", None, "pipeline", smoke=True, needs_data=True, measured_by="pipeline"),
    Part("sklearn", sklearn, "sklearn", smoke=True, needs_data=True),
    Part("course", course, "course", smoke=False, needs_data=False),
]


def by_name() -> dict[str, Part]:
    """Return the parts by name."""
    return {part.name: part for part in PARTS}


def reporters() -> list[Part]:
    """Return the parts that own a section of the results (one per JSON key), in order."""
    return [part for part in PARTS if part.module is not None]
