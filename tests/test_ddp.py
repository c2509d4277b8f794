"""mlpcourse.ddp: the data-parallel training script, its argument errors, one and two processes
agreeing, and a clean failure (no hang, nothing half-written) when a process dies."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlpcourse import MLP, load_checkpoint
from mlpcourse.ddp import device_plan, parse_args

TORCHRUN = str(Path(sys.executable).with_name("torchrun"))
TINY = ["--epochs", "1", "--n-train", "3000", "--global-batch-size", "100", "--seed", "3"]


def run(args: list[str], nproc: int | None, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    launcher = [TORCHRUN, f"--nproc_per_node={nproc}", "-m"] if nproc else [sys.executable, "-m"]
    return subprocess.run(
        [*launcher, "mlpcourse.ddp", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )


@pytest.mark.parametrize(
    ("argv", "world", "message"),
    [
        (["--global-batch-size", "255"], 2, "does not split evenly over 2 processes"),
        (["--epochs", "0"], 1, "--epochs must be at least 1"),
        (["--lr", "-1"], 1, "--lr must be positive"),
        (["--n-train", "1"], 1, "--n-train must be at least 2"),
        (["--hidden", "0"], 1, "--hidden sizes must be positive"),
        (["--val-fraction", "1.5"], 1, "between 0 and 1"),
        (["--epochs", "two"], 1, "invalid int value"),
        (["--snapshot-steps", "0"], 1, "--snapshot-steps must be at least 1"),
    ],
)
def test_argument_errors_say_what_to_do(
    argv: list[str], world: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(argv, world_size=world)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_output_path_that_is_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--out", str(tmp_path)])
    assert "is a folder" in capsys.readouterr().err


def test_one_and_two_processes_agree_and_rank_0_saves(tmp_path: Path) -> None:
    one = run([*TINY, "--out", "one.json", "--snapshot", "one_early.pt"], None, tmp_path)
    assert one.returncode == 0, one.stderr
    two = run(
        [*TINY, "--out", "two.json", "--checkpoint", "two.pt", "--snapshot", "two_early.pt"],
        2,
        tmp_path,
    )
    assert two.returncode == 0, two.stderr
    a = json.loads((tmp_path / "one.json").read_text())
    b = json.loads((tmp_path / "two.json").read_text())
    assert (a["world_size"], b["world_size"]) == (1, 2)
    assert b["backend"] == "gloo" and b["per_process_batch_size"] == 50
    assert a["steps"] == b["steps"]  # the same global batches
    assert abs(a["val_accuracy"] - b["val_accuracy"]) <= 0.01
    assert b["val_accuracy"] > 0.6
    assert two.stdout.count("epoch 1:") == 1, "only rank 0 logs"
    load_checkpoint(tmp_path / "two.pt", MLP(784, [256], 10))
    # the same global batches: after 5 steps the weights agree to float rounding
    early = {}
    for name in ("one", "two"):
        early[name] = MLP(784, [256], 10)
        assert load_checkpoint(tmp_path / f"{name}_early.pt", early[name])["steps"] == 5
    gap = max(
        (p - q).abs().max().item()
        for p, q in zip(early["one"].parameters(), early["two"].parameters(), strict=True)
    )
    assert gap <= 1e-6


def test_a_dying_process_fails_the_run_cleanly(tmp_path: Path) -> None:
    # tests/ddp_dying_worker.py runs mlpcourse.ddp with rank 1 exiting after its first step
    worker = Path(__file__).with_name("ddp_dying_worker.py")
    done = subprocess.run(
        [TORCHRUN, "--nproc_per_node=2", str(worker), *TINY, "--out", "r.json"]
        + ["--checkpoint", "r.pt"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert done.returncode != 0
    assert "exitcode" in done.stderr or "failed" in done.stderr.lower()
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "r.pt").exists()
    assert not list(tmp_path.glob("*.tmp")), "half-written files left behind"


# --- the device plan: 0, 1 and 2 GPUs (the count is simulated) ----------------------------------


@pytest.mark.parametrize(
    ("requested", "local_rank", "nproc", "gpus", "device", "backend", "said"),
    [
        (None, 0, 1, 0, "cpu", "gloo", "no GPU"),
        (None, 1, 2, 0, "cpu", "gloo", "no GPU"),
        (None, 0, 1, 1, "cuda:0", "nccl", "one GPU per process"),
        # Colab's GPU runtime: one GPU, two processes -> both on the CPU, and the reason
        (None, 0, 2, 1, "cpu", "gloo", "--nproc_per_node=1"),
        (None, 1, 2, 1, "cpu", "gloo", "NCCL needs one GPU per process"),
        (None, 1, 2, 2, "cuda:1", "nccl", "2 processes, 2 GPUs"),
        ("cuda", 1, 2, 2, "cuda:1", "nccl", "one GPU per process"),
        ("cpu", 1, 2, 2, "cpu", "gloo", "as asked"),
    ],
)
def test_device_plan_gives_every_process_a_device_that_exists(
    requested: str | None,
    local_rank: int,
    nproc: int,
    gpus: int,
    device: str,
    backend: str,
    said: str,
) -> None:
    plan = device_plan(requested, local_rank, nproc, gpus)
    assert (str(plan.device), plan.backend) == (device, backend)
    assert said in plan.reason
    if plan.device.type == "cuda":
        assert plan.device.index < gpus


@pytest.mark.parametrize(
    ("nproc", "gpus", "message"),
    [(1, 0, "sees none here"), (2, 1, "--nproc_per_node=1, or use --device cpu")],
)
def test_an_explicit_cuda_request_that_cannot_be_met_is_an_error(
    nproc: int, gpus: int, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        device_plan("cuda", 0, nproc, gpus)


def test_the_script_refuses_an_unmet_cuda_request_before_training(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import torch

    from mlpcourse import ddp

    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    for variable in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("MLPCOURSE_DEVICE", "cuda")
    with pytest.raises(SystemExit, match="asks for a GPU"):
        ddp.main(["--epochs", "1", "--out", str(tmp_path / "r.json")])
    assert not (tmp_path / "r.json").exists()


def test_two_processes_say_which_plan_they_chose(tmp_path: Path) -> None:
    done = run([*TINY, "--n-train", "400", "--out", "r.json"], 2, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("device plan:") == 1, "rank 0 says it once"
    assert json.loads((tmp_path / "r.json").read_text())["device_plan"].startswith("the CPU")


def test_nothing_test_only_ships_in_the_script() -> None:
    from mlpcourse import ddp

    text = Path(ddp.__file__).read_text()
    assert "_exit" not in text and "CRASH" not in text, "test hooks belong in tests/"


# --- nothing lost, no nonsense reported as success (issue: reliability) -------------------------


def test_out_and_checkpoint_naming_one_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    same = str(tmp_path / "run.out")
    with pytest.raises(SystemExit):
        parse_args(["--out", same, "--checkpoint", same])
    assert "one would replace the other" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_args(["--checkpoint", same, "--snapshot", same])
    assert "--checkpoint and --snapshot both name" in capsys.readouterr().err


def test_an_out_path_under_a_file_is_refused_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    with pytest.raises(SystemExit):
        parse_args(["--out", str(tmp_path / "notes.txt" / "run.json")])
    assert "is a file, not a folder" in capsys.readouterr().err


def test_a_global_batch_of_zero_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--global-batch-size", "0"])
    assert "--global-batch-size must be at least 1" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["two", "0", "-1"])
def test_a_malformed_world_size_says_what_is_wrong(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlpcourse import ddp

    monkeypatch.setenv("WORLD_SIZE", value)
    with pytest.raises(SystemExit, match=rf"WORLD_SIZE='{value}' is not a whole number"):
        ddp.main(["--epochs", "1"])


def test_fewer_examples_than_one_global_batch_is_an_error_not_an_untrained_success(
    tmp_path: Path,
) -> None:
    done = run(["--epochs", "1", "--n-train", "100", "--out", "r.json"], None, tmp_path)
    assert done.returncode != 0
    assert "fewer than one global batch of 256" in done.stderr
    assert not (tmp_path / "r.json").exists()


def test_a_diverged_run_fails_and_writes_no_nan(tmp_path: Path) -> None:
    done = run([*TINY, "--lr", "1e30", "--out", "r.json", "--checkpoint", "r.pt"], None, tmp_path)
    assert done.returncode != 0
    assert "training diverged" in done.stderr and "Lower --lr" in done.stderr
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "r.pt").exists()


def test_results_are_strict_json(tmp_path: Path) -> None:
    from mlpcourse.ddp import _write_json

    _write_json(tmp_path / "ok.json", {"a": 1.5})
    assert json.loads((tmp_path / "ok.json").read_text()) == {"a": 1.5}
    with pytest.raises(ValueError):
        _write_json(tmp_path / "bad.json", {"a": float("nan")})
    assert [p.name for p in tmp_path.iterdir()] == ["ok.json"], "nothing half-written is left"
