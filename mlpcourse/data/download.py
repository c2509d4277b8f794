"""Verified data files: find them in known folders or download them, trusting only checked bytes.

A data set is described by a :class:`DatasetSpec` (file names, SHA-256 of each file's content,
mirrors, cache folder name, system folders, how to install it). :func:`fetch_verified` looks for
each file in order (an explicit ``root``, ``$MLPCOURSE_DATA``, the user cache, the system
folders), checks the SHA-256 of the *decompressed* bytes, and downloads from the mirrors into the
cache only when no verified copy is found. A download is written to a temporary file and renamed
only after its hash matches, so a corrupt or truncated file never gets the name the loader trusts.

The network is assumed hostile: every failure of a mirror (refused, cut off mid-stream, not
HTTP, an HTML page instead of the file, a stall or a trickle past the per-file deadline, a body or
a decompression larger than the file can be) moves on to the next mirror, and the last one ends in
a single :class:`DataNotFoundError` naming everything tried. Memory and disk stay bounded by the
expected sizes. ``$MLPCOURSE_MIRRORS`` (space-separated base URLs) replaces a data set's mirrors,
for a class behind a proxy or with a local copy; downloads from it are verified the same way.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import os
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from mlpcourse.files import FolderNotWritableError, atomic_writer

__all__ = [
    "DataNotFoundError",
    "DatasetSpec",
    "cache_dir",
    "data_search_path",
    "fetch_verified",
    "mirrors",
    "read_verified",
]

MIRRORS_ENV = "MLPCOURSE_MIRRORS"
READ_TIMEOUT = 30.0  # seconds one read may block
FILE_DEADLINE = 600.0  # seconds one file's download may take in all, whatever the server does
UNKNOWN_SIZE_LIMIT = 1 << 30  # bytes, for files whose size the spec does not give


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
        ``$XDG_CACHE_HOME/mlpcourse/<cache_name>`` (``~/.cache`` when the variable is unset or,
        as the XDG specification says, not an absolute path).
    """
    configured = os.environ.get("XDG_CACHE_HOME")
    # the XDG Base Directory specification: a relative path is invalid and must be ignored
    base = Path(configured) if configured and Path(configured).is_absolute() else None
    return (base or Path.home() / ".cache") / "mlpcourse" / spec.cache_name


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


def mirrors(spec: DatasetSpec) -> tuple[str, ...]:
    """Return the base URLs to download from: ``$MLPCOURSE_MIRRORS`` if set, else the spec's.

    Parameters
    ----------
    spec : DatasetSpec
        The data set.

    Returns
    -------
    tuple[str, ...]
        Base URLs, each ending in "/", tried in order.
    """
    env = os.environ.get(MIRRORS_ENV, "").split()
    chosen = env or list(spec.mirrors)
    return tuple(url if url.endswith("/") else url + "/" for url in chosen)


def _size_limit(spec: DatasetSpec, filename: str) -> int:
    """Most bytes a file's content may have: its expected size, else a generous cap."""
    return spec.expected_sizes.get(filename, UNKNOWN_SIZE_LIMIT)


def _read_bounded(path: Path, filename: str, limit: int) -> bytes:
    """Read (and gunzip) at most ``limit`` content bytes; raise ValueError past that."""
    if filename.endswith(".gz"):
        # A gzip file is never much larger than its content; a bigger one is not this file.
        if path.stat().st_size > limit + limit // 100 + (1 << 16):
            raise ValueError(f"{path.stat().st_size} bytes compressed, too large for the file")
        with gzip.open(path, "rb") as f:
            raw = f.read(limit + 1)  # stops there: a gzip bomb cannot take more memory
    else:
        with path.open("rb") as f:
            raw = f.read(limit + 1)
    if len(raw) > limit:
        raise ValueError(f"content is larger than the expected {limit} bytes")
    return raw


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
        raw = _read_bounded(path, filename, _size_limit(spec, filename))
    except (OSError, EOFError, zlib.error, ValueError) as err:  # BadGzipFile is an OSError
        return None, f"{path}: cannot be read or decompressed ({err})"
    expected = spec.sha256[filename]
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected:
        return None, (
            f"{path}: SHA-256 of the content is {actual[:16]}..., expected {expected[:16]}... "
            f"(corrupt, truncated or not {spec.name})"
        )
    return raw, None


class _CacheNotWritable(OSError):
    """The cache folder cannot be created or written: no mirror can help."""


def _remove_stale_parts(dest_dir: Path, filename: str) -> None:
    """Delete partial downloads of ``filename`` left by a run that died (older than a deadline)."""
    for part in dest_dir.glob(f"{filename}.*.part"):
        try:
            if time.time() - part.stat().st_mtime > FILE_DEADLINE:
                part.unlink()
        except OSError:
            pass  # another process removed or is finishing it


