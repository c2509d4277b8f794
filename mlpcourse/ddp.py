"""Data-parallel training of the course's Fashion-MNIST MLP with ``torch.distributed``.

Run it under ``torchrun``, which starts the processes and tells each its rank::

    torchrun --nproc_per_node=2 -m mlpcourse.ddp --epochs 3 --out run.json
    torchrun --nnodes=2 --nproc-per-node=4 --rdzv-backend=c10d --rdzv-endpoint=10.0.0.1:29500 \
        --rdzv-id=fashion-1 -m mlpcourse.ddp   # the same line on every machine

or on its own (``python -m mlpcourse.ddp ...``) as a single process. Each process trains a copy
of the model on its own share of every global batch (``DistributedSampler`` deals the shares;
each process then takes its batches from the tensors by indexing, as the lessons' loop does,
rather than one example at a time through a ``DataLoader``); ``DistributedDataParallel``
all-reduces (averages) the gradients during each backward pass, so every copy takes the same
step. The device plan (:func:`device_plan`) gives each process a GPU of
its own with nccl when the machine has one per process, and otherwise trains on the CPU with gloo,
saying so: NCCL cannot put two processes on one GPU, so two processes on Colab's one GPU train on
the CPU. ``--device cuda`` (or ``MLPCOURSE_DEVICE=cuda``) that cannot be met is an error.
Only rank 0 evaluates, logs and saves: the checkpoint atomically (``save_checkpoint``) and the
measurements as JSON. Introduced in lesson 10.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DistributedSampler, TensorDataset

from mlpcourse.checkpoints import save_checkpoint
from mlpcourse.data import flatten_images, load_fashion_mnist, train_val_split
from mlpcourse.env import set_seed
from mlpcourse.evaluation import evaluate
from mlpcourse.files import check_writable_file, write_atomically
from mlpcourse.models import MLP

__all__ = ["DevicePlan", "device_plan", "main", "parse_args", "train"]


def parse_args(argv: list[str] | None = None, world_size: int = 1) -> argparse.Namespace:
    """Parse and check the command line; exit with a clear message on bad arguments.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).
    world_size : int, default 1
        The number of processes, to check that the global batch splits evenly among them.

    Returns
    -------
    argparse.Namespace
        The settings.
    """
    parser = argparse.ArgumentParser(
        prog="python -m mlpcourse.ddp",
        description="Train the course's Fashion-MNIST MLP with DistributedDataParallel "
        "(start it with torchrun --nproc_per_node=N -m mlpcourse.ddp ...).",
    )
    parser.add_argument("--epochs", type=int, default=3, help="passes over the training data")
    parser.add_argument(
        "--global-batch-size",
        type=int,
        default=256,
        help="examples per step, summed over all processes (each gets an equal share)",
    )
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate")
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    parser.add_argument("--hidden", type=int, nargs="+", default=[256], help="hidden sizes")
    parser.add_argument("--n-train", type=int, default=None, help="use the first N training images")
    parser.add_argument("--val-fraction", type=float, default=0.1, help="held out for validation")
    parser.add_argument("--seed", type=int, default=0, help="seeds weights, split and shuffling")
    parser.add_argument(
        "--device",
        choices=("cpu", "cuda"),
        default=None,
        help="cpu or cuda (default: $MLPCOURSE_DEVICE, else one GPU per process when there are "
        "enough, else the CPU)",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="CPU threads per process (default: cores / N)"
    )
    parser.add_argument(
        "--snapshot",
        type=Path,
        default=None,
        help="also save the model here after --snapshot-steps steps (to compare runs early on)",
    )
    parser.add_argument(
        "--snapshot-steps", type=int, default=5, help="steps before the --snapshot (default 5)"
    )
    parser.add_argument("--out", type=Path, default=None, help="write measurements here (JSON)")
    parser.add_argument("--checkpoint", type=Path, default=None, help="save the model here")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    if args.global_batch_size < 1:
        parser.error(f"--global-batch-size must be at least 1, got {args.global_batch_size}")
    if args.global_batch_size < world_size or args.global_batch_size % world_size:
        parser.error(
            f"--global-batch-size {args.global_batch_size} does not split evenly over "
            f"{world_size} processes: use a multiple of {world_size}"
        )
    if args.lr <= 0:
        parser.error(f"--lr must be positive, got {args.lr}")
    if not 0 < args.val_fraction < 1:
        parser.error(f"--val-fraction must be between 0 and 1, got {args.val_fraction}")
    if args.n_train is not None and args.n_train < 2 * world_size:
        parser.error(f"--n-train must be at least {2 * world_size}, got {args.n_train}")
    if any(h < 1 for h in args.hidden):
        parser.error(f"--hidden sizes must be positive, got {args.hidden}")
    if args.snapshot_steps < 1:
        parser.error(f"--snapshot-steps must be at least 1, got {args.snapshot_steps}")
    if args.threads is not None and args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    # every output is checked now, before training, not found unwritable after it
    outputs = (
        (args.out, "--out"),
        (args.checkpoint, "--checkpoint"),
        (args.snapshot, "--snapshot"),
    )
    for path, what in outputs:
        if path is not None:
            try:
                check_writable_file(path, what)
            except ValueError as err:
                parser.error(str(err))
    named = [(what, Path(path).resolve()) for path, what in outputs if path is not None]
    for i, (what, path) in enumerate(named):
        for other, other_path in named[i + 1 :]:
            if path == other_path:
                parser.error(
                    f"{what} and {other} both name {path}: one would replace the other; give "
                    "each its own file name"
                )
    return args


class DevicePlan(NamedTuple):
    """Where one process trains: its device, the process group's backend, and why."""

    device: torch.device
    backend: str
    reason: str


