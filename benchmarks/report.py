"""Render the newest benchmark results as the book's performance page: a markdown table + a chart.

``python -m benchmarks.report`` (``make bench-report``) reads ``benchmarks/results/*.json``, takes
the newest full (non-smoke) run per device and writes ``book/_generated/performance.md`` and one
``performance-<device>.png`` per device. ``book/performance.md`` includes the markdown, so figure
links are relative to ``book/``. Every number on the page comes from the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
OUT_DIR = ROOT / "book" / "_generated"
PAGE_DIR = (
    ROOT / "book"
)  # book/performance.md includes the generated page: links are relative to it
DEVICE_ORDER = ("cpu", "cuda")


def load_results(paths: list[Path]) -> list[tuple[Path, dict[str, Any]]]:
    """Read results files, skipping anything that is not a benchmarks.run JSON."""
    found = []
    for path in paths:
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(data, dict) and "schema" in data and "machine" in data and "parts" in data:
            found.append((path, data))
    return found


def newest_per_device(
    results: list[tuple[Path, dict[str, Any]]], include_smoke: bool = False
) -> list[tuple[Path, dict[str, Any]]]:
    """The newest run (by its ``created`` time) for each device, CPU first."""
    best: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path, data in results:
        if data["settings"].get("smoke") and not include_smoke:
            continue
        device = data["machine"]["device"]
        if device not in best or data["created"] > best[device][1]["created"]:
            best[device] = (path, data)
    order = sorted(best, key=lambda d: (DEVICE_ORDER + (d,)).index(d))
    return [best[d] for d in order]


def _s(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _flag(ok: bool) -> str:
    return "met" if ok else "**not met**"


def machine_line(data: dict[str, Any]) -> str:
    m = data["machine"]
    device = m["device"] if m["device"] == "cpu" else f"{m['device']} ({m['device_name']})"
    line = (
        f"Measured on **{data['date']}** on **{m['cpu']}** ({m['cores']} cores, "
        f"{m['torch_threads']} PyTorch threads), PyTorch {m['torch']}, scikit-learn "
        f"{m['scikit_learn']}, device **{device}**."
    )
    load = data.get("load_average_start")
    if load:
        line += f" Load average at the start: {load[0]:g} (1 min)."
    if data.get("note"):
        line += f" Note: {data['note']}"
    return line


def pipeline_section(p: dict[str, Any], figure: str | None) -> list[str]:
    lines = [
        "### One training epoch, three input pipelines",
        "",
        f"{p['model']}, {p['optimizer']} lr {p['lr']:g}, batch size {p['batch_size']}, "
        f"{p['n_train']} training images, DataLoader num_workers={p['num_workers']}. "
        f"Epochs interleaved ({p['order']}), {p['warmup_rounds']} warm-up round excluded, "
        f"{p['rounds']} timed rounds: median and min–max.",
        "",
        "| pipeline | seconds per epoch (median) | min – max | × (c) |",
        "|---|---:|---:|---:|",
    ]
    c = p["variants"].get("c", {}).get("median")
    for v, row in p["variants"].items():
        times = f"{c and row['median'] / c:.1f}×" if c else "–"
        lines.append(
            f"| ({v}) {row['label']} | {_s(row['median'])} | "
            f"{_s(row['min'])} – {_s(row['max'])} | {times} |"
        )
    g = p.get("gemm")
    if g:
        lines.append(
            f"| bare GEMMs of one epoch (forward + backward, `torch.mm`) | {_s(g['median'])} | "
            f"{_s(g['min'])} – {_s(g['max'])} | {g['median'] / c:.2f}× |"
        )
    lines.append("")
    if "ratio_a_over_c" in p:
        lines.append(
            f"- (a) / (c) = **{p['ratio_a_over_c']:.1f}×** (target ≥ "
            f"{p['target_ratio_a_over_c']:g}: {_flag(p['meets_target'])})."
        )
    if g:
        lines.append(
            f"- Epoch (c) / GEMM time = **{g['ratio_epoch_over_gemm']:.2f}** (target ≤ "
            f"{g['target_ratio_epoch_over_gemm']:g}: {_flag(g['meets_target'])}); the GEMMs "
            f"run at {g['gflop_per_s']:g} GFLOP/s at best."
        )
    lines.append("")
    if figure:
        lines += [f"![Seconds per epoch for each input pipeline]({figure})", ""]
    return lines


def sklearn_section(s: dict[str, Any]) -> list[str]:
    lines = [
        "### scikit-learn vs PyTorch",
        "",
        f"{s['epochs']} epochs on {s['n_train']} training images, {s['preprocessing']}; "
        f"test accuracy on {s['n_test']} test images; fit time median of {s['repeats']} "
        f"(interleaved). Differences: {s['differences']}.",
        "",
        "| model | test accuracy | fit seconds (median) | min – max |",
        "|---|---:|---:|---:|",
    ]
    for row in s["models"].values():
        f = row["fit"]
        lines.append(
            f"| {row['label']} | {row['test_accuracy']:.4f} | {_s(f['median'], 1)} | "
            f"{_s(f['min'], 1)} – {_s(f['max'], 1)} |"
        )
    return [*lines, ""]


def course_section(c: dict[str, Any]) -> list[str]:
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
    return [*lines, ""]


def render_markdown(chosen: list[tuple[Path, dict[str, Any]]], figures: dict[str, str]) -> str:
    """The page body for the newest results per device (no title: the book page has one)."""
    lines = [
        "<!-- Generated by `make bench-report` (benchmarks/report.py) from the results JSON "
        "named below. Do not edit by hand. -->",
        "",
    ]
    if not chosen:
        lines += [
            "No benchmark results yet: run `make bench` to measure them on this machine.",
            "",
        ]
    for path, data in chosen:
        device = data["machine"]["device"]
        lines += [
            f"## Results on {'the CPU' if device == 'cpu' else 'a GPU (' + device + ')'}",
            "",
            machine_line(data),
            f"Source: `{os.path.relpath(path, ROOT)}`.",
            "",
        ]
        parts = data["parts"]
        if "pipeline" in parts:
            lines += pipeline_section(parts["pipeline"], figures.get(device))
        if "sklearn" in parts:
            lines += sklearn_section(parts["sklearn"])
        if "course" in parts:
            lines += course_section(parts["course"])
    return "\n".join(lines).rstrip() + "\n"


def figure_panels(data: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, dict]]]]:
    """(title, x label, [(bar label, {median, min, max})]) for each part the results hold."""
    parts = data["parts"]
    panels = []
    if "pipeline" in parts:
        p = parts["pipeline"]
        rows = [(f"({v})\n{r['label']}", r) for v, r in p["variants"].items()]
        if "gemm" in p:
            rows.append(("bare GEMMs\n(one epoch)", p["gemm"]))
        panels.append(("One epoch, 784-256-10, batch 256", "seconds per epoch", rows))
    if "sklearn" in parts:
        s = parts["sklearn"]
        rows = [
            (f"{name}\nacc {r['test_accuracy']:.3f}", r["fit"]) for name, r in s["models"].items()
        ]
        panels.append((f"Fit, (100,) hidden, {s['epochs']} epochs", "fit seconds", rows))
    if "course" in parts and parts["course"]["notebooks"]:
        c = parts["course"]
        rows = [
            (nb["name"].removesuffix(".ipynb"), {"median": nb["seconds"]}) for nb in c["notebooks"]
        ]
        if c.get("book_build") and c["book_build"]["seconds"] is not None:
            rows.append(("book build", {"median": c["book_build"]["seconds"]}))
        title = f"The course: notebooks total {c['notebooks_total_seconds']:.0f} s"
        panels.append((title, "seconds", rows))
    return panels


def render_figure(data: dict[str, Any], path: Path) -> bool:
    """Horizontal bar charts (median, min–max whiskers), one panel per part; False if none."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = figure_panels(data)
    if not panels:
        return False
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 3.6), squeeze=False)
    palette = ["#c44e52", "#dd8452", "#4c72b0", "#8c8c8c", "#55a868", "#8172b3", "#937860"]
    for ax, (title, xlabel, rows) in zip(axes[0], panels, strict=True):
        stats = [st for _, st in rows]
        med = [st["median"] for st in stats]
        lo = [st.get("min", st["median"]) for st in stats]
        hi = [st.get("max", st["median"]) for st in stats]
        has_spread = any("min" in st for st in stats)
        y = list(range(len(rows)))
        colors = [palette[i % len(palette)] for i in y]
        xerr = [
            [m - a for m, a in zip(med, lo, strict=True)],
            [b - m for m, b in zip(med, hi, strict=True)],
        ]
        ax.barh(y, med, xerr=xerr if has_spread else None, color=colors, capsize=3)
        for yi, m, b in zip(y, med, hi, strict=True):
            ax.text(b, yi, f"  {m:.3g} s", va="center", ha="left", fontsize=8)
        ax.set_yticks(y, [label for label, _ in rows], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel + (" (median, min–max)" if has_spread else ""))
        ax.set_title(title, fontsize=10)
        ax.set_xlim(0, max(hi) * 1.35)
    m = data["machine"]
    fig.suptitle(
        f"{data['date']} · {m['cpu']} · {m['cores']} cores · torch {m['torch']} · "
        f"{m['device_name'] if m['device'] != 'cpu' else 'cpu'}",
        fontsize=9,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__)
    parser.add_argument(
        "--results", type=Path, nargs="*", help="results files (default: benchmarks/results/*.json)"
    )
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    parser.add_argument(
        "--page-dir",
        type=Path,
        default=PAGE_DIR,
        help="folder of the page that includes the generated file (figure links are relative to it)",
    )
    parser.add_argument("--include-smoke", action="store_true", help="also accept smoke runs")
    args = parser.parse_args(argv)
    paths = args.results if args.results else sorted(RESULTS_DIR.glob("*.json"))
    chosen = newest_per_device(load_results(paths), include_smoke=args.include_smoke)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    figures = {}
    for _, data in chosen:
        device = data["machine"]["device"]
        name = f"performance-{device}.png"
        if render_figure(data, args.out_dir / name):
            figures[device] = Path(os.path.relpath(args.out_dir / name, args.page_dir)).as_posix()
    page = args.out_dir / "performance.md"
    page.write_text(render_markdown(chosen, figures))
    for path, _ in chosen:
        print(f"rendered {os.path.relpath(path, ROOT)}")
    print(f"wrote {page} and {len(figures)} figure(s)")
    return page


if __name__ == "__main__":
    main()
