"""Measure the course's speed claims side by side, in one process, and write a results JSON.

Run ``python -m benchmarks.run`` (``make bench``), ``--smoke`` for a seconds-long check that the
script works, ``--device cuda`` on a GPU, ``--only pipeline,gemm,sklearn,course`` for some parts.
Parts:

1. ``pipeline``: one training epoch of the same 784-256-10 MLP (SGD lr 0.1, batch 256) fed by
   (a) the tutorials' per-sample Dataset (PIL image -> ToTensor) in a DataLoader, (b)
   TensorDataset + DataLoader, (c) ``mlpcourse.data.batches`` over tensors prepared once.
   Epochs are interleaved in rounds (a, b, c, a, b, c, ...) after one warm-up round.
2. ``gemm``: the bare matrix products of one such epoch (forward and backward, ``torch.mm``),
   timed in the same rounds, best of three per round; reported as epoch (c) / GEMM time.
3. ``sklearn``: ``MLPClassifier((100,))`` vs the course's ``MLP(784, [100], 10)`` with Adam, on
   standardized pixels, same epochs: test accuracy and fit seconds.
4. ``course``: each notebook run with papermill, and a strict book build, timed (minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

from mlpcourse import evaluate, fit
from mlpcourse.data import batches, flatten_images, load_fashion_mnist
from mlpcourse.models import MLP

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
PARTS = ("pipeline", "gemm", "sklearn", "course")
SMOKE_PARTS = ("pipeline", "gemm", "sklearn")
SCHEMA_VERSION = 1

BATCH_SIZE = 256
LR = 0.1
SIZES = (784, 256, 10)  # the lessons' Fashion-MNIST MLP
TARGET_PIPELINE_RATIO = 4.0  # (a) / (c) at least this on 2 CPU cores
TARGET_GEMM_RATIO = 2.0  # epoch (c) / GEMM time at most this
TARGET_COURSE_SECONDS = 300.0  # all notebooks together

VARIANTS = {
    "a": "per-sample Dataset (PIL + ToTensor) + DataLoader",
    "b": "TensorDataset + DataLoader",
    "c": "mlpcourse.data.batches over tensors",
}


# --------------------------------------------------------------------------- machine


def cpu_model() -> str:
    """Return the CPU's marketing name (Linux /proc/cpuinfo, macOS sysctl), or a fallback."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            out = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True
            )
            if out.stdout.strip():
                return out.stdout.strip()
        except OSError:
            pass
    return platform.processor() or platform.machine()


