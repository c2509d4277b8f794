"""Parts ``pipeline`` and ``gemm``: one epoch of the 784-256-10 MLP fed three ways, and the bare
matrix products of that epoch (the floor), timed in interleaved rounds.

(a) the tutorials' per-sample Dataset (PIL image -> ToTensor) in a DataLoader, (b) TensorDataset
+ DataLoader, (c) ``mlpcourse.batches`` over tensors prepared once. Epochs are interleaved in
rounds (a, b, c, a, b, c, ...) after one warm-up round; the GEMMs are timed in the same rounds,
best of three per round, and reported as epoch (c) / GEMM time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

from benchmarks.common import BATCH_SIZE, LR, SIZES, _flag, _s, summarize, sync
from mlpcourse import MLP, batches, flatten_images

TARGET_PIPELINE_RATIO = 4.0  # (a) / (c) at least this on 2 CPU cores
TARGET_GEMM_RATIO = 2.0  # epoch (c) / GEMM time at most this

VARIANTS = {
    "a": "per-sample Dataset (PIL + ToTensor) + DataLoader",
    "b": "TensorDataset + DataLoader",
    "c": "mlpcourse.data.batches over tensors",
}


def to_tensor(pic: Any) -> torch.Tensor:
    """torchvision's ``ToTensor()`` for a mode-'L' PIL image: float (1, H, W) scaled to [0, 1]."""
    img = torch.from_numpy(np.array(pic, np.uint8, copy=True))
    img = img.view(pic.size[1], pic.size[0], 1).permute((2, 0, 1)).contiguous()
    return img.to(dtype=torch.get_default_dtype()).div(255)


class TutorialFashionMNIST(Dataset):
    """Reproduces torchvision's ``FashionMNIST(transform=ToTensor())`` (torchvision has no CPU build here)."""

    def __init__(self, images: torch.Tensor, targets: torch.Tensor) -> None:
        self.data, self.targets = images, targets

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        from PIL import Image

        # As torchvision's MNIST.__getitem__: uint8 array -> PIL image -> transform.
        img, target = self.data[index], int(self.targets[index])
        img = Image.fromarray(img.numpy(), mode="L")
        return to_tensor(img), target


