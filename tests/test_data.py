"""Tests of mlpcourse.data: Fashion-MNIST loading (real and faked), toy data, batches, splits."""

from __future__ import annotations

import gzip
import hashlib
import io
import time
import urllib.error
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from mlpcourse.data import (
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_FILES,
    FASHION_MNIST_SPEC,
    DataNotFoundError,
    batches,
    data_search_path,
    download,
    fashion_mnist,
    flatten_images,
    load_fashion_mnist,
    make_moons_split,
    make_students,
    parse_idx,
    student_pass_probability,
    train_val_split,
)

# --- the real data set (CI installs Debian's dataset-fashion-mnist) ---------------------------


def test_real_fashion_mnist_loads_in_about_a_second() -> None:
    assert fashion_mnist.DEBIAN_DATA_DIR.is_dir(), (
        "Debian's dataset-fashion-mnist is not installed: `sudo apt install dataset-fashion-mnist`"
    )
    start = time.perf_counter()
    fm = load_fashion_mnist(download=False)
    seconds = time.perf_counter() - start
    print(f"Fashion-MNIST (70k images) loaded and verified in {seconds:.2f} s")
    assert fm.X_train.shape == (60000, 28, 28) and fm.X_train.dtype == torch.uint8
    assert fm.X_test.shape == (10000, 28, 28) and fm.X_test.dtype == torch.uint8
    assert fm.y_train.shape == (60000,) and fm.y_train.dtype == torch.int64
    assert fm.y_test.shape == (10000,) and fm.y_test.dtype == torch.int64
    # Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class.
    assert torch.bincount(fm.y_train).tolist() == [6000] * 10
    assert torch.bincount(fm.y_test).tolist() == [1000] * 10
    assert fm.classes == FASHION_MNIST_CLASSES and len(fm.classes) == 10
    assert "60000" in repr(fm)


# --- fake IDX files: the same code paths on a few bytes ---------------------------------------


def _idx_bytes(array: np.ndarray) -> bytes:
    magic = 2051 if array.ndim == 3 else 2049
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


FAKE = {
    "train_images": np.arange(5 * 28 * 28, dtype=np.uint64).reshape(5, 28, 28) % 256,
    "train_labels": np.array([0, 1, 2, 3, 9]),
    "test_images": np.full((2, 28, 28), 7),
    "test_labels": np.array([5, 6]),
}


@pytest.fixture
def fake_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point every search location into tmp_path and make the expected hashes the fake files'."""
    raw = {FASHION_MNIST_FILES[k]: _idx_bytes(v) for k, v in FAKE.items()}
    places = {name: tmp_path / name for name in ("root", "env", "xdg", "debian")}
    for p in places.values():
        p.mkdir()
    spec = replace(
        FASHION_MNIST_SPEC,
        sha256={name: hashlib.sha256(b).hexdigest() for name, b in raw.items()},
        system_dirs=(places["debian"],),
    )
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_SPEC", spec)
    monkeypatch.setenv("XDG_CACHE_HOME", str(places["xdg"]))
    monkeypatch.delenv("MLPCOURSE_DATA", raising=False)
    places["cache"] = places["xdg"] / "mlpcourse" / "fashion-mnist"
    fake_raw.clear()
    fake_raw.update(raw)
    return places


fake_raw: dict[str, bytes] = {}