def usable_cores() -> int:
    """Return the number of CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_average() -> list[float] | None:
    """Return the 1, 5 and 15 minute load averages (None where the OS has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def machine_info(device: torch.device) -> dict[str, Any]:
    """Describe the machine and the software versions the figures were measured with."""
    import PIL
    import sklearn

    info: dict[str, Any] = {
        "cpu": cpu_model(),
        "cores": usable_cores(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "scikit_learn": sklearn.__version__,
        "pillow": PIL.__version__,
        "device": device.type,
        "device_name": cpu_model(),
    }
    if device.type == "cuda":
        info["device_name"] = torch.cuda.get_device_name(device)
        info["cuda"] = torch.version.cuda
    return info


def resolve_device(name: str) -> torch.device:
    """Return the device for ``name``; exit with a clear message if it asks for an absent GPU."""
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit(
            f"--device {name}: PyTorch sees no CUDA device here (torch {torch.__version__}, "
            f"built for CUDA {torch.version.cuda}). Run this on a machine with an NVIDIA GPU "
            "and a CUDA build of PyTorch, or use --device cpu."
        )
    if device.type not in ("cpu", "cuda"):
        raise SystemExit(f"--device {name}: the benchmark runs on 'cpu' or 'cuda'")
    return device


def sync(device: torch.device) -> None:
    """Wait for queued GPU work, so that a timer reads finished work (no-op on the CPU)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def summarize(seconds: list[float]) -> dict[str, Any]:
    """Median, min and max of repeated timings, with the raw values."""
    return {
        "seconds": [round(s, 4) for s in seconds],
        "median": round(statistics.median(seconds), 4),
        "min": round(min(seconds), 4),
        "max": round(max(seconds), 4),
        "n": len(seconds),
    }


# --------------------------------------------------------------------------- part 1: pipeline


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


# --------------------------------------------------------------------------- part 3: sklearn


def bench_sklearn(
    data: Any,
    device: torch.device,
    epochs: int,
    repeats: int,
    seed: int,
    n_train: int,
    n_test: int,
) -> dict[str, Any]:
    """MLPClassifier((100,)) vs MLP(784, [100], 10) + Adam: same data, shape, epochs, batch."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    X_tr = flatten_images(data.X_train[:n_train]).numpy()
    X_te = flatten_images(data.X_test[:n_test]).numpy()
    y_tr, y_te = data.y_train[:n_train], data.y_test[:n_test]
    scaler = StandardScaler().fit(X_tr)  # standardized pixels, as the Zalando benchmark
    X_tr = scaler.transform(X_tr).astype(np.float32)
    X_te = scaler.transform(X_te).astype(np.float32)
    X_tr_t, X_te_t = torch.from_numpy(X_tr), torch.from_numpy(X_te)

    rows: dict[str, dict[str, list[float]]] = {
        "sklearn": {"fit": [], "acc": []},
        "torch": {"fit": [], "acc": []},
    }
    n_iter = None
    # Warm-up, not timed: the first Adam step and the first sklearn fit pay one-off set-up costs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPClassifier(hidden_layer_sizes=(100,), max_iter=1, random_state=seed).fit(
            X_tr[:1000], y_tr[:1000].numpy()
        )
    warm = MLP(784, [100], 10)
    fit(
        warm,
        nn.CrossEntropyLoss(),
        torch.optim.Adam(warm.parameters()),
        X_tr_t[:1000],
        y_tr[:1000],
        epochs=1,
        batch_size=200,
        device=device,
    )
    for _ in range(repeats):  # interleaved: sklearn, torch, sklearn, torch, ...
        clf = MLPClassifier(hidden_layer_sizes=(100,), max_iter=epochs, random_state=seed)
        start = time.perf_counter()
        with warnings.catch_warnings():
            # max_iter is the epoch count here, not a convergence budget: the warning is expected.
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_tr, y_tr.numpy())
        rows["sklearn"]["fit"].append(time.perf_counter() - start)
        rows["sklearn"]["acc"].append(float(clf.score(X_te, y_te.numpy())))
        n_iter = int(clf.n_iter_)

        torch.manual_seed(seed)
        model = MLP(784, [100], 10)
        loss_fn = nn.CrossEntropyLoss()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)  # sklearn's defaults
        sync(device)
        start = time.perf_counter()
        fit(
            model,
            loss_fn,
            optimizer,
            X_tr_t,
            y_tr,
            epochs=epochs,
            batch_size=200,
            device=device,
            generator=torch.Generator().manual_seed(seed),
        )
        sync(device)
        rows["torch"]["fit"].append(time.perf_counter() - start)
        rows["torch"]["acc"].append(float(evaluate(model, loss_fn, X_te_t, y_te)[1]))

    def row(name: str, label: str) -> dict[str, Any]:
        accs = rows[name]["acc"]
        return {
            "label": label,
            "test_accuracy": round(statistics.median(accs), 4),
            "test_accuracies": [round(a, 4) for a in accs],
            "fit": summarize(rows[name]["fit"]),
        }

    return {
        "epochs": epochs,
        "sklearn_n_iter": n_iter,
        "n_train": n_train,
        "n_test": n_test,
        "repeats": repeats,
        "preprocessing": "StandardScaler on pixels (fitted on the training set)",
        "warmup": "one untimed 1-epoch fit of each on 1000 images",
        "models": {
            "sklearn": row(
                "sklearn", "scikit-learn MLPClassifier((100,)), adam lr 1e-3, batch 200"
            ),
            "torch": row(
                "torch",
                f"mlpcourse MLP(784, [100], 10) + fit(), Adam lr 1e-3, batch 200, {device.type}",
            ),
        },
        "differences": "sklearn adds an L2 penalty (alpha=1e-4) and uses Glorot init; "
        "the PyTorch model uses PyTorch's default init and no penalty",
    }


