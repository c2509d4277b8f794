"""Data for the lessons: Fashion-MNIST from IDX files, generated toy sets, minibatches, splits.

The IDX reader and downloader are written here (not taken from torchvision) because they are
forty lines, torchvision has no CPU build on every platform the course supports, and the
course wants hash checks of the *decompressed* bytes (see ``FASHION_MNIST_SHA256``).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

__all__ = [
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_FILES",
    "FASHION_MNIST_MIRRORS",
    "FASHION_MNIST_SHA256",
    "DataNotFoundError",
    "FashionMNIST",
    "batches",
    "check_same_length",
    "data_search_path",
    "flatten_images",
    "load_fashion_mnist",
    "make_moons_split",
    "make_students",
    "parse_idx",
    "train_val_split",
]

FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# The four files, keyed by the role they play.
FASHION_MNIST_FILES: dict[str, str] = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}

# SHA-256 of the *decompressed* files. Debian recompressed the .gz files, so hashes of the
# compressed bytes (torchvision's MD5s) do not match them, while the contents are identical.
FASHION_MNIST_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}

FASHION_MNIST_MIRRORS: tuple[str, ...] = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
)

DEBIAN_DATA_DIR = Path("/usr/share/datasets/fashion-mnist")

_IDX_MAGIC = {2049: 1, 2051: 3}  # labels: 1 dimension; images: 3 dimensions (uint8 data)


class DataNotFoundError(FileNotFoundError):
    """Raised when no verified copy of a data set can be found or downloaded."""


@dataclass
class FashionMNIST:
    """Fashion-MNIST as tensors: uint8 images (N, 28, 28), int64 labels (N,), class names."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    classes: tuple[str, ...] = FASHION_MNIST_CLASSES
    sources: dict[str, Path] = field(default_factory=dict)

    def __repr__(self) -> str:
        where = sorted({str(p.parent) for p in self.sources.values()})
        return (
            f"FashionMNIST(train={tuple(self.X_train.shape)}, test={tuple(self.X_test.shape)}, "
            f"classes={len(self.classes)}, from={', '.join(where) or '?'})"
        )


def cache_dir() -> Path:
    """Return the user cache folder for Fashion-MNIST (honours ``XDG_CACHE_HOME``)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "mlpcourse" / "fashion-mnist"


def data_search_path(root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Return the folders searched for Fashion-MNIST, in order (design reference §5)."""
    candidates: list[Path] = []
    if root is not None:
        candidates.append(Path(root).expanduser())
    if os.environ.get("MLPCOURSE_DATA"):
        candidates.append(Path(os.environ["MLPCOURSE_DATA"]).expanduser())
    candidates += [cache_dir(), DEBIAN_DATA_DIR]
    return list(dict.fromkeys(candidates))


def parse_idx(raw: bytes, name: str = "IDX data") -> torch.Tensor:
    """Parse decompressed IDX bytes (uint8 images or labels) into a tensor, checking the header."""
    if len(raw) < 8:
        raise ValueError(f"{name}: only {len(raw)} bytes, too short for an IDX header")
    magic = int.from_bytes(raw[0:4], "big")
    if magic not in _IDX_MAGIC:
        raise ValueError(
            f"{name}: magic number {magic} is not an IDX uint8 file (expected 2049 or 2051)"
        )
    ndim = _IDX_MAGIC[magic]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{name}: header needs {header} bytes, file has {len(raw)}")
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    expected = header + int(np.prod(dims))
    if len(raw) != expected:
        raise ValueError(
            f"{name}: header says {dims} -> {expected} bytes, file has {len(raw)} "
            "(truncated or corrupt)"
        )
    data = np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)
    return torch.from_numpy(data.copy())


def _read_verified(path: Path, filename: str | None = None) -> tuple[bytes | None, str | None]:
    """Decompress ``path`` and check its SHA-256 as ``filename``; return (bytes, None) or (None, why)."""
    filename = filename or path.name
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        return None, f"{path}: cannot be decompressed ({err})"
    expected = FASHION_MNIST_SHA256[filename]
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected:
        return None, (
            f"{path}: SHA-256 of the decompressed bytes is {actual[:16]}..., "
            f"expected {expected[:16]}... (corrupt, truncated or not Fashion-MNIST)"
        )
    return raw, None