def _write_all(folder: Path, corrupt: str | None = None, truncate: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, raw in fake_raw.items():
        blob = gzip.compress(raw)
        if name == corrupt:
            blob = gzip.compress(raw[:-1] + bytes([raw[-1] ^ 0xFF]))  # one flipped byte
        if name == truncate:
            blob = blob[: len(blob) // 2]
        (folder / name).write_bytes(blob)


def _no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    tried: list[str] = []

    def refuse(url: str, timeout: float = 0) -> None:
        tried.append(url)
        raise urllib.error.URLError("no network in tests")

    monkeypatch.setattr(download.urllib.request, "urlopen", refuse)
    return tried


def test_fake_data_round_trips_through_the_loader(fake_world, monkeypatch) -> None:
    _no_network(monkeypatch)
    _write_all(fake_world["debian"])
    fm = load_fashion_mnist()
    assert torch.equal(fm.X_train, torch.from_numpy(FAKE["train_images"].astype(np.uint8)))
    assert fm.y_train.tolist() == [0, 1, 2, 3, 9]
    assert fm.X_test.shape == (2, 28, 28) and fm.y_test.tolist() == [5, 6]


def test_search_order_root_then_env_then_cache_then_debian(fake_world, monkeypatch) -> None:
    _no_network(monkeypatch)
    for name in ("debian", "cache", "env", "root"):
        _write_all(fake_world[name])
    monkeypatch.setenv("MLPCOURSE_DATA", str(fake_world["env"]))
    assert data_search_path(fashion_mnist.FASHION_MNIST_SPEC, fake_world["root"]) == [
        fake_world["root"],
        fake_world["env"],
        fake_world["cache"],
        fake_world["debian"],
    ]
    assert (
        load_fashion_mnist(fake_world["root"]).sources["train_images"].parent
        == (fake_world["root"])
    )
    assert load_fashion_mnist().sources["train_images"].parent == fake_world["env"]
    monkeypatch.delenv("MLPCOURSE_DATA")
    assert load_fashion_mnist().sources["train_images"].parent == fake_world["cache"]


def test_corrupt_file_is_skipped_for_a_good_copy_further_on(fake_world, monkeypatch) -> None:
    _no_network(monkeypatch)
    _write_all(fake_world["cache"], corrupt="train-images-idx3-ubyte.gz")
    _write_all(fake_world["debian"])
    fm = load_fashion_mnist()
    assert fm.sources["train_images"].parent == fake_world["debian"]
    assert fm.sources["train_labels"].parent == fake_world["cache"]


def test_corrupt_file_alone_gives_a_clear_error_naming_file_and_hash(
    fake_world, monkeypatch
) -> None:
    _no_network(monkeypatch)
    _write_all(fake_world["debian"], corrupt="train-images-idx3-ubyte.gz")
    with pytest.raises(DataNotFoundError) as err:
        load_fashion_mnist()
    message = str(err.value)
    assert "train-images-idx3-ubyte.gz" in message and "SHA-256" in message


def test_truncated_gz_is_never_returned_as_data(fake_world, monkeypatch) -> None:
    _no_network(monkeypatch)
    _write_all(fake_world["debian"], truncate="t10k-images-idx3-ubyte.gz")
    with pytest.raises(DataNotFoundError, match="t10k-images-idx3-ubyte.gz.*decompressed"):
        load_fashion_mnist()


def test_no_data_and_no_network_names_every_way_to_get_it(fake_world, monkeypatch) -> None:
    tried = _no_network(monkeypatch)
    with pytest.raises(DataNotFoundError) as err:
        load_fashion_mnist()
    message = str(err.value)
    assert "apt install dataset-fashion-mnist" in message
    assert "MLPCOURSE_DATA" in message
    assert "download=True" in message and "internet" in message
    assert len(tried) == len(FASHION_MNIST_SPEC.mirrors)  # every mirror was tried, then it gave up
    assert not any(fake_world["cache"].glob("*")), "a failed download left files behind"


def test_download_false_does_not_touch_the_network(fake_world, monkeypatch) -> None:
    tried = _no_network(monkeypatch)
    with pytest.raises(DataNotFoundError):
        load_fashion_mnist(download=False)
    assert tried == []


class _Response(io.BytesIO):
    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_download_goes_to_the_cache_and_is_verified(fake_world, monkeypatch) -> None:
    def serve(url: str, timeout: float = 0) -> _Response:
        return _Response(gzip.compress(fake_raw[url.rsplit("/", 1)[1]]))

    monkeypatch.setattr(download.urllib.request, "urlopen", serve)
    fm = load_fashion_mnist()
    assert fm.y_test.tolist() == [5, 6]
    assert sorted(p.name for p in fake_world["cache"].iterdir()) == sorted(fake_raw)
    # The cached copy is now found without the network.
    _no_network(monkeypatch)
    assert load_fashion_mnist().sources["test_labels"].parent == fake_world["cache"]


def test_interrupted_or_corrupt_download_leaves_no_trusted_file(fake_world, monkeypatch) -> None:
    calls: list[str] = []

    class Broken(_Response):
        def read(self, size: int = -1) -> bytes:
            if self.tell() > 10:
                raise TimeoutError("connection dropped")
            return super().read(16)

    def serve(url: str, timeout: float = 0) -> _Response:
        calls.append(url)
        name = url.rsplit("/", 1)[1]
        if "amazonaws" in url:  # first mirror: cut off half-way
            return Broken(gzip.compress(fake_raw[name]))
        return _Response(b"<html>not a gzip file</html>")  # second mirror: wrong content

    monkeypatch.setattr(download.urllib.request, "urlopen", serve)
    with pytest.raises(DataNotFoundError, match="connection dropped"):
        load_fashion_mnist()
    assert len(calls) == 2
    assert list(fake_world["cache"].iterdir()) == [], "partial download left in the cache"


# --- IDX parsing ------------------------------------------------------------------------------


def test_parse_idx_reads_images_and_labels() -> None:
    images = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    assert parse_idx(_idx_bytes(images)).tolist() == images.tolist()
    assert parse_idx(_idx_bytes(np.array([3, 1, 4]))).tolist() == [3, 1, 4]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x00\x00", "too short"),
        ((1234).to_bytes(4, "big") + b"\x00" * 8, "magic number 1234"),
        (_idx_bytes(np.zeros((2, 3, 4)))[:-1], "truncated"),
        (_idx_bytes(np.zeros((2, 3, 4))) + b"\x00", "header says"),
        ((2051).to_bytes(4, "big") + b"\x00\x00\x00\x01", "header needs"),
    ],
)
def test_parse_idx_checks_the_header(raw: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_idx(raw, name="x.idx")


# --- generated data, batches and splits -------------------------------------------------------


def test_make_students_is_seeded_plausible_and_shaped_for_bce() -> None:
    X, y = make_students(n=500, seed=3)
    assert X.shape == (500, 2) and X.dtype == torch.float32
    assert y.shape == (500, 1) and set(y.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(X, make_students(n=500, seed=3)[0])
    assert not torch.equal(X, make_students(n=500, seed=4)[0])
    studied, slept = X[:, 0], X[:, 1]
    assert studied.min() >= 0 and studied.max() <= 10
    assert slept.min() >= 4 and slept.max() <= 10
    # Plausible: those who studied more pass more often; the rule is noisy, not deterministic.
    assert y[studied > 7].mean() > 0.6 > 0.2 > y[studied < 3].mean()
    assert 0.3 < y.mean() < 0.7
    # Not linear in sleep: among hard workers, too little and too much sleep both hurt.
    hard_workers = studied > 7
    rested = y[hard_workers & (slept > 6.5) & (slept < 8.5)].mean()
    assert rested > 0.9
    assert y[hard_workers & (slept < 5.5)].mean() < 0.5 < rested
    assert y[hard_workers & (slept > 9.5)].mean() < 0.5 < rested
    with pytest.raises(ValueError, match="at least 1"):
        make_students(n=0)


def test_student_pass_probability_is_the_rule_make_students_draws_from() -> None:
    X, y = make_students(n=200_000, seed=0)
    p = student_pass_probability(X)
    assert p.shape == (200_000,) and p.dtype == torch.float32
    assert abs(p.mean().item() - y.mean().item()) < 0.01
    # students the rule gives about 0.3 pass about 30% of the time
    band = (p > 0.25) & (p < 0.35)
    assert abs(y[band].mean().item() - p[band].mean().item()) < 0.02
    # 7.5 hours of sleep needs 1.5 hours of study; 6 and 9 hours of sleep need the same
    rows = torch.tensor([[1.5, 7.5], [4.875, 6.0], [4.875, 9.0]])
    assert torch.allclose(student_pass_probability(rows), torch.full((3,), 0.5))
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        student_pass_probability(torch.zeros(3))


def test_make_moons_split_is_the_same_split_for_the_same_seed() -> None:
    X_train, X_test, y_train, y_test = make_moons_split(seed=0)
    assert X_train.shape == (750, 2) and X_test.shape == (250, 2)
    assert np.array_equal(X_test, make_moons_split(seed=0)[1])
    assert abs(y_test.mean() - 0.5) < 0.01  # stratified


def test_flatten_images_scales_to_unit_range() -> None:
    X = torch.tensor([[[0, 255], [51, 102]]], dtype=torch.uint8)
    flat = flatten_images(X)
    assert flat.shape == (1, 4) and flat.dtype == torch.float32
    assert torch.allclose(flat, torch.tensor([[0.0, 1.0, 0.2, 0.4]]))
    assert flatten_images(X, scale=False).max() == 255


def test_batches_cover_every_example_once_in_shuffled_order() -> None:
    X = torch.arange(10).float().unsqueeze(1)
    y = torch.arange(10)
    seen = [(xb, yb) for xb, yb in batches(X, y, 4, generator=torch.Generator().manual_seed(0))]
    assert [len(yb) for _, yb in seen] == [4, 4, 2]
    order = torch.cat([yb for _, yb in seen])
    assert sorted(order.tolist()) == list(range(10)) and order.tolist() != list(range(10))
    for xb, yb in seen:  # X and y stay paired
        assert torch.equal(xb.squeeze(1).long(), yb)
    again = torch.cat(
        [yb for _, yb in batches(X, y, 4, generator=torch.Generator().manual_seed(0))]
    )
    assert torch.equal(order, again)


def test_batches_in_order_and_drop_last() -> None:
    X, y = torch.zeros(10, 3), torch.arange(10)
    assert [yb.tolist() for _, yb in batches(X, y, 4, shuffle=False)][0] == [0, 1, 2, 3]
    assert [len(yb) for _, yb in batches(X, y, 4, shuffle=False, drop_last=True)] == [4, 4]


@pytest.mark.parametrize(
    ("n_y", "batch_size", "message"),
    [
        (9, 4, "same examples"),
        (10, 0, "at least 1"),
        # batches(X, y, True) once gave batches of one: True is a bool, not a batch size
        (10, True, "positive integer"),
        (10, 2.5, "positive integer"),
    ],
)
def test_batches_reject_bad_input(n_y: int, batch_size: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        next(batches(torch.zeros(10, 2), torch.zeros(n_y), batch_size))


def test_train_val_split_is_disjoint_complete_and_seeded() -> None:
    X, y = torch.arange(100).float().unsqueeze(1), torch.arange(100)
    X_tr, X_val, y_tr, y_val = train_val_split(X, y, val_fraction=0.2, seed=1)
    assert len(y_tr) == 80 and len(y_val) == 20
    assert sorted(torch.cat([y_tr, y_val]).tolist()) == list(range(100))
    assert torch.equal(X_val.squeeze(1).long(), y_val)
    assert torch.equal(y_val, train_val_split(X, y, val_fraction=0.2, seed=1)[3])
    with pytest.raises(ValueError, match="between 0 and 1"):
        train_val_split(X, y, val_fraction=1.5)
    with pytest.raises(ValueError, match="empty split"):
        train_val_split(X[:3], y[:3], val_fraction=0.1)
    with pytest.raises(ValueError, match="same examples"):
        train_val_split(X, y[:50])


# --- the generic verified fetch, as a new data set would use it -------------------------------


def test_a_new_data_set_is_a_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = b"carat,cut,price\n0.23,Ideal,326\n"
    home = tmp_path / "pkg"
    home.mkdir()
    (home / "table.csv").write_bytes(content)
    spec = download.DatasetSpec(
        name="A table",
        cache_name="table",
        sha256={"table.csv": hashlib.sha256(content).hexdigest()},
        system_dirs=(home,),
        install_hint="pip install table-package",
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("MLPCOURSE_DATA", raising=False)
    contents, sources = download.fetch_verified(spec)
    assert contents == {"table.csv": content} and sources["table.csv"] == home / "table.csv"
    (home / "table.csv").write_bytes(content + b"0.21,Premium,326\n")  # the content changed
    with pytest.raises(DataNotFoundError) as err:
        download.fetch_verified(spec)
    assert "SHA-256" in str(err.value) and "pip install table-package" in str(err.value)
    assert "download=True" not in str(err.value), "no mirrors: no advice to download"


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    # the XDG Base Directory specification: relative paths are invalid and must be ignored
    from mlpcourse.data.download import cache_dir
    from mlpcourse.data.fashion_mnist import FASHION_MNIST_SPEC

    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert cache_dir(FASHION_MNIST_SPEC) == Path.home() / ".cache/mlpcourse/fashion-mnist"
    monkeypatch.setenv("XDG_CACHE_HOME", "/abs/cache")
    assert cache_dir(FASHION_MNIST_SPEC) == Path("/abs/cache/mlpcourse/fashion-mnist")
