"""Checks of lesson 10's exercises (scaling out)."""

from __future__ import annotations

from typing import Any

from mlpcourse.answers.core import Wrong, exercise, number, numbers


@exercise(
    "ex-10-bytes",
    "(bytes all-reduced per step, ms per step bandwidth only, ms with 50 µs per message)",
)
def _bytes(answer: Any) -> str:
    nbytes, bandwidth_ms, with_latency_ms = numbers(answer, 3, "(bytes, ms, ms)")
    parameters = 784 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 10 + 10
    if nbytes != 4 * parameters:
        hint = "4 bytes per float32 parameter, weights and biases of all three layers"
        raise Wrong(f"{nbytes:,.0f} bytes is not the size of the gradients", hint)
    if not 0 < bandwidth_ms < with_latency_ms:
        raise Wrong(
            "latency should add to the bandwidth-only time",
            "call step_time_ms(8, 0.0, 0.0, nbytes) with alpha_ms=0.0 and with its default",
        )
    return "the gradients' size and the ring all-reduce's time"


@exercise("ex-10-allreduce", "the largest weight difference between your two runs")
def _allreduce(answer: Any) -> str:
    gap = number(answer, "the largest difference")
    if gap < 0:
        raise Wrong("a difference is measured in absolute value", ".abs().max()")
    if gap > 1e-5:
        raise Wrong(
            f"your two runs differ by {gap:.1e}",
            "all-reduce sums: divide by the world size; and give each process its half of the "
            "same global batch",
        )
    return "the same weights, to float rounding"