def device_plan(
    requested: str | None, local_rank: int, local_world_size: int, gpu_count: int
) -> DevicePlan:
    """Choose this process's device and the backend for ``local_world_size`` processes per machine.

    NCCL needs one GPU per process: with at least ``local_world_size`` GPUs, process ``local_rank``
    takes ``cuda:<local_rank>``. With fewer GPUs (Colab's one GPU and two processes, say) the
    automatic choice trains on the CPU with gloo and says why; an explicit ``"cuda"`` request that
    cannot be met raises ``ValueError`` with what to do instead.

    Parameters
    ----------
    requested : {"cpu", "cuda"} or None
        The device asked for; None chooses automatically.
    local_rank : int
        This process's index on its machine (torchrun's ``LOCAL_RANK``).
    local_world_size : int
        Processes on this machine (torchrun's ``LOCAL_WORLD_SIZE``).
    gpu_count : int
        CUDA devices this machine has (``torch.cuda.device_count()``).

    Returns
    -------
    DevicePlan
        ``(device, backend, reason)``; the backend is ``"nccl"`` on GPUs, ``"gloo"`` on the CPU.
    """
    if requested not in (None, "cpu", "cuda"):
        raise ValueError(f"device {requested!r}: use 'cpu' or 'cuda', or leave it unset")
    if not 0 <= local_rank < local_world_size:
        raise ValueError(f"LOCAL_RANK {local_rank} is not in 0..{local_world_size - 1}")
    processes = f"{local_world_size} process{'es' if local_world_size > 1 else ''}"
    gpus = f"{gpu_count} GPU{'' if gpu_count == 1 else 's'}"
    if requested == "cpu":
        return DevicePlan(torch.device("cpu"), "gloo", "the CPU, as asked (gloo)")
    if 0 < local_world_size <= gpu_count:
        return DevicePlan(
            torch.device("cuda", local_rank),
            "nccl",
            f"one GPU per process: {processes}, {gpus} on this machine (nccl)",
        )
    if requested == "cuda":
        if gpu_count == 0:
            raise ValueError(
                "--device cuda (or MLPCOURSE_DEVICE=cuda) asks for a GPU, but PyTorch sees none "
                "here: use --device cpu, or leave the device unset to choose automatically"
            )
        raise ValueError(
            f"--device cuda needs one GPU per process (NCCL cannot share a GPU between "
            f"processes): {processes} on this machine but {gpus}. Start torchrun with "
            f"--nproc_per_node={gpu_count}, or use --device cpu"
        )
    if gpu_count == 0:
        return DevicePlan(torch.device("cpu"), "gloo", "the CPU: no GPU here (gloo)")
    return DevicePlan(
        torch.device("cpu"),
        "gloo",
        f"the CPU (gloo): {processes} on this machine but {gpus}, and NCCL needs one GPU per "
        f"process; start torchrun with --nproc_per_node={gpu_count} to train on the GPU",
    )