def _download(filename: str, dest_dir: Path, timeout: float = 30.0) -> tuple[bytes | None, str]:
    """Fetch ``filename`` from the mirrors into ``dest_dir`` atomically; return (bytes, log)."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    problems = []
    for mirror in FASHION_MNIST_MIRRORS:
        url = mirror + filename
        fd, tmp_name = tempfile.mkstemp(prefix=filename + ".", suffix=".part", dir=dest_dir)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
                while chunk := resp.read(1 << 20):
                    out.write(chunk)
            raw, problem = _read_verified(tmp, filename)
            if raw is None:
                problems.append(f"{url}: {problem}")
                continue
            os.replace(tmp, dest_dir / filename)  # only a verified file gets the real name
            return raw, ""
        except (urllib.error.URLError, OSError, TimeoutError) as err:
            problems.append(f"{url}: {err}")
        finally:
            tmp.unlink(missing_ok=True)
    return None, "; ".join(problems)


def _missing_data_message(problems: list[str], searched: list[Path], download: bool) -> str:
    lines = ["Fashion-MNIST could not be found" + (" or downloaded." if download else ".")]
    lines.append("Searched: " + ", ".join(str(p) for p in searched))
    lines += [f"  - {p}" for p in problems]
    lines += [
        "To get the data, do one of:",
        "  * Debian/Ubuntu: sudo apt install dataset-fashion-mnist "
        f"(installs it in {DEBIAN_DATA_DIR});",
        "  * connect to the internet once and call load_fashion_mnist(download=True) "
        f"(it caches the files in {cache_dir()});",
        "  * put the four .gz files in a folder and set MLPCOURSE_DATA=/that/folder "
        "(or pass root=...).",
    ]
    return "\n".join(lines)


def load_fashion_mnist(
    root: str | os.PathLike[str] | None = None, download: bool = True
) -> FashionMNIST:
    """Load Fashion-MNIST (60k train, 10k test) from the first verified copy, downloading if allowed."""
    searched = data_search_path(root)
    problems: list[str] = []
    arrays: dict[str, torch.Tensor] = {}
    sources: dict[str, Path] = {}
    for key, filename in FASHION_MNIST_FILES.items():
        raw = None
        for folder in searched:
            path = folder / filename
            if not path.is_file():
                continue
            raw, problem = _read_verified(path)
            if raw is not None:
                sources[key] = path
                break
            problems.append(problem or f"{path}: unreadable")
        if raw is None and download:
            raw, log = _download(filename, cache_dir())
            if raw is None:
                problems.append(f"download of {filename} failed: {log}")
            else:
                sources[key] = cache_dir() / filename
        if raw is None:
            if not problems:
                problems.append(f"{filename} is in none of these folders")
            raise DataNotFoundError(_missing_data_message(problems, searched, download))
        arrays[key] = parse_idx(raw, name=filename)

    data = FashionMNIST(
        X_train=arrays["train_images"],
        y_train=arrays["train_labels"].long(),
        X_test=arrays["test_images"],
        y_test=arrays["test_labels"].long(),
        sources=sources,
    )
    for split in ("train", "test"):
        n_x, n_y = len(getattr(data, f"X_{split}")), len(getattr(data, f"y_{split}"))
        if n_x != n_y:
            raise ValueError(f"Fashion-MNIST {split}: {n_x} images but {n_y} labels")
    return data


def flatten_images(X: torch.Tensor, scale: bool = True) -> torch.Tensor:
    """Turn uint8 images (N, H, W) into float32 rows (N, H*W), scaled to [0, 1] if ``scale``."""
    flat = X.reshape(len(X), -1).float()
    return flat / 255.0 if scale else flat


def make_students(n: int = 400, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate ``n`` students: X = [hours studied, hours slept] (float32), y = passed (n, 1)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    gen = torch.Generator().manual_seed(seed)
    studied = torch.rand(n, generator=gen) * 10.0  # 0-10 hours of study
    slept = 4.0 + torch.rand(n, generator=gen) * 6.0  # 4-10 hours of sleep
    # A plausible rule: study helps most, sleep helps too; luck (noise) blurs the boundary.
    score = 1.0 * (studied - 5.0) + 0.6 * (slept - 7.0) + torch.randn(n, generator=gen) * 1.0
    X = torch.stack([studied, slept], dim=1)
    y = (score > 0).float().unsqueeze(1)
    return X, y


def make_moons_split(
    n_samples: int = 1000, noise: float = 0.2, test_size: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Two-moons data split into (X_train, X_test, y_train, y_test), stratified, as lessons 02-03 use."""
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)


def check_same_length(X: torch.Tensor, y: torch.Tensor, what: str = "X and y") -> None:
    """Raise a ``ValueError`` unless X and y have one row per example each."""
    if len(X) != len(y):
        raise ValueError(
            f"{what} differ in length ({len(X)} vs {len(y)}): they must describe the same "
            "examples, one label per row of X"
        )


def batches(
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    shuffle: bool = True,
    generator: torch.Generator | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield minibatches (X[idx], y[idx]) of in-memory tensors; no per-sample Python work."""
    check_same_length(X, y)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    n = len(X)
    order = torch.randperm(n, generator=generator).to(X.device) if shuffle else None
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        if order is None:
            yield X[start : start + batch_size], y[start : start + batch_size]
        else:
            idx = order[start : start + batch_size]
            yield X[idx], y[idx.to(y.device)]


def train_val_split(
    X: torch.Tensor, y: torch.Tensor, val_fraction: float = 0.1, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Randomly split (X, y) into (X_train, y_train, X_val, y_val) with ``val_fraction`` held out."""
    check_same_length(X, y)
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction}")
    n_val = int(round(len(X) * val_fraction))
    if n_val == 0 or n_val == len(X):
        raise ValueError(f"val_fraction={val_fraction} of {len(X)} examples leaves an empty split")
    perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    return X[train_idx], y[train_idx], X[val_idx], y[val_idx]