def _fetch_to(url: str, out: io.BufferedWriter, max_bytes: int) -> None:
    """Stream ``url`` into ``out``; stop past ``max_bytes`` or the per-file deadline."""
    deadline = time.monotonic() + FILE_DEADLINE
    with urllib.request.urlopen(url, timeout=READ_TIMEOUT) as resp:
        # HTTPResponse.read1 returns what has arrived instead of waiting to fill the buffer, so a
        # trickling server is caught by the deadline rather than blocking one read for hours.
        read = resp.read1 if isinstance(resp, http.client.HTTPResponse) else resp.read
        total = 0
        while chunk := read(1 << 16):
            total += len(chunk)
            if total > max_bytes:
                raise ValueError(f"the server sent more than {max_bytes} bytes; stopped")
            if time.monotonic() > deadline:
                raise TimeoutError(f"not finished after {FILE_DEADLINE:g} s; stopped")
            out.write(chunk)


def _download(filename: str, spec: DatasetSpec, dest_dir: Path) -> tuple[bytes | None, str]:
    """Fetch ``filename`` from the mirrors into ``dest_dir`` atomically; return (bytes, log).

    Raises ``_CacheNotWritable`` when ``dest_dir`` cannot hold a download.
    """
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(dest_dir, filename)
    except OSError as err:
        raise _CacheNotWritable(f"cannot create the cache folder {dest_dir} ({err})") from err
    limit = _size_limit(spec, filename)
    max_bytes = limit + limit // 100 + (1 << 16) if filename.endswith(".gz") else limit
    problems = []
    for mirror in mirrors(spec):
        url = mirror + filename
        try:
            # the one atomic writer: only a verified file gets the real name, nothing half-written
            # stays behind, whatever goes wrong
            with atomic_writer(dest_dir / filename, suffix=".part") as out:
                _fetch_to(url, out, max_bytes)
                out.flush()
                raw, problem = read_verified(Path(out.name), spec, filename)
                if raw is None:
                    raise _Unverified(problem or "unreadable")
            return raw, ""
        except FolderNotWritableError as err:
            raise _CacheNotWritable(f"cannot write in the cache folder {dest_dir} ({err})") from err
        except _Unverified as err:
            problems.append(f"{url}: {err}")
        except (OSError, ValueError, http.client.HTTPException) as err:
            # OSError covers URLError, timeouts and refused connections; HTTPException covers
            # bodies cut off mid-stream (IncompleteRead) and answers that are not HTTP.
            problems.append(f"{url}: {type(err).__name__}: {err}")
    return None, "; ".join(problems) or f"no mirrors to try (set {MIRRORS_ENV}?)"


class _Unverified(Exception):
    """A downloaded file that does not match its SHA-256 (or cannot be read)."""


def _missing_data_message(
    spec: DatasetSpec, problems: list[str], searched: list[Path], download: bool
) -> str:
    lines = [f"{spec.name} could not be found" + (" or downloaded." if download else ".")]
    lines.append("Searched: " + ", ".join(str(p) for p in searched))
    lines += [f"  - {p}" for p in problems]
    lines.append("To get the data, do one of:")
    if spec.install_hint:
        lines.append(f"  * {spec.install_hint};")
    if mirrors(spec):
        lines.append(
            "  * connect to the internet once and load it with download=True "
            f"(it caches the files in {cache_dir(spec)}; set XDG_CACHE_HOME to move the cache, "
            f"or {MIRRORS_ENV}='https://your.mirror/path/' to download from your own mirror);"
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
    named = [(f"root={root}", root)] if root is not None else []
    if os.environ.get("MLPCOURSE_DATA"):
        named.append(
            (f"MLPCOURSE_DATA={os.environ['MLPCOURSE_DATA']}", os.environ["MLPCOURSE_DATA"])
        )
    for label, folder in named:
        if not Path(folder).expanduser().is_dir():
            raise DataNotFoundError(
                _missing_data_message(
                    spec,
                    [
                        f"{label} is not a folder: point it at the folder holding the files, "
                        "or leave it unset"
                    ],
                    searched,
                    download,
                )
            )
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
        if raw is None and download and mirrors(spec):
            try:
                raw, log = _download(filename, spec, cache_dir(spec))
            except _CacheNotWritable as err:
                raw, log = (
                    None,
                    (
                        f"{err}: set XDG_CACHE_HOME to a writable folder, or put the files in a "
                        "folder and set MLPCOURSE_DATA to it"
                    ),
                )
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
