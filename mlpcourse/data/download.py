"""Verified data files: find them in known folders or download them, trusting only checked bytes.

A data set is described by a :class:`DatasetSpec` (file names, SHA-256 of each file's content,
mirrors, cache folder name, system folders, how to install it). :func:`fetch_verified` looks for
each file in order (an explicit ``root``, ``$MLPCOURSE_DATA``, the user cache, the system
folders), checks the SHA-256 of the *decompressed* bytes, and downloads from the mirrors into the
cache only when no verified copy is found. A download is written to a temporary file and renamed
only after its hash matches, so a corrupt or truncated file never gets the name the loader trusts.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DataNotFoundError",
    "DatasetSpec",
    "cache_dir",
    "data_search_path",
    "fetch_verified",
    "read_verified",
]


class DataNotFoundError(FileNotFoundError):
    """Raised when no verified copy of a data set can be found or downloaded."""


@dataclass(frozen=True)
class DatasetSpec:
    """What the loader needs to know to find, download and verify a data set's files.

    Parameters
    ----------
    name : str
        The data set's name, for messages ("Fashion-MNIST").
    cache_name : str
        Folder name under the user cache (``~/.cache/mlpcourse/<cache_name>``).
    sha256 : dict[str, str]
        File name -> SHA-256 of its content (of the decompressed bytes for ``.gz`` files).
    mirrors : tuple[str, ...]
        Base URLs tried in order; a file's URL is the base followed by its name.
    system_dirs : tuple[Path, ...]
        Folders where a system package installs the files (searched after the cache).
    install_hint : str
        One line saying how to install the files with a package manager.
    expected_sizes : dict[str, int]
        File name -> size in bytes of its (decompressed) content, where known.
    """

    name: str
    cache_name: str
    sha256: dict[str, str]
    mirrors: tuple[str, ...] = ()
    system_dirs: tuple[Path, ...] = ()
    install_hint: str = ""
    expected_sizes: dict[str, int] = field(default_factory=dict)


def cache_dir(spec: DatasetSpec) -> Path:
    """Return the user cache folder for a data set (honours ``XDG_CACHE_HOME``).

    Parameters
    ----------
    spec : DatasetSpec
        The data set.

    Returns
    -------
    Path
        ``$XDG_CACHE_HOME/mlpcourse/<cache_name>`` (``~/.cache`` when the variable is unset).
    """
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "mlpcourse" / spec.cache_name


def data_search_path(spec: DatasetSpec, root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Return the folders searched for a data set's files, in order.

    Parameters
    ----------
    spec : DatasetSpec
        The data set.
    root : path, optional
        A folder the caller names; searched first.

    Returns
    -------
    list[Path]
        ``root``, ``$MLPCOURSE_DATA``, the user cache, then the spec's system folders.
    """
    candidates: list[Path] = []
    if root is not None:
        candidates.append(Path(root).expanduser())
    if os.environ.get("MLPCOURSE_DATA"):
        candidates.append(Path(os.environ["MLPCOURSE_DATA"]).expanduser())
    candidates += [cache_dir(spec), *spec.system_dirs]
    return list(dict.fromkeys(candidates))


def read_verified(
    path: Path, spec: DatasetSpec, filename: str | None = None
) -> tuple[bytes | None, str | None]:
    """Read ``path`` (decompressing ``.gz``) and check its SHA-256 as the spec's ``filename``.

    Parameters
    ----------
    path : Path
        The file to read.
    spec : DatasetSpec
        The data set whose hash the content must match.
    filename : str, optional
        The name the file has in the spec (default: ``path.name``).

    Returns
    -------
    tuple
        ``(content, None)`` when the hash matches, else ``(None, why)``.
    """
    filename = filename or path.name
    try:
        raw = path.read_bytes()
        if filename.endswith(".gz"):
            raw = gzip.decompress(raw)
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        return None, f"{path}: cannot be read or decompressed ({err})"
    expected = spec.sha256[filename]
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected:
        return None, (
            f"{path}: SHA-256 of the content is {actual[:16]}..., expected {expected[:16]}... "
            f"(corrupt, truncated or not {spec.name})"
        )
    return raw, None


def _download(
    filename: str, spec: DatasetSpec, dest_dir: Path, timeout: float = 30.0
) -> tuple[bytes | None, str]:
    """Fetch ``filename`` from the mirrors into ``dest_dir`` atomically; return (bytes, log)."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    problems = []
    for mirror in spec.mirrors:
        url = mirror + filename
        fd, tmp_name = tempfile.mkstemp(prefix=filename + ".", suffix=".part", dir=dest_dir)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
                while chunk := resp.read(1 << 20):
                    out.write(chunk)
            raw, problem = read_verified(tmp, spec, filename)
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


def _missing_data_message(
    spec: DatasetSpec, problems: list[str], searched: list[Path], download: bool
) -> str:
    lines = [f"{spec.name} could not be found" + (" or downloaded." if download else ".")]
    lines.append("Searched: " + ", ".join(str(p) for p in searched))
    lines += [f"  - {p}" for p in problems]
    lines.append("To get the data, do one of:")
    if spec.install_hint:
        lines.append(f"  * {spec.install_hint};")
    if spec.mirrors:
        lines.append(
            "  * connect to the internet once and load it with download=True "
            f"(it caches the files in {cache_dir(spec)});"
        )
    lines.append(
        f"  * put the files ({', '.join(spec.sha256)}) in a folder and set "
        "MLPCOURSE_DATA=/that/folder (or pass root=...)."
    )
    return "\n".join(lines)


def fetch_verified(
    spec: DatasetSpec,
    root: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> tuple[dict[str, bytes], dict[str, Path]]:
    """Return the verified content of every file of a data set, and where each was found.

    Parameters
    ----------
    spec : DatasetSpec
        The data set.
    root : path, optional
        A folder searched before the others.
    download : bool, default True
        Download from the spec's mirrors into the user cache when no verified copy is found.

    Returns
    -------
    tuple[dict[str, bytes], dict[str, Path]]
        File name -> content (decompressed), and file name -> the path it was read from.

    Raises
    ------
    DataNotFoundError
        When a file has no verified copy anywhere; the message says how to get the data.
    """
    searched = data_search_path(spec, root)
    problems: list[str] = []
    contents: dict[str, bytes] = {}
    sources: dict[str, Path] = {}
    for filename in spec.sha256:
        raw = None
        for folder in searched:
            path = folder / filename
            if not path.is_file():
                continue
            raw, problem = read_verified(path, spec, filename)
            if raw is not None:
                sources[filename] = path
                break
            problems.append(problem or f"{path}: unreadable")
        if raw is None and download and spec.mirrors:
            raw, log = _download(filename, spec, cache_dir(spec))
            if raw is None:
                problems.append(f"download of {filename} failed: {log}")
            else:
                sources[filename] = cache_dir(spec) / filename
        if raw is None:
            if not problems:
                problems.append(f"{filename} is in none of these folders")
            raise DataNotFoundError(_missing_data_message(spec, problems, searched, download))
        contents[filename] = raw
    return contents, sources