# --------------------------------------------------------------------------- part 4: course


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


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny subset, one round: checks the script works"
    )
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument(
        "--repeats", type=int, default=None, help="timed rounds (default 5; smoke 1)"
    )
    parser.add_argument(
        "--only",
        default=None,
        help=f"comma-separated parts out of {','.join(PARTS)} (default: all; smoke: {','.join(SMOKE_PARTS)})",
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
    parser.add_argument("--sklearn-epochs", type=int, default=None, help="default 10; smoke 2")
    parser.add_argument("--sklearn-repeats", type=int, default=None, help="default 2; smoke 1")
    parser.add_argument("--notebooks-dir", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--no-book", action="store_true", help="course part: skip the book build")
    parser.add_argument(
        "--timeout", type=int, default=900, help="course part: seconds per notebook / book build"
    )
    parser.add_argument(
        "--note", default="", help="free text stored with the results (e.g. 'machine under load')"
    )
    args = parser.parse_args(argv)
    parts = args.only.split(",") if args.only else list(SMOKE_PARTS if args.smoke else PARTS)
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"--only: unknown part(s) {unknown}; choose from {', '.join(PARTS)}")
    args.parts = [p for p in PARTS if p in parts]
    args.repeats = args.repeats or (1 if args.smoke else 5)
    args.n_train = args.n_train or (2048 if args.smoke else 60000)
    args.n_test = 512 if args.smoke else 10000
    args.sklearn_epochs = args.sklearn_epochs or (2 if args.smoke else 10)
    args.sklearn_repeats = args.sklearn_repeats or (1 if args.smoke else 2)
    if args.repeats < 1 or args.sklearn_repeats < 1:
        parser.error("--repeats and --sklearn-repeats must be at least 1")
    return args


def default_out(device: torch.device, smoke: bool) -> Path:
    if smoke:  # never lands where the report looks for real results
        return Path(tempfile.gettempdir()) / f"mlpcourse-bench-smoke-{device.type}.json"
    return RESULTS_DIR / f"{device.type}-{dt.date.today().isoformat()}.json"


def write_json(path: Path, obj: dict[str, Any]) -> None:
    """Write ``obj`` as JSON atomically (temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2) + "\n")
    os.replace(tmp, path)


def print_summary(results: dict[str, Any]) -> None:
    """Print the headline figures and ratios."""
    parts = results["parts"]
    m = results["machine"]
    print(f"\n== {m['device_name']} ({m['device']}), {m['cores']} cores, torch {m['torch']}")
    if "pipeline" in parts:
        p = parts["pipeline"]
        for v, row in p["variants"].items():
            print(
                f"  ({v}) {row['label']:<50} {row['median']:7.3f} s/epoch  [{row['min']:.3f}-{row['max']:.3f}]"
            )
        if "ratio_a_over_c" in p:
            flag = "meets" if p["meets_target"] else "MISSES"
            print(
                f"  ratio (a)/(c) = {p['ratio_a_over_c']:.2f}  ({flag} target >= {TARGET_PIPELINE_RATIO:g})"
            )
        if "gemm" in p:
            g = p["gemm"]
            flag = "meets" if g["meets_target"] else "MISSES"
            print(
                f"  GEMMs of one epoch: {g['median']:.3f} s (best {g['best']:.3f} s, {g['gflop_per_s']} GFLOP/s)"
            )
            print(
                f"  ratio epoch (c) / GEMM = {g['ratio_epoch_over_gemm']:.2f}  ({flag} target <= {TARGET_GEMM_RATIO:g})"
            )
    if "sklearn" in parts:
        s = parts["sklearn"]
        for row in s["models"].values():
            print(
                f"  {row['label']:<70} acc {row['test_accuracy']:.4f}  fit {row['fit']['median']:.1f} s"
            )
    if "course" in parts:
        c = parts["course"]
        print(
            f"  notebooks: {len(c['notebooks'])}, total {c['notebooks_total_seconds']:.1f} s "
            f"(target < {TARGET_COURSE_SECONDS:g} s)"
        )
        if c["book_build"]:
            print(f"  book build: {c['book_build']['seconds']} s, ok={c['book_build']['ok']}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    device = resolve_device(args.device)
    started = dt.datetime.now(dt.timezone.utc)
    results: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "created": started.isoformat(timespec="seconds"),
        "date": started.date().isoformat(),
        "machine": machine_info(device),
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
        "load_average_start": load_average(),
        "parts": {},
    }
    t0 = time.perf_counter()
    data = None
    if {"pipeline", "gemm", "sklearn"} & set(args.parts):
        data = load_fashion_mnist(download=False)  # no network while measuring
    if "pipeline" in args.parts or "gemm" in args.parts:
        variants = "abc" if "pipeline" in args.parts else "c"
        print(f"pipeline: {args.repeats} rounds of {variants} ...", flush=True)
        results["parts"]["pipeline"] = bench_pipeline(
            data.X_train[: args.n_train],
            data.y_train[: args.n_train],
            device,
            args.repeats,
            args.seed,
            variants,
            with_gemm="gemm" in args.parts,
        )
    if "sklearn" in args.parts:
        print(
            f"sklearn vs torch: {args.sklearn_repeats} x {args.sklearn_epochs} epochs ...",
            flush=True,
        )
        results["parts"]["sklearn"] = bench_sklearn(
            data,
            device,
            args.sklearn_epochs,
            args.sklearn_repeats,
            args.seed,
            args.n_train,
            args.n_test,
        )
    if "course" in args.parts:
        print("course: notebooks and book build ...", flush=True)
        results["parts"]["course"] = bench_course(
            args.notebooks_dir, not args.no_book, args.timeout
        )
    results["seconds_total"] = round(time.perf_counter() - t0, 1)
    results["load_average_end"] = load_average()
    out = args.out or default_out(device, args.smoke)
    write_json(out, results)
    print_summary(results)
    print(f"\nwrote {out} ({results['seconds_total']} s)")
    return results


if __name__ == "__main__":
    main()
