"""The benchmark script works (smoke mode) and its results render: checks the schema, not timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]


def run_module(
    module: str, *args: str, timeout: int = 300, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m module args`` from the repository root, as ``make bench`` does."""
    env = {**os.environ, "MPLBACKEND": "Agg", **extra_env}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def check_summary(stats: dict) -> None:
    assert stats["n"] == len(stats["seconds"]) >= 1
    assert 0 < stats["min"] <= stats["median"] <= stats["max"]


@pytest.fixture(scope="module")
def smoke_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    proc = run_module("benchmarks.run", "--smoke", "--n-train", "1024", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ratio (a)/(c)" in proc.stdout
    assert "epoch (c) / GEMM" in proc.stdout
    return out, json.loads(out.read_text())


def test_smoke_results_schema(smoke_results: tuple[Path, dict]) -> None:
    _, res = smoke_results
    assert res["schema"] == 1
    assert res["settings"]["smoke"] is True
    assert res["settings"]["parts"] == ["pipeline", "gemm", "sklearn"]
    machine = res["machine"]
    for key in ("cpu", "cores", "torch_threads", "torch", "device", "device_name", "python"):
        assert machine[key], key
    assert machine["torch"] == torch.__version__
    assert machine["device"] == "cpu"

    pipe = res["parts"]["pipeline"]
    assert set(pipe["variants"]) == {"a", "b", "c"}
    assert pipe["batch_size"] == 256 and pipe["num_workers"] == 0 and pipe["n_train"] == 1024
    for row in pipe["variants"].values():
        check_summary(row)
    assert pipe["ratio_a_over_c"] > 0 and isinstance(pipe["meets_target"], bool)
    gemm = pipe["gemm"]
    check_summary(gemm)
    assert gemm["ratio_epoch_over_gemm"] > 0 and gemm["gflop_per_s"] > 0
    # one epoch of 1024 images: 2 * B * (2*784*256 + 3*256*10) FLOP per batch
    assert gemm["flop"] == 2 * 1024 * (2 * 784 * 256 + 3 * 256 * 10)

    sk = res["parts"]["sklearn"]
    assert sk["epochs"] == 2 and set(sk["models"]) == {"sklearn", "torch"}
    for row in sk["models"].values():
        assert 0.0 <= row["test_accuracy"] <= 1.0
        check_summary(row["fit"])


def test_report_renders_table_and_chart(smoke_results: tuple[Path, dict], tmp_path: Path) -> None:
    path, res = smoke_results
    proc = run_module(
        "benchmarks.report",
        "--results",
        str(path),
        "--include-smoke",
        "--out-dir",
        str(tmp_path / "_generated"),
        "--page-dir",
        str(tmp_path),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (tmp_path / "_generated" / "performance.md").read_text()
    assert "Do not edit by hand" in page
    assert "| pipeline | seconds per epoch (median) |" in page
    assert "| model | test accuracy |" in page
    assert res["date"] in page and res["machine"]["cpu"] in page
    assert f"PyTorch {torch.__version__}" in page
    assert f"**{res['parts']['pipeline']['ratio_a_over_c']:.1f}×**" in page
    assert "](_generated/performance-cpu.png)" in page  # relative to the including page
    assert (tmp_path / "_generated" / "performance-cpu.png").read_bytes()[
        :8
    ] == b"\x89PNG\r\n\x1a\n"


def test_report_ignores_smoke_runs_by_default(
    smoke_results: tuple[Path, dict], tmp_path: Path
) -> None:
    path, _ = smoke_results
    proc = run_module("benchmarks.report", "--results", str(path), "--out-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No benchmark results yet" in (tmp_path / "performance.md").read_text()


def test_course_part_times_the_notebooks_that_exist(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    results = nbformat.v4.new_code_cell("results = {'x': 1 + 1}\nresults")
    results.metadata["tags"] = ["results"]
    nb = nbformat.v4.new_notebook(cells=[results])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["mlpcourse"] = {"speed_claims": [{"what": "notebook", "max_seconds": 60}]}
    nbformat.write(nb, notebooks / "01_tiny.ipynb")
    nbformat.write(nb, notebooks / "scratch.ipynb")  # not a numbered lesson: not timed
    # A lesson 03 whose recorded timings break two of the speed claims in its metadata.
    results_cell = nbformat.v4.new_code_cell(
        'results = {"sklearn_seconds": 20.0, "torch_seconds": 1.5}\nresults'
    )
    results_cell.metadata["tags"] = ["results"]
    nb03 = nbformat.v4.new_notebook(cells=[results_cell], metadata=dict(nb.metadata))
    nb03.metadata["mlpcourse"] = {
        "speed_claims": [
            {"what": "notebook", "max_seconds": 60},
            {"what": "sklearn_seconds", "max_seconds": 10},
            {"what": "torch_seconds", "max_seconds": 10},
            {"faster": "sklearn_seconds", "slower": "torch_seconds"},
        ]
    }
    nbformat.write(nb03, notebooks / "03_tiny.ipynb")
    out = tmp_path / "course.json"
    proc = run_module(
        "benchmarks.run",
        "--smoke",
        "--only",
        "course",
        "--no-book",
        "--notebooks-dir",
        str(notebooks),
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    course = json.loads(out.read_text())["parts"]["course"]
    assert [n["name"] for n in course["notebooks"]] == ["01_tiny.ipynb", "03_tiny.ipynb"]
    assert course["notebooks"][0]["ok"] is True and course["notebooks"][0]["seconds"] > 0
    assert course["book_build"] is None
    claims = {(c["lesson"], c["claim"]): c["met"] for c in course["speed_claims"]}
    assert claims == {
        ("01", "notebook < 60 s"): True,
        ("03", "notebook < 60 s"): True,
        ("03", "sklearn_seconds < 10 s"): False,
        ("03", "torch_seconds < 10 s"): True,
        ("03", "sklearn_seconds < torch_seconds"): False,
    }
    assert "lesson 03 sklearn_seconds < 10 s: 20.0 s  (MISSES)" in proc.stdout


def test_unknown_part_is_refused() -> None:
    proc = run_module("benchmarks.run", "--smoke", "--only", "pipeline,nonsense")
    assert proc.returncode == 2
    assert "unknown part" in proc.stderr


def test_cuda_without_a_gpu_fails_with_a_clear_message() -> None:
    # Hide any GPU from the subprocess, so this runs (and means the same) on every machine.
    proc = run_module("benchmarks.run", "--smoke", "--device", "cuda", CUDA_VISIBLE_DEVICES="")
    assert proc.returncode != 0
    assert "no CUDA device" in proc.stderr


def test_a_new_part_is_one_module_and_one_registry_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part registered in benchmarks.parts runs in run.py and appears in report.py's page."""
    import types

    from benchmarks import parts, report
    from benchmarks import run as bench_run

    fake = types.ModuleType("fake")
    fake.run = lambda args, data, device: {"answer": 42}
    fake.summary = lambda result: [f"  the answer is {result['answer']}"]
    fake.section = lambda result, figure=None: [
        "### Fake part",
        "",
        f"answer {result['answer']}",
        "",
    ]
    fake.figure_rows = lambda result: []
    registry = [*parts.PARTS, parts.Part("fake", fake, "fake", smoke=False, needs_data=False)]
    monkeypatch.setattr(parts, "PARTS", registry)
    out = tmp_path / "fake.json"
    results = bench_run.main(["--only", "fake", "--out", str(out)])
    assert results["parts"] == {"fake": {"answer": 42}}
    saved = json.loads(out.read_text())
    saved["settings"]["smoke"] = False
    page = report.render_markdown([(out, saved)], {})
    assert "### Fake part" in page and "answer 42" in page


def test_a_part_brings_its_own_options_and_chart_panel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A part's options and its chart panel need no change outside its module either."""
    import types

    from benchmarks import parts, report
    from benchmarks import run as bench_run

    fake = types.ModuleType("fake")
    fake.add_arguments = lambda parser: parser.add_argument("--fake-size", type=int, default=3)
    fake.run = lambda args, data, device: {"size": args.fake_size, "seconds": 0.25}
    fake.summary = lambda result: [f"  fake size {result['size']}"]

    def section(result: dict, figure: str | None = None) -> list[str]:
        lines = ["### Fake part", "", f"size {result['size']}", ""]
        return lines + ([f"![fake chart]({figure})", ""] if figure else [])

    fake.section = section
    fake.figure_rows = lambda result: [("Fake", "seconds", [("fake", {"median": 0.25})])]
    registry = [*parts.PARTS, parts.Part("fake", fake, "fake", smoke=True, needs_data=False)]
    monkeypatch.setattr(parts, "PARTS", registry)
    assert "fake" in bench_run.parse_args(["--smoke"]).parts

    out = tmp_path / "fake.json"
    results = bench_run.main(["--smoke", "--only", "fake", "--fake-size", "7", "--out", str(out)])
    assert results["parts"] == {"fake": {"size": 7, "seconds": 0.25}}
    assert "  fake size 7" in capsys.readouterr().out
    gen = tmp_path / "_generated"
    report.main(["--results", str(out), "--include-smoke", "--out-dir", str(gen)])
    page = (gen / "performance.md").read_text()
    assert "### Fake part\n\nsize 7\n\n![fake chart](" in page  # the only part with a panel
    assert (gen / "performance-cpu.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_committed_results_render_the_committed_page(tmp_path: Path) -> None:
    """make bench renders the page from the newest results; the two are committed together."""
    from benchmarks import report

    book = tmp_path / "book"
    report.main(["--out-dir", str(book / "_generated"), "--page-dir", str(book)])
    committed = (ROOT / "book" / "_generated" / "performance.md").read_text()
    assert (book / "_generated" / "performance.md").read_text() == committed


def test_course_part_names_the_lessons_over_their_run_time_claim() -> None:
    from benchmarks.parts import course

    claims = [
        {"lesson": "05", "claim": "notebook < 90 s", "measured": "40.0 s", "met": True},
        {"lesson": "06", "claim": "notebook < 90 s", "measured": "108.4 s", "met": False},
        {"lesson": "06", "claim": "train_seconds < 60 s", "measured": "70.0 s", "met": False},
    ]
    result = {
        "runner": "papermill",
        "notebooks": [
            {"name": "05_x.ipynb", "seconds": 40.0, "ok": True},
            {"name": "06_y.ipynb", "seconds": 108.4, "ok": True},
        ],
        "notebooks_total_seconds": 148.4,
        "target_notebooks_total_seconds": 900.0,
        "meets_target": True,
        "book_build": None,
        "speed_claims": claims,
    }
    assert [c["lesson"] for c in course.missed_run_time_claims(result)] == ["06"]
    assert "**Over their run-time claim:** lesson 06, 108.4 s (`notebook < 90 s`)." in (
        course.section(result)
    )
    assert course.summary(result)[-1] == "  lessons over their run-time claim: 06 (108.4 s)"
    result["speed_claims"] = claims[:1]
    assert not any("Over their" in line for line in course.section(result))
    assert course.summary(result)[-1] == "  lessons over their run-time claim: none"