def train_epoch(
    model: nn.Module,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    loader: Iterable[tuple[torch.Tensor, torch.Tensor]],
    device: torch.device,
) -> float:
    """One epoch of the course's loop over ``loader``; returns the summed loss (one sync)."""
    total = torch.zeros((), device=device)
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)  # a per-batch copy for (a)/(b); no-op for (c)
        logits = model(xb)
        loss = loss_fn(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.detach()
    return total.item()


def batch_sizes(n: int, batch_size: int) -> list[int]:
    """The sizes of an epoch's minibatches (the last one may be short)."""
    sizes = [batch_size] * (n // batch_size)
    return sizes + ([n % batch_size] if n % batch_size else [])


class GemmEpoch:
    """The bare matrix products of one epoch of a d_in-d_hidden-d_out MLP, with fixed operands."""

    def __init__(self, n: int, batch_size: int, device: torch.device, seed: int) -> None:
        d_in, d_h, d_out = SIZES
        gen = torch.Generator().manual_seed(seed)
        self.device = device
        self.sizes = batch_sizes(n, batch_size)
        self.operands: dict[int, tuple[torch.Tensor, ...]] = {}
        for b in set(self.sizes):
            x, w1, h, w2, g2, g1 = (
                torch.rand(shape, generator=gen).to(device)
                for shape in ((b, d_in), (d_h, d_in), (b, d_h), (d_out, d_h), (b, d_out), (b, d_h))
            )
            outs = (
                torch.empty(b, d_h, device=device),  # layer-1 output
                torch.empty(b, d_out, device=device),  # logits
                torch.empty(d_out, d_h, device=device),  # grad W2
                torch.empty(b, d_h, device=device),  # grad of the hidden activations
                torch.empty(d_h, d_in, device=device),  # grad W1
            )
            self.operands[b] = (x, w1, h, w2, g2, g1, *outs)
        self.flop = sum(2 * b * (2 * d_in * d_h + 3 * d_h * d_out) for b in self.sizes)

    def run(self) -> float:
        """Run the epoch's products once; return the seconds they took."""
        sync(self.device)
        start = time.perf_counter()
        for b in self.sizes:
            x, w1, h, w2, g2, g1, z1, z2, gw2, gh, gw1 = self.operands[b]
            torch.mm(x, w1.t(), out=z1)  # forward, layer 1: (B,784) @ (784,256)
            torch.mm(h, w2.t(), out=z2)  # forward, layer 2: (B,256) @ (256,10)
            torch.mm(g2.t(), h, out=gw2)  # backward, grad W2: (10,B) @ (B,256)
            torch.mm(g2, w2, out=gh)  # backward, grad input of layer 2: (B,10) @ (10,256)
            torch.mm(g1.t(), x, out=gw1)  # backward, grad W1: (256,B) @ (B,784)
        sync(self.device)
        return time.perf_counter() - start

    def best_of(self, k: int) -> float:
        """The fastest of ``k`` runs."""
        return min(self.run() for _ in range(k))


def bench_pipeline(
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    device: torch.device,
    repeats: int,
    seed: int,
    variants: str,
    with_gemm: bool,
) -> dict[str, Any]:
    """Time epochs of (a), (b), (c) (those in ``variants``) and the GEMMs, interleaved in rounds."""
    X_flat = flatten_images(X_train)  # float32 (N, 784) in [0, 1], prepared once
    X_dev, y_dev = X_flat.to(device), y_train.to(device)  # (c) moves the data to the device once
    gens = {v: torch.Generator().manual_seed(seed) for v in variants}
    make_loader: dict[str, Callable[[], Iterable[tuple[torch.Tensor, torch.Tensor]]]] = {
        # num_workers=0: the DataLoader default, and what a 2-core machine leaves room for.
        "a": lambda: DataLoader(
            TutorialFashionMNIST(X_train, y_train),
            batch_size=BATCH_SIZE,
            shuffle=True,
            num_workers=0,
            generator=gens["a"],
        ),
        "b": lambda: DataLoader(
            TensorDataset(X_flat, y_train),
            batch_size=BATCH_SIZE,
            shuffle=True,
            num_workers=0,
            generator=gens["b"],
        ),
        "c": lambda: batches(X_dev, y_dev, BATCH_SIZE, shuffle=True, generator=gens["c"]),
    }
    setups = {}
    for v in variants:
        torch.manual_seed(seed)  # the same initial weights for every pipeline
        model = MLP(SIZES[0], [SIZES[1]], SIZES[2]).to(device)
        setups[v] = (model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=LR))
    gemm = GemmEpoch(len(X_train), BATCH_SIZE, device, seed) if with_gemm else None

    times: dict[str, list[float]] = {v: [] for v in variants}
    gemm_times: list[float] = []
    losses: dict[str, float] = {}
    for round_ in range(repeats + 1):  # round 0 is the warm-up, not recorded
        for v in variants:
            model, loss_fn, optimizer = setups[v]
            sync(device)
            start = time.perf_counter()
            loss_sum = train_epoch(model, loss_fn, optimizer, make_loader[v](), device)
            sync(device)
            elapsed = time.perf_counter() - start
            if round_:
                times[v].append(elapsed)
            losses[v] = loss_sum / len(batch_sizes(len(X_train), BATCH_SIZE))
        if gemm is not None:
            best = gemm.best_of(3)
            if round_:
                gemm_times.append(best)

    out: dict[str, Any] = {
        "n_train": len(X_train),
        "batch_size": BATCH_SIZE,
        "lr": LR,
        "optimizer": "SGD",
        "model": "MLP(784, [256], 10)",
        "num_workers": 0,
        "warmup_rounds": 1,
        "rounds": repeats,
        "order": "interleaved: " + ", ".join(variants) + (", gemm" if gemm else "") + " per round",
        "variants": {
            v: {"label": VARIANTS[v], **summarize(times[v]), "last_mean_loss": round(losses[v], 4)}
            for v in variants
        },
    }
    if "a" in variants and "c" in variants:
        ratio = out["variants"]["a"]["median"] / out["variants"]["c"]["median"]
        out["ratio_a_over_c"] = round(ratio, 2)
        out["target_ratio_a_over_c"] = TARGET_PIPELINE_RATIO
        out["meets_target"] = ratio >= TARGET_PIPELINE_RATIO
    if "b" in variants and "c" in variants:
        out["ratio_b_over_c"] = round(
            out["variants"]["b"]["median"] / out["variants"]["c"]["median"], 2
        )
    if gemm is not None:
        g = summarize(gemm_times)
        g["best"] = g["min"]
        g["flop"] = gemm.flop
        g["gflop_per_s"] = round(gemm.flop / g["min"] / 1e9, 1)
        g["products"] = "forward X@W1.T, H@W2.T; backward dZ2.T@H, dZ2@W2, dZ1.T@X (torch.mm)"
        g["best_of_per_round"] = 3
        g["epoch_seconds_c"] = out["variants"]["c"]["median"]
        ratio = out["variants"]["c"]["median"] / g["median"]
        g["ratio_epoch_over_gemm"] = round(ratio, 2)
        g["ratio_definition"] = "median epoch (c) / median over rounds of the best-of-3 GEMM time"
        g["target_ratio_epoch_over_gemm"] = TARGET_GEMM_RATIO
        g["meets_target"] = ratio <= TARGET_GEMM_RATIO
        out["gemm"] = g
    return out


def summary(p: dict[str, Any]) -> list[str]:
    """The lines ``run.py`` prints for this part."""
    lines = []
    for v, row in p["variants"].items():
        lines.append(
            f"  ({v}) {row['label']:<50} {row['median']:7.3f} s/epoch  [{row['min']:.3f}-{row['max']:.3f}]"
        )
    if "ratio_a_over_c" in p:
        flag = "meets" if p["meets_target"] else "MISSES"
        lines.append(
            f"  ratio (a)/(c) = {p['ratio_a_over_c']:.2f}  ({flag} target >= {TARGET_PIPELINE_RATIO:g})"
        )
    if "gemm" in p:
        g = p["gemm"]
        flag = "meets" if g["meets_target"] else "MISSES"
        lines.append(
            f"  GEMMs of one epoch: {g['median']:.3f} s (best {g['best']:.3f} s, {g['gflop_per_s']} GFLOP/s)"
        )
        lines.append(
            f"  ratio epoch (c) / GEMM = {g['ratio_epoch_over_gemm']:.2f}  ({flag} target <= {TARGET_GEMM_RATIO:g})"
        )
    return lines


def figure_rows(p: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, dict]]]]:
    """The performance figure's panel for this part."""
    rows = [(f"({v})\n{r['label']}", r) for v, r in p["variants"].items()]
    if "gemm" in p:
        rows.append(("bare GEMMs\n(one epoch)", p["gemm"]))
    return [("One epoch, 784-256-10, batch 256", "seconds per epoch", rows)]


def run(args: Any, data: Any, device: torch.device) -> dict[str, Any]:
    """Measure the pipelines (and the GEMM floor, when the ``gemm`` part is chosen too)."""
    variants = "abc" if "pipeline" in args.parts else "c"
    print(f"pipeline: {args.repeats} rounds of {variants} ...", flush=True)
    return bench_pipeline(
        data.X_train[: args.n_train],
        data.y_train[: args.n_train],
        device,
        args.repeats,
        args.seed,
        variants,
        with_gemm="gemm" in args.parts,
    )


def section(p: dict[str, Any], figure: str | None = None) -> list[str]:
    """The performance page's section for this part (with the figure, if given)."""
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
