"""Writing files so that nothing is lost: the old file or the whole new one, never half of one.

The one atomic-write helper of the package: checkpoints (:mod:`mlpcourse.checkpoints`), the
distributed script's measurements (:mod:`mlpcourse.ddp`) and downloads
(:mod:`mlpcourse.data.download`) all write through :func:`atomic_writer`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["FolderNotWritableError", "atomic_writer", "check_writable_file", "write_atomically"]


class FolderNotWritableError(OSError):
    """The folder that should hold a file cannot be created or written."""


@contextmanager
def atomic_writer(path: str | os.PathLike[str], suffix: str = ".tmp") -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path`` for writing; give it the real name only at the end.

    The temporary file (``<name>.<random><suffix>`` in the same folder, so the rename cannot
    cross file systems) is flushed and fsynced, then renamed over ``path`` in one step. If the
    block raises, or the process is interrupted, the temporary file is removed and ``path`` keeps
    its old content (or stays absent). ``file.name`` is the temporary file's path, for a caller
    that checks what it wrote before the rename.

    Parameters
    ----------
    path : path
        The file to write; its folder is created if needed.
    suffix : str, default ".tmp"
        The temporary file's suffix.

    Yields
    ------
    BinaryIO
        The temporary file, open for binary writing.

    Raises
    ------
    FolderNotWritableError
        When the folder cannot be created or written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=suffix, dir=path.parent)
    except OSError as err:
        raise FolderNotWritableError(f"cannot write in {path.parent} ({err})") from err
    os.close(fd)
    try:
        with open(tmp_name, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp_name, path)
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through :func:`atomic_writer`; return the path.

    Parameters
    ----------
    path : path
        The file to write.
    data : bytes
        Its whole content.

    Returns
    -------
    Path
        The path written.
    """
    with atomic_writer(path) as file:
        file.write(data)
    return Path(path)


def check_writable_file(path: str | os.PathLike[str], what: str) -> Path:
    """Raise a ``ValueError`` now, before any work, if ``path`` could not be written later.

    A folder, a parent that is a file, or a folder that cannot be created or written would
    otherwise be found out only when the work is done and its result is about to be saved.

    Parameters
    ----------
    path : path
        The file to be written.
    what : str
        What it is, for the message ("--out").

    Returns
    -------
    Path
        The path, resolved.
    """
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        raise ValueError(f"{what} {path} is a folder: give a file name")
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise ValueError(f"{what} {path}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"{what} {path}: the folder {folder} cannot be written")
    return path
