"""Part ``course``: every lesson run with papermill at its default parameters, and a strict book
build, timed; each lesson's speed claims (its notebook metadata) checked against the timings."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from benchmarks.common import ROOT, _flag, _s

TARGET_COURSE_SECONDS = 990.0  # all lessons together: eleven lessons at no more than 90 s each


def missed_run_time_claims(c: dict[str, Any]) -> list[dict[str, Any]]:
    """The checked claims on a lesson's whole run (``notebook < N s``) that it did not meet."""
    claims = c.get("speed_claims") or []
    return [m for m in claims if m["claim"].startswith("notebook <") and not m["met"]]


def jupyter_book_command() -> str | None:
    """Find the jupyter-book executable next to this Python, else on PATH."""
    beside = Path(sys.executable).parent / "jupyter-book"
    return str(beside) if beside.exists() else shutil.which("jupyter-book")


def check_speed_claims(notebooks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check each lesson's speed claims (its notebook metadata, tools.lessons.lesson_meta)."""
    checked = []
    for nb in notebooks:
        if not nb["ok"]:
            continue
        values = {"notebook": nb["seconds"], **nb["results"]}
        for claim_spec in nb.get("speed_claims", []):
            if "faster" in claim_spec:
                fast, slow = claim_spec["faster"], claim_spec["slower"]
                a, b = values.get(fast), values.get(slow)
                if a is None or b is None:
                    continue
                claim, measured, met = f"{fast} < {slow}", f"{a:.2f} s vs {b:.2f} s", a < b
            else:
                what, target = claim_spec["what"], claim_spec["max_seconds"]
                value = values.get(what)
                if value is None:
                    continue
                claim, measured, met = f"{what} < {target:g} s", f"{value:.1f} s", value < target
            checked.append(
                {"lesson": nb["name"][:2], "claim": claim, "measured": measured, "met": bool(met)}
            )
    return checked


def bench_course(notebooks_dir: Path, book: bool, timeout: int) -> dict[str, Any]:
    """Time each notebook (papermill, default parameters) and a strict book build."""
    from tools.lessons import lesson_meta, lesson_notebooks, run_notebook

    found = lesson_notebooks(notebooks_dir)
    notebooks = []
    for nb in found:  # only the notebooks that exist now
        with tempfile.TemporaryDirectory(prefix="bench-nb-") as tmp:
            start = time.perf_counter()
            error, results = None, {}
            try:
                results, _ = run_notebook(nb, Path(tmp), timeout=timeout)
            except Exception as err:  # a failing notebook is a result, not a crash
                error = f"{type(err).__name__}: {err}"[:500]
            seconds = time.perf_counter() - start
        notebooks.append(
            {
                "name": nb.name,
                "seconds": round(seconds, 2),
                "ok": error is None,
                "error": error,
                "results": results,
                "speed_claims": lesson_meta(json.loads(nb.read_text())).get("speed_claims", []),
            }
        )
        print(f"  {nb.name}: {seconds:.1f} s" + ("" if error is None else "  FAILED"), flush=True)
    total = sum(n["seconds"] for n in notebooks)
    claims = check_speed_claims(notebooks)
    for claim in claims:
        flag = "meets" if claim["met"] else "MISSES"
        print(f"  lesson {claim['lesson']} {claim['claim']}: {claim['measured']}  ({flag})")
    out: dict[str, Any] = {
        "notebooks_dir": os.path.relpath(notebooks_dir, ROOT),
        "runner": "papermill, kernel python3, default parameters, each in a fresh temp dir",
        "notebooks": notebooks,
        "notebooks_total_seconds": round(total, 2),
        "target_notebooks_total_seconds": TARGET_COURSE_SECONDS,
        "meets_target": bool(notebooks)
        and all(n["ok"] for n in notebooks)
        and total < TARGET_COURSE_SECONDS,
        "speed_claims": claims,
        "book_build": None,
    }
    if book:
        out["book_build"] = bench_book(timeout)
    return out


def bench_book(timeout: int) -> dict[str, Any]:
    """Time ``jupyter-book build . -W -n --keep-going`` into a temporary output folder."""
    exe = jupyter_book_command()
    if exe is None:
        return {"seconds": None, "ok": False, "returncode": None, "error": "jupyter-book not found"}
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        cmd = [exe, "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", tmp]
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
            code, tail = proc.returncode, (proc.stdout + proc.stderr)[-1500:]
        except subprocess.TimeoutExpired:
            code, tail = None, f"timed out after {timeout} s"
        seconds = time.perf_counter() - start
    print(f"  book build: {seconds:.1f} s" + ("" if code == 0 else "  FAILED"), flush=True)
    return {
        "command": "jupyter-book build . -W -n --keep-going --path-output <tmp>",
        "seconds": round(seconds, 2),
        "ok": code == 0,
        "returncode": code,
        "error": None if code == 0 else tail,
    }


def summary(c: dict[str, Any]) -> list[str]:
    """The lines ``run.py`` prints for this part."""
    lines = [
        f"  notebooks: {len(c['notebooks'])}, total {c['notebooks_total_seconds']:.1f} s "
        f"(target < {TARGET_COURSE_SECONDS:g} s)"
    ]
    if c["book_build"]:
        lines.append(f"  book build: {c['book_build']['seconds']} s, ok={c['book_build']['ok']}")
    over = ", ".join(f"{m['lesson']} ({m['measured']})" for m in missed_run_time_claims(c))
    lines.append(f"  lessons over their run-time claim: {over or 'none'}")
    return lines


def figure_rows(c: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, dict]]]]:
    """The performance figure's panel for this part."""
    if not c["notebooks"]:
        return []
    rows = [(nb["name"].removesuffix(".ipynb"), {"median": nb["seconds"]}) for nb in c["notebooks"]]
    if c.get("book_build") and c["book_build"]["seconds"] is not None:
        rows.append(("book build", {"median": c["book_build"]["seconds"]}))
    title = f"The course: notebooks total {c['notebooks_total_seconds']:.0f} s"
    return [(title, "seconds", rows)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """This part's options: the lessons' folder, the book build, the time limit per run."""
    parser.add_argument("--notebooks-dir", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--no-book", action="store_true", help="course part: skip the book build")
    parser.add_argument(
        "--timeout", type=int, default=900, help="course part: seconds per notebook / book build"
    )


def run(args: Any, data: Any, device: torch.device) -> dict[str, Any]:
    """Time every lesson (papermill, default parameters) and a strict book build."""
    print("course: notebooks and book build ...", flush=True)
    return bench_course(args.notebooks_dir, not args.no_book, args.timeout)


def section(c: dict[str, Any], figure: str | None = None) -> list[str]:
    """The performance page's section for this part (with the figure, if given)."""
    lines = [
        "### The course itself",
        "",
        f"Each notebook run top to bottom ({c['runner']}).",
        "",
        "| notebook | seconds | ran cleanly |",
        "|---|---:|---|",
    ]
    for nb in c["notebooks"]:
        lines.append(f"| `{nb['name']}` | {nb['seconds']:.1f} | {'yes' if nb['ok'] else 'no'} |")
    lines.append(
        f"| **all notebooks** | **{c['notebooks_total_seconds']:.1f}** | "
        f"target < {c['target_notebooks_total_seconds']:g} s: {_flag(c['meets_target'])} |"
    )
    b = c.get("book_build")
    if b:
        lines.append(
            f"| book build (`{b['command']}`) | {_s(b['seconds'], 1)} | "
            f"{'yes' if b['ok'] else 'no'} |"
        )
    claims = c.get("speed_claims") or []
    if claims:
        lines += [
            "",
            "The lessons' own speed claims, measured in the same runs "
            "(`notebook` is the whole run; other names are timings the lesson records):",
            "",
            "| lesson | claim | measured | met |",
            "|---|---|---:|---|",
        ]
        for claim in claims:
            lines.append(
                f"| {claim['lesson']} | `{claim['claim']}` | {claim['measured']} | "
                f"{_flag(claim['met'])} |"
            )
    missed = missed_run_time_claims(c)
    if missed:  # said outright, not only as a row of the table
        over = "; ".join(f"lesson {m['lesson']}, {m['measured']} (`{m['claim']}`)" for m in missed)
        lines += ["", f"**Over their run-time claim:** {over}."]
    lines.append("")
    if figure:
        lines += [f"![The timings of this run, one panel per part]({figure})", ""]
    return lines
