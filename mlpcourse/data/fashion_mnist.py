"""Fashion-MNIST: 70,000 28x28 grey images of clothes in 10 classes, read from its IDX files.

The IDX reader is written here (not taken from torchvision) because it is twenty lines,
torchvision has no CPU build on every platform the course supports, and the course checks the
SHA-256 of the *decompressed* bytes (Debian recompressed the .gz files, so hashes of the
compressed bytes, torchvision's MD5s, do not match them while the contents are identical).
Finding, downloading and verifying the files is :mod:`mlpcourse.data.download`'s job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from mlpcourse.data.download import DatasetSpec, fetch_verified

__all__ = [
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_FILES",
    "FASHION_MNIST_SPEC",
    "FashionMNIST",
    "flatten_images",
    "load_fashion_mnist",
    "parse_idx",
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

# Decompressed sizes: a 16-byte header + 28*28 bytes per image; an 8-byte header + 1 per label.
_SIZES = {
    "train-images-idx3-ubyte.gz": 16 + 60000 * 28 * 28,
    "train-labels-idx1-ubyte.gz": 8 + 60000,
    "t10k-images-idx3-ubyte.gz": 16 + 10000 * 28 * 28,
    "t10k-labels-idx1-ubyte.gz": 8 + 10000,
}

FASHION_MNIST_SPEC = DatasetSpec(
    name="Fashion-MNIST",
    cache_name="fashion-mnist",
    sha256=FASHION_MNIST_SHA256,
    mirrors=FASHION_MNIST_MIRRORS,
    system_dirs=(DEBIAN_DATA_DIR,),
    install_hint=(
        f"Debian/Ubuntu: sudo apt install dataset-fashion-mnist (installs it in {DEBIAN_DATA_DIR})"
    ),
    expected_sizes=_SIZES,
)

_IDX_MAGIC = {2049: 1, 2051: 3}  # labels: 1 dimension; images: 3 dimensions (uint8 data)


@dataclass
class FashionMNIST:
    """Fashion-MNIST as tensors: uint8 images (N, 28, 28), int64 labels (N,), class names.

    What :func:`load_fashion_mnist` returns. Introduced in lesson 04.

    Attributes
    ----------
    X_train, y_train : torch.Tensor
        60,000 training images and labels.
    X_test, y_test : torch.Tensor
        10,000 test images and labels.
    classes : tuple of str
        The 10 class names, indexed by label.
    sources : dict
        Where each file was read from.
    """

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


def parse_idx(raw: bytes, name: str = "IDX data") -> torch.Tensor:
    """Parse decompressed IDX bytes (uint8 images or labels) into a tensor, checking the header.

    Introduced in lesson 04.

    Parameters
    ----------
    raw : bytes
        The decompressed file.
    name : str, default "IDX data"
        The file's name, for messages.

    Returns
    -------
    torch.Tensor
        uint8, shaped as the header says: (N,) labels or (N, 28, 28) images.
    """
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


def load_fashion_mnist(
    root: str | os.PathLike[str] | None = None, download: bool = True
) -> FashionMNIST:
    """Load Fashion-MNIST (60k training and 10k test images) from the first verified copy.

    Looks in ``root``, ``$MLPCOURSE_DATA``, the user cache, then Debian's
    ``/usr/share/datasets/fashion-mnist``; downloads into the cache if allowed and needed.
    Introduced in lesson 04.

    Parameters
    ----------
    root : path, optional
        A folder holding the four ``.gz`` files, searched first.
    download : bool, default True
        Download from the canonical mirrors when no verified copy is found.

    Returns
    -------
    FashionMNIST
        uint8 images (N, 28, 28), int64 labels (N,), the class names and where each file was read.

    Raises
    ------
    DataNotFoundError
        When the data is nowhere to be found; the message says how to get it.
    """
    contents, found = fetch_verified(FASHION_MNIST_SPEC, root, download)
    arrays = {
        key: parse_idx(contents[name], name=name) for key, name in FASHION_MNIST_FILES.items()
    }
    data = FashionMNIST(
        X_train=arrays["train_images"],
        y_train=arrays["train_labels"].long(),
        X_test=arrays["test_images"],
        y_test=arrays["test_labels"].long(),
        sources={key: found[name] for key, name in FASHION_MNIST_FILES.items()},
    )
    for split in ("train", "test"):
        n_x, n_y = len(getattr(data, f"X_{split}")), len(getattr(data, f"y_{split}"))
        if n_x != n_y:
            raise ValueError(f"Fashion-MNIST {split}: {n_x} images but {n_y} labels")
    return data


def flatten_images(X: torch.Tensor, scale: bool = True) -> torch.Tensor:
    """Turn uint8 images (N, H, W) into float32 rows (N, H*W), scaled to [0, 1] if ``scale``.

    Introduced in lesson 04.

    Parameters
    ----------
    X : torch.Tensor
        (N, H, W) images.
    scale : bool, default True
        Divide by 255.

    Returns
    -------
    torch.Tensor
        (N, H*W) float32.
    """
    flat = X.reshape(len(X), -1).float()
    return flat / 255.0 if scale else flat