def _local_world_size(world_size: int) -> int:
    """Return the processes on this machine: torchrun's ``LOCAL_WORLD_SIZE``, else the world size."""
    return int(os.environ.get("LOCAL_WORLD_SIZE", world_size))


def _env_int(name: str, default: int, least: int) -> int:
    """Return the environment variable ``name`` as a whole number, or exit saying what is wrong."""
    text = os.environ.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        value = least - 1
    if value < least:
        raise SystemExit(
            f"python -m mlpcourse.ddp: error: {name}={text!r} is not a whole number of at least "
            f"{least}. torchrun sets it for each process; to run one process, unset it "
            f"(unset RANK WORLD_SIZE LOCAL_RANK LOCAL_WORLD_SIZE)"
        )
    return value


def _distributed_env() -> tuple[int, int, int]:
    """Return (rank, world size, local rank) as torchrun sets them; (0, 1, 0) on its own."""
    world_size = _env_int("WORLD_SIZE", 1, least=1)
    rank, local_rank = _env_int("RANK", 0, least=0), _env_int("LOCAL_RANK", 0, least=0)
    if rank >= world_size:
        raise SystemExit(f"python -m mlpcourse.ddp: error: RANK={rank} but WORLD_SIZE={world_size}")
    return rank, world_size, local_rank


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write strict JSON atomically: the old file or the whole new one, never half of one."""
    text = json.dumps(data, indent=1, allow_nan=False)  # a NaN here is a bug: refuse, not write
    write_atomically(path, text.encode("utf-8"))


def _time_allreduce(model: nn.Module, device: torch.device, repeats: int = 20) -> float:
    """Return the seconds one all-reduce of all the model's gradients takes (the median)."""
    buffer = torch.zeros(sum(p.numel() for p in model.parameters()), device=device)
    times = []
    for _ in range(repeats):
        dist.barrier()
        start = time.perf_counter()
        dist.all_reduce(buffer)
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def train(args: argparse.Namespace) -> dict[str, Any] | None:
    """Train under the process group torchrun set up (or alone); return rank 0's measurements.

    Parameters
    ----------
    args : argparse.Namespace
        Settings from :func:`parse_args`.

    Returns
    -------
    dict or None
        On rank 0: accuracy, throughput and settings; None on the other ranks.
    """
    rank, world_size, local_rank = _distributed_env()
    local_world_size = _local_world_size(world_size)
    requested = args.device or os.environ.get("MLPCOURSE_DEVICE") or None
    try:
        device, backend, reason = device_plan(
            requested, local_rank, local_world_size, torch.cuda.device_count()
        )
    except ValueError as err:
        raise SystemExit(f"python -m mlpcourse.ddp: error: {err}") from None
    if rank == 0:
        print(f"device plan: {reason}", flush=True)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    # the cores of this machine, shared by the processes on it (not by the whole world)
    threads = args.threads or max(1, (os.cpu_count() or 1) // local_world_size)
    torch.set_num_threads(threads)
    distributed = world_size > 1
    if distributed:
        dist.init_process_group(backend, timeout=datetime.timedelta(seconds=120))

    set_seed(args.seed)  # the same seed everywhere: identical initial weights in every process
    data = load_fashion_mnist(download=False)
    X, y = flatten_images(data.X_train), data.y_train
    if args.n_train is not None:
        X, y = X[: args.n_train], y[: args.n_train]
    X_train, X_val, y_train, y_val = train_val_split(X, y, args.val_fraction, seed=args.seed)
    if len(X_train) < args.global_batch_size:
        raise SystemExit(
            f"python -m mlpcourse.ddp: error: {len(X_train)} training examples are fewer than "
            f"one global batch of {args.global_batch_size}, so no step would be taken: lower "
            "--global-batch-size or raise --n-train"
        )

    model = MLP(784, args.hidden, 10).to(device)
    ddp_model = nn.parallel.DistributedDataParallel(model) if distributed else model
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=args.lr, momentum=args.momentum)
    loss_fn = nn.CrossEntropyLoss()
    per_process = args.global_batch_size // world_size
    dataset = TensorDataset(X_train, y_train)
    sampler = DistributedSampler(
        dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=args.seed, drop_last=True
    )
    X_train, y_train = X_train.to(device), y_train.to(device)
    steps_per_epoch = len(sampler) // per_process

    epochs_log = []
    train_seconds = 0.0
    steps = 0
    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same in every process
        share = torch.tensor(list(sampler), device=device)  # this process's indices, in order
        ddp_model.train()
        if distributed:
            dist.barrier()
        start = time.perf_counter()
        for i in range(steps_per_epoch):
            rows = share[i * per_process : (i + 1) * per_process]
            loss = loss_fn(ddp_model(X_train[rows]), y_train[rows])
            optimizer.zero_grad()
            loss.backward()  # DDP all-reduces the gradients here
            optimizer.step()
            steps += 1
            if steps == args.snapshot_steps and args.snapshot is not None and rank == 0:
                save_checkpoint(args.snapshot, model, metadata={"steps": steps})
        if not torch.isfinite(loss.detach()).all():
            raise SystemExit(
                f"python -m mlpcourse.ddp: error: the training loss became {loss.item()} in epoch "
                f"{epoch}: training diverged. Lower --lr (now {args.lr:g}); nothing was saved."
            )
        if device.type == "cuda":
            torch.cuda.synchronize()
        if distributed:
            dist.barrier()  # the epoch ends when the slowest process ends it
        train_seconds += time.perf_counter() - start
        if rank == 0:
            val_loss, val_acc = evaluate(model, loss_fn, X_val, y_val)
            epochs_log.append({"epoch": epoch, "val_loss": val_loss, "val_accuracy": val_acc})
            print(f"epoch {epoch}: val loss {val_loss:.4f}, val accuracy {val_acc:.4f}", flush=True)

    allreduce_seconds = _time_allreduce(model, device) if distributed else 0.0

    result = None
    if rank == 0:
        samples = steps * per_process * world_size
        result = {
            "world_size": world_size,
            "backend": backend if distributed else "none (one process)",
            "device": str(device),
            "device_plan": reason,
            "threads_per_process": threads,
            "global_batch_size": args.global_batch_size,
            "per_process_batch_size": per_process,
            "lr": args.lr,
            "epochs": args.epochs,
            "steps": steps,
            "n_train": len(X_train),
            "n_val": len(X_val),
            "train_seconds": train_seconds,
            "samples_per_second": samples / train_seconds,
            "val_accuracy": epochs_log[-1]["val_accuracy"],
            "val_loss": epochs_log[-1]["val_loss"],
            "history": epochs_log,
            "parameters": sum(p.numel() for p in model.parameters()),
            "bytes_allreduced_per_step": 4 * sum(p.numel() for p in model.parameters()),
            "allreduce_seconds_per_step": allreduce_seconds,
            "seconds_per_step": train_seconds / max(steps, 1),
        }
        if args.checkpoint is not None:
            save_checkpoint(args.checkpoint, model, metadata={"hidden": list(args.hidden)})
        if args.out is not None:
            _write_json(args.out, result)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()
    return result


def main(argv: list[str] | None = None) -> int:
    """Run from the command line (``python -m mlpcourse.ddp`` or under ``torchrun``).

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success.
    """
    _, world_size, _ = _distributed_env()
    args = parse_args(argv, world_size)
    train(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
