"""Measure the course's speed claims side by side, in one process, and write a results JSON.

Run ``python -m benchmarks.run`` (``make bench``), ``--smoke`` for a seconds-long check that the
script works, ``--device cuda`` on a GPU, ``--only pipeline,gemm`` for some parts. The parts, and
what each measures, are listed in ``benchmarks/parts/__init__.py`` (one module per part).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from benchmarks import parts
from benchmarks.common import RESULTS_DIR, SCHEMA_VERSION, positive_int, write_json
from benchmarks.parts import machine
from mlpcourse import get_device, load_fashion_mnist


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line: the common options, then each part's own (its ``add_arguments``)."""
    names = [part.name for part in parts.PARTS]  # read from the registry on every call
    smoke = [part.name for part in parts.PARTS if part.smoke]
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny subset, one round: checks the script works"
    )
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument(
        "--repeats", type=positive_int, default=None, help="timed rounds (default 5; smoke 1)"
    )
    parser.add_argument(
        "--only",
        default=None,
        help=f"comma-separated parts out of {','.join(names)} (default: all; smoke: {','.join(smoke)})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results JSON (default benchmarks/results/<device>-<date>.json)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--n-train", type=int, default=None, help="training images used (default 60000; smoke 2048)"
    )
    parser.add_argument(
        "--note", default="", help="free text stored with the results (e.g. 'machine under load')"
    )
    for part in parts.reporters():  # a part's own options live in its module
        add_arguments = getattr(part.module, "add_arguments", None)
        if add_arguments is not None:
            add_arguments(parser)
    args = parser.parse_args(argv)
    wanted = args.only.split(",") if args.only else list(smoke if args.smoke else names)
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        parser.error(f"--only: unknown part(s) {unknown}; choose from {', '.join(names)}")
    args.parts = [p for p in names if p in wanted]
    args.repeats = args.repeats or (1 if args.smoke else 5)
    args.n_train = args.n_train or (2048 if args.smoke else 60000)
    return args


def default_out(device: torch.device, smoke: bool) -> Path:
    """Where the results go: benchmarks/results/<device>-<date>.json (a temp file for smoke)."""
    if smoke:  # never lands where the report looks for real results
        return Path(tempfile.gettempdir()) / f"mlpcourse-bench-smoke-{device.type}.json"
    return RESULTS_DIR / f"{device.type}-{dt.date.today().isoformat()}.json"


def resolve_device(name: str) -> torch.device:
    """Return the device for ``--device`` (via mlpcourse.get_device); exit with its message."""
    if name not in ("cpu", "cuda"):
        raise SystemExit(f"--device {name}: the benchmark runs on 'cpu' or 'cuda'")
    try:
        return get_device(name)
    except ValueError as err:
        raise SystemExit(
            f"--device {name}: no CUDA device here ({err}). Run this on a machine with an "
            "NVIDIA GPU and a CUDA build of PyTorch, or use --device cpu."
        ) from err


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the chosen parts, write the results JSON and print a summary."""
    args = parse_args(argv)
    device = resolve_device(args.device)
    started = dt.datetime.now(dt.timezone.utc)
    results: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "created": started.isoformat(timespec="seconds"),
        "date": started.date().isoformat(),
        "machine": machine.machine_info(device),
        "settings": {
            "smoke": args.smoke,
            "parts": args.parts,
            "repeats": args.repeats,
            "seed": args.seed,
            "n_train": args.n_train,
            "command": "python -m benchmarks.run "
            + " ".join(sys.argv[1:] if argv is None else argv),
        },
        "note": args.note,
        "load_average_start": machine.load_average(),
        "parts": {},
    }
    t0 = time.perf_counter()
    chosen = [parts.by_name()[name] for name in args.parts]
    data = None
    if any(part.needs_data for part in chosen):
        data = load_fashion_mnist(download=False)  # no network while measuring
    for part in chosen:
        owner = parts.by_name()[part.measured_by] if part.measured_by else part
        if owner.key not in results["parts"]:
            results["parts"][owner.key] = owner.module.run(args, data, device)
    results["seconds_total"] = round(time.perf_counter() - t0, 1)
    results["load_average_end"] = machine.load_average()
    out = args.out or default_out(device, args.smoke)
    write_json(out, results)
    print_summary(results)
    print(f"\nwrote {out} ({results['seconds_total']} s)")
    return results


def print_summary(results: dict[str, Any]) -> None:
    """Print the headline figures and ratios of every part that ran."""
    m = results["machine"]
    print(f"\n== {m['device_name']} ({m['device']}), {m['cores']} cores, torch {m['torch']}")
    for part in parts.reporters():
        if part.key in results["parts"]:
            for line in part.module.summary(results["parts"][part.key]):
                print(line)


if __name__ == "__main__":
    main()
