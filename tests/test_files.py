"""mlpcourse.files: the one atomic-write helper, and the check of an output path before work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlpcourse import files


def test_a_write_replaces_the_file_in_one_step_and_is_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(files.os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    path = files.write_atomically(tmp_path / "sub" / "a.bin", b"new")
    assert path.read_bytes() == b"new" and synced, "written and fsynced before the rename"
    assert [p.name for p in path.parent.iterdir()] == ["a.bin"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), files.atomic_writer(path) as f:
        f.write(b"half of the new")
        raise KeyboardInterrupt  # the kernel stopped mid-write
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(files.FolderNotWritableError, match="cannot write in"):
        files.write_atomically(tmp_path / "file" / "a.bin", b"x")


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (lambda t: (t / "d").mkdir(), "d", "is a folder"),
        (lambda t: (t / "f").write_text("x"), "f/deeper/out.json", "is a file, not a folder"),
    ],
)
def test_outputs_are_checked_before_any_work(tmp_path: Path, make, name: str, message: str) -> None:
    make(tmp_path)
    with pytest.raises(ValueError, match=message):
        files.check_writable_file(tmp_path / name, "--out")
    assert files.check_writable_file(tmp_path / "new" / "out.json", "--out").name == "out.json"


def test_it_is_the_only_atomic_writer_in_the_package() -> None:
    package = Path(files.__file__).parent
    writers = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if p.name != "files.py" and ("mkstemp" in p.read_text() or "os.replace" in p.read_text())
    ]
    assert writers == [], f"write through mlpcourse.files.atomic_writer instead: {writers}"
